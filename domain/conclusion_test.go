package domain

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func concluded(more ...EventData) []EventData {
	return append(append(closedAs(ResultAdopted), AllianceConcluded{Reason: "Mandate fulfilled"}), more...)
}

func TestConcludeAlliance(t *testing.T) {
	run(t, []scenario{
		{name: "by a convener", given: formed(), as: asConvener(), when: ConcludeAlliance{Reason: "Mandate fulfilled"},
			then: then(AllianceConcluded{Reason: "Mandate fulfilled"})},
		{name: "after its votes closed", given: closedAs(ResultAdopted), as: asConvener(), when: ConcludeAlliance{Reason: "Done\nfor good"},
			then: then(AllianceConcluded{Reason: "Done\nfor good"})},
		{name: "with proposals, workgroups and commitments still open", as: asConvener(), when: ConcludeAlliance{Reason: "Merged"},
			given: committed(submitted(prop2, KindPosition, nil), WorkgroupFormed{WorkgroupID: wg, Name: "w", MemberIDs: []string{m1}}),
			then:  then(AllianceConcluded{Reason: "Merged"})},

		{name: "while a vote is open", given: voting(), as: asConvener(), when: ConcludeAlliance{Reason: "Done"}, err: Conflict,
			msg: "voting on proposal " + prop + " (Shared formulary) has been open since seq 7: close it before concluding the alliance"},
		{name: "by a member", given: formed(), as: asMember(m1), when: ConcludeAlliance{Reason: "Done"}, err: Forbidden, msg: "only a convener can conclude the alliance"},
		{name: "by the admin", given: formed(), as: asAdmin(), when: ConcludeAlliance{Reason: "Done"}, err: Forbidden, msg: "only a convener"},
		{name: "without a reason", given: formed(), as: asConvener(), when: ConcludeAlliance{Reason: " "}, err: Invalid, msg: "reason is required"},
		{name: "a reason too long", given: formed(), as: asConvener(), when: ConcludeAlliance{Reason: repeat("r", 2001)}, err: Invalid, msg: "reason is 2001 characters"},
		{name: "twice", given: concluded(), as: asConvener(), when: ConcludeAlliance{Reason: "Again"}, err: Conflict,
			msg: "alliance " + aid + " (Care Alliance) was concluded at seq 9 and takes no more commands; its ledger stays readable"},
		{name: "no such alliance", as: asConvener(), when: ConcludeAlliance{Reason: "Done"}, err: NotFound, msg: "no alliance"},
	})
}

// After AllianceConcluded every command is refused, whoever sends it.
func TestConcludedAllianceTakesNoCommand(t *testing.T) {
	given := concluded(WorkgroupFormed{WorkgroupID: wg, Name: "w", MemberIDs: []string{m1}})
	commands := []struct {
		as   Meta
		when Command
	}{
		{asAdmin(), AdmitMember{MemberID: late, Name: "L", Sector: "s", Role: RoleMember}},
		{asConvener(), AdmitMember{MemberID: late, Name: "L", Sector: "s", Role: RoleMember}},
		{asMember(m1), WithdrawMember{MemberID: m1}},
		{asAdmin(), AddObserver{ObserverID: id(21), Name: "R"}},
		{asConvener(), FormWorkgroup{WorkgroupID: id(61), Name: "w", Aim: "a", Metric: "m", Due: "2027-01-01"}},
		{asConvener(), ChangeWorkgroupMembers{WorkgroupID: wg, Add: []string{m2}}},
		{asMember(m1), ReportWorkgroupProgress{WorkgroupID: wg, Value: 1}},
		{asConvener(), CloseWorkgroup{WorkgroupID: wg, Outcome: WorkgroupMet}},
		{asMember(m1), SubmitProposal{ProposalID: prop2, Kind: KindPosition, Title: "t", Body: "b"}},
		{asMember(m2), CastVote{ProposalID: prop, Stance: StanceAgree}},
		{asConvener(), OpenVoting{ProposalID: prop}},
		{asSystem(), CloseVoting{ProposalID: prop}},
		{asMember(m1), MakeCommitment{CommitmentID: cmt, ProposalID: prop, Description: "d", Metric: "m", Due: "2027-01-01"}},
		{asMember(m2), GrantProxy{ProxyID: m1}},
		{asMember(m2), RevokeProxy{ProxyID: m1}},
		{asConvener(), ConcludeAlliance{Reason: "again"}},
		{asObserver(), ConcludeAlliance{Reason: "again"}},
	}
	for _, c := range commands {
		run(t, []scenario{{name: c.when.CommandName() + " by " + string(c.as.Actor.Role), given: given, as: c.as, when: c.when,
			err: Conflict, msg: "was concluded at seq 9 and takes no more commands"}})
	}
	_, err := Decide(fold(t, given), asAdmin(), FormAlliance{Name: "Again"})
	require.Equal(t, Conflict, KindOf(err), "forming it again is refused as before: %v", err)
}

func TestEvolveConcludes(t *testing.T) {
	s := fold(t, concluded())
	require.True(t, s.Concluded)
	require.Equal(t, &Conclusion{Reason: "Mandate fulfilled", Seq: 9, At: t0.Add(8 * time.Minute)}, s.Conclusion)
	c := s.Clone()
	c.Conclusion.Reason = "changed"
	require.Equal(t, "Mandate fulfilled", s.Conclusion.Reason, "a clone shares no conclusion")
	require.Equal(t, StatusAdopted, s.Proposals[0].Status, "the alliance stays readable as it was")
}
