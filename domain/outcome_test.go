package domain

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// derive folds the history and derives prop's outcome.
func derive(t *testing.T, given []EventData) VotingClosed {
	t.Helper()
	out, err := DeriveOutcome(fold(t, given), prop)
	require.NoError(t, err)
	require.Equal(t, prop, out.ProposalID)
	return out
}

func TestEligibilityIsFrozenAtOpening(t *testing.T) {
	out := derive(t, voting(
		MemberAdmitted{MemberID: late, Name: "Latecomer", Sector: "agency", Role: RoleMember},
		vote(conv, StanceAgree), vote(m1, StanceAgree),
		// Evolve applies facts without judging them: even a recorded vote by a
		// latecomer does not count, because they are not in the eligible set.
		vote(late, StanceBlock),
	))
	require.Equal(t, 4, out.EligibleCount)
	require.Equal(t, Tally{Agree: 2}, out.Tally)
	require.Equal(t, ResultAdopted, out.Result)
}

func TestWithdrawalDuringVotingDropsTheStance(t *testing.T) {
	history := voting(vote(conv, StanceAgree), vote(m1, StanceAgree), vote(m2, StanceBlock))
	require.Equal(t, ResultRejected, derive(t, history).Result)

	out := derive(t, append(history, MemberWithdrew{MemberID: m2}))
	require.Equal(t, 3, out.EligibleCount, "E shrinks")
	require.Equal(t, Tally{Agree: 2}, out.Tally, "the block is dropped")
	require.Equal(t, 2, out.QuorumRequired)
	require.Equal(t, ResultAdopted, out.Result)

	s := fold(t, append(voting(vote(m2, StanceBlock)), MemberWithdrew{MemberID: m2}))
	p, _ := s.Proposal(prop)
	require.Equal(t, []string{conv, m1, m3}, p.Voting.Eligible)
	require.NotContains(t, p.Stances, m2)
}

// A withdrawal after the close changes nothing about that vote.
func TestWithdrawalAfterCloseKeepsTheRecord(t *testing.T) {
	s := fold(t, append(closedAs(ResultAdopted), MemberWithdrew{MemberID: m2}))
	p, _ := s.Proposal(prop)
	require.Equal(t, []string{conv, m1, m2, m3}, p.Voting.Eligible)
}

func TestOnlyTheLatestVoteCounts(t *testing.T) {
	out := derive(t, voting(
		vote(m1, StanceBlock), vote(m2, StanceAgree), vote(m1, StanceDisagree), vote(m1, StanceAgree),
	))
	require.Equal(t, Tally{Agree: 2}, out.Tally)
	require.Equal(t, 2, out.Participation)
	require.Equal(t, ResultAdopted, out.Result)

	s := fold(t, voting(vote(m1, StanceBlock), vote(m1, StanceAgree)))
	p, _ := s.Proposal(prop)
	require.Equal(t, LatestStance{Stance: StanceAgree, Seq: 9, At: t0.Add(8 * time.Minute)}, p.Stances[m1])
}

// A charter amendment binds votes opened after it, never one already open.
func TestCharterAmendmentAppliesToLaterVotes(t *testing.T) {
	majority := Charter{DecisionRule: RuleMajority, Quorum: "1/2", Threshold: "1/2"}
	history := append(voting(), // prop opened under consensus at seq 7
		submitted(prop2, KindCharter, &majority),
		VotingOpened{ProposalID: prop2, Version: 1, Rule: consensusCharter, Eligible: []string{conv, m1, m2, m3}},
		VoteCast{ProposalID: prop2, MemberID: conv, Stance: StanceAgree},
		VoteCast{ProposalID: prop2, MemberID: m1, Stance: StanceAgree},
	)
	s := fold(t, history)
	events, err := Decide(s, asConvener(), CloseVoting{ProposalID: prop2})
	require.NoError(t, err)
	require.Len(t, events, 2)
	require.Equal(t, CharterAmended{Charter: majority, ProposalID: prop2}, events[1].Data)
	for i, e := range events {
		e.Seq = s.Seq + uint64(i) + 1
		s = Evolve(s, e)
	}
	require.Equal(t, full(majority), s.Charter, "the charter in force, absent fields read as their defaults")

	// prop, opened before, is still judged by consensus: 2 agree, 1 block.
	for _, v := range []struct {
		member string
		stance Stance
	}{{conv, StanceAgree}, {m1, StanceAgree}, {m2, StanceBlock}} {
		events, err := Decide(s, asMember(v.member), CastVote{ProposalID: prop, Stance: v.stance})
		require.NoError(t, err)
		events[0].Seq = s.Seq + 1
		s = Evolve(s, events[0])
	}
	out, err := DeriveOutcome(s, prop)
	require.NoError(t, err)
	require.Equal(t, Tally{Agree: 2, Block: 1}, out.Tally)
	require.Equal(t, ResultRejected, out.Result)
	require.Contains(t, out.Explanation, "Rejected under consensus (3/4, quorum 1/2)")

	// A proposal opened now is voted under majority, where a block is a disagree.
	events, err = Decide(Evolve(s, at(event(submitted(id(32), KindResolution, nil)), s.Seq+1)), asConvener(), OpenVoting{ProposalID: id(32)})
	require.NoError(t, err)
	require.Equal(t, full(majority), events[0].Data.(VotingOpened).Rule, "the whole rule, defaults filled in")
}

func TestDeriveOutcomeRefusals(t *testing.T) {
	_, err := DeriveOutcome(fold(t, formed()), prop)
	require.Equal(t, NotFound, KindOf(err))
	_, err = DeriveOutcome(fold(t, proposed()), prop)
	require.Equal(t, Conflict, KindOf(err))
	require.Contains(t, err.Error(), "has not opened")
	_, err = DeriveOutcome(fold(t, closedAs(ResultRejected)), prop)
	require.Equal(t, Conflict, KindOf(err))
	require.Contains(t, err.Error(), "voting on proposal "+prop+" closed at seq 8")
}

// The outcome Decide records is the one DeriveOutcome re-derives, as the
// offline verifier will check.
func TestRecordedOutcomeIsDerivable(t *testing.T) {
	s := fold(t, voting(vote(conv, StanceAgree), vote(m1, StanceDisagree), vote(m2, StanceAbstain)))
	derived, err := DeriveOutcome(s, prop)
	require.NoError(t, err)
	events, err := Decide(s, asConvener(), CloseVoting{ProposalID: prop})
	require.NoError(t, err)
	require.Equal(t, derived, events[0].Data)

	s = Evolve(s, at(events[0], s.Seq+1))
	p, _ := s.Proposal(prop)
	require.Equal(t, StatusRejected, p.Status)
	require.Equal(t, &Outcome{VotingClosed: derived, ClosedSeq: 11}, p.Outcome)
}
