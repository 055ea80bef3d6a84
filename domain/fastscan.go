package domain

import (
	"encoding/binary"
	"math/bits"
)

// skipPlain returns the index of the first byte of b at or after j that
// is not plain — a quote, a backslash, a control character or a byte of
// a multi-byte UTF-8 sequence — or len(b) when there is none. It tests
// eight bytes at a time: the strings of an event line (ids, hashes) are
// long runs of plain bytes, and the decoder walks every one of them.
func skipPlain(b []byte, j int) int {
	for ; j+8 <= len(b); j += 8 {
		if m := notPlain(binary.LittleEndian.Uint64(b[j:])); m != 0 {
			return j + bits.TrailingZeros64(m)/8
		}
	}
	for ; j < len(b) && plainByte[b[j]]; j++ {
	}
	return j
}

// Eight lanes of a word, and the top bit of each.
const (
	lanes = 0x0101010101010101
	tops  = 0x8080808080808080
)

// notPlain returns w with the top bit set in the first of its bytes (the
// lowest) that is not plain, and perhaps in bytes after it (a borrow
// carries only upwards from a marked byte), or 0 when all are plain.
func notPlain(w uint64) uint64 {
	q := w ^ lanes*'"'
	b := w ^ lanes*'\\'
	quote := (q - lanes) &^ q           // a zero lane borrows: top bit set
	backslash := (b - lanes) &^ b       // likewise
	controlOrHigh := w - lanes*0x20 | w // below 0x20 borrows; 0x80 and up has it
	return (quote | backslash | controlOrHigh) & tops
}

// plainByte tells the bytes skipPlain passes over.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()
