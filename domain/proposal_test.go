package domain

import "testing"

func TestSubmitProposal(t *testing.T) {
	submit := func(kind ProposalKind, c *Charter) SubmitProposal {
		return SubmitProposal{ProposalID: prop, Kind: kind, Title: "Shared formulary", Body: "v1", Charter: c}
	}
	run(t, []scenario{
		{name: "resolution by a member", given: formed(), as: asMember(m1), when: submit(KindResolution, nil),
			then: then(submitted(prop, KindResolution, nil))},
		{name: "position", given: formed(), as: asMember(m1), when: submit(KindPosition, nil),
			then: then(submitted(prop, KindPosition, nil))},
		{name: "operating agreement", given: formed(), as: asMember(m1), when: submit(KindOperatingAgreement, nil),
			then: then(submitted(prop, KindOperatingAgreement, nil))},
		{name: "by a convener", given: formed(), as: asConvener(), when: submit(KindResolution, nil),
			then: then(ProposalSubmitted{ProposalID: prop, Kind: KindResolution, Title: "Shared formulary", Body: "v1", AuthorID: conv})},
		{name: "charter, normalised", given: formed(), as: asMember(m1), when: submit(KindCharter, &Charter{DecisionRule: RuleSupermajority}),
			then: then(submitted(prop, KindCharter, ptr(full(Charter{DecisionRule: RuleSupermajority, Quorum: "1/2", Threshold: "2/3"}))))},
		{name: "body keeps its whitespace", given: formed(), as: asMember(m1),
			when: SubmitProposal{ProposalID: prop, Kind: KindResolution, Title: " T ", Body: "  a\n\tb\n"},
			then: then(ProposalSubmitted{ProposalID: prop, Kind: KindResolution, Title: "T", Body: "  a\n\tb\n", AuthorID: m1})},
		{name: "body at the byte limit", given: formed(), as: asMember(m1),
			when: SubmitProposal{ProposalID: prop, Kind: KindResolution, Title: "T", Body: repeat("b", MaxBodyBytes)},
			then: then(ProposalSubmitted{ProposalID: prop, Kind: KindResolution, Title: "T", Body: repeat("b", MaxBodyBytes), AuthorID: m1})},

		{name: "charter missing", given: formed(), as: asMember(m1), when: submit(KindCharter, nil), err: Invalid, msg: "charter is required for a proposal of kind charter"},
		{name: "charter on a resolution", given: formed(), as: asMember(m1), when: submit(KindResolution, &consensusCharter), err: Invalid, msg: "charter is only for proposals of kind charter, not resolution"},
		{name: "invalid charter", given: formed(), as: asMember(m1), when: submit(KindCharter, &Charter{Quorum: "1/2/3"}), err: Invalid, msg: "charter quorum"},
		{name: "charter with a threshold under a half", given: formed(), as: asMember(m1), when: submit(KindCharter, &Charter{DecisionRule: RuleSupermajority, Quorum: "1/2", Threshold: "1/3"}),
			err: Invalid, msg: "charter threshold 1/3 is under 1/2"},
		{name: "charter with no quorum", given: formed(), as: asMember(m1), when: submit(KindCharter, &Charter{Quorum: "0/3"}),
			err: Invalid, msg: "charter quorum 0/3 is not more than 0"},
		{name: "by the admin", given: formed(), as: asAdmin(), when: submit(KindResolution, nil), err: Forbidden, msg: "only a member can submit proposals; the admin is not a member"},
		{name: "by an observer", given: formed(), as: asObserver(), when: submit(KindResolution, nil), err: Forbidden, msg: "observers"},
		{name: "unknown kind", given: formed(), as: asMember(m1), when: submit("motion", nil), err: Invalid, msg: `kind "motion" is not one of resolution, charter, operating_agreement, position`},
		{name: "no title", given: formed(), as: asMember(m1), when: SubmitProposal{ProposalID: prop, Kind: KindResolution, Body: "b"}, err: Invalid, msg: "title is required"},
		{name: "blank body", given: formed(), as: asMember(m1), when: SubmitProposal{ProposalID: prop, Kind: KindResolution, Title: "T", Body: " \n\t"}, err: Invalid, msg: "body is required"},
		{name: "body over the limit", given: formed(), as: asMember(m1), when: SubmitProposal{ProposalID: prop, Kind: KindResolution, Title: "T", Body: repeat("b", MaxBodyBytes+1)},
			err: Invalid, msg: "body is 65537 bytes, over the limit of 65536"},
		{name: "escape in body", given: formed(), as: asMember(m1), when: SubmitProposal{ProposalID: prop, Kind: KindResolution, Title: "T", Body: "a\x1b[2Jb"},
			err: Invalid, msg: "body contains a control character (U+001B)"},
		{name: "C1 control in title", given: formed(), as: asMember(m1), when: SubmitProposal{ProposalID: prop, Kind: KindResolution, Title: "a\u0085b", Body: "b"},
			err: Invalid, msg: "title contains a control character (U+0085)"},
		{name: "twice", given: proposed(), as: asMember(m2), when: submit(KindResolution, nil), err: Conflict, msg: "proposal " + prop + " (Shared formulary) was already submitted"},
		{name: "bad id", given: formed(), as: asMember(m1), when: SubmitProposal{ProposalID: "1", Kind: KindResolution, Title: "T", Body: "b"}, err: Invalid, msg: `proposal id "1" is not a uuid`},
	})
}

func TestProposeAmendment(t *testing.T) {
	propose := ProposeAmendment{ProposalID: prop, AmendmentID: amend, Body: "v2", Rationale: "clearer"}
	run(t, []scenario{
		{name: "by a member", given: proposed(), as: asMember(m2), when: propose,
			then: then(AmendmentProposed{ProposalID: prop, AmendmentID: amend, Body: "v2", Rationale: "clearer", AuthorID: m2})},
		{name: "by the author, no rationale", given: proposed(), as: asMember(m1), when: ProposeAmendment{ProposalID: prop, AmendmentID: amend, Body: "v2"},
			then: then(AmendmentProposed{ProposalID: prop, AmendmentID: amend, Body: "v2", AuthorID: m1})},
		{name: "no such proposal", given: formed(), as: asMember(m2), when: propose, err: NotFound, msg: "no proposal " + prop + " in alliance " + aid},
		{name: "while voting", given: voting(), as: asMember(m2), when: propose, err: Conflict, msg: "proposal " + prop + " can no longer be amended: voting on it opened at seq 7"},
		{name: "after the close", given: closedAs(ResultRejected), as: asMember(m2), when: propose, err: Conflict, msg: "voting on proposal " + prop + " closed at seq 8 (rejected)"},
		{name: "withdrawn", given: append(proposed(), ProposalWithdrawn{ProposalID: prop}), as: asMember(m2), when: propose, err: Conflict, msg: "it was withdrawn"},
		{name: "twice", given: withAmendment(), as: asMember(m2), when: propose, err: Conflict, msg: "amendment " + amend + " was already proposed"},
		{name: "by the admin", given: proposed(), as: asAdmin(), when: propose, err: Forbidden, msg: "only a member can propose amendments"},
		{name: "no body", given: proposed(), as: asMember(m2), when: ProposeAmendment{ProposalID: prop, AmendmentID: amend}, err: Invalid, msg: "body is required"},
		{name: "bad amendment id", given: proposed(), as: asMember(m2), when: ProposeAmendment{ProposalID: prop, AmendmentID: "a1", Body: "b"}, err: Invalid, msg: `amendment id "a1" is not a uuid`},
		{name: "rationale too long", given: proposed(), as: asMember(m2), when: ProposeAmendment{ProposalID: prop, AmendmentID: amend, Body: "b", Rationale: repeat("r", 2001)}, err: Invalid, msg: "rationale is 2001 characters"},
	})
}

func TestAcceptAndRejectAmendment(t *testing.T) {
	accepted := append(withAmendment(),
		AmendmentAccepted{ProposalID: prop, AmendmentID: amend, Version: 2},
		AmendmentProposed{ProposalID: prop, AmendmentID: amend2, Body: "v3", AuthorID: m3})
	rejected := append(withAmendment(), AmendmentRejected{ProposalID: prop, AmendmentID: amend, Version: 1})
	run(t, []scenario{
		{name: "accept makes version 2", given: withAmendment(), as: asMember(m1), when: AcceptAmendment{ProposalID: prop, AmendmentID: amend},
			then: then(AmendmentAccepted{ProposalID: prop, AmendmentID: amend, Version: 2})},
		{name: "accept after an accepted one makes version 3", given: accepted, as: asMember(m1), when: AcceptAmendment{ProposalID: prop, AmendmentID: amend2},
			then: then(AmendmentAccepted{ProposalID: prop, AmendmentID: amend2, Version: 3})},
		{name: "reject keeps the version", given: withAmendment(), as: asMember(m1), when: RejectAmendment{ProposalID: prop, AmendmentID: amend},
			then: then(AmendmentRejected{ProposalID: prop, AmendmentID: amend, Version: 1})},
		{name: "reject after an accepted one carries version 2", given: accepted, as: asMember(m1), when: RejectAmendment{ProposalID: prop, AmendmentID: amend2},
			then: then(AmendmentRejected{ProposalID: prop, AmendmentID: amend2, Version: 2})},
		{name: "accept by another member", given: withAmendment(), as: asMember(m2), when: AcceptAmendment{ProposalID: prop, AmendmentID: amend},
			err: Forbidden, msg: "only the author of proposal " + prop + " (member " + m1 + ") can accept amendments"},
		{name: "reject by a convener", given: withAmendment(), as: asConvener(), when: RejectAmendment{ProposalID: prop, AmendmentID: amend},
			err: Forbidden, msg: "can reject amendments"},
		{name: "accept by the admin", given: withAmendment(), as: asAdmin(), when: AcceptAmendment{ProposalID: prop, AmendmentID: amend},
			err: Forbidden, msg: "only the author"},
		{name: "no such amendment", given: proposed(), as: asMember(m1), when: AcceptAmendment{ProposalID: prop, AmendmentID: amend},
			err: NotFound, msg: "no amendment " + amend + " on proposal " + prop},
		{name: "no such proposal", given: formed(), as: asMember(m1), when: AcceptAmendment{ProposalID: prop, AmendmentID: amend},
			err: NotFound, msg: "no proposal " + prop},
		{name: "accept twice", given: accepted, as: asMember(m1), when: AcceptAmendment{ProposalID: prop, AmendmentID: amend},
			err: Conflict, msg: "amendment " + amend + " on proposal " + prop + " was already accepted"},
		{name: "accept a rejected one", given: rejected, as: asMember(m1), when: AcceptAmendment{ProposalID: prop, AmendmentID: amend},
			err: Conflict, msg: "was already rejected"},
		{name: "accept while voting", given: append(withAmendment(), opened(prop, consensusCharter, nil)), as: asMember(m1),
			when: AcceptAmendment{ProposalID: prop, AmendmentID: amend}, err: Conflict, msg: "can no longer be amended: voting on it opened at seq 8"},
		{name: "bad id", given: withAmendment(), as: asMember(m1), when: RejectAmendment{ProposalID: prop, AmendmentID: ""},
			err: Invalid, msg: "amendment id is required"},
	})
}

func TestWithdrawProposal(t *testing.T) {
	run(t, []scenario{
		{name: "by the author", given: proposed(), as: asMember(m1), when: WithdrawProposal{ProposalID: prop, Reason: "superseded"},
			then: then(ProposalWithdrawn{ProposalID: prop, Reason: "superseded"})},
		{name: "by another member", given: proposed(), as: asMember(m2), when: WithdrawProposal{ProposalID: prop},
			err: Forbidden, msg: "only the author of proposal " + prop + " (member " + m1 + ") can withdraw it"},
		{name: "by a convener", given: proposed(), as: asConvener(), when: WithdrawProposal{ProposalID: prop}, err: Forbidden, msg: "only the author"},
		{name: "while voting", given: voting(), as: asMember(m1), when: WithdrawProposal{ProposalID: prop},
			err: Conflict, msg: "can no longer be withdrawn: voting on it opened at seq 7"},
		{name: "after adoption", given: closedAs(ResultAdopted), as: asMember(m1), when: WithdrawProposal{ProposalID: prop},
			err: Conflict, msg: "voting on proposal " + prop + " closed at seq 8 (adopted)"},
		{name: "twice", given: append(proposed(), ProposalWithdrawn{ProposalID: prop}), as: asMember(m1), when: WithdrawProposal{ProposalID: prop},
			err: Conflict, msg: "can no longer be withdrawn: it was withdrawn"},
		{name: "no such proposal", given: formed(), as: asMember(m1), when: WithdrawProposal{ProposalID: prop}, err: NotFound, msg: "no proposal"},
		{name: "author withdrew from the alliance", given: append(proposed(), MemberWithdrew{MemberID: m1}), as: asMember(m1),
			when: WithdrawProposal{ProposalID: prop}, err: Forbidden, msg: "has withdrawn"},
	})
}
