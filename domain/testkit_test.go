package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Fixed ids and times: the domain never makes either, so tests choose them.
var (
	t0       = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	now      = t0.Add(24 * time.Hour) // when commands are decided
	aid      = id(1)
	conv     = id(10) // the convener
	m1       = id(11) // author of the proposal
	m2       = id(12)
	m3       = id(13)
	late     = id(19) // admitted after voting opened
	obs      = id(20)
	prop     = id(30)
	prop2    = id(31)
	amend    = id(40)
	amend2   = id(41)
	cmt      = id(50)
	wg       = id(60)
	stranger = id(90)
)

// consensusCharter is written as charters were before signatures and
// max_proxies existed; full(c) is c as the ledger now writes it.
var consensusCharter = Charter{DecisionRule: RuleConsensus, Quorum: "1/2", Threshold: "3/4"}

func full(c Charter) Charter { return c.withPolicyDefaults() }

func id(n int) string { return fmt.Sprintf("01900000-0000-7000-8000-%012d", n) }

// --- Given: histories ---

// formedWith is an alliance under c with a convener and three members
// (seqs 1–5).
func formedWith(c Charter) []EventData {
	return []EventData{
		AllianceFormed{Name: "Care Alliance", Purpose: "Shared care pathways", Charter: c},
		MemberAdmitted{MemberID: conv, Name: "Northside Health", Sector: "health system", Role: RoleConvener},
		MemberAdmitted{MemberID: m1, Name: "Payer One", Sector: "payer", Role: RoleMember},
		MemberAdmitted{MemberID: m2, Name: "MedCo", Sector: "manufacturer", Role: RoleMember},
		MemberAdmitted{MemberID: m3, Name: "Patients United", Sector: "patient group", Role: RoleMember},
	}
}

func formed() []EventData { return formedWith(consensusCharter) }

// proposed adds m1's resolution (seq 6).
func proposed() []EventData {
	return append(formed(), submitted(prop, KindResolution, nil))
}

func submitted(pid string, kind ProposalKind, c *Charter) ProposalSubmitted {
	return ProposalSubmitted{ProposalID: pid, Kind: kind, Title: "Shared formulary", Body: "v1", AuthorID: m1, Charter: c}
}

// withAmendment adds m2's amendment (seq 7).
func withAmendment() []EventData {
	return append(proposed(), AmendmentProposed{ProposalID: prop, AmendmentID: amend, Body: "v2", Rationale: "clearer", AuthorID: m2})
}

// voting opens the vote on prop for all four members (seq 7).
func voting(more ...EventData) []EventData {
	return append(append(proposed(), opened(prop, consensusCharter, nil)), more...)
}

func opened(pid string, rule Charter, closesAt *time.Time) VotingOpened {
	return VotingOpened{ProposalID: pid, Version: 1, Rule: rule, Eligible: []string{conv, m1, m2, m3}, ClosesAt: closesAt}
}

func vote(member string, stance Stance) VoteCast {
	return VoteCast{ProposalID: prop, MemberID: member, Stance: stance}
}

// closedAs closes prop with the given result (seq 8).
func closedAs(result Result) []EventData {
	return voting(VotingClosed{ProposalID: prop, Result: result})
}

// committed adds m1's commitment on the adopted proposal (seq 9).
func committed(more ...EventData) []EventData {
	c := CommitmentMade{CommitmentID: cmt, MemberID: m1, ProposalID: prop, Description: "Publish data", Metric: "sites", Target: 10, Due: "2027-06-30"}
	return append(append(closedAs(ResultAdopted), c), more...)
}

// fold applies the history: event i has seq i+1 and time t0 + i minutes.
func fold(t *testing.T, given []EventData) Alliance {
	t.Helper()
	var s Alliance
	for i, d := range given {
		s = Evolve(s, at(event(d), uint64(i+1)))
	}
	return s
}

func event(d EventData) Event {
	return NewEvent(Meta{AllianceID: aid, CommandID: "given", At: t0}, d)
}

func at(e Event, seq uint64) Event {
	e.Seq = seq
	e.At = t0.Add(time.Duration(seq-1) * time.Minute)
	return e
}

// --- When: actors ---

func as(role Role, member string) Meta {
	return Meta{AllianceID: aid, CommandID: "cmd-1", At: now, Actor: Actor{ID: id(99), Role: role, MemberID: member}}
}

func asAdmin() Meta                 { return as(RoleAdmin, "") }
func asSystem() Meta                { return as(RoleSystem, "") }
func asObserver() Meta              { return as(RoleObserver, "") }
func asMember(mid string) Meta      { return as(RoleMember, mid) }
func asConvener() Meta              { return as(RoleConvener, conv) }
func when(m Meta, t time.Time) Meta { m.At = t; return m }

// --- Then ---

// scenario is one Given / When / Then case: either the events' data, or an
// error kind with a fragment of its message.
type scenario struct {
	name  string
	given []EventData
	as    Meta
	when  Command
	then  []EventData
	err   Kind
	msg   string
}

func run(t *testing.T, cases []scenario) {
	t.Helper()
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) { sc.check(t) })
	}
}

func (sc scenario) check(t *testing.T) {
	t.Helper()
	s := fold(t, sc.given)
	before := stateJSON(t, s)
	events, err := Decide(s, sc.as, sc.when)
	require.Equal(t, before, stateJSON(t, s), "Decide must not modify the state")
	if sc.err != "" {
		require.Error(t, err)
		var de *Error
		require.ErrorAs(t, err, &de, "refusals are *Error")
		require.Equal(t, sc.err, de.Kind, de.Message)
		require.Contains(t, de.Message, sc.msg)
		require.Nil(t, events)
		return
	}
	require.NoError(t, err)
	require.Equal(t, sc.then, dataOf(events))
	for _, e := range events {
		require.Equal(t, sc.as.Actor, e.Actor)
		require.Equal(t, sc.as.At, e.At)
		require.Equal(t, sc.as.CommandID, e.CommandID)
		require.Equal(t, sc.as.AllianceID, e.AllianceID)
		require.Equal(t, e.Data.EventType(), e.Type)
		_, err := Encode(e)
		require.NoError(t, err)
	}
}

func then(d ...EventData) []EventData { return d }

func dataOf(events []Event) []EventData {
	out := make([]EventData, len(events))
	for i, e := range events {
		out[i] = e.Data
	}
	return out
}

func stateJSON(t *testing.T, s Alliance) string {
	t.Helper()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	return string(b)
}

func ptr[T any](v T) *T { return &v }

func repeat(s string, n int) string { return strings.Repeat(s, n) }
