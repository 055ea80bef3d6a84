package main

import (
	"flag"

	"accord/client"
)

func proxyCommands() []command {
	return []command{
		proxyCommand("grant", "let another member cast your stance, on one proposal or on every one (member)",
			"The grant is recorded whatever the charter says; it counts only in votes whose rule allows proxies (max_proxies).\n"+
				"The proxy then votes with `accord vote PROPOSAL STANCE --for YOU`.",
			"accord proxy grant 0190c0de                 # a standing proxy, for every proposal\naccord proxy grant 0190c0de --proposal $PID"),
		proxyCommand("revoke", "take back a proxy you granted (its grantor)",
			"Name the grant as you gave it: the same member, and --proposal if it was for one proposal.",
			"accord proxy revoke 0190c0de\naccord proxy revoke 0190c0de --proposal $PID"),
	}
}

// proxyCommand is `proxy grant` or `proxy revoke`.
func proxyCommand(verb, summary, about, example string) command {
	return command{
		path: "proxy " + verb, params: []string{"MEMBER"}, summary: summary, about: about, example: example,
		setup: func(fs *flag.FlagSet) action {
			proposal := fs.String("proposal", "", "only for this `PROPOSAL` (default: a standing proxy, for every proposal)")
			return func(c *cli, args []string) error {
				aid, proxy, err := c.allianceAnd(idMember, args[0])
				if err != nil {
					return err
				}
				pid := ""
				if *proposal != "" {
					if pid, err = c.resolve(idProposal, *proposal); err != nil {
						return err
					}
				}
				var change client.ProxyChange
				if verb == "grant" {
					change, err = c.api.GrantProxy(c.ctx, aid, proxy, pid)
				} else {
					change, err = c.api.RevokeProxy(c.ctx, aid, proxy, pid)
				}
				if done, err := c.answered(err); done {
					return err
				}
				c.out.linef("%s (seq %d)", c.proxyLine(aid, change), change.Seq)
				return nil
			}
		},
	}
}

// proxyLine says what a grant or revocation did, naming the proxy and the
// proposal.
func (c *cli) proxyLine(aid string, g client.ProxyChange) string {
	who := g.ProxyID
	if a, err := c.alliance(); err == nil {
		who = namesOf(a).member(g.ProxyID)
	}
	on := "a standing proxy (every proposal)"
	if g.ProposalID != "" {
		on = "a proxy on " + c.proposalName(aid, g.ProposalID)
	}
	if g.InForce {
		return who + " now holds " + on + " from you"
	}
	return "Revoked " + on + " held by " + who
}
