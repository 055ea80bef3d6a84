package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseFraction(t *testing.T) {
	for s, want := range map[string]Fraction{
		"0/1": {0, 1}, "1/1": {1, 1}, "3/4": {3, 4}, "07/10": {7, 10}, "1000000/1000000": {1000000, 1000000},
	} {
		got, err := ParseFraction(s)
		require.NoError(t, err, s)
		require.Equal(t, want, got, s)
	}
	for _, s := range []string{
		"", "1", "1/", "/2", " 1/2", "1/2 ", "1 /2", "+1/2", "-1/2", "1/-2", "3/2", "1/0", "0/0",
		"1/1000001", "1.5/2", "1/2/3", "１/2", "99999999999999999999/1", "1/99999999999999999999",
	} {
		_, err := ParseFraction(s)
		require.Error(t, err, "%q", s)
		require.Equal(t, Invalid, KindOf(err), s)
		require.Contains(t, err.Error(), "fraction", s)
	}
}

// judgement is one boundary case of a decision rule.
type judgement struct {
	name            string
	rule            Charter
	eligible        int
	tally           Tally
	result          Result
	quorumRequired  int
	quorumMet       bool
	explanationEnds string // the sentence's reason part, after "block; "
}

func TestDecisionRules(t *testing.T) {
	consensus := Charter{DecisionRule: RuleConsensus, Quorum: "1/2", Threshold: "3/4"}
	super := Charter{DecisionRule: RuleSupermajority, Quorum: "1/2", Threshold: "2/3"}
	majority := Charter{DecisionRule: RuleMajority, Quorum: "1/2", Threshold: "1/2"}
	unanimity := Charter{DecisionRule: RuleUnanimity, Quorum: "1/2", Threshold: "1/1"}
	cases := []judgement{
		// consensus
		{"consensus: the worked example", consensus, 12, Tally{7, 1, 1, 0}, ResultAdopted, 6, true, "7/8 ≥ 3/4 and no block."},
		{"consensus: equality passes the threshold", consensus, 8, Tally{3, 1, 0, 0}, ResultAdopted, 4, true, "3/4 ≥ 3/4 and no block."},
		{"consensus: just under the threshold", consensus, 8, Tally{5, 2, 0, 0}, ResultRejected, 4, true, "5/7 < 3/4."},
		{"consensus: one block vetoes", consensus, 10, Tally{9, 0, 0, 1}, ResultRejected, 5, true, "blocked by 1 member."},
		{"consensus: blocks and the threshold", consensus, 10, Tally{1, 3, 0, 2}, ResultRejected, 5, true, "blocked by 2 members and 1/4 < 3/4."},
		{"consensus: abstentions are outside the ratio", consensus, 8, Tally{3, 1, 4, 0}, ResultAdopted, 4, true, "3/4 ≥ 3/4 and no block."},
		{"consensus: everyone abstains", consensus, 10, Tally{0, 0, 6, 0}, ResultRejected, 5, true, "no one agreed."},
		{"consensus: quorum exactly met", consensus, 12, Tally{6, 0, 0, 0}, ResultAdopted, 6, true, "6/6 ≥ 3/4 and no block."},
		{"consensus: one short of quorum", consensus, 12, Tally{5, 0, 0, 0}, ResultRejected, 6, false, "quorum not met."},
		{"consensus: odd electorate rounds the quorum up", consensus, 7, Tally{3, 0, 0, 0}, ResultRejected, 4, false, "quorum not met."},
		{"consensus: odd electorate, quorum met", consensus, 7, Tally{4, 0, 0, 0}, ResultAdopted, 4, true, "4/4 ≥ 3/4 and no block."},
		{"consensus: quorum and block both fail", consensus, 12, Tally{4, 0, 0, 1}, ResultRejected, 6, false, "quorum not met and blocked by 1 member."},
		{"consensus: P = 0", consensus, 5, Tally{}, ResultRejected, 3, false, "no one took part, so the quorum was not met."},
		{"consensus: P = 0 with quorum 0/1", Charter{DecisionRule: RuleConsensus, Quorum: "0/1", Threshold: "3/4"}, 5, Tally{}, ResultRejected, 1, false, "no one took part, so the quorum was not met."},
		{"consensus: quorum 0/1 needs one", Charter{DecisionRule: RuleConsensus, Quorum: "0/1", Threshold: "3/4"}, 5, Tally{1, 0, 0, 0}, ResultAdopted, 1, true, "1/1 ≥ 3/4 and no block."},
		{"consensus: nobody left eligible", consensus, 0, Tally{}, ResultRejected, 1, false, "no one took part, so the quorum was not met."},
		{"consensus: quorum 2/3 of 9", Charter{DecisionRule: RuleConsensus, Quorum: "2/3", Threshold: "2/3"}, 9, Tally{4, 2, 0, 0}, ResultAdopted, 6, true, "4/6 ≥ 2/3 and no block."},
		{"consensus: quorum 2/3 of 9, one short", Charter{DecisionRule: RuleConsensus, Quorum: "2/3", Threshold: "2/3"}, 9, Tally{4, 1, 0, 0}, ResultRejected, 6, false, "quorum not met."},
		{"consensus: full quorum", Charter{DecisionRule: RuleConsensus, Quorum: "1/1", Threshold: "3/4"}, 3, Tally{2, 0, 0, 0}, ResultRejected, 3, false, "quorum not met."},
		// supermajority
		{"supermajority: equality passes", super, 6, Tally{2, 1, 0, 0}, ResultAdopted, 3, true, "2/3 ≥ 2/3."},
		{"supermajority: a block counts as a disagree", super, 6, Tally{2, 0, 0, 1}, ResultAdopted, 3, true, "2/3 ≥ 2/3 (a block counts as a disagree)."},
		{"supermajority: under the threshold", super, 6, Tally{3, 1, 0, 1}, ResultRejected, 3, true, "3/5 < 2/3 (a block counts as a disagree)."},
		{"supermajority: everyone abstains", super, 6, Tally{0, 0, 3, 0}, ResultRejected, 3, true, "no one agreed."},
		{"supermajority: quorum not met", super, 6, Tally{2, 0, 0, 0}, ResultRejected, 3, false, "quorum not met."},
		// majority
		{"majority: more than half", majority, 5, Tally{3, 2, 0, 0}, ResultAdopted, 3, true, "3/5 > 1/2."},
		{"majority: a tie fails", majority, 4, Tally{2, 2, 0, 0}, ResultRejected, 2, true, "2/4 is a tie, and a tie fails a majority."},
		{"majority: a tie with a block fails", majority, 4, Tally{2, 1, 0, 1}, ResultRejected, 2, true, "2/4 is a tie, and a tie fails a majority (a block counts as a disagree)."},
		{"majority: a block does not veto", majority, 4, Tally{3, 0, 0, 1}, ResultAdopted, 2, true, "3/4 > 1/2 (a block counts as a disagree)."},
		{"majority: abstentions are outside", majority, 8, Tally{2, 1, 5, 0}, ResultAdopted, 4, true, "2/3 > 1/2."},
		{"majority: fewer than half", majority, 3, Tally{1, 2, 0, 0}, ResultRejected, 2, true, "1/3 < 1/2."},
		{"majority: everyone abstains", majority, 3, Tally{0, 0, 2, 0}, ResultRejected, 2, true, "no one agreed."},
		{"majority: one of one", majority, 1, Tally{1, 0, 0, 0}, ResultAdopted, 1, true, "1/1 > 1/2."},
		// unanimity
		{"unanimity: agree with abstentions", unanimity, 5, Tally{3, 0, 2, 0}, ResultAdopted, 3, true, "no disagree and no block."},
		{"unanimity: one disagree", unanimity, 5, Tally{3, 1, 0, 0}, ResultRejected, 3, true, "disagreed by 1 member."},
		{"unanimity: one block", unanimity, 5, Tally{3, 0, 0, 1}, ResultRejected, 3, true, "blocked by 1 member."},
		{"unanimity: everyone abstains", unanimity, 5, Tally{0, 0, 3, 0}, ResultRejected, 3, true, "no one agreed."},
		{"unanimity: all of it", unanimity, 5, Tally{0, 2, 0, 1}, ResultRejected, 3, true, "no one agreed, disagreed by 2 members and blocked by 1 member."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Judge(c.rule, c.tally, c.eligible)
			require.NoError(t, err)
			p := c.tally.Agree + c.tally.Disagree + c.tally.Abstain + c.tally.Block
			require.Equal(t, VotingClosed{
				Tally: c.tally, Participation: p, EligibleCount: c.eligible, QuorumRequired: c.quorumRequired,
				QuorumMet: c.quorumMet, Result: c.result, Explanation: out.Explanation,
			}, out)
			require.Contains(t, out.Explanation, "block; "+c.explanationEnds)
			require.True(t, len(out.Explanation) > 0 && out.Explanation[len(out.Explanation)-1] == '.')
		})
	}
}

func TestExplanationReadsOut(t *testing.T) {
	out, err := Judge(Charter{DecisionRule: RuleConsensus, Quorum: "1/2", Threshold: "3/4"}, Tally{7, 1, 1, 0}, 12)
	require.NoError(t, err)
	require.Equal(t, "Adopted under consensus (3/4, quorum 1/2): 9 of 12 eligible took part (quorum 6); 7 agree, 1 disagree, 1 abstain, 0 block; 7/8 ≥ 3/4 and no block.", out.Explanation)

	out, err = Judge(Charter{DecisionRule: RuleMajority, Quorum: "1/3", Threshold: "1/2"}, Tally{2, 2, 1, 0}, 9)
	require.NoError(t, err)
	require.Equal(t, "Rejected under majority (more than half, quorum 1/3): 5 of 9 eligible took part (quorum 3); 2 agree, 2 disagree, 1 abstain, 0 block; 2/4 is a tie, and a tie fails a majority.", out.Explanation)

	out, err = Judge(Charter{DecisionRule: RuleUnanimity, Quorum: "1/2", Threshold: "1/1"}, Tally{4, 0, 0, 0}, 4)
	require.NoError(t, err)
	require.Equal(t, "Adopted under unanimity (quorum 1/2): 4 of 4 eligible took part (quorum 2); 4 agree, 0 disagree, 0 abstain, 0 block; no disagree and no block.", out.Explanation)
}

func TestJudgeRefusesABadRule(t *testing.T) {
	_, err := Judge(Charter{DecisionRule: "lottery"}, Tally{}, 1)
	require.Equal(t, Internal, KindOf(err))
	require.Contains(t, err.Error(), "the rule in force is not valid")
}

// Large electorates and extreme fractions stay exact in integers.
func TestDecisionRulesLargeNumbers(t *testing.T) {
	rule := Charter{DecisionRule: RuleConsensus, Quorum: "999999/1000000", Threshold: "999999/1000000"}
	out, err := Judge(rule, Tally{Agree: 999_999, Disagree: 1}, 1_000_000)
	require.NoError(t, err)
	require.Equal(t, 999_999, out.QuorumRequired)
	require.Equal(t, ResultAdopted, out.Result)
	out, err = Judge(rule, Tally{Agree: 999_998, Disagree: 2}, 1_000_000)
	require.NoError(t, err)
	require.Equal(t, ResultRejected, out.Result)
}
