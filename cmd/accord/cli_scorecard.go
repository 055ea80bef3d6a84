package main

import (
	"flag"
	"strconv"

	"accord/client"
)

func scorecardCommands() []command {
	return []command{{
		path: "scorecard", summary: "how each member and workgroup is doing: commitments, votes, blocks, proxies, progress",
		about: "Per member: commitments open, fulfilled, withdrawn and overdue; the closed votes it took part in of those it was\n" +
			"eligible for; blocks cast; proxies held and given. Per workgroup: the latest value against its target.\n" +
			"With --at-seq or --at it shows the scorecard as it was then, judged overdue on that day.",
		example: "accord scorecard\naccord scorecard --at-seq 40\naccord scorecard --json",
		setup: func(fs *flag.FlagSet) action {
			asOf := asOfFlags(fs)
			return func(c *cli, _ []string) error {
				q, err := asOf()
				if err != nil {
					return err
				}
				aid, err := c.allianceID()
				if err != nil {
					return err
				}
				card, err := c.api.Scorecard(c.ctx, aid, q)
				if done, err := c.answered(err); done {
					return err
				}
				printScorecard(c, card)
				return nil
			}
		},
	}}
}

// printScorecard writes a scorecard's member and workgroup tables.
func printScorecard(c *cli, card client.Scorecard) {
	c.out.linef("%s", c.out.paint(bold, "Scorecard"))
	c.out.fields("seq", uitoa(card.Seq), "judged on", card.Today)
	c.out.section("Members")
	t := &table{header: []string{"NAME", "STATUS", "OPEN", "FULFILLED", "WITHDRAWN", "OVERDUE", "VOTED", "BLOCKS", "PROXIES HELD", "GIVEN"}, indent: "  "}
	for _, m := range card.Members {
		cm := m.Commitments
		t.add(m.Name, c.out.status(string(m.Status)), strconv.Itoa(cm.Open), strconv.Itoa(cm.Fulfilled), strconv.Itoa(cm.Withdrawn),
			overdueCount(c, cm.Overdue), strconv.Itoa(m.Votes.TookPart)+" of "+strconv.Itoa(m.Votes.Eligible),
			strconv.Itoa(m.Votes.Blocks), strconv.Itoa(len(m.Proxies.Held)), strconv.Itoa(len(m.Proxies.Given)))
	}
	c.out.table(t)
	if len(card.Workgroups) == 0 {
		return
	}
	c.out.section("Workgroups")
	t = &table{header: []string{"NAME", "STATUS", "PROGRESS", "DUE", "COMMITMENTS"}, indent: "  "}
	for _, w := range card.Workgroups {
		latest := "-"
		if w.Latest != nil {
			latest = number(*w.Latest)
		}
		status := c.out.status(string(w.Status))
		if w.Overdue {
			status += " " + c.out.paint(red, "overdue")
		}
		t.add(w.Name, status, latest+"/"+number(w.Target)+" "+w.Metric, w.Due,
			strconv.Itoa(w.Commitments.Fulfilled)+" of "+strconv.Itoa(len(w.Commitments.Items))+" fulfilled")
	}
	c.out.table(t)
}

// overdueCount writes a count of overdue commitments, red when not 0.
func overdueCount(c *cli, n int) string {
	if n == 0 {
		return "0"
	}
	return c.out.paint(red, strconv.Itoa(n))
}
