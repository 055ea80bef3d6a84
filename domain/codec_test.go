package domain

import (
	"fmt"
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
		AllianceConcluded{Reason: "Mandate <fulfilled> & \"done\""},
		WorkgroupMembersChanged{WorkgroupID: wg, Added: []string{m3}, Removed: []string{m1}},
		WorkgroupProgressReported{WorkgroupID: wg, Value: 7.25, Note: "seven sites\nlive"},
		WorkgroupClosed{WorkgroupID: wg, Outcome: WorkgroupMet, Note: "12 of 12"},
		ProxyGranted{GrantorID: m1, ProxyID: m2, ProposalID: prop},
		ProxyRevoked{GrantorID: m1, ProxyID: m2, ProposalID: ""},
		WitnessAdded{WitnessID: id(41), PartyID: obs, Name: "regulator-witness", VKey: "regulator-witness+5a0c1d2e+BAEjRWeJq83vASNFZ4mrze8BI0VniavN7wEjRWeJq83v"},
	}
}

// variants are the optional fields of the catalogue, set, beside their
// absence in oneOfEach: a proxy's vote, a commitment toward a workgroup, a
// successor's formation, a grant for a proposal and a standing one.
func variants() []EventData {
	return []EventData{
		AllianceFormed{Name: "Care Alliance II", Purpose: "p", Charter: consensusCharter, Predecessor: &AllianceHead{AllianceID: id(2), Seq: 41, Hash: repeat("9f", 32)}},
		castFor(m2, m1, StanceAgree),
		CommitmentMade{CommitmentID: cmt, MemberID: m1, WorkgroupID: wg, Description: "Connect", Metric: "sites", Target: 2, Due: "2027-06-30"},
		ProxyGranted{GrantorID: m1, ProxyID: m2, ProposalID: ""},
		ProxyRevoked{GrantorID: m1, ProxyID: m2, ProposalID: prop},
		WorkgroupMembersChanged{WorkgroupID: wg, Added: []string{}, Removed: []string{m1, m2}},
	}
}

// TestVariantsRoundTrip holds the optional fields to the bytes they are
// written as, and absent ones to no bytes at all.
func TestVariantsRoundTrip(t *testing.T) {
	for _, d := range variants() {
		line := sampleLine(t, d)
		back, err := Decode(line)
		require.NoError(t, err)
		require.Equal(t, d, back.Data)
		again, err := Encode(back)
		require.NoError(t, err)
		require.Equal(t, string(line), string(again))
	}
	require.Contains(t, string(sampleLine(t, variants()[0])), `"predecessor":{"alliance_id":"`+id(2)+`","seq":41,"hash":"`+repeat("9f", 32)+`"}`)
	require.Contains(t, string(sampleLine(t, variants()[1])), `"reason":"","cast_by":"`+m1+`"}`)
	require.Contains(t, string(sampleLine(t, variants()[2])), `"member_id":"`+m1+`","workgroup_id":"`+wg+`","description"`)
	require.Contains(t, string(sampleLine(t, variants()[3])), `"proposal_id":""`, "a standing grant writes its empty proposal_id")
	for _, d := range oneOfEach() {
		line := string(sampleLine(t, d))
		require.NotContains(t, line, `"predecessor"`, "%s: an absent predecessor writes nothing", d.EventType())
		require.NotContains(t, line, `"cast_by"`, "%s: an absent cast_by writes nothing", d.EventType())
		if _, ok := d.(CommitmentMade); ok {
			require.NotContains(t, line, `"workgroup_id"`, "a commitment on a proposal names no workgroup")
		}
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

// Lines stored before predecessor, cast_by and workgroup_id existed decode
// with those fields absent, mean what they meant, and keep their bytes.
func TestOldLinesKeepTheirBytes(t *testing.T) {
	envelope := func(seq int, typ, data string) string {
		return `{"id":"` + id(500+seq) + `","alliance_id":"` + aid + `","seq":` + fmt.Sprint(seq) + `,"type":"` + typ + `","v":1,"at":"2026-11-22T10:00:00Z",` +
			`"actor":{"id":"` + id(99) + `","role":"member","member_id":"` + m1 + `"},"command_id":"c","prev_hash":"` + ZeroHash + `","data":` + data + `}`
	}
	cases := []struct {
		line string
		want EventData
	}{
		{envelope(1, TypeAllianceFormed, `{"name":"Care","purpose":"p","charter":{"decision_rule":"consensus","quorum":"1/2","threshold":"3/4"}}`),
			AllianceFormed{Name: "Care", Purpose: "p", Charter: consensusCharter}},
		{envelope(9, TypeVoteCast, `{"proposal_id":"`+prop+`","member_id":"`+m1+`","stance":"agree","reason":"r"}`),
			VoteCast{ProposalID: prop, MemberID: m1, Stance: StanceAgree, Reason: "r"}},
		{envelope(12, TypeCommitmentMade, `{"commitment_id":"`+cmt+`","member_id":"`+m1+`","proposal_id":"`+prop+`","description":"d","metric":"m","target":1,"due":"2027-01-01"}`),
			CommitmentMade{CommitmentID: cmt, MemberID: m1, ProposalID: prop, Description: "d", Metric: "m", Target: 1, Due: "2027-01-01"}},
		{envelope(7, TypeVotingOpened, `{"proposal_id":"`+prop+`","version":1,"rule":{"decision_rule":"consensus","quorum":"1/2","threshold":"3/4"},"eligible":["`+m1+`"]}`),
			VotingOpened{ProposalID: prop, Version: 1, Rule: consensusCharter, Eligible: []string{m1}}},
	}
	for _, c := range cases {
		e, err := Decode([]byte(c.line))
		require.NoError(t, err)
		require.Equal(t, c.want, e.Data)
		again, err := Encode(e)
		require.NoError(t, err)
		require.Equal(t, c.line, string(again))
	}
	e, _ := Decode([]byte(cases[3].line))
	require.Equal(t, 0, e.Data.(VotingOpened).Rule.MaxProxies.N(), "a rule recorded before max_proxies allows no proxies")
}
