package domain

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMakeCommitment(t *testing.T) {
	mk := func(f func(*MakeCommitment)) MakeCommitment {
		c := MakeCommitment{CommitmentID: cmt, ProposalID: prop, Description: "Publish data", Metric: "sites", Target: 10, Due: "2027-06-30"}
		if f != nil {
			f(&c)
		}
		return c
	}
	made := func(member string) CommitmentMade {
		return CommitmentMade{CommitmentID: cmt, MemberID: member, ProposalID: prop, Description: "Publish data", Metric: "sites", Target: 10, Due: "2027-06-30"}
	}
	run(t, []scenario{
		{name: "by a member", given: closedAs(ResultAdopted), as: asMember(m2), when: mk(nil), then: then(made(m2))},
		{name: "by a convener, metric trimmed", given: closedAs(ResultAdopted), as: asConvener(), when: mk(func(c *MakeCommitment) { c.Metric = " sites " }), then: then(made(conv))},
		{name: "on a rejected proposal", given: closedAs(ResultRejected), as: asMember(m2), when: mk(nil),
			err: Conflict, msg: "commitments are made on adopted proposals; proposal " + prop + " is rejected"},
		{name: "while voting", given: voting(), as: asMember(m2), when: mk(nil), err: Conflict, msg: "is voting"},
		{name: "no such proposal", given: formed(), as: asMember(m2), when: mk(nil), err: NotFound, msg: "no proposal " + prop},
		{name: "twice", given: committed(), as: asMember(m2), when: mk(nil), err: Conflict, msg: "commitment " + cmt + " was already made by member " + m1},
		{name: "by the admin", given: closedAs(ResultAdopted), as: asAdmin(), when: mk(nil), err: Forbidden, msg: "only a member can make commitments"},
		{name: "by an observer", given: closedAs(ResultAdopted), as: asObserver(), when: mk(nil), err: Forbidden, msg: "observers"},
		{name: "bad proposal id", given: closedAs(ResultAdopted), as: asMember(m2), when: mk(func(c *MakeCommitment) { c.ProposalID = "p" }), err: Invalid, msg: `proposal_id "p" is not a uuid`},
		{name: "no description", given: closedAs(ResultAdopted), as: asMember(m2), when: mk(func(c *MakeCommitment) { c.Description = "" }), err: Invalid, msg: "description is required"},
		{name: "description too long", given: closedAs(ResultAdopted), as: asMember(m2), when: mk(func(c *MakeCommitment) { c.Description = repeat("d", 2001) }), err: Invalid, msg: "description is 2001 characters"},
		{name: "no metric", given: closedAs(ResultAdopted), as: asMember(m2), when: mk(func(c *MakeCommitment) { c.Metric = "" }), err: Invalid, msg: "metric is required"},
		{name: "infinite target", given: closedAs(ResultAdopted), as: asMember(m2), when: mk(func(c *MakeCommitment) { c.Target = math.Inf(1) }), err: Invalid, msg: "target must be a finite number"},
		{name: "bad due", given: closedAs(ResultAdopted), as: asMember(m2), when: mk(func(c *MakeCommitment) { c.Due = "30/06/2027" }), err: Invalid, msg: `due "30/06/2027" is not a date`},
		{name: "bad commitment id", given: closedAs(ResultAdopted), as: asMember(m2), when: mk(func(c *MakeCommitment) { c.CommitmentID = "" }), err: Invalid, msg: "commitment id is required"},
	})
}

func TestReportProgress(t *testing.T) {
	run(t, []scenario{
		{name: "by its member", given: committed(), as: asMember(m1), when: ReportProgress{CommitmentID: cmt, Value: 4.5, Note: "4 sites\nand a pilot"},
			then: then(ProgressReported{CommitmentID: cmt, Value: 4.5, Note: "4 sites\nand a pilot"})},
		{name: "again", given: committed(ProgressReported{CommitmentID: cmt, Value: 1}), as: asMember(m1), when: ReportProgress{CommitmentID: cmt, Value: 2},
			then: then(ProgressReported{CommitmentID: cmt, Value: 2})},
		{name: "by another member", given: committed(), as: asMember(m2), when: ReportProgress{CommitmentID: cmt, Value: 1},
			err: Forbidden, msg: "only member " + m1 + ", who made commitment " + cmt + ", can report progress on it"},
		{name: "by a convener", given: committed(), as: asConvener(), when: ReportProgress{CommitmentID: cmt, Value: 1}, err: Forbidden, msg: "only member " + m1},
		{name: "after fulfilment", given: committed(CommitmentFulfilled{CommitmentID: cmt}), as: asMember(m1), when: ReportProgress{CommitmentID: cmt, Value: 1},
			err: Conflict, msg: "commitment " + cmt + " is already fulfilled"},
		{name: "no such commitment", given: closedAs(ResultAdopted), as: asMember(m1), when: ReportProgress{CommitmentID: cmt, Value: 1}, err: NotFound, msg: "no commitment " + cmt},
		{name: "NaN", given: committed(), as: asMember(m1), when: ReportProgress{CommitmentID: cmt, Value: math.NaN()}, err: Invalid, msg: "value must be a finite number"},
		{name: "note too long", given: committed(), as: asMember(m1), when: ReportProgress{CommitmentID: cmt, Note: repeat("n", 2001)}, err: Invalid, msg: "note is 2001 characters"},
	})
}

func TestFulfilAndWithdrawCommitment(t *testing.T) {
	run(t, []scenario{
		{name: "fulfil with nothing reported records 0", given: committed(), as: asMember(m1), when: FulfilCommitment{CommitmentID: cmt, Note: "done"},
			then: then(CommitmentFulfilled{CommitmentID: cmt, Note: "done", Value: ptr(0.0)})},
		{name: "fulfil records the last report", given: committed(ProgressReported{CommitmentID: cmt, Value: 4}, ProgressReported{CommitmentID: cmt, Value: 7.5}),
			as: asMember(m1), when: FulfilCommitment{CommitmentID: cmt, Note: "done"},
			then: then(CommitmentFulfilled{CommitmentID: cmt, Note: "done", Value: ptr(7.5)})},
		{name: "fulfil with a final value", given: committed(ProgressReported{CommitmentID: cmt, Value: 4}),
			as: asMember(m1), when: FulfilCommitment{CommitmentID: cmt, Note: "done", Value: ptr(10.0)},
			then: then(CommitmentFulfilled{CommitmentID: cmt, Note: "done", Value: ptr(10.0)})},
		{name: "fulfil with a final value of 0", given: committed(ProgressReported{CommitmentID: cmt, Value: 4}),
			as: asMember(m1), when: FulfilCommitment{CommitmentID: cmt, Value: ptr(0.0)},
			then: then(CommitmentFulfilled{CommitmentID: cmt, Value: ptr(0.0)})},
		{name: "fulfil with an infinite value", given: committed(), as: asMember(m1), when: FulfilCommitment{CommitmentID: cmt, Value: ptr(math.Inf(-1))},
			err: Invalid, msg: "value must be a finite number"},
		{name: "withdraw", given: committed(), as: asMember(m1), when: WithdrawCommitment{CommitmentID: cmt, Note: "budget cut"},
			then: then(CommitmentWithdrawn{CommitmentID: cmt, Note: "budget cut"})},
		{name: "fulfil by another", given: committed(), as: asMember(m2), when: FulfilCommitment{CommitmentID: cmt}, err: Forbidden, msg: "can fulfil it"},
		{name: "withdraw by the admin", given: committed(), as: asAdmin(), when: WithdrawCommitment{CommitmentID: cmt}, err: Forbidden, msg: "can withdraw it"},
		{name: "fulfil a withdrawn one", given: committed(CommitmentWithdrawn{CommitmentID: cmt}), as: asMember(m1), when: FulfilCommitment{CommitmentID: cmt},
			err: Conflict, msg: "commitment " + cmt + " is already withdrawn"},
		{name: "withdraw a fulfilled one", given: committed(CommitmentFulfilled{CommitmentID: cmt}), as: asMember(m1), when: WithdrawCommitment{CommitmentID: cmt},
			err: Conflict, msg: "is already fulfilled"},
		{name: "member withdrew from the alliance", given: committed(MemberWithdrew{MemberID: m1}), as: asMember(m1), when: FulfilCommitment{CommitmentID: cmt},
			err: Forbidden, msg: "has withdrawn"},
		{name: "no such commitment", given: committed(), as: asMember(m1), when: WithdrawCommitment{CommitmentID: id(51)}, err: NotFound, msg: "no commitment"},
		{name: "bad id", given: committed(), as: asMember(m1), when: FulfilCommitment{CommitmentID: "c"}, err: Invalid, msg: `commitment id "c" is not a uuid`},
		{name: "tab and newline in note", given: committed(), as: asMember(m1), when: FulfilCommitment{CommitmentID: cmt, Note: "a\tb\nc"},
			then: then(CommitmentFulfilled{CommitmentID: cmt, Note: "a\tb\nc", Value: ptr(0.0)})},
		{name: "vertical tab in note", given: committed(), as: asMember(m1), when: FulfilCommitment{CommitmentID: cmt, Note: "a\vb"}, err: Invalid, msg: "U+000B"},
	})
}

// A CommitmentFulfilled stored before it carried value means the last
// reported value (0 with none); one that carries it means that value. The
// state shows it as the commitment's value once fulfilled.
func TestFulfilledValue(t *testing.T) {
	for _, c := range []struct {
		name  string
		given []EventData
		want  *float64
	}{
		{"open", committed(ProgressReported{CommitmentID: cmt, Value: 3}), nil},
		{"old event after reports", committed(ProgressReported{CommitmentID: cmt, Value: 3}, ProgressReported{CommitmentID: cmt, Value: 8},
			CommitmentFulfilled{CommitmentID: cmt}), ptr(8.0)},
		{"old event with no report", committed(CommitmentFulfilled{CommitmentID: cmt}), ptr(0.0)},
		{"given value", committed(ProgressReported{CommitmentID: cmt, Value: 3}, CommitmentFulfilled{CommitmentID: cmt, Value: ptr(12.0)}), ptr(12.0)},
		{"withdrawn", committed(ProgressReported{CommitmentID: cmt, Value: 3}, CommitmentWithdrawn{CommitmentID: cmt}), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := fold(t, c.given)
			cm, ok := s.Commitment(cmt)
			require.True(t, ok)
			require.Equal(t, c.want, cm.Value)
			var got map[string]any
			require.NoError(t, json.Unmarshal([]byte(stateJSON(t, s)), &got))
			shown := got["commitments"].([]any)[0].(map[string]any)
			if c.want == nil {
				require.NotContains(t, shown, "value")
				return
			}
			require.Equal(t, *c.want, shown["value"])
		})
	}
}

// A line stored before CommitmentFulfilled carried value decodes without
// one and keeps its bytes; a new one with value 0 writes it.
func TestFulfilledLineKeepsItsBytes(t *testing.T) {
	old := `{"id":"` + id(501) + `","alliance_id":"` + aid + `","seq":12,"type":"CommitmentFulfilled","v":1,"at":"2026-11-22T10:00:00Z",` +
		`"actor":{"id":"` + id(99) + `","role":"member","member_id":"` + m1 + `"},"command_id":"c","prev_hash":"` + ZeroHash + `",` +
		`"data":{"commitment_id":"` + cmt + `","note":"done"}}`
	e, err := Decode([]byte(old))
	require.NoError(t, err)
	require.Equal(t, CommitmentFulfilled{CommitmentID: cmt, Note: "done"}, e.Data)
	again, err := Encode(e)
	require.NoError(t, err)
	require.Equal(t, old, string(again))

	e.Data = CommitmentFulfilled{CommitmentID: cmt, Note: "done", Value: ptr(0.0)}
	line, err := Encode(e)
	require.NoError(t, err)
	require.Contains(t, string(line), `"data":{"commitment_id":"`+cmt+`","note":"done","value":0}}`)
}
