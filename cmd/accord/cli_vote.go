package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"accord/client"
	"accord/domain"
)

func votingCommands() []command {
	return []command{
		{
			path: "voting open", params: []string{"PROPOSAL"},
			summary: "open voting on a proposal (convener)",
			about:   "The charter in force and the active members are frozen for this vote. With --closes-at or --closes-in the vote closes itself at the deadline.",
			example: "accord voting open $PID\naccord voting open $PID --closes-in 72h",
			setup:   setupVotingOpen,
		},
		{
			path: "vote", params: []string{"PROPOSAL", "STANCE"},
			summary: "cast or change your stance: agree, disagree, abstain or block (eligible member)",
			about: "Your latest stance before the close is the one that counts. With a key (accord key generate),\n" +
				"the vote is signed: its statement names the version being voted on, read from the proposal first.\n" +
				"With --for you cast the stance of a member whose proxy you are (accord proxy grant): it counts as that\n" +
				"member's own, in votes whose rule allows proxies.",
			example: `accord vote $PID agree --reason "Patients first."
accord --token-file m2.token vote $PID block --reason "Not before the waiver"
accord vote $PID agree --for 0190c0de --reason "As Cardinal asked"`,
			setup: setupVote,
		},
		{
			path: "voting close", params: []string{"PROPOSAL"},
			summary: "close the vote and record the outcome (convener)",
			example: "accord voting close $PID",
			setup:   func(*flag.FlagSet) action { return votingClose },
		},
		recordCommand(),
	}
}

func setupVotingOpen(fs *flag.FlagSet) action {
	closesAt := fs.String("closes-at", "", "close the vote by itself at this `TIME` (RFC 3339, or 2006-01-02 15:04 in UTC)")
	closesIn := fs.Duration("closes-in", 0, "close the vote by itself after this `DURATION`, such as 72h")
	return func(c *cli, args []string) error {
		var cmd domain.OpenVoting
		switch {
		case *closesAt != "" && *closesIn != 0:
			return usagef("give --closes-at or --closes-in, not both")
		case *closesAt != "":
			t, err := parseTime(*closesAt)
			if err != nil {
				return err
			}
			cmd.ClosesAt = &t
		case *closesIn != 0:
			t := time.Now().Add(*closesIn).UTC()
			cmd.ClosesAt = &t
		}
		return proposalAction(c, args[0], func(aid, pid string) (domain.Proposal, error) {
			return c.api.OpenVoting(c.ctx, aid, pid, cmd.ClosesAt)
		}, openedLine)
	}
}

func openedLine(p domain.Proposal) string {
	line := fmt.Sprintf("Voting opened on '%s' (version %d, %s): %s eligible", p.Title, p.Voting.Version,
		charterText(p.Voting.Rule), plural(len(p.Voting.Eligible), "member"))
	if p.Voting.ClosesAt != nil {
		line += ", closes " + when(*p.Voting.ClosesAt) + " UTC"
	}
	return line
}

func setupVote(fs *flag.FlagSet) action {
	reason := fs.String("reason", "", "the `REASON`, shown in the decision record")
	grantor := fs.String("for", "", "cast the stance of this `MEMBER`, whose proxy you are")
	return func(c *cli, args []string) error {
		if !slices.Contains(validStances, args[1]) {
			return usagef("%q is not a stance: give %s or %s", args[1],
				strings.Join(validStances[:len(validStances)-1], ", "), validStances[len(validStances)-1])
		}
		aid, pid, err := c.allianceAnd(idProposal, args[0])
		if err != nil {
			return err
		}
		cmd := domain.CastVote{Stance: domain.Stance(args[1]), Reason: *reason}
		if *grantor != "" {
			if cmd.OnBehalfOf, err = c.resolve(idMember, *grantor); err != nil {
				return err
			}
		}
		api, err := c.member()
		if err != nil {
			return err
		}
		v, err := api.CastVote(c.ctx, aid, pid, cmd)
		if done, err := c.answered(err); done {
			return err
		}
		c.out.linef("Recorded %s on %s%s (seq %d)%s", c.out.stance(v.Stance), c.proposalName(aid, pid), c.castFor(v), v.Seq, c.signedNote())
		return nil
	}
}

// castFor says for whom a proxy cast a vote; nothing for a member's own.
func (c *cli) castFor(v client.RecordedVote) string {
	if v.CastBy == "" {
		return ""
	}
	name := v.MemberID
	if a, err := c.alliance(); err == nil {
		name = namesOf(a).member(v.MemberID)
	}
	return " for " + name + " as their proxy"
}

// validStances are the stances a member may take, in the order help lists them.
var validStances = []string{string(domain.StanceAgree), string(domain.StanceDisagree), string(domain.StanceAbstain), string(domain.StanceBlock)}

func votingClose(c *cli, args []string) error {
	aid, pid, err := c.allianceAnd(idProposal, args[0])
	if err != nil {
		return err
	}
	out, err := c.api.CloseVoting(c.ctx, aid, pid)
	if done, err := c.answered(err); done {
		return err
	}
	p, err := c.api.Proposal(c.ctx, aid, pid, client.AsOf{})
	if err != nil || p.Voting == nil {
		c.out.linef("Proposal %s %s: %s", pid, c.out.status(string(out.Result)), tallyText(out.Tally))
		return nil
	}
	c.out.linef("Proposal '%s' %s: %s (%s)", p.Title, c.out.status(string(out.Result)), tallyText(out.Tally), charterText(p.Voting.Rule))
	return nil
}
