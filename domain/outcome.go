package domain

import (
	"fmt"
	"strings"
)

// Result is what a vote decided.
type Result string

// The results of a vote.
const (
	ResultAdopted  Result = "adopted"
	ResultRejected Result = "rejected"
)

// DeriveOutcome returns the VotingClosed data that closing the vote on the
// proposal would record, from the state just before the close: the stances
// of the members still eligible, judged by the rule frozen at the opening.
// The offline verifier compares a recorded VotingClosed with it field by
// field. It returns NotFound if there is no such proposal, Conflict if it is
// not being voted on, and Internal if the frozen rule is not a valid charter.
func DeriveOutcome(s Alliance, proposalID string) (VotingClosed, error) {
	p, ok := s.Proposal(proposalID)
	if !ok {
		return VotingClosed{}, Errorf(NotFound, "no proposal %s in alliance %s", proposalID, s.ID)
	}
	if p.Status != StatusVoting || p.Voting == nil {
		return VotingClosed{}, p.notVoting()
	}
	out, err := Judge(p.Voting.Rule, p.tally(), len(p.Voting.Eligible))
	if err != nil {
		return VotingClosed{}, err
	}
	out.ProposalID = p.ID
	return out, nil
}

// tally counts the latest stance of each member still eligible.
func (p Proposal) tally() Tally {
	var t Tally
	for _, id := range p.Voting.Eligible {
		switch p.Stances[id].Stance {
		case StanceAgree:
			t.Agree++
		case StanceDisagree:
			t.Disagree++
		case StanceAbstain:
			t.Abstain++
		case StanceBlock:
			t.Block++
		}
	}
	return t
}

// Judge applies a charter's decision rule to a tally among eligible members
// and returns the VotingClosed data without its proposal id. Arithmetic is on
// integers only. It returns Internal if the charter is not valid: rules are
// validated when they enter the ledger, so a bad one here is a bug. A rule
// recorded before the bounds NormalizeCharter sets is judged as it reads.
func Judge(rule Charter, t Tally, eligible int) (VotingClosed, error) {
	rule, err := CharterInForce(rule)
	if err != nil {
		return VotingClosed{}, Errorf(Internal, "the rule in force is not valid: %s", MessageOf(err))
	}
	q, _ := ParseFraction(rule.Quorum)
	th, _ := ParseFraction(rule.Threshold)
	p := t.Agree + t.Disagree + t.Abstain + t.Block
	out := VotingClosed{
		Tally:          t,
		Participation:  p,
		EligibleCount:  eligible,
		QuorumRequired: quorumRequired(q, eligible),
		QuorumMet:      p >= 1 && int64(p)*q.Den >= q.Num*int64(eligible),
		Result:         ResultRejected,
	}
	v := verdictOf(rule.DecisionRule, th, t)
	if out.QuorumMet && v.passed {
		out.Result = ResultAdopted
	}
	out.Explanation = explain(rule, out, v)
	return out, nil
}

// quorumRequired is the least participation P ≥ 1 with P·qd ≥ qn·E.
func quorumRequired(q Fraction, eligible int) int {
	need := (q.Num*int64(eligible) + q.Den - 1) / q.Den
	return int(max(need, 1))
}

// verdict is what a rule says of a tally, quorum aside: whether it passes,
// and the plain words for why or why not.
type verdict struct {
	passed  bool
	because string   // why it passes
	fails   []string // each way it fails
}

func verdictOf(rule DecisionRule, th Fraction, t Tally) verdict {
	switch rule {
	case RuleUnanimity:
		return unanimity(t)
	case RuleSupermajority:
		return supermajority(t, th)
	case RuleMajority:
		return majority(t)
	}
	return consensus(t, th)
}

// unanimity: adopted ⇔ A ≥ 1, D = 0, B = 0 (abstentions do not count).
func unanimity(t Tally) verdict {
	var fails []string
	if t.Agree == 0 {
		fails = append(fails, "no one agreed")
	}
	if t.Disagree > 0 {
		fails = append(fails, "disagreed by "+members(t.Disagree))
	}
	if t.Block > 0 {
		fails = append(fails, "blocked by "+members(t.Block))
	}
	return verdict{passed: len(fails) == 0, because: "no disagree and no block", fails: fails}
}

// consensus: adopted ⇔ A ≥ 1, B = 0, A·td ≥ tn·(A + D); one block vetoes.
func consensus(t Tally, th Fraction) verdict {
	var fails []string
	if t.Block > 0 {
		fails = append(fails, "blocked by "+members(t.Block))
	}
	share := ratio(t.Agree, t.Agree+t.Disagree)
	switch {
	case t.Agree == 0:
		fails = append(fails, "no one agreed")
	case !reaches(t.Agree, t.Agree+t.Disagree, th):
		fails = append(fails, share+" < "+th.String())
	}
	return verdict{passed: len(fails) == 0, because: share + " ≥ " + th.String() + " and no block", fails: fails}
}

// supermajority: adopted ⇔ A ≥ 1, A·td ≥ tn·(A + D + B); a block counts as
// a disagree.
func supermajority(t Tally, th Fraction) verdict {
	against := t.Disagree + t.Block
	share := ratio(t.Agree, t.Agree+against)
	switch {
	case t.Agree == 0:
		return verdict{fails: []string{"no one agreed"}}
	case !reaches(t.Agree, t.Agree+against, th):
		return verdict{fails: []string{share + " < " + th.String() + blockNote(t)}}
	}
	return verdict{passed: true, because: share + " ≥ " + th.String() + blockNote(t)}
}

// majority: adopted ⇔ 2A > A + D + B; a block counts as a disagree and a tie
// fails.
func majority(t Tally) verdict {
	total := t.Agree + t.Disagree + t.Block
	share := ratio(t.Agree, total)
	switch {
	case 2*t.Agree > total:
		return verdict{passed: true, because: share + " > 1/2" + blockNote(t)}
	case t.Agree == 0:
		return verdict{fails: []string{"no one agreed"}}
	case 2*t.Agree == total:
		return verdict{fails: []string{share + " is a tie, and a tie fails a majority" + blockNote(t)}}
	}
	return verdict{fails: []string{share + " < 1/2" + blockNote(t)}}
}

// reaches reports n/d ≥ th in integers: n·td ≥ tn·d.
func reaches(n, d int, th Fraction) bool {
	return int64(n)*th.Den >= th.Num*int64(d)
}

func ratio(n, d int) string { return fmt.Sprintf("%d/%d", n, d) }

func blockNote(t Tally) string {
	if t.Block == 0 {
		return ""
	}
	return " (a block counts as a disagree)"
}

func members(n int) string {
	if n == 1 {
		return "1 member"
	}
	return fmt.Sprintf("%d members", n)
}

// explain writes the sentence a board secretary reads out, e.g. "Adopted
// under consensus (3/4, quorum 1/2): 9 of 12 eligible took part (quorum 6);
// 7 agree, 1 disagree, 1 abstain, 0 block; 7/8 ≥ 3/4 and no block."
func explain(rule Charter, out VotingClosed, v verdict) string {
	t := out.Tally
	return fmt.Sprintf("%s under %s: %d of %d eligible took part (quorum %d); %d agree, %d disagree, %d abstain, %d block; %s.",
		capitalise(string(out.Result)), ruleName(rule), out.Participation, out.EligibleCount, out.QuorumRequired,
		t.Agree, t.Disagree, t.Abstain, t.Block, reasons(out, v))
}

func reasons(out VotingClosed, v verdict) string {
	switch {
	case out.Result == ResultAdopted:
		return v.because
	case out.Participation == 0:
		return "no one took part, so the quorum was not met"
	case !out.QuorumMet:
		return sentenceList(append([]string{"quorum not met"}, v.fails...))
	}
	return sentenceList(v.fails)
}

func ruleName(c Charter) string {
	switch c.DecisionRule {
	case RuleMajority:
		return "majority (more than half, quorum " + c.Quorum + ")"
	case RuleUnanimity:
		return "unanimity (quorum " + c.Quorum + ")"
	}
	return string(c.DecisionRule) + " (" + c.Threshold + ", quorum " + c.Quorum + ")"
}

// sentenceList joins "a", "b", "c" as "a, b and c".
func sentenceList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
