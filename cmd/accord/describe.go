package main

import (
	"encoding/json"
	"fmt"
	"time"

	"accord/domain"
)

// describer turns stored events into lines people read, learning the names
// of parties, proposals and commitments from the events as they pass.
type describer struct {
	p *printer
	n names
}

func newDescriber(p *printer, n names) *describer { return &describer{p: p, n: n} }

// eventHead is the part of an envelope that every event has, for an event
// this client cannot decode (a newer type, say).
type eventHead struct {
	Seq  uint64    `json:"seq"`
	Type string    `json:"type"`
	At   time.Time `json:"at"`
}

// line returns `#12  2026-11-22 10:00:03  VoteCast  Cardinal Distribution:
// agree — "reason"`.
func (d *describer) line(raw []byte) string {
	seq, at, typ, what := d.parts(raw)
	return fmt.Sprintf("#%d  %s  %s  %s", seq, at, d.p.paint(cyan, typ), what)
}

// parts returns an event's seq, time, type and summary.
func (d *describer) parts(raw []byte) (uint64, string, string, string) {
	e, err := domain.Decode(raw)
	if err != nil {
		var h eventHead
		_ = json.Unmarshal(raw, &h)
		return h.Seq, when(h.At), h.Type, d.p.paint(dim, "(an event this accord cannot read: "+err.Error()+")")
	}
	d.learn(e)
	return e.Seq, when(e.At), e.Type, d.summary(e)
}

// learn keeps the names an event introduces.
func (d *describer) learn(e domain.Event) {
	switch x := e.Data.(type) {
	case domain.MemberAdmitted:
		d.n.parties[x.MemberID] = x.Name
	case domain.ObserverAdded:
		d.n.parties[x.ObserverID] = x.Name
	case domain.ProposalSubmitted:
		d.n.proposals[x.ProposalID] = x.Title
	case domain.CommitmentMade:
		d.n.commitments[x.CommitmentID] = x.Description
	}
}

// summary says what an event records, in a few words.
func (d *describer) summary(e domain.Event) string {
	n := d.n
	switch x := e.Data.(type) {
	case domain.AllianceFormed:
		return fmt.Sprintf("%s formed: %s", x.Name, charterText(x.Charter))
	case domain.MemberAdmitted:
		return fmt.Sprintf("%s (%s) admitted as %s", x.Name, x.Sector, x.Role)
	case domain.MemberWithdrew:
		return n.member(x.MemberID) + " withdrew" + because(x.Reason)
	case domain.ObserverAdded:
		return x.Name + " added as observer"
	case domain.WitnessAdded:
		return n.member(x.PartyID) + " registered witness key " + x.Name
	case domain.WorkgroupFormed:
		return fmt.Sprintf("workgroup '%s' formed: %s", x.Name, x.Aim)
	case domain.ProposalSubmitted:
		return fmt.Sprintf("%s proposed '%s' (%s)", n.member(x.AuthorID), x.Title, x.Kind)
	case domain.VoteCast:
		return n.member(x.MemberID) + ": " + d.p.stance(string(x.Stance)) + because(x.Reason)
	case domain.VotingClosed:
		return fmt.Sprintf("%s %s: %s", n.proposal(x.ProposalID), d.p.status(string(x.Result)), tallyText(x.Tally))
	}
	return d.proposalSummary(e)
}

func (d *describer) proposalSummary(e domain.Event) string {
	n := d.n
	switch x := e.Data.(type) {
	case domain.AmendmentProposed:
		return fmt.Sprintf("%s: amendment to %s%s", n.member(x.AuthorID), n.proposal(x.ProposalID), because(x.Rationale))
	case domain.AmendmentAccepted:
		return fmt.Sprintf("%s amended: now version %d", n.proposal(x.ProposalID), x.Version)
	case domain.AmendmentRejected:
		return fmt.Sprintf("amendment to %s rejected", n.proposal(x.ProposalID))
	case domain.ProposalWithdrawn:
		return n.proposal(x.ProposalID) + " withdrawn" + because(x.Reason)
	case domain.VotingOpened:
		return fmt.Sprintf("voting opened on %s v%d: %s; %d eligible", n.proposal(x.ProposalID), x.Version, charterText(x.Rule), len(x.Eligible))
	case domain.CharterAmended:
		return "charter now " + charterText(x.Charter)
	}
	return d.commitmentSummary(e)
}

func (d *describer) commitmentSummary(e domain.Event) string {
	n := d.n
	switch x := e.Data.(type) {
	case domain.CommitmentMade:
		return fmt.Sprintf("%s committed to %s (%s %s by %s)", n.member(x.MemberID), quoted(x.Description), number(x.Target), x.Metric, x.Due)
	case domain.ProgressReported:
		return fmt.Sprintf("progress on %s: %s%s", n.commitment(x.CommitmentID), number(x.Value), because(x.Note))
	case domain.CommitmentFulfilled:
		return n.commitment(x.CommitmentID) + " fulfilled" + because(x.Note)
	case domain.CommitmentWithdrawn:
		return n.commitment(x.CommitmentID) + " withdrawn" + because(x.Note)
	}
	return "by " + n.actor(e.Actor)
}
