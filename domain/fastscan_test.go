package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// skipPlainBytewise is skipPlain one byte at a time, as a reference.
func skipPlainBytewise(b []byte, j int) int {
	for ; j < len(b); j++ {
		if c := b[j]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
			return j
		}
	}
	return j
}

// Every byte value, at every place of a word and of the tail after the
// last whole word, is found exactly when it is not plain, also behind
// another that is not.
func TestSkipPlainFindsEveryByteThatIsNotPlain(t *testing.T) {
	for c := 0; c < 256; c++ {
		for at := 0; at < 19; at++ {
			b := []byte("abcdefghijklmnopqrs")
			b[at] = byte(c)
			for from := 0; from <= at; from++ {
				require.Equal(t, skipPlainBytewise(b, from), skipPlain(b, from), "byte %#x at %d, from %d", c, at, from)
			}
			if at > 0 {
				b[at-1] = 0x1f
				require.Equal(t, at-1, skipPlain(b, 0), "byte %#x at %d behind a control character", c, at)
			}
		}
	}
}

func FuzzSkipPlain(f *testing.F) {
	f.Add([]byte(`"id":"4f1c2b7e-8a3d-4c5e-9f0a-1b2c3d4e5f60","x"`), 0)
	f.Add([]byte("é ünïcode ✓ and \\\" escapes\n"), 3)
	f.Fuzz(func(t *testing.T, b []byte, from int) {
		if from < 0 || from > len(b) {
			return
		}
		require.Equal(t, skipPlainBytewise(b, from), skipPlain(b, from))
	})
}
