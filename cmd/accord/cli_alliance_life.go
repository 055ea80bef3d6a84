package main

import (
	"flag"

	"accord/client"
	"accord/domain"
)

func allianceConcludeCommand() command {
	return command{
		path: "alliance conclude", summary: "conclude the alliance: it takes no command after it, and stays readable (convener)",
		about:   "Refused while a vote is open: close it first. To carry on under a new charter, form a successor with `accord alliance create --predecessor`.",
		example: `accord alliance conclude --reason "Mandate fulfilled; renewed as the 2028 alliance"`,
		setup: func(fs *flag.FlagSet) action {
			reason := fs.String("reason", "", "why the alliance ends (`TEXT`, required)")
			return func(c *cli, _ []string) error {
				if *reason == "" {
					return usagef("give --reason")
				}
				aid, err := c.allianceID()
				if err != nil {
					return err
				}
				out, err := c.api.ConcludeAlliance(c.ctx, aid, *reason)
				if done, err := c.answered(err); done {
					return err
				}
				c.out.linef("Concluded the alliance at seq %d%s", out.Seq, because(out.Conclusion.Reason))
				return nil
			}
		},
	}
}

// resolveAlliance returns the id of the alliance arg is (a prefix of it
// will do) among those the token can see.
func (c *cli) resolveAlliance(arg string) (string, error) {
	if !isPrefix(arg) {
		return arg, nil
	}
	list, err := c.api.Alliances(c.ctx)
	if err != nil {
		return "", err
	}
	all := make([]candidate, len(list))
	for i, a := range list {
		all[i] = candidate{a.ID, a.Name}
	}
	return pick("alliance", arg, all)
}

// printSuccession writes what an alliance's state says of its place in a
// line of alliances: whether it was concluded, what it succeeds and what
// succeeds it.
func printSuccession(p *printer, a client.AllianceState) {
	if a.Conclusion != nil {
		p.fields("concluded", "seq "+uitoa(a.Conclusion.Seq)+", "+when(a.Conclusion.At)+" UTC"+because(a.Conclusion.Reason))
	}
	if a.Predecessor != nil {
		p.fields("succeeds", a.Predecessor.AllianceID+" (its seq "+uitoa(a.Predecessor.Seq)+", hash "+a.Predecessor.Hash[:16]+"…)")
	}
	for _, s := range a.Successors {
		p.fields("succeeded by", s.AllianceID+" '"+s.Name+"' (formed "+when(s.FormedAt)+" UTC, from seq "+uitoa(s.Seq)+")")
	}
}

// formSuccessor forms an alliance as the successor of predecessor (an id
// or a prefix of one).
func (c *cli) formSuccessor(cmd domain.FormAlliance, predecessor string) (domain.Alliance, error) {
	pid, err := c.resolveAlliance(predecessor)
	if err != nil {
		return domain.Alliance{}, err
	}
	a, err := c.api.FormSuccessor(c.ctx, cmd, pid)
	return a.Alliance, err
}
