package main

import (
	"flag"

	"accord/domain"
)

func commitmentReadCommands() []command {
	return []command{
		{
			path: "commitment list", summary: "list an alliance's commitments with their progress",
			example: "accord commitment list\naccord commitment list --member 0190c0de",
			setup: func(fs *flag.FlagSet) action {
				member := fs.String("member", "", "only the commitments of this `MEMBER`")
				return func(c *cli, _ []string) error { return commitmentList(c, *member) }
			},
		},
		{
			path: "commitment show", params: []string{"COMMITMENT"},
			summary: "show a commitment: who, on what, its target and every progress report",
			example: "accord commitment show $CID",
			setup:   func(*flag.FlagSet) action { return commitmentShow },
		},
	}
}

func commitmentList(c *cli, member string) error {
	a, err := c.alliance()
	if err != nil {
		return err
	}
	list := a.Commitments
	if member != "" {
		mid, err := c.resolve(idMember, member)
		if err != nil {
			return err
		}
		list = nil
		for _, cm := range a.Commitments {
			if cm.MemberID == mid {
				list = append(list, cm)
			}
		}
	}
	if c.g.json {
		return c.out.value(map[string]any{"commitments": nonNilSlice(list), "seq": a.Seq})
	}
	printCommitments(c.out, list, namesOf(a), "")
	return nil
}

func commitmentShow(c *cli, args []string) error {
	a, err := c.alliance()
	if err != nil {
		return err
	}
	cid, err := c.resolve(idCommitment, args[0])
	if err != nil {
		return err
	}
	cm, ok := a.Commitment(cid)
	if !ok {
		return domain.Errorf(domain.NotFound, "no commitment %s in alliance %s", cid, a.ID)
	}
	if c.g.json {
		return c.out.value(cm)
	}
	n := namesOf(a)
	c.out.linef("%s", c.out.paint(bold, cm.Description))
	toward, what := towardField(a, cm)
	c.out.fields("id", cm.ID, "member", n.member(cm.MemberID), toward, what,
		"progress", progressText(cm), "due", cm.Due, "status", c.out.status(string(cm.Status)))
	c.out.section("Progress")
	t := &table{header: []string{"SEQ", "AT (UTC)", "VALUE", "NOTE"}, indent: "  "}
	for _, pr := range cm.Progress {
		t.add(uitoa(pr.Seq), when(pr.At), number(pr.Value), pr.Note)
	}
	c.out.table(t)
	return nil
}

// nonNilSlice returns s, or an empty slice for nil, so that JSON shows [].
func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
