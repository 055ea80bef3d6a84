package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"

	"accord/client"
	"accord/domain"
)

// The commands that change a workgroup after it is formed.

func workgroupMembersCommand() command {
	return command{
		path: "workgroup members", params: []string{"WORKGROUP"},
		summary: "add members to a workgroup and remove others (convener)",
		example: "accord workgroup members $WID --add 0190c0de,0190c0df --remove 0190c0e0",
		setup: func(fs *flag.FlagSet) action {
			add := fs.String("add", "", "the `MEMBERS` to add, comma-separated ids (or prefixes)")
			remove := fs.String("remove", "", "the `MEMBERS` to remove, comma-separated ids (or prefixes)")
			return func(c *cli, args []string) error {
				if *add == "" && *remove == "" {
					return usagef("give --add, --remove or both")
				}
				added, err := c.memberList(*add)
				if err != nil {
					return err
				}
				removed, err := c.memberList(*remove)
				if err != nil {
					return err
				}
				return workgroupAction(c, args[0], func(aid, wid string) (client.Workgroup, error) {
					return c.api.ChangeWorkgroupMembers(c.ctx, aid, wid, added, removed)
				}, func(w client.Workgroup) string {
					return fmt.Sprintf("Workgroup '%s' now has %s", w.Name, plural(len(w.MemberIDs), "member"))
				})
			}
		},
	}
}

func workgroupProgressCommand() command {
	return command{
		path: "workgroup progress", params: []string{"WORKGROUP"},
		summary: "report progress on a workgroup's aim (convener, a member of it)",
		example: `accord workgroup progress $WID --value 6 --note "Six pilot sites live"`,
		setup: func(fs *flag.FlagSet) action {
			value := fs.Float64("value", 0, "the measured `VALUE` so far (required)")
			note := fs.String("note", "", "a `NOTE` for the record")
			return func(c *cli, args []string) error {
				if !isSet(fs, "value") {
					return usagef("give --value")
				}
				return workgroupAction(c, args[0], func(aid, wid string) (client.Workgroup, error) {
					return c.api.ReportWorkgroupProgress(c.ctx, aid, wid, *value, *note)
				}, func(w client.Workgroup) string {
					return fmt.Sprintf("Progress on '%s': %s", w.Name, workgroupProgress(w))
				})
			}
		},
	}
}

// workgroupOutcomes are the outcomes a workgroup closes with, in the order
// help lists them.
var workgroupOutcomes = []string{string(domain.WorkgroupMet), string(domain.WorkgroupMissed), string(domain.WorkgroupDissolved)}

func workgroupCloseCommand() command {
	return command{
		path: "workgroup close", params: []string{"WORKGROUP"},
		summary: "close a workgroup as met, missed or dissolved (convener)",
		example: `accord workgroup close $WID --outcome met --note "Twelve sites live"`,
		setup: func(fs *flag.FlagSet) action {
			outcome := fs.String("outcome", "", "how it ended: `OUTCOME` met, missed or dissolved (required)")
			note := fs.String("note", "", "a `NOTE` for the record")
			return func(c *cli, args []string) error {
				if !slices.Contains(workgroupOutcomes, *outcome) {
					return usagef("give --outcome %s", strings.Join(workgroupOutcomes, ", ")+" (one of them)")
				}
				return workgroupAction(c, args[0], func(aid, wid string) (client.Workgroup, error) {
					return c.api.CloseWorkgroup(c.ctx, aid, wid, domain.WorkgroupOutcome(*outcome), *note)
				}, func(w client.Workgroup) string {
					return fmt.Sprintf("Closed workgroup '%s' as %s at %s", w.Name, c.out.status(string(w.Status)), workgroupProgress(w))
				})
			}
		},
	}
}

// workgroupAction resolves workgroup arg, runs act on it and prints the
// line say makes of the workgroup it answers.
func workgroupAction(c *cli, arg string, act func(aid, wid string) (client.Workgroup, error), say func(client.Workgroup) string) error {
	aid, wid, err := c.allianceAnd(idWorkgroup, arg)
	if err != nil {
		return err
	}
	w, err := act(aid, wid)
	if done, err := c.answered(err); done {
		return err
	}
	c.out.linef("%s", say(w))
	return nil
}
