package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"accord/client"
	"accord/domain"
)

func proposalList(c *cli, asOf func() (client.AsOf, error)) error {
	q, err := asOf()
	if err != nil {
		return err
	}
	aid, err := c.allianceID()
	if err != nil {
		return err
	}
	list, err := c.api.Proposals(c.ctx, aid, q)
	if done, err := c.answered(err); done {
		return err
	}
	printProposals(c.out, list, "")
	return nil
}

func proposalShow(c *cli, arg string, asOf func() (client.AsOf, error)) error {
	q, err := asOf()
	if err != nil {
		return err
	}
	aid, pid, err := c.allianceAnd(idProposal, arg)
	if err != nil {
		return err
	}
	p, err := c.api.Proposal(c.ctx, aid, pid, q)
	if done, err := c.answered(err); done {
		return err
	}
	a, err := c.api.Alliance(c.ctx, aid, q)
	if err != nil {
		return err
	}
	printProposal(c.out, p, namesOf(a))
	return nil
}

// printProposal writes a proposal with its amendments, voting and outcome.
func printProposal(p *printer, pr domain.Proposal, n names) {
	p.linef("%s", p.paint(bold, pr.Title))
	var charter string
	if pr.Charter != nil {
		charter = charterText(*pr.Charter)
	}
	p.fields("id", pr.ID, "kind", string(pr.Kind), "status", p.status(string(pr.Status)), "version", strconv.Itoa(pr.Version),
		"author", n.member(pr.AuthorID), "charter", charter)
	p.linef("")
	p.linef("%s", indent(pr.Body, "  "))
	if len(pr.Amendments) > 0 {
		p.section("Amendments")
		t := &table{header: []string{"ID", "BY", "STATUS", "RATIONALE", "TEXT"}, indent: "  "}
		for _, am := range pr.Amendments {
			t.add(am.ID, n.member(am.AuthorID), p.status(string(am.Status)), clip(am.Rationale, 30), clip(am.Body, 40))
		}
		p.table(t)
	}
	if pr.Voting != nil {
		printVoting(p, pr, n)
	}
	if pr.Outcome != nil {
		p.section("Outcome")
		p.linef("  %s", outcomeLine(p, pr.Outcome.VotingClosed))
		p.linef("  %s", pr.Outcome.Explanation)
	}
}

func printVoting(p *printer, pr domain.Proposal, n names) {
	v := pr.Voting
	p.section("Voting")
	eligible := make([]string, len(v.Eligible))
	for i, id := range v.Eligible {
		eligible[i] = n.member(id)
	}
	closes := ""
	if v.ClosesAt != nil {
		closes = when(*v.ClosesAt) + " UTC"
	}
	p.fields("rule", charterText(v.Rule), "version", strconv.Itoa(v.Version), "opened", "seq "+uitoa(v.OpenedSeq),
		"closes", closes, "eligible", fmt.Sprintf("%d: %s", len(v.Eligible), strings.Join(eligible, ", ")))
	p.section("Stances")
	t := &table{header: []string{"MEMBER", "STANCE", "SEQ", "AT", "REASON"}, indent: "  "}
	for _, id := range v.Eligible {
		if s, ok := pr.Stances[id]; ok {
			t.add(n.member(id), p.stance(string(s.Stance)), uitoa(s.Seq), when(s.At), clip(s.Reason, 50))
		}
	}
	p.table(t)
	if waiting := notVoted(pr); len(waiting) > 0 {
		names := make([]string, len(waiting))
		for i, id := range waiting {
			names[i] = n.member(id)
		}
		p.linef("  %s", p.paint(dim, "not yet voted: "+strings.Join(names, ", ")))
	}
}

// notVoted returns the eligible members with no stance, in eligible order.
func notVoted(pr domain.Proposal) []string {
	var out []string
	for _, id := range pr.Voting.Eligible {
		if _, ok := pr.Stances[id]; !ok {
			out = append(out, id)
		}
	}
	return slices.Clip(out)
}

// stance colours a stance: agree green, disagree yellow, block red.
func (p *printer) stance(s string) string {
	switch domain.Stance(s) {
	case domain.StanceAgree:
		return p.paint(green, s)
	case domain.StanceDisagree:
		return p.paint(yellow, s)
	case domain.StanceBlock:
		return p.paint(red, s)
	}
	return s
}

// outcomeLine reads "adopted: 6 agree, 1 disagree, 1 abstain, 0 block; 8 of
// 9 took part (quorum 5)".
func outcomeLine(p *printer, v domain.VotingClosed) string {
	return fmt.Sprintf("%s: %s; %d of %d took part (quorum %d)", p.status(string(v.Result)), tallyText(v.Tally),
		v.Participation, v.EligibleCount, v.QuorumRequired)
}

func tallyText(t domain.Tally) string {
	return fmt.Sprintf("%d agree, %d disagree, %d abstain, %d block", t.Agree, t.Disagree, t.Abstain, t.Block)
}
