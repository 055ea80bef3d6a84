package verify

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
	"accord/transparency"
)

// receipt returns the receipt of seq in the tree of size n, its checkpoint
// cosigned by the given witnesses.
func (l *tlog) receipt(t *testing.T, seq, n uint64, cosigners ...int) []byte {
	t.Helper()
	path, err := l.tree.InclusionProof(seq-1, n)
	require.NoError(t, err)
	return transparency.FormatInclusionProof(seq-1, path, l.checkpoint(t, n, cosigners...))
}

func TestReceiptHolds(t *testing.T) {
	s, lines := domaintest.StoryLines(t, 0)
	l := newTlog(t, s.AID, lines)
	for _, seq := range []uint64{1, 13, 33} {
		r, err := VerifyReceipt(l.receipt(t, seq, 33, 0, 1), append(lines[seq-1], '\n'), l.logVKey, l.vkeys[:2], 0)
		require.NoError(t, err, "seq %d", seq)
		require.Equal(t, s.AID, r.AllianceID)
		require.Equal(t, seq, r.Seq)
		require.Equal(t, domain.Hash(lines[seq-1]), r.Hash)
		require.Equal(t, uint64(33), r.Checkpoint.Size)
		require.Equal(t, []string{"regulator", "member-a"}, r.Checkpoint.Cosigners)
	}
	// A receipt from when the tree was smaller still proves the event.
	r, err := VerifyReceipt(l.receipt(t, 13, 13), lines[12], l.logVKey, nil, 0)
	require.NoError(t, err)
	require.Equal(t, "VoteCast", r.Type)
}

func TestReceiptCatches(t *testing.T) {
	s, lines := domaintest.StoryLines(t, 0)
	l := newTlog(t, s.AID, lines)
	proof := l.receipt(t, 13, 33, 0)
	vote := lines[12]
	require.Contains(t, string(vote), `"stance":"agree"`)

	// The voter's own line, changed afterwards (its stance), no longer is
	// the leaf the receipt proves.
	changed := bytes.Replace(vote, []byte(`"stance":"agree"`), []byte(`"stance":"block"`), 1)
	_, err := VerifyReceipt(proof, changed, l.logVKey, l.vkeys[:1], 0)
	requireProofError(t, err, transparency.ErrProof, "seq 13 as given is not in the tree of size 33")

	// Another real line of the log, passed off as the one proved.
	_, err = VerifyReceipt(proof, lines[13], l.logVKey, nil, 0)
	requireProofError(t, err, nil, "the receipt proves leaf 12 (seq 13), the event is seq 14")

	// The same event of another alliance.
	_, other := domaintest.StoryLines(t, 1000)
	_, err = VerifyReceipt(proof, other[12], l.logVKey, nil, 0)
	requireProofError(t, err, nil, "the receipt is for alliance "+s.AID)

	// A wrong log key, too few witnesses, a mangled file, a line that is
	// not an event.
	wrong, err := l.log.VerifierKey(domaintest.TestID(4242))
	require.NoError(t, err)
	_, err = VerifyReceipt(proof, vote, wrong, nil, 0)
	requireProofError(t, err, transparency.ErrSignature, "")
	_, err = VerifyReceipt(proof, vote, l.logVKey, l.vkeys[:2], 0)
	requireProofError(t, err, transparency.ErrQuorum, "too few witnesses")
	_, err = VerifyReceipt(proof[1:], vote, l.logVKey, nil, 0)
	requireProofError(t, err, transparency.ErrMalformed, "not a receipt")
	_, err = VerifyReceipt(proof, []byte("{}"), l.logVKey, nil, 0)
	requireProofError(t, err, nil, "not one stored line of an accord event")

	// A path hash flipped.
	lines2 := bytes.SplitAfter(proof, []byte("\n"))
	lines2[2] = bytes.Replace(lines2[2], lines2[2][:1], []byte{lines2[2][0] ^ 1}, 1)
	_, err = VerifyReceipt(bytes.Join(lines2, nil), vote, l.logVKey, nil, 0)
	require.Error(t, err)
}

func TestResumeContinuesAChain(t *testing.T) {
	s, lines := domaintest.StoryLines(t, 0)
	signed, signedLines := domaintest.SignedStoryLines(t, 500)
	requireResumes(t, s.AID, lines)
	requireResumes(t, signed.AID, signedLines)

	first := NewVerifier(Options{})
	for _, line := range lines[:30] {
		require.NoError(t, first.Check(line))
	}
	st, _, err := first.Chain(s.AID)
	require.NoError(t, err)
	forged := reseal(edit(lines, 33, replace(`"result":"rejected"`, `"result":"adopted"`)), 33)
	_, err = Verify(bytes.NewReader(export(forged[30:])), Options{Resume: []ChainState{st}})
	requireChainError(t, err, 33, "result recorded adopted, re-derived rejected")
	// A line that does not follow the saved head.
	_, err = Verify(bytes.NewReader(export(lines[31:])), Options{Resume: []ChainState{st}})
	requireChainError(t, err, 31, "seq 31 is missing")
}

// requireResumes checks, at every split point, that the first part's state,
// through JSON, resumes the second to the same head as one pass.
func requireResumes(t *testing.T, aid string, lines [][]byte) {
	t.Helper()
	whole, err := Verify(bytes.NewReader(export(lines)), Options{})
	require.NoError(t, err)
	for split := 1; split < len(lines); split++ {
		first := NewVerifier(Options{})
		for _, line := range lines[:split] {
			require.NoError(t, first.Check(line))
		}
		st, ok, err := first.Chain(aid)
		require.NoError(t, err)
		require.True(t, ok)
		raw, err := json.Marshal(st)
		require.NoError(t, err)
		var saved ChainState
		require.NoError(t, json.Unmarshal(raw, &saved))

		got, err := Verify(bytes.NewReader(export(lines[split:])), Options{Resume: []ChainState{saved}})
		require.NoError(t, err, "split at %d", split)
		require.Equal(t, whole.Alliances[0].Hash, got.Alliances[0].Hash)
		require.Equal(t, whole.Alliances[0].Decisions, got.Alliances[0].Decisions)
		require.Equal(t, len(lines)-split, got.Events)
	}
}
