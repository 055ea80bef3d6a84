package domain

import (
	"math"
	"testing"
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
		{name: "fulfil", given: committed(), as: asMember(m1), when: FulfilCommitment{CommitmentID: cmt, Note: "done"},
			then: then(CommitmentFulfilled{CommitmentID: cmt, Note: "done"})},
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
			then: then(CommitmentFulfilled{CommitmentID: cmt, Note: "a\tb\nc"})},
		{name: "vertical tab in note", given: committed(), as: asMember(m1), when: FulfilCommitment{CommitmentID: cmt, Note: "a\vb"}, err: Invalid, msg: "U+000B"},
	})
}
