package main

import (
	"flag"
	"strconv"
	"strings"

	"accord/client"
	"accord/domain"
)

func workgroupCommands() []command {
	return []command{
		{
			path: "workgroup form", summary: "form a workgroup of members with a measurable aim (convener)",
			example: `accord workgroup form --name "Serialisation pilots" --aim "Pilot unit-level serialisation" \
  --metric "pilot sites live" --target 12 --due 2027-03-31 --members 0190c0de,0190c0df
WID=$(accord workgroup form --name "Data standard" --aim "One shared format" --metric "drafts" --target 1 --due 2027-01-31 -q)`,
			setup: setupWorkgroupForm,
		},
		{
			path: "workgroup list", summary: "list an alliance's workgroups: status, latest value against target, overdue",
			about:   "With --at-seq or --at it lists them as they were then, judged overdue on that day.",
			example: "accord workgroup list\naccord workgroup list --at-seq 40",
			setup:   setupWorkgroupList,
		},
		{
			path: "workgroup show", params: []string{"WORKGROUP"},
			summary: "show a workgroup: its aim, target, members and every progress report",
			about:   "With --at-seq or --at it shows the workgroup as it was then.",
			example: "accord workgroup show $WID\naccord workgroup show $WID --at 2027-06-30",
			setup:   setupWorkgroupShow,
		},
		workgroupMembersCommand(), workgroupProgressCommand(), workgroupCloseCommand(),
	}
}

func setupWorkgroupForm(fs *flag.FlagSet) action {
	name := fs.String("name", "", "the workgroup's `NAME` (required)")
	aim := fs.String("aim", "", "what it is for (`TEXT`, required)")
	metric := fs.String("metric", "", "what is measured (`TEXT`, required), such as \"pilot sites live\"")
	target := fs.Float64("target", 0, "the `VALUE` to reach")
	due := fs.String("due", "", "the `DATE` it is due, such as 2027-03-31")
	members := fs.String("members", "", "its `MEMBERS`, comma-separated ids (or prefixes of them)")
	quiet := quietFlag(fs)
	return func(c *cli, _ []string) error {
		if *name == "" || *aim == "" || *metric == "" {
			return usagef("give --name, --aim and --metric")
		}
		aid, err := c.allianceID()
		if err != nil {
			return err
		}
		ids, err := c.memberList(*members)
		if err != nil {
			return err
		}
		cmd := domain.FormWorkgroup{Name: *name, Aim: *aim, Metric: *metric, Target: *target, Due: *due, MemberIDs: ids}
		w, err := c.api.FormWorkgroup(c.ctx, aid, cmd)
		if done, err := c.answered(err); done {
			return err
		}
		if *quiet {
			c.out.linef("%s", w.ID)
			return nil
		}
		c.out.linef("Formed workgroup '%s' (%s %s by %s, %s): %s", w.Workgroup.Name, number(w.Workgroup.Target), w.Workgroup.Metric,
			w.Workgroup.Due, plural(len(w.Workgroup.MemberIDs), "member"), c.out.paint(bold, w.ID))
		return nil
	}
}

// memberList resolves a comma-separated list of member ids or prefixes; ""
// is none.
func (c *cli) memberList(list string) ([]string, error) {
	if list == "" {
		return nil, nil
	}
	return c.resolveAll(idMember, strings.Split(list, ","))
}

func setupWorkgroupList(fs *flag.FlagSet) action {
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
		list, err := c.api.Workgroups(c.ctx, aid, q)
		if done, err := c.answered(err); done {
			return err
		}
		t := newTable("ID", "NAME", "AIM", "PROGRESS", "DUE", "MEMBERS", "STATUS")
		for _, w := range list.Workgroups {
			t.add(w.ID, w.Name, clip(w.Aim, 40), workgroupProgress(w), w.Due, strconv.Itoa(len(w.MemberIDs)), c.workgroupStatus(w))
		}
		c.out.table(t)
		return nil
	}
}

// workgroupStatus is a workgroup's status, "overdue" added while it is.
func (c *cli) workgroupStatus(w client.Workgroup) string {
	s := c.out.status(string(w.Status))
	if w.Overdue {
		s += " " + c.out.paint(red, "overdue")
	}
	return s
}

// workgroupProgress reads "6/12 pilot sites live", "-" standing for no
// report yet.
func workgroupProgress(w client.Workgroup) string {
	latest := "-"
	if w.Latest != nil {
		latest = number(*w.Latest)
	}
	return latest + "/" + number(w.Target) + " " + w.Metric
}

func setupWorkgroupShow(fs *flag.FlagSet) action {
	asOf := asOfFlags(fs)
	return func(c *cli, args []string) error {
		q, err := asOf()
		if err != nil {
			return err
		}
		aid, wid, err := c.allianceAnd(idWorkgroup, args[0])
		if err != nil {
			return err
		}
		w, err := c.api.Workgroup(c.ctx, aid, wid, q)
		if done, err := c.answered(err); done {
			return err
		}
		a, err := c.alliance()
		if err != nil {
			return err
		}
		printWorkgroup(c, a, w)
		return nil
	}
}

// printWorkgroup writes a workgroup with its members, progress history and
// the commitments made toward it.
func printWorkgroup(c *cli, a domain.Alliance, w client.Workgroup) {
	n := namesOf(a)
	c.out.linef("%s", c.out.paint(bold, w.Name))
	closed, latest := "", ""
	if w.Closure != nil {
		closed = "seq " + uitoa(w.Closure.Seq) + ", " + when(w.Closure.At) + " UTC" + because(w.Closure.Note)
	}
	if w.Latest != nil {
		latest = workgroupProgress(w)
	}
	c.out.fields("id", w.ID, "target", number(w.Target)+" "+w.Metric, "due", w.Due, "status", c.workgroupStatus(w), "latest", latest, "closed", closed)
	c.out.linef("")
	c.out.linef("%s", indent(w.Aim, "  "))
	c.out.section("Members")
	t := &table{header: []string{"ID", "NAME", "SECTOR"}, indent: "  "}
	for _, id := range w.MemberIDs {
		m, _ := a.Member(id)
		t.add(id, n.member(id), m.Sector)
	}
	c.out.table(t)
	c.out.section("Progress")
	t = &table{header: []string{"SEQ", "AT (UTC)", "VALUE", "NOTE"}, indent: "  "}
	for _, pr := range w.Progress {
		t.add(uitoa(pr.Seq), when(pr.At), number(pr.Value), pr.Note)
	}
	c.out.table(t)
	var toward []domain.Commitment
	for _, id := range w.Commitments {
		if cm, ok := a.Commitment(id); ok {
			toward = append(toward, cm)
		}
	}
	if len(toward) > 0 {
		c.out.section("Commitments toward it")
		printCommitments(c.out, toward, n, "  ")
	}
}

// towardField names what a commitment serves, as a label and a value for
// fields: its proposal, or its workgroup.
func towardField(a domain.Alliance, cm domain.Commitment) (string, string) {
	if cm.WorkgroupID != "" {
		name := cm.WorkgroupID
		if w, ok := a.Workgroup(cm.WorkgroupID); ok {
			name = "'" + w.Name + "'"
		}
		return "workgroup", name
	}
	return "proposal", namesOf(a).proposal(cm.ProposalID)
}

// towardName says what a commitment serves, for a line: "on 'Title'" or
// "toward workgroup 'Name'".
func (c *cli) towardName(aid string, cm domain.Commitment) string {
	if cm.ProposalID != "" {
		return "on " + c.proposalName(aid, cm.ProposalID)
	}
	if w, err := c.api.Workgroup(c.ctx, aid, cm.WorkgroupID, client.AsOf{}); err == nil {
		return "toward workgroup '" + w.Name + "'"
	}
	return "toward workgroup " + cm.WorkgroupID
}
