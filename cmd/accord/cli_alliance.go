package main

import (
	"flag"
	"strconv"

	"accord/client"
	"accord/domain"
)

func allianceCommands() []command {
	return []command{
		{
			path: "alliance create", summary: "form an alliance (admin)",
			about: "Prints the new alliance's id; export it as ACCORD_ALLIANCE so the other commands need no --alliance.",
			example: `accord alliance create --name "Drug Supply Chain Alliance" --purpose "Unit-level traceability" \
  --rule consensus --quorum 1/2 --threshold 3/4
export ACCORD_ALLIANCE=$(accord alliance create --name "Dual Eligible Coalition" --purpose "Integrated care" -q)
accord alliance create --name "Drug Supply Chain Alliance 2028" --purpose "The next term" --predecessor $OLD`,
			setup: setupAllianceCreate,
		},
		{
			path: "alliance list", summary: "list the alliances your token can see",
			example: "accord alliance list",
			setup:   func(*flag.FlagSet) action { return allianceList },
		},
		{
			path: "alliance show", params: []string{"[ALLIANCE]"},
			summary: "show an alliance: charter, members, observers, proposals, commitments",
			about:   "With --at-seq or --at it shows the alliance as it was then (time travel).",
			example: "accord alliance show\naccord alliance show 0190c0de-… --at-seq 9\naccord alliance show --at 2026-11-22T10:00:00Z",
			setup:   setupAllianceShow,
		},
		allianceConcludeCommand(), memberAddCommand(), memberWithdrawCommand(), observerAddCommand(),
	}
}

// charterFlags declares --rule, --quorum, --threshold, --signatures and
// --max-proxies; those not given take the server's defaults.
func charterFlags(fs *flag.FlagSet, rule string) func() domain.Charter {
	r := fs.String("rule", rule, "decision `RULE`: consensus, unanimity, supermajority or majority")
	q := fs.String("quorum", "", "the least share of eligible members who must take part, as a `FRACTION` such as 1/2 (default 1/2)")
	t := fs.String("threshold", "", "the share of agree needed, as a `FRACTION` (default 3/4 for consensus, 2/3 for supermajority)")
	s := fs.String("signatures", "", "`POLICY`: optional (the default) or required, when every member action must be signed with the member's key")
	p := fs.Int("max-proxies", 0, "how many other members one member may cast for on one proposal, as their proxy (`N`, default 0)")
	return func() domain.Charter {
		ch := domain.Charter{DecisionRule: domain.DecisionRule(*r), Quorum: *q, Threshold: *t, Signatures: domain.SignaturePolicy(*s)}
		if isSet(fs, "max-proxies") {
			ch.MaxProxies = domain.Proxies(*p)
		}
		return ch
	}
}

func setupAllianceCreate(fs *flag.FlagSet) action {
	name := fs.String("name", "", "the alliance's `NAME` (required)")
	purpose := fs.String("purpose", "", "what the alliance is for (`TEXT`, required)")
	charter := charterFlags(fs, "consensus")
	predecessor := fs.String("predecessor", "", "the `ALLIANCE` this one succeeds; its head is recorded")
	quiet := quietFlag(fs)
	return func(c *cli, _ []string) error {
		if *name == "" || *purpose == "" {
			return usagef("give --name and --purpose")
		}
		cmd := domain.FormAlliance{Name: *name, Purpose: *purpose, Charter: charter()}
		var a domain.Alliance
		var err error
		if *predecessor == "" {
			a, err = c.api.FormAlliance(c.ctx, cmd)
		} else {
			a, err = c.formSuccessor(cmd, *predecessor)
		}
		if done, err := c.answered(err); done {
			return err
		}
		if *quiet {
			c.out.linef("%s", a.ID)
			return nil
		}
		c.out.linef("Formed alliance '%s' (%s): %s", a.Name, charterText(a.Charter), c.out.paint(bold, a.ID))
		return nil
	}
}

func allianceList(c *cli, _ []string) error {
	list, err := c.api.Alliances(c.ctx)
	if done, err := c.answered(err); done {
		return err
	}
	t := newTable("ID", "NAME", "SEQ", "PURPOSE")
	for _, a := range list {
		t.add(a.ID, a.Name, uitoa(a.Seq), clip(a.Purpose, 50))
	}
	c.out.table(t)
	return nil
}

func setupAllianceShow(fs *flag.FlagSet) action {
	asOf := asOfFlags(fs)
	return func(c *cli, args []string) error {
		if len(args) == 1 {
			c.g.alliance = args[0]
		}
		q, err := asOf()
		if err != nil {
			return err
		}
		aid, err := c.allianceID()
		if err != nil {
			return err
		}
		a, err := c.api.State(c.ctx, aid, q)
		if done, err := c.answered(err); done {
			return err
		}
		printAlliance(c.out, a.Alliance, q != client.AsOf{})
		printSuccession(c.out, a)
		return nil
	}
}

// charterText reads a charter the way the explanations do: "consensus 3/4,
// quorum 1/2"; majority and unanimity have no threshold of their own.
func charterText(ch domain.Charter) string {
	rule := string(ch.DecisionRule)
	if ch.Threshold != "" && ch.DecisionRule != domain.RuleMajority && ch.DecisionRule != domain.RuleUnanimity {
		rule += " " + ch.Threshold
	}
	if ch.Quorum != "" {
		rule += ", quorum " + ch.Quorum
	}
	if ch.SignaturesRequired() {
		rule += ", signatures required"
	}
	if n := ch.MaxProxies.N(); n > 0 {
		rule += ", proxies up to " + strconv.Itoa(n) + " per member"
	}
	return rule
}
