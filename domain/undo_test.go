package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// busyHistory is an alliance with something of every kind for the
// catalogue's events to change: members with a proxy between them, an
// observer, a workgroup, a proposal in voting with stances (one cast by a
// proxy), another with an amendment, a commitment with progress, a witness.
func busyHistory() []EventData {
	return append(voting(),
		ObserverAdded{ObserverID: obs, Name: "Regulator"},
		WorkgroupFormed{WorkgroupID: wg, Name: "Data", Aim: "Share", Metric: "sites", Target: 12, Due: "2027-03-31", MemberIDs: []string{m1, m2, m3}},
		ProxyGranted{GrantorID: m1, ProxyID: m2, ProposalID: ""},
		ProxyGranted{GrantorID: m3, ProxyID: m2, ProposalID: prop},
		vote(conv, StanceAgree),
		castFor(m1, m2, StanceDisagree),
		submitted(prop2, KindResolution, nil),
		AmendmentProposed{ProposalID: prop2, AmendmentID: amend2, Body: "v2", Rationale: "clearer", AuthorID: m2},
		CommitmentMade{CommitmentID: cmt, MemberID: m1, WorkgroupID: wg, Description: "Connect", Metric: "sites", Target: 2, Due: "2027-06-30"},
		ProgressReported{CommitmentID: cmt, Value: 1, Note: "one"},
		WorkgroupProgressReported{WorkgroupID: wg, Value: 3, Note: "three"},
		WitnessAdded{WitnessID: id(41), PartyID: obs, Name: "regulator-witness", VKey: "regulator-witness+5a0c1d2e+BAEjRWeJq83vASNFZ4mrze8BI0VniavN7wEjRWeJq83v"},
	)
}

// undoCases are the event sequences the undo tests apply: every event of
// the catalogue alone, and every pair of them in both orders, so that an
// item added or changed by the first is changed again by the second.
func undoCases() [][]EventData {
	all := append(oneOfEach(), variants()...)
	all = append(all, MemberAdmitted{MemberID: late, Name: "Late Co", Sector: "payer", Role: RoleMember},
		ProxyGranted{GrantorID: m3, ProxyID: conv, ProposalID: ""}, vote(m3, StanceBlock),
		// New ids for every index, where the catalogue's reuse existing ones.
		submitted(id(32), KindResolution, nil),
		ObserverAdded{ObserverID: id(21), Name: "Auditor"},
		WorkgroupFormed{WorkgroupID: id(61), Name: "Pricing", Aim: "Align", Metric: "sites", Target: 3, Due: "2027-09-30", MemberIDs: []string{m2}},
		CommitmentMade{CommitmentID: id(51), MemberID: m2, ProposalID: prop, Description: "Report", Metric: "sites", Target: 1, Due: "2027-06-30"})
	var cases [][]EventData
	for _, d := range all {
		cases = append(cases, []EventData{d})
	}
	for _, d1 := range all {
		for _, d2 := range all {
			cases = append(cases, []EventData{d1, d2})
		}
	}
	return cases
}

// TestEvolveUndoable holds EvolveUndoable to Evolve going forward, and
// Revert to the state exactly as it was, unexported indexes included, for
// every case: and a reverted state then evolves as the original does, so
// nothing it shares with the discarded events can leak back into it.
func TestEvolveUndoable(t *testing.T) {
	history := busyHistory()
	base := fold(t, history)
	next := uint64(len(history)) + 1
	events := func(ds []EventData) []Event {
		evs := make([]Event, len(ds))
		for i, d := range ds {
			evs[i] = at(event(d), next+uint64(i))
		}
		return evs
	}
	for _, ds := range undoCases() {
		evs := events(ds)
		want := base.Clone()
		live := base.Clone()
		var u Undo
		for _, e := range evs {
			want = Evolve(want, e)
			live.EvolveUndoable(e, &u)
		}
		require.Equal(t, want, live, "forward through %T", ds)

		live.Revert(&u)
		require.Equal(t, base, live, "reverted %T", ds)

		// The reverted state takes the same events again (and a vote
		// after them) exactly as a fresh copy of the original does.
		again, fresh := live, base.Clone()
		for _, e := range append(evs, at(event(vote(m2, StanceAbstain)), next+uint64(len(evs)))) {
			again, fresh = Evolve(again, e), Evolve(fresh, e)
		}
		require.Equal(t, fresh, again, "evolved again after reverting %T", ds)
	}
}

// TestUndoForgetKeeps: Forget keeps what was evolved, and a Revert after it
// changes nothing.
func TestUndoForgetKeeps(t *testing.T) {
	s := fold(t, voting())
	var u Undo
	s.EvolveUndoable(at(event(vote(m2, StanceAgree)), 8), &u)
	u.Forget()
	s.Revert(&u)
	require.Equal(t, StanceAgree, s.Proposals[0].Stances[m2].Stance)
	require.Equal(t, uint64(8), s.Seq)
}

// BenchmarkUndoBatch is the write side's overhead for a batch of 64 votes
// decided against the state in place, on an alliance of 2,000 proposals,
// next to the copy of the whole state it replaced (BenchmarkCloneLarge).
func BenchmarkUndoBatch(b *testing.B) {
	s := largeState(b)
	pid := s.Proposals[len(s.Proposals)-1].ID
	b.ReportAllocs()
	for b.Loop() {
		var u Undo
		for i := 0; i < 64; i++ {
			d := vote(conv, Stance([]Stance{StanceAgree, StanceDisagree}[i%2]))
			d.ProposalID = pid
			s.EvolveUndoable(at(event(d), s.Seq+1), &u)
		}
		s.Revert(&u)
	}
}

// BenchmarkCloneLarge is one copy of the state of an alliance of 2,000
// voted proposals (12,005 events).
func BenchmarkCloneLarge(b *testing.B) {
	s := largeState(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Clone()
	}
}

func largeState(b *testing.B) Alliance {
	b.Helper()
	var s Alliance
	ev := func(d EventData) { s = Evolve(s, at(event(d), s.Seq+1)) }
	for _, d := range formed() {
		ev(d)
	}
	for i := 0; i < 2000; i++ {
		pid := id(100000 + i)
		ev(submitted(pid, KindResolution, nil))
		ev(opened(pid, consensusCharter, nil))
		for _, m := range []string{conv, m1, m2, m3} {
			d := vote(m, StanceAgree)
			d.ProposalID = pid
			ev(d)
		}
	}
	return s
}
