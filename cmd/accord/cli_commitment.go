package main

import (
	"flag"

	"accord/domain"
)

func commitmentCommands() []command {
	return []command{
		{
			path: "commitment make", summary: "commit to a measurable target on an adopted proposal, or toward a workgroup's aim (member)",
			example: `accord commitment make --proposal $PID --description "Serialise our own label" \
  --metric "percent of units serialised" --target 100 --due 2027-06-30
accord commitment make --workgroup $WID --description "Two pilot sites" --metric sites --target 2 --due 2027-06-30`,
			setup: setupCommitmentMake,
		},
		{
			path: "commitment progress", params: []string{"COMMITMENT"},
			summary: "report progress towards your commitment's target (its member)",
			example: `accord commitment progress $CID --value 40 --note "First plant done"`,
			setup: func(fs *flag.FlagSet) action {
				value := fs.Float64("value", 0, "the measured `VALUE` so far (required)")
				note := fs.String("note", "", "a `NOTE` for the record")
				return func(c *cli, args []string) error {
					if !isSet(fs, "value") {
						return usagef("give --value")
					}
					body := domain.ReportProgress{Value: *value, Note: *note}
					return commitmentAction(c, args[0], func(aid, cid string) (domain.Commitment, error) {
						api, err := c.member()
						if err != nil {
							return domain.Commitment{}, err
						}
						return api.ReportProgress(c.ctx, aid, cid, body)
					}, func(cm domain.Commitment) string {
						return "Progress on " + quoted(cm.Description) + ": " + progressText(cm)
					})
				}
			},
		},
		commitmentEnd("fulfil", "Fulfilled", `accord commitment fulfil $CID --note "Every unit serialised"
accord commitment fulfil $CID --value 100 --note "Every unit serialised"`),
		commitmentEnd("withdraw", "Withdrew", `accord commitment withdraw $CID --note "Plant sold"`),
	}
}

func setupCommitmentMake(fs *flag.FlagSet) action {
	pid := fs.String("proposal", "", "the adopted `PROPOSAL` it serves (this or --workgroup)")
	wid := fs.String("workgroup", "", "the `WORKGROUP` whose aim it serves, one you belong to (this or --proposal)")
	desc := fs.String("description", "", "what you commit to (`TEXT`, required)")
	metric := fs.String("metric", "", "what is measured (`TEXT`), such as \"percent of units serialised\"")
	target := fs.Float64("target", 0, "the `VALUE` to reach")
	due := fs.String("due", "", "the `DATE` it is due, such as 2027-06-30")
	quiet := quietFlag(fs)
	return func(c *cli, _ []string) error {
		if (*pid == "") == (*wid == "") || *desc == "" {
			return usagef("give --description, and --proposal or --workgroup (one of them)")
		}
		body := domain.MakeCommitment{Description: *desc, Metric: *metric, Target: *target, Due: *due}
		aid, err := c.allianceID()
		if err != nil {
			return err
		}
		if *pid != "" {
			body.ProposalID, err = c.resolve(idProposal, *pid)
		} else {
			body.WorkgroupID, err = c.resolve(idWorkgroup, *wid)
		}
		if err != nil {
			return err
		}
		api, err := c.member()
		if err != nil {
			return err
		}
		cm, err := api.MakeCommitment(c.ctx, aid, body)
		if done, err := c.answered(err); done {
			return err
		}
		if *quiet {
			c.out.linef("%s", cm.ID)
			return nil
		}
		c.out.linef("Committed to %s (%s by %s) %s: %s%s", quoted(cm.Description), progressText(cm), cm.Due,
			c.towardName(aid, cm), c.out.paint(bold, cm.ID), c.signedNote())
		return nil
	}
}

// commitmentEnd is `commitment fulfil` or `commitment withdraw`.
func commitmentEnd(verb, past, example string) command {
	return command{
		path: "commitment " + verb, params: []string{"COMMITMENT"},
		summary: verb + " your commitment (its member)",
		example: example,
		setup: func(fs *flag.FlagSet) action {
			note := fs.String("note", "", "a `NOTE` for the record")
			var value *float64
			if verb == "fulfil" {
				value = fs.Float64("value", 0, "the final measured `VALUE` (default: the last one reported, or 0)")
			}
			return func(c *cli, args []string) error {
				end := func(aid, cid string) (domain.Commitment, error) {
					if verb == "withdraw" {
						return c.api.WithdrawCommitment(c.ctx, aid, cid, domain.WithdrawCommitment{Note: *note})
					}
					api, err := c.member()
					if err != nil {
						return domain.Commitment{}, err
					}
					cmd := domain.FulfilCommitment{Note: *note}
					if isSet(fs, "value") {
						cmd.Value = value
					}
					return api.FulfilCommitment(c.ctx, aid, cid, cmd)
				}
				return commitmentAction(c, args[0], end, func(cm domain.Commitment) string {
					return past + " the commitment " + quoted(cm.Description) + because(*note)
				})
			}
		},
	}
}

// commitmentAction resolves commitment arg, runs act on it and prints the
// line say makes of the commitment it answers.
func commitmentAction(c *cli, arg string, act func(aid, cid string) (domain.Commitment, error), say func(domain.Commitment) string) error {
	aid, cid, err := c.allianceAnd(idCommitment, arg)
	if err != nil {
		return err
	}
	cm, err := act(aid, cid)
	if done, err := c.answered(err); done {
		return err
	}
	c.out.linef("%s%s", say(cm), c.signedNote())
	return nil
}

func quoted(s string) string { return `"` + s + `"` }

// isSet reports whether the flag was given.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
