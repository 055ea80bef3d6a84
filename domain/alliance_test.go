package domain

import (
	"testing"
)

func TestFormAlliance(t *testing.T) {
	formedAs := func(c Charter) []EventData {
		return then(AllianceFormed{Name: "Care Alliance", Purpose: "Shared care pathways", Charter: full(c)})
	}
	form := func(c Charter) FormAlliance {
		return FormAlliance{Name: "Care Alliance", Purpose: "Shared care pathways", Charter: c}
	}
	run(t, []scenario{
		{name: "defaults are consensus 1/2 3/4", as: asAdmin(), when: form(Charter{}),
			then: formedAs(consensusCharter)},
		{name: "supermajority defaults to 2/3", as: asAdmin(), when: form(Charter{DecisionRule: RuleSupermajority}),
			then: formedAs(Charter{DecisionRule: RuleSupermajority, Quorum: "1/2", Threshold: "2/3"})},
		{name: "majority defaults to 1/2", as: asAdmin(), when: form(Charter{DecisionRule: RuleMajority, Quorum: "2/3"}),
			then: formedAs(Charter{DecisionRule: RuleMajority, Quorum: "2/3", Threshold: "1/2"})},
		{name: "unanimity defaults to 1/1", as: asAdmin(), when: form(Charter{DecisionRule: RuleUnanimity}),
			then: formedAs(Charter{DecisionRule: RuleUnanimity, Quorum: "1/2", Threshold: "1/1"})},
		{name: "explicit fractions are kept", as: asAdmin(), when: form(Charter{DecisionRule: RuleConsensus, Quorum: "1/3", Threshold: "4/5"}),
			then: formedAs(Charter{DecisionRule: RuleConsensus, Quorum: "1/3", Threshold: "4/5"})},
		{name: "the least threshold is 1/2", as: asAdmin(), when: form(Charter{DecisionRule: RuleConsensus, Quorum: "1/1", Threshold: "1/2"}),
			then: formedAs(Charter{DecisionRule: RuleConsensus, Quorum: "1/1", Threshold: "1/2"})},
		{name: "supermajority of everyone", as: asAdmin(), when: form(Charter{DecisionRule: RuleSupermajority, Quorum: "1/1000000", Threshold: "1/1"}),
			then: formedAs(Charter{DecisionRule: RuleSupermajority, Quorum: "1/1000000", Threshold: "1/1"})},
		{name: "majority accepts an equal threshold", as: asAdmin(), when: form(Charter{DecisionRule: RuleMajority, Quorum: "1/2", Threshold: "2/4"}),
			then: formedAs(Charter{DecisionRule: RuleMajority, Quorum: "1/2", Threshold: "2/4"})},
		{name: "name is trimmed", as: asAdmin(), when: FormAlliance{Name: "  Care Alliance ", Purpose: "Shared care pathways"},
			then: formedAs(consensusCharter)},
		{name: "purpose may be empty and span lines", as: asAdmin(), when: FormAlliance{Name: "Care Alliance", Purpose: "a\n\tb"},
			then: then(AllianceFormed{Name: "Care Alliance", Purpose: "a\n\tb", Charter: full(consensusCharter)})},

		{name: "twice", given: formed(), as: asAdmin(), when: form(Charter{}), err: Conflict, msg: "alliance " + aid + " (Care Alliance) is already formed"},
		{name: "not admin", as: asMember(m1), when: form(Charter{}), err: Forbidden, msg: "only the admin can form an alliance"},
		{name: "system", as: asSystem(), when: form(Charter{}), err: Forbidden, msg: "only the admin"},
		{name: "alliance id not a uuid", as: func() Meta { m := asAdmin(); m.AllianceID = "care"; return m }(),
			when: form(Charter{}), err: Invalid, msg: `alliance id "care" is not a uuid`},
		{name: "empty name", as: asAdmin(), when: FormAlliance{Name: "  "}, err: Invalid, msg: "name is required"},
		{name: "name at 200 runes", as: asAdmin(), when: FormAlliance{Name: repeat("é", 200)},
			then: then(AllianceFormed{Name: repeat("é", 200), Charter: full(consensusCharter)})},
		{name: "name over 200 runes", as: asAdmin(), when: FormAlliance{Name: repeat("é", 201)}, err: Invalid, msg: "name is 201 characters, over the limit of 200"},
		{name: "newline in name", as: asAdmin(), when: FormAlliance{Name: "Care\nAlliance"}, err: Invalid, msg: "name contains a control character (U+000A)"},
		{name: "name not UTF-8", as: asAdmin(), when: FormAlliance{Name: "Care \xff"}, err: Invalid, msg: "name is not valid UTF-8"},
		{name: "purpose too long", as: asAdmin(), when: FormAlliance{Name: "Care", Purpose: repeat("p", 2001)}, err: Invalid, msg: "purpose is 2001 characters, over the limit of 2000"},
		{name: "carriage return in purpose", as: asAdmin(), when: FormAlliance{Name: "Care", Purpose: "a\r\nb"}, err: Invalid, msg: "purpose contains a control character (U+000D)"},
		{name: "right-to-left override in name", as: asAdmin(), when: FormAlliance{Name: "Care \u202Eecnailla"}, err: Invalid, msg: "name contains a bidirectional control character (U+202E)"},
		{name: "isolate in purpose", as: asAdmin(), when: FormAlliance{Name: "Care", Purpose: "a \u2067b\u2069"}, err: Invalid, msg: "purpose contains a bidirectional control character (U+2067)"},
		{name: "unknown rule", as: asAdmin(), when: form(Charter{DecisionRule: "sortition"}), err: Invalid, msg: `decision_rule "sortition" is not one of`},
		{name: "bad quorum", as: asAdmin(), when: form(Charter{Quorum: " 1/2"}), err: Invalid, msg: "charter quorum: fraction"},
		{name: "quorum over 1", as: asAdmin(), when: form(Charter{Quorum: "3/2"}), err: Invalid, msg: `fraction "3/2" is more than 1`},
		{name: "quorum of nobody", as: asAdmin(), when: form(Charter{Quorum: "0/1"}), err: Invalid,
			msg: "charter quorum 0/1 is not more than 0: a quorum lies in (0, 1]"},
		{name: "quorum 0/7", as: asAdmin(), when: form(Charter{DecisionRule: RuleMajority, Quorum: "0/7"}), err: Invalid, msg: "charter quorum 0/7 is not more than 0"},
		{name: "supermajority of a third", as: asAdmin(), when: form(Charter{DecisionRule: RuleSupermajority, Quorum: "1/2", Threshold: "1/3"}), err: Invalid,
			msg: "charter threshold 1/3 is under 1/2: a supermajority threshold lies in [1/2, 1]"},
		{name: "consensus just under a half", as: asAdmin(), when: form(Charter{DecisionRule: RuleConsensus, Quorum: "1/2", Threshold: "499999/1000000"}), err: Invalid,
			msg: "charter threshold 499999/1000000 is under 1/2: a consensus threshold lies in [1/2, 1]"},
		{name: "consensus threshold 0", as: asAdmin(), when: form(Charter{Threshold: "0/1"}), err: Invalid, msg: "charter threshold 0/1 is under 1/2"},
		{name: "bad threshold", as: asAdmin(), when: form(Charter{Threshold: "3/0"}), err: Invalid, msg: "charter threshold: fraction"},
		{name: "threshold on majority", as: asAdmin(), when: form(Charter{DecisionRule: RuleMajority, Threshold: "2/3"}), err: Invalid, msg: "does not apply to majority"},
		{name: "threshold on unanimity", as: asAdmin(), when: form(Charter{DecisionRule: RuleUnanimity, Threshold: "3/4"}), err: Invalid, msg: "does not apply to unanimity"},
	})
}

// Every command but FormAlliance needs a formed alliance.
func TestCommandsNeedAnAlliance(t *testing.T) {
	for _, c := range everyCommand() {
		if _, ok := c.(FormAlliance); ok {
			continue
		}
		run(t, []scenario{{name: c.CommandName(), as: asAdmin(), when: c, err: NotFound, msg: "no alliance " + aid}})
	}
}

// Who may write is read from the state, never from the actor's claim.
func TestActors(t *testing.T) {
	admit := AdmitMember{MemberID: id(14), Name: "New", Sector: "agency", Role: RoleMember}
	run(t, []scenario{
		{name: "observer", given: formed(), as: asObserver(), when: admit, err: Forbidden, msg: "observers can read the ledger of alliance " + aid + " but not write"},
		{name: "observer with a member id", given: formed(), as: as(RoleObserver, conv), when: admit, err: Forbidden, msg: "observers"},
		{name: "stranger", given: formed(), as: asMember(stranger), when: admit, err: Forbidden, msg: stranger + " is not a member of alliance " + aid},
		{name: "no member id", given: formed(), as: as(RoleMember, ""), when: admit, err: Forbidden, msg: "is not a member"},
		{name: "claims convener", given: formed(), as: as(RoleConvener, m1), when: admit, err: Forbidden, msg: "only the admin or a convener can admit members; member " + m1 + " (Payer One) is a member"},
		{name: "withdrawn convener", given: append(formed(), MemberWithdrew{MemberID: conv}), as: asConvener(), when: admit,
			err: Forbidden, msg: "member " + conv + " (Northside Health) has withdrawn from alliance"},
		{name: "system", given: formed(), as: asSystem(), when: admit, err: Forbidden, msg: "the system only closes votes at their deadline; it cannot AdmitMember"},
		{name: "other alliance", given: formed(), as: func() Meta { m := asAdmin(); m.AllianceID = id(2); return m }(), when: admit,
			err: Internal, msg: "decided on the state of alliance " + aid},
		{name: "unknown command", given: formed(), as: asAdmin(), when: bogus{}, err: Internal, msg: "unknown command domain.bogus"},
		{name: "command by pointer", given: formed(), as: asAdmin(), when: &admit, err: Internal, msg: "unknown command *domain.AdmitMember"},
	})
}

type bogus struct{}

func (bogus) CommandName() string { return "Bogus" }

// everyCommand returns one well-formed instance of each command.
func everyCommand() []Command {
	return []Command{
		FormAlliance{Name: "Care"},
		AdmitMember{MemberID: id(14), Name: "New", Sector: "agency", Role: RoleMember},
		WithdrawMember{MemberID: m1},
		AddObserver{ObserverID: obs, Name: "Regulator"},
		FormWorkgroup{WorkgroupID: wg, Name: "Data", Aim: "share", Metric: "sites", Due: "2027-01-01"},
		SubmitProposal{ProposalID: prop, Kind: KindResolution, Title: "T", Body: "B"},
		ProposeAmendment{ProposalID: prop, AmendmentID: amend, Body: "B2"},
		AcceptAmendment{ProposalID: prop, AmendmentID: amend},
		RejectAmendment{ProposalID: prop, AmendmentID: amend},
		WithdrawProposal{ProposalID: prop},
		OpenVoting{ProposalID: prop},
		CastVote{ProposalID: prop, Stance: StanceAgree},
		CloseVoting{ProposalID: prop},
		MakeCommitment{CommitmentID: cmt, ProposalID: prop, Description: "d", Metric: "m", Due: "2027-01-01"},
		ReportProgress{CommitmentID: cmt, Value: 1},
		FulfilCommitment{CommitmentID: cmt},
		WithdrawCommitment{CommitmentID: cmt},
	}
}
