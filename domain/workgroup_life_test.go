package domain

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// withWorkgroup adds the convener's workgroup of m1 and m2 (seq 6).
func withWorkgroup(more ...EventData) []EventData {
	w := WorkgroupFormed{WorkgroupID: wg, Name: "Data", Aim: "Share data", Metric: "sites", Target: 12, Due: "2027-03-31", MemberIDs: []string{m1, m2}}
	return append(append(formed(), w), more...)
}

func closedWorkgroup(more ...EventData) []EventData {
	return withWorkgroup(append([]EventData{WorkgroupClosed{WorkgroupID: wg, Outcome: WorkgroupMissed, Note: "ran out of time"}}, more...)...)
}

func TestChangeWorkgroupMembers(t *testing.T) {
	change := func(add, remove []string) ChangeWorkgroupMembers {
		return ChangeWorkgroupMembers{WorkgroupID: wg, Add: add, Remove: remove}
	}
	changed := func(add, remove []string) WorkgroupMembersChanged {
		return WorkgroupMembersChanged{WorkgroupID: wg, Added: add, Removed: remove}
	}
	run(t, []scenario{
		{name: "add one", given: withWorkgroup(), as: asConvener(), when: change([]string{m3}, nil), then: then(changed([]string{m3}, []string{}))},
		{name: "remove one", given: withWorkgroup(), as: asConvener(), when: change(nil, []string{m1}), then: then(changed([]string{}, []string{m1}))},
		{name: "add and remove at once", given: withWorkgroup(), as: asConvener(), when: change([]string{m3, conv}, []string{m2}),
			then: then(changed([]string{m3, conv}, []string{m2}))},
		{name: "remove a member who has withdrawn", given: withWorkgroup(MemberWithdrew{MemberID: m2}), as: asConvener(), when: change(nil, []string{m2}),
			then: then(changed([]string{}, []string{m2}))},

		{name: "by a member of it", given: withWorkgroup(), as: asMember(m1), when: change([]string{m3}, nil), err: Forbidden,
			msg: "only a convener can change a workgroup's members"},
		{name: "by the admin", given: withWorkgroup(), as: asAdmin(), when: change([]string{m3}, nil), err: Forbidden, msg: "only a convener"},
		{name: "by an observer", given: withWorkgroup(), as: asObserver(), when: change([]string{m3}, nil), err: Forbidden, msg: "observers"},
		{name: "nothing to change", given: withWorkgroup(), as: asConvener(), when: change(nil, []string{}), err: Invalid, msg: "add or remove is required"},
		{name: "bad workgroup id", given: withWorkgroup(), as: asConvener(), when: ChangeWorkgroupMembers{WorkgroupID: "wg", Add: []string{m3}},
			err: Invalid, msg: `workgroup id "wg" is not a uuid`},
		{name: "bad id to add", given: withWorkgroup(), as: asConvener(), when: change([]string{m3, "x"}, nil), err: Invalid, msg: `add[1] "x" is not a uuid`},
		{name: "bad id to remove", given: withWorkgroup(), as: asConvener(), when: change(nil, []string{""}), err: Invalid, msg: "remove[0] is required"},
		{name: "added twice", given: withWorkgroup(), as: asConvener(), when: change([]string{m3, m3}, nil), err: Invalid, msg: "add[1]: member " + m3 + " is listed twice"},
		{name: "removed twice", given: withWorkgroup(), as: asConvener(), when: change(nil, []string{m1, m1}), err: Invalid, msg: "remove[1]: member " + m1 + " is listed twice"},
		{name: "added and removed", given: withWorkgroup(), as: asConvener(), when: change([]string{m1}, []string{m1}), err: Invalid,
			msg: "add[0]: member " + m1 + " is both added and removed"},
		{name: "too many", given: withWorkgroup(), as: asConvener(), when: change(nil, make([]string, MaxWorkgroupMembers+1)), err: Invalid,
			msg: "remove has 1001 ids, over the limit of 1000"},
		{name: "no such workgroup", given: formed(), as: asConvener(), when: change([]string{m3}, nil), err: NotFound, msg: "no workgroup " + wg},
		{name: "a stranger", given: withWorkgroup(), as: asConvener(), when: change([]string{stranger}, nil), err: NotFound, msg: "add[0]: no member " + stranger},
		{name: "a withdrawn member", given: withWorkgroup(MemberWithdrew{MemberID: m3}), as: asConvener(), when: change([]string{m3}, nil), err: Conflict,
			msg: "add[0]: member " + m3 + " (Patients United) has withdrawn and cannot join a workgroup"},
		{name: "already in it", given: withWorkgroup(), as: asConvener(), when: change([]string{m3, m2}, nil), err: Conflict,
			msg: "add[1]: member " + m2 + " is already in workgroup " + wg + " (Data)"},
		{name: "not in it", given: withWorkgroup(), as: asConvener(), when: change(nil, []string{m3}), err: Conflict,
			msg: "remove[0]: member " + m3 + " is not in workgroup " + wg},
		{name: "after it closed", given: closedWorkgroup(), as: asConvener(), when: change([]string{m3}, nil), err: Conflict,
			msg: "workgroup " + wg + " (Data) was closed as missed at seq 7: its members no longer change"},
	})
}

func TestReportWorkgroupProgress(t *testing.T) {
	report := ReportWorkgroupProgress{WorkgroupID: wg, Value: 4.5, Note: "four sites\nand a pilot"}
	reported := WorkgroupProgressReported{WorkgroupID: wg, Value: 4.5, Note: "four sites\nand a pilot"}
	run(t, []scenario{
		{name: "by a member of it", given: withWorkgroup(), as: asMember(m2), when: report, then: then(reported)},
		{name: "by a convener outside it", given: withWorkgroup(), as: asConvener(), when: report, then: then(reported)},
		{name: "again, lower", given: withWorkgroup(WorkgroupProgressReported{WorkgroupID: wg, Value: 9}), as: asMember(m1),
			when: ReportWorkgroupProgress{WorkgroupID: wg, Value: -1}, then: then(WorkgroupProgressReported{WorkgroupID: wg, Value: -1})},
		{name: "by a member who joined it", given: withWorkgroup(WorkgroupMembersChanged{WorkgroupID: wg, Added: []string{m3}}), as: asMember(m3),
			when: report, then: then(reported)},

		{name: "by a member outside it", given: withWorkgroup(), as: asMember(m3), when: report, err: Forbidden,
			msg: "only a convener or a member of workgroup " + wg + " (Data) can report its progress; member " + m3},
		{name: "by a member removed from it", given: withWorkgroup(WorkgroupMembersChanged{WorkgroupID: wg, Removed: []string{m1}}), as: asMember(m1),
			when: report, err: Forbidden, msg: "only a convener or a member of workgroup"},
		{name: "by the admin", given: withWorkgroup(), as: asAdmin(), when: report, err: Forbidden, msg: "only a member can report a workgroup's progress"},
		{name: "after it closed", given: closedWorkgroup(), as: asMember(m1), when: report, err: Conflict,
			msg: "was closed as missed at seq 7: no more progress is reported on it"},
		{name: "no such workgroup", given: formed(), as: asMember(m1), when: report, err: NotFound, msg: "no workgroup " + wg},
		{name: "NaN", given: withWorkgroup(), as: asMember(m1), when: ReportWorkgroupProgress{WorkgroupID: wg, Value: math.NaN()}, err: Invalid,
			msg: "value must be a finite number"},
		{name: "note too long", given: withWorkgroup(), as: asMember(m1), when: ReportWorkgroupProgress{WorkgroupID: wg, Note: repeat("n", 2001)}, err: Invalid,
			msg: "note is 2001 characters"},
	})
}

func TestCloseWorkgroup(t *testing.T) {
	run(t, []scenario{
		{name: "met", given: withWorkgroup(), as: asConvener(), when: CloseWorkgroup{WorkgroupID: wg, Outcome: WorkgroupMet, Note: "12 sites"},
			then: then(WorkgroupClosed{WorkgroupID: wg, Outcome: WorkgroupMet, Note: "12 sites"})},
		{name: "missed", given: withWorkgroup(), as: asConvener(), when: CloseWorkgroup{WorkgroupID: wg, Outcome: WorkgroupMissed},
			then: then(WorkgroupClosed{WorkgroupID: wg, Outcome: WorkgroupMissed})},
		{name: "dissolved", given: withWorkgroup(), as: asConvener(), when: CloseWorkgroup{WorkgroupID: wg, Outcome: WorkgroupDissolved},
			then: then(WorkgroupClosed{WorkgroupID: wg, Outcome: WorkgroupDissolved})},

		{name: "by a member of it", given: withWorkgroup(), as: asMember(m1), when: CloseWorkgroup{WorkgroupID: wg, Outcome: WorkgroupMet},
			err: Forbidden, msg: "only a convener can close a workgroup"},
		{name: "no outcome", given: withWorkgroup(), as: asConvener(), when: CloseWorkgroup{WorkgroupID: wg}, err: Invalid,
			msg: "outcome is required (one of met, missed, dissolved)"},
		{name: "open is not an outcome", given: withWorkgroup(), as: asConvener(), when: CloseWorkgroup{WorkgroupID: wg, Outcome: "open"}, err: Invalid,
			msg: `outcome "open" is not one of met, missed, dissolved`},
		{name: "twice", given: closedWorkgroup(), as: asConvener(), when: CloseWorkgroup{WorkgroupID: wg, Outcome: WorkgroupMet}, err: Conflict,
			msg: "workgroup " + wg + " (Data) was closed as missed at seq 7: it cannot be closed again"},
		{name: "no such workgroup", given: formed(), as: asConvener(), when: CloseWorkgroup{WorkgroupID: wg, Outcome: WorkgroupMet}, err: NotFound, msg: "no workgroup"},
	})
}

func TestCommitmentTowardAWorkgroup(t *testing.T) {
	mk := func(f func(*MakeCommitment)) MakeCommitment {
		c := MakeCommitment{CommitmentID: cmt, WorkgroupID: wg, Description: "Connect two sites", Metric: "sites", Target: 2, Due: "2027-03-31"}
		if f != nil {
			f(&c)
		}
		return c
	}
	made := CommitmentMade{CommitmentID: cmt, MemberID: m2, WorkgroupID: wg, Description: "Connect two sites", Metric: "sites", Target: 2, Due: "2027-03-31"}
	adoptedAndGrouped := append(closedAs(ResultAdopted), WorkgroupFormed{WorkgroupID: wg, Name: "Data", Aim: "a", Metric: "m", Due: "2027-01-01", MemberIDs: []string{m2}})
	run(t, []scenario{
		{name: "by a member of it", given: withWorkgroup(), as: asMember(m2), when: mk(nil), then: then(made)},
		{name: "by a member who joined it", given: withWorkgroup(WorkgroupMembersChanged{WorkgroupID: wg, Added: []string{m3}}), as: asMember(m3), when: mk(nil),
			then: then(CommitmentMade{CommitmentID: cmt, MemberID: m3, WorkgroupID: wg, Description: "Connect two sites", Metric: "sites", Target: 2, Due: "2027-03-31"})},

		{name: "both a proposal and a workgroup", given: adoptedAndGrouped, as: asMember(m2), when: mk(func(c *MakeCommitment) { c.ProposalID = prop }),
			err: Invalid, msg: "give proposal_id or workgroup_id, not both"},
		{name: "neither", given: withWorkgroup(), as: asMember(m2), when: mk(func(c *MakeCommitment) { c.WorkgroupID = "" }),
			err: Invalid, msg: "proposal_id or workgroup_id is required"},
		{name: "bad workgroup id", given: withWorkgroup(), as: asMember(m2), when: mk(func(c *MakeCommitment) { c.WorkgroupID = "w" }),
			err: Invalid, msg: `workgroup_id "w" is not a uuid`},
		{name: "by a member outside it", given: withWorkgroup(), as: asMember(m3), when: mk(nil), err: Forbidden,
			msg: "commitments toward workgroup " + wg + " (Data) are made by its members; member " + m3 + " (Patients United) is not one"},
		{name: "by a convener outside it", given: withWorkgroup(), as: asConvener(), when: mk(nil), err: Forbidden, msg: "are made by its members"},
		{name: "by a member removed from it", given: withWorkgroup(WorkgroupMembersChanged{WorkgroupID: wg, Removed: []string{m2}}), as: asMember(m2), when: mk(nil),
			err: Forbidden, msg: "is not one"},
		{name: "toward a closed workgroup", given: closedWorkgroup(), as: asMember(m2), when: mk(nil), err: Conflict,
			msg: "was closed as missed at seq 7: no more commitments are made toward it"},
		{name: "no such workgroup", given: formed(), as: asMember(m2), when: mk(nil), err: NotFound, msg: "no workgroup " + wg},
	})
}

// A member's commitments toward a workgroup stay its own when it leaves the
// workgroup, and when the workgroup closes: it still reports and fulfils them.
func TestWorkgroupCommitmentsOutliveMembership(t *testing.T) {
	made := CommitmentMade{CommitmentID: cmt, MemberID: m1, WorkgroupID: wg, Description: "d", Metric: "sites", Target: 2, Due: "2027-03-31"}
	for name, after := range map[string]EventData{
		"removed": WorkgroupMembersChanged{WorkgroupID: wg, Removed: []string{m1}},
		"closed":  WorkgroupClosed{WorkgroupID: wg, Outcome: WorkgroupDissolved},
	} {
		t.Run(name, func(t *testing.T) {
			s := fold(t, withWorkgroup(made, after))
			c, ok := s.Commitment(cmt)
			require.True(t, ok)
			require.Equal(t, StatusOpen, c.Status)
			require.Equal(t, wg, c.WorkgroupID)
			s = apply(t, s, asMember(m1), ReportProgress{CommitmentID: cmt, Value: 1})
			s = apply(t, s, asMember(m1), FulfilCommitment{CommitmentID: cmt, Note: "done"})
			c, _ = s.Commitment(cmt)
			require.Equal(t, StatusFulfilled, c.Status)
		})
	}
}

func TestEvolveFollowsTheWorkgroup(t *testing.T) {
	s := fold(t, withWorkgroup(
		WorkgroupMembersChanged{WorkgroupID: wg, Added: []string{m3, conv}, Removed: []string{m1}},
		WorkgroupProgressReported{WorkgroupID: wg, Value: 3, Note: "three"},
		WorkgroupMembersChanged{WorkgroupID: wg, Added: []string{m1}, Removed: []string{}},
		WorkgroupProgressReported{WorkgroupID: wg, Value: 8},
		WorkgroupClosed{WorkgroupID: wg, Outcome: WorkgroupMissed, Note: "8 of 12"},
		WorkgroupProgressReported{WorkgroupID: stranger, Value: 1},
	))
	w, ok := s.Workgroup(wg)
	require.True(t, ok)
	require.Equal(t, []string{m2, m3, conv, m1}, w.MemberIDs, "removed members leave, added ones join at the end")
	require.Equal(t, []Progress{
		{Value: 3, Note: "three", Seq: 8, At: t0.Add(7 * time.Minute)},
		{Value: 8, Seq: 10, At: t0.Add(9 * time.Minute)},
	}, w.Progress)
	require.Equal(t, Status(WorkgroupMissed), w.Status)
	require.Equal(t, &Closure{Note: "8 of 12", Seq: 11, At: t0.Add(10 * time.Minute)}, w.Closure)

	c := s.Clone()
	c = Evolve(c, at(event(WorkgroupMembersChanged{WorkgroupID: wg, Removed: []string{m2}}), 13))
	c.Workgroups[0].Progress[0].Value = 99
	c.Workgroups[0].Closure.Note = "changed"
	w, _ = s.Workgroup(wg)
	require.Equal(t, []string{m2, m3, conv, m1}, w.MemberIDs, "a clone does not share members")
	require.Equal(t, 3.0, w.Progress[0].Value, "nor progress")
	require.Equal(t, "8 of 12", w.Closure.Note, "nor its closure")
}
