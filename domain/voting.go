package domain

import (
	"slices"
	"time"
)

// Stance is what a member says of a proposal put to the vote.
type Stance string

// The stances a member may take.
const (
	StanceAgree    Stance = "agree"
	StanceDisagree Stance = "disagree"
	StanceAbstain  Stance = "abstain"
	StanceBlock    Stance = "block"
)

// Voting is what VotingOpened froze: the version voted on, the rule in force
// and the eligible members (less any who withdrew since), plus the seq at
// which it opened.
type Voting struct {
	Version   int        `json:"version"`
	Rule      Charter    `json:"rule"`
	Eligible  []string   `json:"eligible"`
	ClosesAt  *time.Time `json:"closes_at,omitempty"`
	OpenedSeq uint64     `json:"opened_seq"`
}

// LatestStance is a member's latest vote on a proposal, with the seq and
// time of the VoteCast that recorded it. CastBy is the proxy who cast it,
// absent when the member did.
type LatestStance struct {
	Stance Stance    `json:"stance"`
	Reason string    `json:"reason"`
	CastBy string    `json:"cast_by,omitempty"`
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
}

// Outcome is the recorded VotingClosed data plus the seq of that event.
type Outcome struct {
	VotingClosed
	ClosedSeq uint64 `json:"closed_seq"`
}

// IsEligible reports whether the member may vote in this voting.
func (v Voting) IsEligible(memberID string) bool {
	return slices.Contains(v.Eligible, memberID)
}

func (d decision) openVoting(c OpenVoting) ([]EventData, error) {
	if err := d.by.mustConvene("open voting"); err != nil {
		return nil, err
	}
	if err := checkID("proposal id", c.ProposalID); err != nil {
		return nil, err
	}
	if c.ClosesAt != nil && !c.ClosesAt.After(d.at) {
		return nil, Errorf(Invalid, "closes_at %s must be after now (%s)", c.ClosesAt.Format(time.RFC3339), d.at.Format(time.RFC3339))
	}
	p, err := d.proposal(c.ProposalID)
	if err != nil {
		return nil, err
	}
	if p.Status == StatusVoting {
		return nil, Errorf(Conflict, "voting on proposal %s already opened at seq %d", p.ID, p.openedSeq())
	}
	if p.Status != StatusOpen {
		return nil, p.notOpen("put to a vote")
	}
	if a, ok := p.pendingAmendment(); ok {
		return nil, Errorf(Conflict, "amendment %s is still pending on proposal %s: its author accepts or rejects it before voting opens, so the version voted on is final", a.ID, p.ID)
	}
	rule, err := CharterInForce(d.s.Charter)
	if err != nil {
		return nil, Errorf(Internal, "the charter of alliance %s is not valid: %s", d.s.ID, MessageOf(err))
	}
	eligible := d.s.ActiveMembers()
	if len(eligible) == 0 {
		return nil, Errorf(Conflict, "alliance %s has no active members to vote on proposal %s", d.s.ID, p.ID)
	}
	return one(VotingOpened{ProposalID: p.ID, Version: p.Version, Rule: rule, Eligible: eligible, ClosesAt: copyTime(c.ClosesAt)})
}

func (d decision) castVote(c CastVote) ([]EventData, error) {
	if err := d.by.mustBeMember("vote"); err != nil {
		return nil, err
	}
	if err := firstError(
		checkID("proposal id", c.ProposalID),
		checkOneOf("stance", c.Stance, StanceAgree, StanceDisagree, StanceAbstain, StanceBlock),
		checkText("reason", c.Reason, false),
		d.checkOnBehalfOf(c.OnBehalfOf),
	); err != nil {
		return nil, err
	}
	p, err := d.proposal(c.ProposalID)
	if err != nil {
		return nil, err
	}
	if p.Status != StatusVoting || p.Voting == nil {
		return nil, p.notVoting()
	}
	if err := d.mustBeEligible(p); err != nil {
		return nil, err
	}
	if v := p.Voting; v.ClosesAt != nil && !d.at.Before(*v.ClosesAt) {
		return nil, Errorf(Conflict, "voting on proposal %s closed at its deadline %s; no more votes are taken", p.ID, v.ClosesAt.Format(time.RFC3339))
	}
	if c.OnBehalfOf == "" {
		return one(VoteCast{ProposalID: p.ID, MemberID: d.by.member.ID, Stance: c.Stance, Reason: c.Reason})
	}
	if err := CheckProxyVote(d.s, p.ID, c.OnBehalfOf, d.by.member.ID); err != nil {
		return nil, err
	}
	return one(VoteCast{ProposalID: p.ID, MemberID: c.OnBehalfOf, Stance: c.Stance, Reason: c.Reason, CastBy: d.by.member.ID})
}

// checkOnBehalfOf refuses (Invalid) a malformed grantor id and the acting
// member naming itself; "" is a vote of one's own.
func (d decision) checkOnBehalfOf(grantorID string) error {
	if grantorID == "" {
		return nil
	}
	if err := checkID("on_behalf_of", grantorID); err != nil {
		return err
	}
	if d.by.is(grantorID) {
		return Errorf(Invalid, "on_behalf_of %s is the voter itself: leave it out to cast one's own stance", grantorID)
	}
	return nil
}

// mustBeEligible returns Forbidden, saying why, unless the acting member was
// among the members when voting opened.
func (d decision) mustBeEligible(p Proposal) error {
	m := d.by.member
	if p.Voting.IsEligible(m.ID) {
		return nil
	}
	if m.AdmittedSeq > p.Voting.OpenedSeq {
		return Errorf(Forbidden, "member %s (%s) was admitted at seq %d, after voting on proposal %s opened at seq %d: only the members at the opening may vote",
			m.ID, m.Name, m.AdmittedSeq, p.ID, p.Voting.OpenedSeq)
	}
	return Errorf(Forbidden, "member %s (%s) is not eligible to vote on proposal %s", m.ID, m.Name, p.ID)
}

func (d decision) closeVoting(c CloseVoting) ([]EventData, error) {
	if err := checkID("proposal id", c.ProposalID); err != nil {
		return nil, err
	}
	p, err := d.proposal(c.ProposalID)
	if err != nil {
		return nil, err
	}
	if !d.by.convener() && !d.by.system {
		return nil, Errorf(Forbidden, "only a convener can close voting before its deadline; %s", d.by.describe())
	}
	if p.Status != StatusVoting || p.Voting == nil {
		return nil, p.notVoting()
	}
	if d.by.system {
		if err := d.deadlinePassed(p); err != nil {
			return nil, err
		}
	}
	out, err := DeriveOutcome(d.s, p.ID)
	if err != nil {
		return nil, err
	}
	events := []EventData{out}
	if out.Result == ResultAdopted && p.Kind == KindCharter && p.Charter != nil {
		events = append(events, CharterAmended{Charter: *p.Charter, ProposalID: p.ID})
	}
	return events, nil
}

// deadlinePassed lets the system close a vote only once its deadline has
// come: Forbidden when it has none, Conflict when it is still ahead.
func (d decision) deadlinePassed(p Proposal) error {
	v := p.Voting
	if v.ClosesAt == nil {
		return Errorf(Forbidden, "voting on proposal %s has no deadline; only a convener can close it", p.ID)
	}
	if d.at.Before(*v.ClosesAt) {
		return Errorf(Conflict, "voting on proposal %s closes at %s; its deadline has not passed", p.ID, v.ClosesAt.Format(time.RFC3339))
	}
	return nil
}

func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}
