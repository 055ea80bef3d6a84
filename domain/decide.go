package domain

import (
	"strings"
	"time"
)

// Decide validates command c against the alliance's current state s, made
// by m.Actor at m.At, and returns the events that record it, made with
// NewEvent (the store assigns ID, Seq and PrevHash). It is pure: it reads no
// clock, makes no ids and does not modify s.
//
// A refusal is an *Error: NotFound when the alliance (or a thing the command
// names) does not exist, Forbidden when the actor may not do it, Invalid for
// bad input (naming the field), Conflict when a rule of the ledger forbids it
// now, and Internal for a command Decide does not know.
func Decide(s Alliance, m Meta, c Command) ([]Event, error) {
	if f, ok := c.(FormAlliance); ok {
		return formAlliance(s, m, f)
	}
	if !s.Formed() {
		return nil, Errorf(NotFound, "no alliance %s", m.AllianceID)
	}
	if m.AllianceID != s.ID {
		return nil, Errorf(Internal, "command for alliance %s decided on the state of alliance %s", m.AllianceID, s.ID)
	}
	if err := s.stillRunning(); err != nil {
		return nil, err
	}
	if w, ok := c.(AddWitness); ok {
		return decideWitness(s, m, w)
	}
	by, err := partyOf(s, m.Actor)
	if err != nil {
		return nil, err
	}
	if _, closing := c.(CloseVoting); by.system && !closing {
		return nil, Errorf(Forbidden, "the system only closes votes at their deadline; it cannot %s", c.CommandName())
	}
	data, err := decision{s: s, at: m.At, by: by}.decide(c)
	if err != nil {
		return nil, err
	}
	if data, err = sign(s, m, c, data); err != nil {
		return nil, err
	}
	events := make([]Event, len(data))
	for i, d := range data {
		events[i] = NewEvent(m, d)
	}
	return events, nil
}

// decision is one command being decided: the state, the time and who acts.
type decision struct {
	s  Alliance
	at time.Time
	by party
}

func (d decision) decide(c Command) ([]EventData, error) {
	switch c := c.(type) {
	case AdmitMember:
		return d.admitMember(c)
	case WithdrawMember:
		return d.withdrawMember(c)
	case RegisterKey:
		return d.registerKey(c)
	case AddObserver:
		return d.addObserver(c)
	case FormWorkgroup:
		return d.formWorkgroup(c)
	case SubmitProposal:
		return d.submitProposal(c)
	case ProposeAmendment:
		return d.proposeAmendment(c)
	case AcceptAmendment:
		return d.acceptAmendment(c)
	case RejectAmendment:
		return d.rejectAmendment(c)
	case WithdrawProposal:
		return d.withdrawProposal(c)
	case OpenVoting:
		return d.openVoting(c)
	case CastVote:
		return d.castVote(c)
	case CloseVoting:
		return d.closeVoting(c)
	case MakeCommitment:
		return d.makeCommitment(c)
	case ReportProgress:
		return d.reportProgress(c)
	case FulfilCommitment:
		return d.fulfilCommitment(c)
	case WithdrawCommitment:
		return d.withdrawCommitment(c)
	}
	return d.decideAllianceLife(c)
}

// decideAllianceLife decides the commands of an alliance's life beyond one
// vote: workgroups, proxies and its conclusion.
func (d decision) decideAllianceLife(c Command) ([]EventData, error) {
	switch c := c.(type) {
	case ChangeWorkgroupMembers:
		return d.changeWorkgroupMembers(c)
	case ReportWorkgroupProgress:
		return d.reportWorkgroupProgress(c)
	case CloseWorkgroup:
		return d.closeWorkgroup(c)
	case GrantProxy:
		return d.grantProxy(c)
	case RevokeProxy:
		return d.revokeProxy(c)
	case ConcludeAlliance:
		return d.concludeAlliance(c)
	}
	return nil, Errorf(Internal, "unknown command %T (commands are passed as values)", c)
}

// formAlliance starts an alliance: admin only, once, with a valid charter
// whose defaults are filled in.
func formAlliance(s Alliance, m Meta, c FormAlliance) ([]Event, error) {
	if s.Formed() {
		return nil, Errorf(Conflict, "alliance %s (%s) is already formed", s.ID, s.Name)
	}
	if m.Actor.Role != RoleAdmin {
		return nil, Errorf(Forbidden, "only the admin can form an alliance")
	}
	c.Name = strings.TrimSpace(c.Name)
	if err := firstError(
		checkID("alliance id", m.AllianceID),
		checkName("name", c.Name),
		checkText("purpose", c.Purpose, false),
	); err != nil {
		return nil, err
	}
	charter, err := NormalizeCharter(c.Charter)
	if err != nil {
		return nil, err
	}
	predecessor, err := predecessorOf(m.AllianceID, c)
	if err != nil {
		return nil, err
	}
	return []Event{NewEvent(m, AllianceFormed{Name: c.Name, Purpose: c.Purpose, Charter: charter, Predecessor: predecessor})}, nil
}

func one(d EventData) ([]EventData, error) { return []EventData{d}, nil }
