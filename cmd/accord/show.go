package main

import (
	"fmt"
	"strconv"
	"time"

	"accord/domain"
)

// when writes an instant the way every human output does: UTC, to the
// second.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }

// number writes a float without a needless ".0".
func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// statusStyle colours a status: outcomes green or red, live things yellow,
// finished ones dim.
func (p *printer) status(s string) string {
	switch domain.Status(s) {
	case domain.StatusAdopted, domain.StatusFulfilled, domain.StatusAccepted, domain.StatusActive:
		return p.paint(green, s)
	case domain.StatusRejected:
		return p.paint(red, s)
	case domain.StatusVoting, domain.StatusProposed:
		return p.paint(yellow, s)
	case domain.StatusWithdrawn:
		return p.paint(dim, s)
	}
	return s
}

// field writes "  label  value" lines with aligned values.
func (p *printer) fields(pairs ...string) {
	width := 0
	for i := 0; i < len(pairs); i += 2 {
		width = max(width, len(pairs[i]))
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		fmt.Fprintf(p.w, "  %-*s  %s\n", width, p.paint(dim, pairs[i]), pairs[i+1])
	}
}

// printAlliance writes an alliance's state; past says it is time travel.
func printAlliance(p *printer, a domain.Alliance, past bool) {
	p.linef("%s", p.paint(bold, a.Name))
	seq := uitoa(a.Seq)
	if past {
		seq += " (as it was then)"
	}
	p.fields("id", a.ID, "purpose", a.Purpose, "charter", charterText(a.Charter), "seq", seq, "formed", when(a.FormedAt)+" UTC")
	n := namesOf(a)
	p.section("Members")
	t := &table{header: []string{"ID", "NAME", "SECTOR", "ROLE", "STATUS"}, indent: "  "}
	for _, m := range a.Members {
		t.add(m.ID, m.Name, m.Sector, string(m.Role), p.status(string(m.Status)))
	}
	p.table(t)
	p.section("Observers")
	t = &table{header: []string{"ID", "NAME"}, indent: "  "}
	for _, o := range a.Observers {
		t.add(o.ID, o.Name)
	}
	p.table(t)
	printWorkgroups(p, a, n)
	p.section("Proposals")
	printProposals(p, a.Proposals, "  ")
	p.section("Commitments")
	printCommitments(p, a.Commitments, n, "  ")
}

func printWorkgroups(p *printer, a domain.Alliance, n names) {
	if len(a.Workgroups) == 0 {
		return
	}
	p.section("Workgroups")
	t := &table{header: []string{"ID", "NAME", "AIM", "TARGET", "DUE", "MEMBERS"}, indent: "  "}
	for _, w := range a.Workgroups {
		t.add(w.ID, w.Name, clip(w.Aim, 40), number(w.Target)+" "+w.Metric, w.Due, strconv.Itoa(len(w.MemberIDs)))
	}
	p.table(t)
}

func printProposals(p *printer, props []domain.Proposal, indent string) {
	t := &table{header: []string{"ID", "TITLE", "KIND", "STATUS", "VERSION"}, indent: indent}
	for _, pr := range props {
		t.add(pr.ID, clip(pr.Title, 48), string(pr.Kind), p.status(string(pr.Status)), strconv.Itoa(pr.Version))
	}
	p.table(t)
}

func printCommitments(p *printer, cs []domain.Commitment, n names, indent string) {
	t := &table{header: []string{"ID", "MEMBER", "DESCRIPTION", "PROGRESS", "DUE", "STATUS"}, indent: indent}
	for _, c := range cs {
		t.add(c.ID, n.member(c.MemberID), clip(c.Description, 40), progressText(c), c.Due, p.status(string(c.Status)))
	}
	p.table(t)
}

// progressText reads "40/100 percent of units serialised".
func progressText(c domain.Commitment) string {
	latest := "0"
	if len(c.Progress) > 0 {
		latest = number(c.Progress[len(c.Progress)-1].Value)
	}
	return latest + "/" + number(c.Target) + " " + c.Metric
}

// names turns the ids of an alliance's parties, proposals and commitments
// into what people call them.
type names struct {
	parties     map[string]string
	proposals   map[string]string
	commitments map[string]string
}

func newNames() names {
	return names{parties: map[string]string{}, proposals: map[string]string{}, commitments: map[string]string{}}
}

func namesOf(a domain.Alliance) names {
	n := newNames()
	for _, m := range a.Members {
		n.parties[m.ID] = m.Name
	}
	for _, o := range a.Observers {
		n.parties[o.ID] = o.Name
	}
	for _, p := range a.Proposals {
		n.proposals[p.ID] = p.Title
	}
	for _, c := range a.Commitments {
		n.commitments[c.ID] = c.Description
	}
	return n
}

// member returns a party's name, or its id when it is not known.
func (n names) member(id string) string { return firstOf(n.parties[id], id) }

// proposal returns a proposal's title in quotes, or its id.
func (n names) proposal(id string) string {
	if t, ok := n.proposals[id]; ok {
		return "'" + t + "'"
	}
	return "proposal " + id
}

// commitment returns a commitment's description in quotes, or its id.
func (n names) commitment(id string) string {
	if d, ok := n.commitments[id]; ok {
		return `"` + d + `"`
	}
	return "commitment " + id
}

// actor names who did something: a party by name, or the admin.
func (n names) actor(a domain.Actor) string {
	switch {
	case a.Role == domain.RoleAdmin:
		return "admin"
	case a.Role == domain.RoleSystem:
		return "accord"
	case a.MemberID != "":
		return n.member(a.MemberID)
	}
	return n.member(a.ID)
}
