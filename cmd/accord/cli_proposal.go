package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"accord/client"
	"accord/domain"
)

func proposalCommands() []command {
	return []command{
		{
			path: "proposal submit", summary: "submit a proposal (member)",
			about: "A charter proposal carries the charter it would bring in: give --rule, --quorum and --threshold.",
			example: `accord proposal submit --kind resolution --title "Unit-level traceability" --body "Serialise every unit by 2027."
accord proposal submit --kind charter --title "Move to supermajority" --body "…" --rule supermajority --threshold 2/3
PID=$(accord proposal submit --title "Shared data standard" --body-file standard.md -q)`,
			setup: setupProposalSubmit,
		},
		{
			path: "proposal list", summary: "list an alliance's proposals",
			example: "accord proposal list\naccord proposal list --at 2026-11-22",
			setup: func(fs *flag.FlagSet) action {
				asOf := asOfFlags(fs)
				return func(c *cli, _ []string) error { return proposalList(c, asOf) }
			},
		},
		{
			path: "proposal show", params: []string{"PROPOSAL"},
			summary: "show a proposal: its text, amendments, voting, stances and outcome",
			example: "accord proposal show $PID\naccord proposal show $PID --at-seq 9",
			setup: func(fs *flag.FlagSet) action {
				asOf := asOfFlags(fs)
				return func(c *cli, args []string) error { return proposalShow(c, args[0], asOf) }
			},
		},
		{
			path: "proposal withdraw", params: []string{"PROPOSAL"},
			summary: "withdraw your proposal (its author) before the vote closes",
			example: `accord proposal withdraw $PID --reason "Superseded by the shared data standard"`,
			setup: func(fs *flag.FlagSet) action {
				reason := fs.String("reason", "", "the `REASON`, for the record")
				return func(c *cli, args []string) error {
					return proposalAction(c, args[0], func(aid, pid string) (domain.Proposal, error) {
						return c.api.WithdrawProposal(c.ctx, aid, pid, *reason)
					}, func(p domain.Proposal) string {
						return fmt.Sprintf("Withdrew proposal '%s'%s", p.Title, because(*reason))
					})
				}
			},
		},
		amendCommand(), amendmentCommand("accept"), amendmentCommand("reject"),
	}
}

// bodyFlags declares --body and --body-file and returns a function reading
// whichever was given ("-" reads standard input).
func bodyFlags(fs *flag.FlagSet, what string) func(c *cli) (string, error) {
	body := fs.String("body", "", "the "+what+"'s `TEXT`")
	file := fs.String("body-file", "", "read the "+what+"'s text from `FILE` (- for standard input)")
	return func(c *cli) (string, error) {
		switch {
		case *body != "" && *file != "":
			return "", usagef("give --body or --body-file, not both")
		case *file == "-" && c.stdin == nil:
			return "", usagef("there is no standard input to read the text from")
		case *file == "-":
			raw, err := io.ReadAll(c.stdin)
			return strings.TrimRight(string(raw), "\n"), err
		case *file != "":
			raw, err := os.ReadFile(*file)
			return strings.TrimRight(string(raw), "\n"), err
		case *body == "":
			return "", usagef("give --body or --body-file")
		}
		return *body, nil
	}
}

func setupProposalSubmit(fs *flag.FlagSet) action {
	kind := fs.String("kind", "resolution", "`KIND`: resolution, charter, operating_agreement or position")
	title := fs.String("title", "", "the proposal's `TITLE` (required)")
	body := bodyFlags(fs, "proposal")
	charter := charterFlags(fs, "")
	quiet := quietFlag(fs)
	return func(c *cli, _ []string) error {
		text, err := body(c)
		if err != nil {
			return err
		}
		cmd := domain.SubmitProposal{Kind: domain.ProposalKind(*kind), Title: *title, Body: text}
		if ch := charter(); ch != (domain.Charter{}) {
			if *kind != "charter" {
				return usagef("--rule, --quorum and --threshold go with --kind charter")
			}
			cmd.Charter = &ch
		}
		aid, err := c.allianceID()
		if err != nil {
			return err
		}
		api, err := c.member()
		if err != nil {
			return err
		}
		p, err := api.SubmitProposal(c.ctx, aid, cmd)
		if done, err := c.answered(err); done {
			return err
		}
		if *quiet {
			c.out.linef("%s", p.ID)
			return nil
		}
		c.out.linef("Submitted proposal '%s' (%s, version %d): %s%s", p.Title, p.Kind, p.Version, c.out.paint(bold, p.ID), c.signedNote())
		return nil
	}
}

// proposalAction resolves proposal arg, runs act on it and prints the line
// say makes of the proposal it answers.
func proposalAction(c *cli, arg string, act func(aid, pid string) (domain.Proposal, error), say func(domain.Proposal) string) error {
	aid, pid, err := c.allianceAnd(idProposal, arg)
	if err != nil {
		return err
	}
	p, err := act(aid, pid)
	if done, err := c.answered(err); done {
		return err
	}
	c.out.linef("%s%s", say(p), c.signedNote())
	return nil
}

func amendCommand() command {
	return command{
		path: "amend", params: []string{"PROPOSAL"},
		summary: "propose an amendment to an open proposal (member)",
		about:   "Prints the amendment's id, which the proposal's author accepts or rejects.",
		example: `accord amend $PID --body "Serialise every unit by 2027, with a hardship waiver for small pharmacies." \
  --rationale "Small pharmacies need time."
AMID=$(accord amend $PID --body-file v2.md --rationale "Clearer" -q)`,
		setup: func(fs *flag.FlagSet) action {
			body := bodyFlags(fs, "amended proposal")
			rationale := fs.String("rationale", "", "the `REASON` the text should change")
			quiet := quietFlag(fs)
			return func(c *cli, args []string) error {
				text, err := body(c)
				if err != nil {
					return err
				}
				aid, pid, err := c.allianceAnd(idProposal, args[0])
				if err != nil {
					return err
				}
				api, err := c.member()
				if err != nil {
					return err
				}
				cmd := domain.ProposeAmendment{Body: text, Rationale: *rationale}
				am, err := api.ProposeAmendment(c.ctx, aid, pid, cmd)
				if done, err := c.answered(err); done {
					return err
				}
				if *quiet {
					c.out.linef("%s", am.ID)
					return nil
				}
				c.out.linef("Proposed amendment %s to %s%s", c.out.paint(bold, am.ID), c.proposalName(aid, pid), c.signedNote())
				return nil
			}
		},
	}
}

func amendmentCommand(verb string) command {
	return command{
		path: "amendment " + verb, params: []string{"PROPOSAL", "AMENDMENT"},
		summary: verb + " an amendment to your proposal (its author)",
		about:   "Accepting makes the amendment's text the proposal's next version.",
		example: "accord amendment " + verb + " $PID $AMID",
		setup: func(*flag.FlagSet) action {
			return func(c *cli, args []string) error {
				return proposalAction(c, args[0], func(aid, pid string) (domain.Proposal, error) {
					amid, err := c.resolve(idAmendment, args[1])
					if err != nil {
						return domain.Proposal{}, err
					}
					api, err := c.member()
					if err != nil {
						return domain.Proposal{}, err
					}
					if verb == "accept" {
						return api.AcceptAmendment(c.ctx, aid, pid, amid)
					}
					return api.RejectAmendment(c.ctx, aid, pid, amid)
				}, func(p domain.Proposal) string {
					if verb == "accept" {
						return fmt.Sprintf("Accepted the amendment to '%s': now version %d", p.Title, p.Version)
					}
					return fmt.Sprintf("Rejected the amendment to '%s': it stays at version %d", p.Title, p.Version)
				})
			}
		},
	}
}

// proposalName returns a proposal's title in quotes for a result line, or
// its id when it cannot be read.
func (c *cli) proposalName(aid, pid string) string {
	if p, err := c.api.Proposal(c.ctx, aid, pid, client.AsOf{}); err == nil {
		return "'" + p.Title + "'"
	}
	return "proposal " + pid
}
