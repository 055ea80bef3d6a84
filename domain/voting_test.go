package domain

import (
	"testing"
	"time"
)

func TestOpenVoting(t *testing.T) {
	deadline := now.Add(48 * time.Hour)
	everyone := []string{conv, m1, m2, m3}
	openedAs := func(version int, rule Charter, eligible []string, closes *time.Time) VotingOpened {
		return VotingOpened{ProposalID: prop, Version: version, Rule: full(rule), Eligible: eligible, ClosesAt: closes}
	}
	majority := Charter{DecisionRule: RuleMajority, Quorum: "1/2", Threshold: "1/2"}
	run(t, []scenario{
		{name: "by a convener", given: proposed(), as: asConvener(), when: OpenVoting{ProposalID: prop},
			then: then(openedAs(1, consensusCharter, everyone, nil))},
		{name: "with a deadline", given: proposed(), as: asConvener(), when: OpenVoting{ProposalID: prop, ClosesAt: &deadline},
			then: then(openedAs(1, consensusCharter, everyone, &deadline))},
		{name: "by the admin", given: proposed(), as: asAdmin(), when: OpenVoting{ProposalID: prop},
			err: Forbidden, msg: "only a convener can open voting; the admin is not a member"},
		{name: "the amended version", given: append(withAmendment(), AmendmentAccepted{ProposalID: prop, AmendmentID: amend, Version: 2}),
			as: asConvener(), when: OpenVoting{ProposalID: prop}, then: then(openedAs(2, consensusCharter, everyone, nil))},
		{name: "active members in admission order", as: asConvener(), when: OpenVoting{ProposalID: prop},
			given: append(proposed(),
				MemberAdmitted{MemberID: id(15), Name: "Agency", Sector: "agency", Role: RoleMember},
				MemberAdmitted{MemberID: id(14), Name: "Insurer", Sector: "payer", Role: RoleMember},
				MemberWithdrew{MemberID: m2}),
			then: then(openedAs(1, consensusCharter, []string{conv, m1, m3, id(15), id(14)}, nil))},
		{name: "the charter in force", given: append(proposed(), CharterAmended{Charter: majority, ProposalID: prop2}),
			as: asConvener(), when: OpenVoting{ProposalID: prop}, then: then(openedAs(1, majority, everyone, nil))},
		{name: "every amendment settled", given: append(withAmendment(), AmendmentRejected{ProposalID: prop, AmendmentID: amend, Version: 1}),
			as: asConvener(), when: OpenVoting{ProposalID: prop}, then: then(openedAs(1, consensusCharter, everyone, nil))},
		{name: "under a charter recorded before its bounds", given: append(formedWith(Charter{DecisionRule: RuleSupermajority, Quorum: "0/1", Threshold: "1/3"}), submitted(prop, KindResolution, nil)),
			as: asConvener(), when: OpenVoting{ProposalID: prop}, then: then(openedAs(1, Charter{DecisionRule: RuleSupermajority, Quorum: "0/1", Threshold: "1/3"}, everyone, nil))},
		{name: "defaults filled into the rule", given: append(formedWith(Charter{DecisionRule: RuleSupermajority}), submitted(prop, KindResolution, nil)),
			as: asConvener(), when: OpenVoting{ProposalID: prop}, then: then(openedAs(1, Charter{DecisionRule: RuleSupermajority, Quorum: "1/2", Threshold: "2/3"}, everyone, nil))},

		{name: "by a member", given: proposed(), as: asMember(m1), when: OpenVoting{ProposalID: prop}, err: Forbidden, msg: "only a convener can open voting"},
		{name: "deadline now", given: proposed(), as: asConvener(), when: OpenVoting{ProposalID: prop, ClosesAt: &now}, err: Invalid, msg: "closes_at 2026-11-23T10:00:00Z must be after now"},
		{name: "deadline past", given: proposed(), as: asConvener(), when: OpenVoting{ProposalID: prop, ClosesAt: &t0}, err: Invalid, msg: "closes_at"},
		{name: "twice", given: voting(), as: asConvener(), when: OpenVoting{ProposalID: prop}, err: Conflict, msg: "voting on proposal " + prop + " already opened at seq 7"},
		{name: "an amendment still pending", given: withAmendment(), as: asConvener(), when: OpenVoting{ProposalID: prop},
			err: Conflict, msg: "amendment " + amend + " is still pending"},
		{name: "the second amendment still pending", as: asConvener(), when: OpenVoting{ProposalID: prop},
			given: append(withAmendment(), AmendmentAccepted{ProposalID: prop, AmendmentID: amend, Version: 2},
				AmendmentProposed{ProposalID: prop, AmendmentID: amend2, Body: "v3", AuthorID: m3}),
			err: Conflict, msg: "amendment " + amend2 + " is still pending"},
		{name: "after the close", given: closedAs(ResultAdopted), as: asConvener(), when: OpenVoting{ProposalID: prop}, err: Conflict, msg: "voting on proposal " + prop + " closed at seq 8"},
		{name: "withdrawn", given: append(proposed(), ProposalWithdrawn{ProposalID: prop}), as: asConvener(), when: OpenVoting{ProposalID: prop}, err: Conflict, msg: "it was withdrawn"},
		{name: "no such proposal", given: formed(), as: asConvener(), when: OpenVoting{ProposalID: prop}, err: NotFound, msg: "no proposal " + prop},
		{name: "nobody left to open it", as: asAdmin(), when: OpenVoting{ProposalID: prop},
			given: append(proposed(), MemberWithdrew{MemberID: conv}, MemberWithdrew{MemberID: m1}, MemberWithdrew{MemberID: m2}, MemberWithdrew{MemberID: m3}),
			err:   Forbidden, msg: "only a convener can open voting"},
	})
}

func TestCastVote(t *testing.T) {
	deadline := now.Add(time.Hour)
	withDeadline := append(proposed(), opened(prop, consensusCharter, &deadline))
	lateAdmission := voting(MemberAdmitted{MemberID: late, Name: "Latecomer", Sector: "agency", Role: RoleMember})
	run(t, []scenario{
		{name: "agree", given: voting(), as: asMember(m2), when: CastVote{ProposalID: prop, Stance: StanceAgree},
			then: then(vote(m2, StanceAgree))},
		{name: "block with a reason", given: voting(), as: asConvener(), when: CastVote{ProposalID: prop, Stance: StanceBlock, Reason: "unsafe\nfor patients"},
			then: then(VoteCast{ProposalID: prop, MemberID: conv, Stance: StanceBlock, Reason: "unsafe\nfor patients"})},
		{name: "change of mind", given: voting(vote(m2, StanceBlock)), as: asMember(m2), when: CastVote{ProposalID: prop, Stance: StanceAbstain},
			then: then(vote(m2, StanceAbstain))},
		{name: "just before the deadline", given: withDeadline, as: when(asMember(m2), deadline.Add(-time.Nanosecond)),
			when: CastVote{ProposalID: prop, Stance: StanceDisagree}, then: then(vote(m2, StanceDisagree))},

		{name: "at the deadline", given: withDeadline, as: when(asMember(m2), deadline), when: CastVote{ProposalID: prop, Stance: StanceAgree},
			err: Conflict, msg: "voting on proposal " + prop + " closed at its deadline 2026-11-23T11:00:00Z; no more votes are taken"},
		{name: "after the close", given: closedAs(ResultRejected), as: asMember(m2), when: CastVote{ProposalID: prop, Stance: StanceAgree},
			err: Conflict, msg: "voting on proposal " + prop + " closed at seq 8"},
		{name: "before voting opened", given: proposed(), as: asMember(m2), when: CastVote{ProposalID: prop, Stance: StanceAgree},
			err: Conflict, msg: "voting on proposal " + prop + " has not opened"},
		{name: "on a withdrawn proposal", given: append(proposed(), ProposalWithdrawn{ProposalID: prop}), as: asMember(m2),
			when: CastVote{ProposalID: prop, Stance: StanceAgree}, err: Conflict, msg: "proposal " + prop + " was withdrawn; there is no vote on it"},
		{name: "admitted after the opening", given: lateAdmission, as: asMember(late), when: CastVote{ProposalID: prop, Stance: StanceAgree},
			err: Forbidden, msg: "member " + late + " (Latecomer) was admitted at seq 8, after voting on proposal " + prop + " opened at seq 7: only the members at the opening may vote"},
		{name: "withdrew during the vote", given: voting(MemberWithdrew{MemberID: m2}), as: asMember(m2), when: CastVote{ProposalID: prop, Stance: StanceAgree},
			err: Forbidden, msg: "has withdrawn"},
		{name: "by the admin", given: voting(), as: asAdmin(), when: CastVote{ProposalID: prop, Stance: StanceAgree}, err: Forbidden, msg: "only a member can vote"},
		{name: "by an observer", given: voting(), as: asObserver(), when: CastVote{ProposalID: prop, Stance: StanceAgree}, err: Forbidden, msg: "observers"},
		{name: "unknown stance", given: voting(), as: asMember(m2), when: CastVote{ProposalID: prop, Stance: "yes"},
			err: Invalid, msg: `stance "yes" is not one of agree, disagree, abstain, block`},
		{name: "no stance", given: voting(), as: asMember(m2), when: CastVote{ProposalID: prop}, err: Invalid, msg: "stance is required"},
		{name: "reason too long", given: voting(), as: asMember(m2), when: CastVote{ProposalID: prop, Stance: StanceBlock, Reason: repeat("r", 2001)},
			err: Invalid, msg: "reason is 2001 characters"},
		{name: "no such proposal", given: formed(), as: asMember(m2), when: CastVote{ProposalID: prop, Stance: StanceAgree}, err: NotFound, msg: "no proposal"},
	})
}

func TestCloseVoting(t *testing.T) {
	deadline := now.Add(time.Hour)
	agreed := voting(vote(conv, StanceAgree), vote(m1, StanceAgree), vote(m2, StanceAgree))
	adopted := VotingClosed{
		ProposalID: prop, Tally: Tally{Agree: 3}, Participation: 3, EligibleCount: 4, QuorumRequired: 2, QuorumMet: true, Result: ResultAdopted,
		Explanation: "Adopted under consensus (3/4, quorum 1/2): 3 of 4 eligible took part (quorum 2); 3 agree, 0 disagree, 0 abstain, 0 block; 3/3 ≥ 3/4 and no block.",
	}
	nobody := VotingClosed{
		ProposalID: prop, EligibleCount: 4, QuorumRequired: 2, Result: ResultRejected,
		Explanation: "Rejected under consensus (3/4, quorum 1/2): 0 of 4 eligible took part (quorum 2); 0 agree, 0 disagree, 0 abstain, 0 block; no one took part, so the quorum was not met.",
	}
	withDeadline := func(more ...EventData) []EventData {
		return append(append(proposed(), opened(prop, consensusCharter, &deadline)), more...)
	}
	newCharter := Charter{DecisionRule: RuleMajority, Quorum: "2/3", Threshold: "1/2"}
	charterVote := append(formed(), submitted(prop, KindCharter, &newCharter), opened(prop, consensusCharter, nil),
		vote(conv, StanceAgree), vote(m1, StanceAgree))
	charterAdopted := VotingClosed{
		ProposalID: prop, Tally: Tally{Agree: 2}, Participation: 2, EligibleCount: 4, QuorumRequired: 2, QuorumMet: true, Result: ResultAdopted,
		Explanation: "Adopted under consensus (3/4, quorum 1/2): 2 of 4 eligible took part (quorum 2); 2 agree, 0 disagree, 0 abstain, 0 block; 2/2 ≥ 3/4 and no block.",
	}
	run(t, []scenario{
		{name: "by a convener", given: agreed, as: asConvener(), when: CloseVoting{ProposalID: prop}, then: then(adopted)},
		{name: "by a convener before the deadline", given: withDeadline(vote(conv, StanceAgree), vote(m1, StanceAgree), vote(m2, StanceAgree)),
			as: asConvener(), when: CloseVoting{ProposalID: prop}, then: then(adopted)},
		{name: "by the admin", given: agreed, as: asAdmin(), when: CloseVoting{ProposalID: prop},
			err: Forbidden, msg: "only a convener can close voting before its deadline; the admin is not a member"},
		{name: "by the system at the deadline", given: withDeadline(), as: when(asSystem(), deadline), when: CloseVoting{ProposalID: prop}, then: then(nobody)},
		{name: "an adopted charter amends the charter", given: charterVote, as: asConvener(), when: CloseVoting{ProposalID: prop},
			then: then(charterAdopted, CharterAmended{Charter: newCharter, ProposalID: prop})},
		{name: "a rejected charter does not", given: append(charterVote, vote(m2, StanceBlock)), as: asConvener(), when: CloseVoting{ProposalID: prop},
			then: then(VotingClosed{
				ProposalID: prop, Tally: Tally{Agree: 2, Block: 1}, Participation: 3, EligibleCount: 4, QuorumRequired: 2, QuorumMet: true, Result: ResultRejected,
				Explanation: "Rejected under consensus (3/4, quorum 1/2): 3 of 4 eligible took part (quorum 2); 2 agree, 0 disagree, 0 abstain, 1 block; blocked by 1 member.",
			})},

		{name: "by the system before the deadline", given: withDeadline(), as: when(asSystem(), deadline.Add(-time.Nanosecond)), when: CloseVoting{ProposalID: prop},
			err: Conflict, msg: "voting on proposal " + prop + " closes at 2026-11-23T11:00:00Z; its deadline has not passed"},
		{name: "by the system without a deadline", given: voting(), as: asSystem(), when: CloseVoting{ProposalID: prop},
			err: Forbidden, msg: "voting on proposal " + prop + " has no deadline; only a convener can close it"},
		{name: "by a member", given: agreed, as: asMember(m1), when: CloseVoting{ProposalID: prop}, err: Forbidden, msg: "only a convener can close voting before its deadline"},
		{name: "by an observer", given: agreed, as: asObserver(), when: CloseVoting{ProposalID: prop}, err: Forbidden, msg: "observers"},
		{name: "twice", given: closedAs(ResultAdopted), as: asConvener(), when: CloseVoting{ProposalID: prop}, err: Conflict, msg: "voting on proposal " + prop + " closed at seq 8 (adopted)"},
		{name: "twice, by the system", given: withDeadline(VotingClosed{ProposalID: prop, Result: ResultRejected}), as: when(asSystem(), deadline),
			when: CloseVoting{ProposalID: prop}, err: Conflict, msg: "closed at seq 8 (rejected)"},
		{name: "not opened", given: proposed(), as: asConvener(), when: CloseVoting{ProposalID: prop}, err: Conflict, msg: "voting on proposal " + prop + " has not opened"},
		{name: "no such proposal", given: formed(), as: asConvener(), when: CloseVoting{ProposalID: prop}, err: NotFound, msg: "no proposal " + prop},
		{name: "bad id", given: formed(), as: asConvener(), when: CloseVoting{ProposalID: prop + "0"}, err: Invalid, msg: "is not a uuid"},
	})
}
