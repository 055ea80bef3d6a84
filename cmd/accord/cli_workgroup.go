package main

import (
	"flag"
	"strconv"
	"strings"

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
			path: "workgroup list", summary: "list an alliance's workgroups",
			example: "accord workgroup list",
			setup:   func(*flag.FlagSet) action { return workgroupList },
		},
		{
			path: "workgroup show", params: []string{"WORKGROUP"},
			summary: "show a workgroup: its aim, target, due date and members",
			example: "accord workgroup show $WID",
			setup:   func(*flag.FlagSet) action { return workgroupShow },
		},
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
		var ids []string
		if *members != "" {
			if ids, err = c.resolveAll(idMember, strings.Split(*members, ",")); err != nil {
				return err
			}
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

func workgroupList(c *cli, _ []string) error {
	a, err := c.alliance()
	if err != nil {
		return err
	}
	if c.g.json {
		return c.out.value(map[string]any{"workgroups": a.Workgroups, "seq": a.Seq})
	}
	t := newTable("ID", "NAME", "AIM", "TARGET", "DUE", "MEMBERS")
	for _, w := range a.Workgroups {
		t.add(w.ID, w.Name, clip(w.Aim, 40), number(w.Target)+" "+w.Metric, w.Due, strconv.Itoa(len(w.MemberIDs)))
	}
	c.out.table(t)
	return nil
}

func workgroupShow(c *cli, args []string) error {
	a, err := c.alliance()
	if err != nil {
		return err
	}
	wid, err := c.resolve(idWorkgroup, args[0])
	if err != nil {
		return err
	}
	w, ok := a.Workgroup(wid)
	if !ok {
		return domain.Errorf(domain.NotFound, "no workgroup %s in alliance %s", wid, a.ID)
	}
	if c.g.json {
		return c.out.value(w)
	}
	n := namesOf(a)
	c.out.linef("%s", c.out.paint(bold, w.Name))
	c.out.fields("id", w.ID, "target", number(w.Target)+" "+w.Metric, "due", w.Due)
	c.out.linef("")
	c.out.linef("%s", indent(w.Aim, "  "))
	c.out.section("Members")
	t := &table{header: []string{"ID", "NAME", "SECTOR"}, indent: "  "}
	for _, id := range w.MemberIDs {
		m, _ := a.Member(id)
		t.add(id, n.member(id), m.Sector)
	}
	c.out.table(t)
	return nil
}
