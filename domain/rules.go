package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// DecisionRule is how a charter's votes are decided.
type DecisionRule string

// The decision rules a charter may name.
const (
	RuleConsensus     DecisionRule = "consensus"
	RuleUnanimity     DecisionRule = "unanimity"
	RuleSupermajority DecisionRule = "supermajority"
	RuleMajority      DecisionRule = "majority"
)

// DefaultQuorum is the quorum of a charter that names none.
const DefaultQuorum = "1/2"

// defaultThreshold is each rule's threshold when the charter names none.
// Majority and unanimity have fixed thresholds (more than half; everyone who
// takes a stand), recorded for the reader.
var defaultThreshold = map[DecisionRule]string{
	RuleConsensus:     "3/4",
	RuleSupermajority: "2/3",
	RuleMajority:      "1/2",
	RuleUnanimity:     "1/1",
}

// maxDenominator bounds fractions so every product stays far from overflow.
const maxDenominator = 1_000_000

// Fraction is a non-negative rational n/d with n ≤ d, as charters write
// quorums and thresholds.
type Fraction struct {
	Num int64
	Den int64
}

// String returns the fraction as "n/d".
func (f Fraction) String() string { return fmt.Sprintf("%d/%d", f.Num, f.Den) }

// ParseFraction parses "n/d": digits only (no spaces or signs), 0 ≤ n ≤ d,
// 1 ≤ d ≤ 1,000,000. It returns an Invalid error saying what is wrong.
func ParseFraction(s string) (Fraction, error) {
	num, den, ok := strings.Cut(s, "/")
	if !ok || !digits(num) || !digits(den) {
		return Fraction{}, Errorf(Invalid, "fraction %s is not of the form n/d with digits only", clip(s))
	}
	n, errN := strconv.ParseInt(num, 10, 64)
	d, errD := strconv.ParseInt(den, 10, 64)
	if errN != nil || errD != nil || d < 1 || d > maxDenominator {
		return Fraction{}, Errorf(Invalid, "fraction %s needs a denominator from 1 to %d", clip(s), maxDenominator)
	}
	if n > d {
		return Fraction{}, Errorf(Invalid, "fraction %s is more than 1", clip(s))
	}
	return Fraction{Num: n, Den: d}, nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NormalizeCharter validates a charter entering the ledger (forming an
// alliance, proposing a charter) and fills in its defaults: rule consensus,
// quorum 1/2, the rule's default threshold, signatures optional, max_proxies
// 0. A quorum lies in (0, 1]; a consensus or supermajority threshold in
// [1/2, 1]. Majority and unanimity take no threshold of their own, so another
// value than theirs is refused rather than ignored. It returns an Invalid
// error naming the field at fault.
func NormalizeCharter(c Charter) (Charter, error) {
	c, q, t, err := parseCharter(c)
	if err != nil {
		return Charter{}, err
	}
	if q.Num == 0 {
		return Charter{}, Errorf(Invalid, "charter quorum %s is not more than 0: a quorum lies in (0, 1]", c.Quorum)
	}
	if takesThreshold(c.DecisionRule) && 2*t.Num < t.Den {
		return Charter{}, Errorf(Invalid, "charter threshold %s is under 1/2: a %s threshold lies in [1/2, 1]", c.Threshold, c.DecisionRule)
	}
	return c, nil
}

// CharterInForce fills in the defaults of a charter already in the ledger
// (the alliance's, or a rule frozen at an opening) as NormalizeCharter does,
// but holds it only to the checks every recorded charter passed: a rule
// recorded before the bounds on quorum and threshold keeps its meaning. It
// returns an Invalid error naming the field at fault.
func CharterInForce(c Charter) (Charter, error) {
	c, _, _, err := parseCharter(c)
	return c, err
}

// parseCharter fills in a charter's defaults and parses its fractions,
// refusing an unknown rule and a threshold on a rule that has its own.
func parseCharter(c Charter) (Charter, Fraction, Fraction, error) {
	if c.DecisionRule == "" {
		c.DecisionRule = RuleConsensus
	}
	def, ok := defaultThreshold[c.DecisionRule]
	if !ok {
		return Charter{}, Fraction{}, Fraction{}, Errorf(Invalid, "charter decision_rule %s is not one of consensus, unanimity, supermajority, majority", clip(string(c.DecisionRule)))
	}
	if c.Quorum == "" {
		c.Quorum = DefaultQuorum
	}
	if c.Threshold == "" {
		c.Threshold = def
	}
	q, err := ParseFraction(c.Quorum)
	if err != nil {
		return Charter{}, Fraction{}, Fraction{}, Errorf(Invalid, "charter quorum: %s", MessageOf(err))
	}
	t, err := ParseFraction(c.Threshold)
	if err != nil {
		return Charter{}, Fraction{}, Fraction{}, Errorf(Invalid, "charter threshold: %s", MessageOf(err))
	}
	if !takesThreshold(c.DecisionRule) && !sameValue(t, def) {
		return Charter{}, Fraction{}, Fraction{}, Errorf(Invalid, "charter threshold %s does not apply to %s, whose threshold is %s: leave it out", c.Threshold, c.DecisionRule, def)
	}
	c, err = normalizePolicy(c)
	return c, q, t, err
}

// takesThreshold reports whether a rule's threshold is the charter's to
// choose (consensus, supermajority) rather than fixed (majority, unanimity).
func takesThreshold(rule DecisionRule) bool {
	return rule == RuleConsensus || rule == RuleSupermajority
}

func sameValue(f Fraction, s string) bool {
	g, err := ParseFraction(s)
	return err == nil && f.Num*g.Den == g.Num*f.Den
}
