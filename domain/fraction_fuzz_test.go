package domain

import (
	"math/big"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

var digitsFraction = regexp.MustCompile(`^[0-9]+/[0-9]+$`)

// FuzzParseFraction checks ParseFraction against big.Rat: it accepts
// exactly the digit-only n/d with 0 ≤ n ≤ d and 1 ≤ d ≤ 1,000,000, returns
// their value, and refuses everything else with an Invalid error whose
// message stays short whatever the input.
func FuzzParseFraction(f *testing.F) {
	for _, s := range []string{
		"1/2", "3/4", "0/1", "1/1", "2/3", "1000000/1000000", "0/1000000", "01/02", "000/1",
		"1/0", "0/0", "3/2", "-1/2", "+1/2", "1/+2", " 1/2", "1/2 ", "1 /2", "1//2", "/", "1/", "/2", "", "1",
		"99999999999999999999/1", "1/1000001", "1/99999999999999999999", "9223372036854775807/9223372036854775807",
		"١/٢", "0x1/0x2", "1e3/1e4", "1.5/2", "2/4/8", "1/2\x00", "\xff/\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFraction(s)
		want, ok := referenceFraction(s)
		if err != nil {
			require.False(t, ok, "ParseFraction refused %q, which is a fraction", s)
			require.Equal(t, Invalid, KindOf(err))
			require.LessOrEqual(t, len(MessageOf(err)), 300, "a message must not echo a long input whole")
			return
		}
		require.True(t, ok, "ParseFraction accepted %q as %v", s, got)
		require.Zero(t, want.Cmp(big.NewRat(got.Num, got.Den)), "%q parsed as %v", s, got)
		require.True(t, 0 <= got.Num && got.Num <= got.Den && 1 <= got.Den && got.Den <= maxDenominator)
		back, err := ParseFraction(got.String())
		require.NoError(t, err)
		require.Equal(t, got, back)
	})
}

// referenceFraction is the contract of ParseFraction, in big integers.
func referenceFraction(s string) (*big.Rat, bool) {
	if !digitsFraction.MatchString(s) {
		return nil, false
	}
	var n, d big.Int
	i := 0
	for s[i] != '/' {
		i++
	}
	n.SetString(s[:i], 10)
	d.SetString(s[i+1:], 10)
	if d.Sign() == 0 || d.Cmp(big.NewInt(maxDenominator)) > 0 || n.Cmp(&d) > 0 {
		return nil, false
	}
	return new(big.Rat).SetFrac(&n, &d), true
}
