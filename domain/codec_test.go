package domain

import (
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// oneOfEach returns a filled-in instance of every catalogue type.
func oneOfEach() []EventData {
	closes := time.Date(2026, 12, 1, 17, 0, 0, 123456789, time.UTC)
	return []EventData{
		AllianceFormed{Name: "Care Alliance", Purpose: "Shared care\npathways", Charter: consensusCharter},
		MemberAdmitted{MemberID: m1, Name: "Payer One", Sector: "payer", Role: RoleConvener},
		MemberWithdrew{MemberID: m1, Reason: "merger"},
		registered(m1, keyOf(m1)),
		ObserverAdded{ObserverID: obs, Name: "Regulator"},
		WorkgroupFormed{WorkgroupID: wg, Name: "Data", Aim: "Share", Metric: "sites", Target: 12.5, Due: "2027-03-31", MemberIDs: []string{m1, m2}},
		ProposalSubmitted{ProposalID: prop, Kind: KindCharter, Title: "Majority", Body: "Use <majority> & \"more\"", AuthorID: m1, Charter: &Charter{DecisionRule: RuleMajority, Quorum: "1/2", Threshold: "1/2"}},
		AmendmentProposed{ProposalID: prop, AmendmentID: amend, Body: "v2", Rationale: "é ✓", AuthorID: m2},
		AmendmentAccepted{ProposalID: prop, AmendmentID: amend, Version: 2},
		AmendmentRejected{ProposalID: prop, AmendmentID: amend2, Version: 2},
		ProposalWithdrawn{ProposalID: prop, Reason: "later"},
		VotingOpened{ProposalID: prop, Version: 2, Rule: full(consensusCharter), Eligible: []string{conv, m1}, ClosesAt: &closes},
		VoteCast{ProposalID: prop, MemberID: m1, Stance: StanceBlock, Reason: "cost", Signed: Signed{&Signature{KeyID: "0123456789abcdef", Statement: "accord-statement/v1\nalliance x\n", Sig: "c2ln"}}},
		VotingClosed{ProposalID: prop, Tally: Tally{1, 2, 3, 4}, Participation: 10, EligibleCount: 12, QuorumRequired: 6, QuorumMet: true, Result: ResultRejected, Explanation: "Rejected …"},
		CharterAmended{Charter: Charter{DecisionRule: RuleUnanimity, Quorum: "2/3", Threshold: "1/1"}, ProposalID: prop},
		CommitmentMade{CommitmentID: cmt, MemberID: m1, ProposalID: prop, Description: "Publish", Metric: "sites", Target: -1.25, Due: "2027-06-30"},
		ProgressReported{CommitmentID: cmt, Value: 0.1, Note: "n"},
		CommitmentFulfilled{CommitmentID: cmt, Note: "done", Value: ptr(3.5)},
		CommitmentWithdrawn{CommitmentID: cmt, Note: "cut"},
	}
}

func TestEveryCatalogueTypeRoundTrips(t *testing.T) {
	var types []string
	for i, d := range oneOfEach() {
		e := NewEvent(Meta{AllianceID: aid, CommandID: "cmd-7", At: time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC),
			Actor: Actor{ID: id(99), Role: RoleMember, MemberID: m1}}, d)
		e.ID, e.Seq, e.PrevHash = id(500+i), uint64(i+1), ZeroHash
		line, err := Encode(e)
		require.NoError(t, err, e.Type)
		back, err := Decode(line)
		require.NoError(t, err, e.Type)
		require.Equal(t, e, back, e.Type)
		again, err := Encode(back)
		require.NoError(t, err)
		require.Equal(t, string(line), string(again), "stored bytes are stable")
		require.Equal(t, Hash(line), Hash(again))
		types = append(types, e.Type)
	}
	want := EventTypes()
	sort.Strings(want)
	sort.Strings(types)
	require.Equal(t, want, types, "one sample per catalogue type")
}

func TestEncodeRefusesBadEnvelopes(t *testing.T) {
	_, err := Encode(Event{Type: TypeVoteCast})
	require.Equal(t, Internal, KindOf(err))
	_, err = Encode(Event{Type: TypeVoteCast, Data: VotingClosed{}})
	require.Equal(t, Internal, KindOf(err))
	for _, line := range []string{`{`, `{"type":"VoteCast","v":1}`, `{"type":"Nope","v":1,"data":{}}`, `{"type":"VoteCast","v":2,"data":{}}`, `{"type":"VoteCast","v":1,"data":[]}`} {
		_, err := Decode([]byte(line))
		require.Equal(t, Invalid, KindOf(err), line)
	}
}
