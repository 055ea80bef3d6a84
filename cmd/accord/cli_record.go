package main

import (
	"flag"
	"fmt"
	"strings"

	"accord/client"
	"accord/domain"
)

func recordCommand() command {
	return command{
		path: "record", params: []string{"PROPOSAL"},
		summary: "show how a decision was reached: versions, amendments, rule, every stance, outcome",
		about: "The record names the seq and hash of every event it rests on, to check against the chain, and\n" +
			"every member's signature on them (signer, time of signing, meaning, key); unsigned stances say so.\n" +
			"With --at-seq or --at it is the record as it stood then; --html prints a printable page.",
		example: "accord record $PID\naccord record $PID --at-seq 12\naccord record $PID --html > decision.html",
		setup: func(fs *flag.FlagSet) action {
			asOf := asOfFlags(fs)
			html := fs.Bool("html", false, "print the record as a self-contained HTML page")
			return func(c *cli, args []string) error {
				q, err := asOf()
				if err != nil {
					return err
				}
				aid, pid, err := c.allianceAnd(idProposal, args[0])
				if err != nil {
					return err
				}
				if *html {
					page, err := c.api.RecordHTML(c.ctx, aid, pid, q)
					c.stdout.Write(page)
					return err
				}
				rec, err := c.api.Record(c.ctx, aid, pid, q)
				if done, err := c.answered(err); done {
					return err
				}
				printRecord(c.out, rec)
				return nil
			}
		},
	}
}

// printRecord writes a decision record for people.
func printRecord(p *printer, r client.DecisionRecord) {
	pr := r.Proposal
	p.linef("%s '%s' — %s", p.paint(bold, "Decision record:"), pr.Title, p.status(pr.Status))
	p.fields("alliance", r.Alliance.Name+" ("+r.Alliance.ID+")",
		"proposal", fmt.Sprintf("%s (%s, version %d)", pr.ID, pr.Kind, pr.Version),
		"author", pr.Author.Name,
		"as of", fmt.Sprintf("seq %d, %s UTC, hash %s", r.AsOf.Seq, when(r.AsOf.At), short(r.AsOf.Hash)))
	printVersions(p, r)
	if r.Withdrawal != nil {
		p.section("Withdrawn")
		p.linef("  at seq %d, %s UTC, by %s%s", r.Withdrawal.Seq, when(r.Withdrawal.At), r.Withdrawal.By, because(r.Withdrawal.Reason))
	}
	if r.Voting != nil {
		printRecordVoting(p, r)
	}
	printRecordOutcome(p, r)
	printSignatures(p, r.Signatures)
	p.section("Rests on")
	t := &table{header: []string{"SEQ", "TYPE", "HASH"}, indent: "  "}
	for _, e := range r.Events {
		t.add(uitoa(e.Seq), e.Type, e.Hash)
	}
	p.table(t)
}

func printVersions(p *printer, r client.DecisionRecord) {
	p.section("Versions")
	t := &table{header: []string{"V", "SEQ", "AT (UTC)", "BY", "TEXT"}, indent: "  "}
	for _, v := range r.Versions {
		t.add(fmt.Sprint(v.Version), uitoa(v.Seq), when(v.At), v.By, clip(v.Body, 60))
	}
	p.table(t)
	if len(r.Amendments) == 0 {
		return
	}
	p.section("Amendments")
	t = &table{header: []string{"ID", "BY", "SEQ", "STATUS", "SETTLED", "RATIONALE"}, indent: "  "}
	for _, am := range r.Amendments {
		settled := ""
		if am.Settled != nil {
			settled = fmt.Sprintf("seq %d by %s", am.Settled.Seq, am.Settled.By)
		}
		t.add(am.ID, am.Author.Name, uitoa(am.Proposed.Seq), p.status(am.Status), settled, clip(am.Rationale, 40))
	}
	p.table(t)
}

func printRecordVoting(p *printer, r client.DecisionRecord) {
	v := r.Voting
	p.section("Voting")
	eligible := make([]string, len(v.Eligible))
	for i, m := range v.Eligible {
		eligible[i] = m.Name
		if m.Withdrew != nil {
			eligible[i] += fmt.Sprintf(" (withdrew at seq %d)", m.Withdrew.Seq)
		}
	}
	closes := ""
	if v.ClosesAt != nil {
		closes = when(*v.ClosesAt) + " UTC"
	}
	p.fields("opened", fmt.Sprintf("seq %d, %s UTC, by %s", v.Opened.Seq, when(v.Opened.At), v.Opened.By),
		"rule", charterText(v.Rule), "version", fmt.Sprint(v.Version), "closes", closes,
		"eligible", fmt.Sprintf("%d: %s", len(v.Eligible), strings.Join(eligible, ", ")))
	p.section("Stances")
	t := &table{header: []string{"MEMBER", "FINAL", "HISTORY"}, indent: "  "}
	for _, s := range r.Stances {
		final := p.paint(dim, "none")
		if s.Final != nil {
			final = p.stance(*s.Final)
		}
		if s.Dropped {
			final = p.paint(dim, "dropped")
		}
		t.add(s.Name, final, stanceHistory(s))
	}
	p.table(t)
	printObjections(p, r.Stances)
}

// printObjections writes every reason given with a block or a disagree in
// full, line breaks kept: the record is where an objection is read.
func printObjections(p *printer, stances []client.StanceHistory) {
	var lines []string
	for _, s := range stances {
		for _, h := range s.History {
			if h.Reason == "" || (domain.Stance(h.Stance) != domain.StanceBlock && domain.Stance(h.Stance) != domain.StanceDisagree) {
				continue
			}
			lines = append(lines, fmt.Sprintf("  %s, %s #%d, %s UTC:", s.Name, p.stance(h.Stance), h.Seq, when(h.At)),
				indent(h.Reason, "    "))
		}
	}
	if len(lines) == 0 {
		return
	}
	p.section("Objections")
	for _, l := range lines {
		p.linef("%s", l)
	}
}

// stanceHistory reads `block #10 "not yet" (unsigned) → agree #12
// "waiver" (signed)`, each reason on one line and clipped: objections
// follow the table in full, and signatures have a section of their own.
func stanceHistory(s client.StanceHistory) string {
	parts := make([]string, len(s.History))
	for i, h := range s.History {
		parts[i] = fmt.Sprintf("%s #%d", h.Stance, h.Seq)
		if h.Reason != "" {
			parts[i] += ` "` + clip(h.Reason, 30) + `"`
		}
		parts[i] += signedMark(h.Signature)
	}
	return strings.Join(parts, " → ")
}

func printRecordOutcome(p *printer, r client.DecisionRecord) {
	switch {
	case r.Outcome != nil:
		o := r.Outcome
		p.section("Outcome")
		p.linef("  %s", outcomeLine(p, o.VotingClosed))
		p.linef("  %s", o.Explanation)
		p.linef("  %s", p.paint(dim, fmt.Sprintf("closed at seq %d, %s UTC, by %s", o.Closed.Seq, when(o.Closed.At), o.Closed.By)))
	case r.Provisional != nil:
		p.section("If the vote closed now")
		p.linef("  %s", outcomeLine(p, *r.Provisional))
		p.linef("  %s", r.Provisional.Explanation)
	}
	if ch := r.CharterAmended; ch != nil {
		p.section("Charter amended")
		p.linef("  at seq %d, %s UTC: %s", ch.Seq, when(ch.At), charterText(ch.Charter))
	}
}
