package verify

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
	"accord/transparency"
)

// seeded is a deterministic source of key material for tests.
type seeded byte

func (s seeded) Read(p []byte) (int, error) {
	h := sha256.Sum256([]byte{byte(s)})
	for i := range p {
		p[i] = h[i%len(h)]
	}
	return len(p), nil
}

// tlog is an alliance's lines and what signs their checkpoints: the log key
// and three witnesses.
type tlog struct {
	aid       string
	lines     [][]byte
	tree      transparency.Tree
	log       transparency.LogKey
	logVKey   string
	witnesses []transparency.WitnessSigner
	vkeys     []string
}

func newTlog(t testing.TB, aid string, lines [][]byte) *tlog {
	t.Helper()
	l := &tlog{aid: aid, lines: lines}
	for _, line := range lines {
		l.tree.Append(line)
	}
	file, err := transparency.GenerateLogKey(seeded(1))
	require.NoError(t, err)
	l.log, err = transparency.ParseLogKey(file)
	require.NoError(t, err)
	l.logVKey, err = l.log.VerifierKey(aid)
	require.NoError(t, err)
	for i, name := range []string{"regulator", "member-a", "member-b"} {
		file, vkey, err := transparency.GenerateWitnessKey(name, seeded(10+i))
		require.NoError(t, err)
		w, err := transparency.ParseWitnessSigner(file)
		require.NoError(t, err)
		l.witnesses, l.vkeys = append(l.witnesses, w), append(l.vkeys, vkey)
	}
	return l
}

// checkpoint returns the log's signed checkpoint of size n with the
// cosignatures of the given witnesses (by index).
func (l *tlog) checkpoint(t testing.TB, n uint64, cosigners ...int) []byte {
	t.Helper()
	root, err := l.tree.RootAt(n)
	require.NoError(t, err)
	cp := transparency.Checkpoint{Origin: transparency.Origin(l.aid), Size: n, Root: root}
	note, err := l.log.SignCheckpoint(cp)
	require.NoError(t, err)
	for _, i := range cosigners {
		line, err := l.witnesses[i].Cosign(cp, time.Unix(1_790_000_000, 0))
		require.NoError(t, err)
		note, err = transparency.AddCosignatures(note, line)
		require.NoError(t, err)
	}
	return note
}

// verifyAgainst runs Verify on lines held to a checkpoint note.
func verifyAgainst(lines [][]byte, note []byte, logVKey string, witnesses []string, quorum int) (Verification, error) {
	cp, err := OpenCheckpoint(note, logVKey, witnesses, quorum)
	if err != nil {
		return Verification{}, err
	}
	return Verify(bytes.NewReader(export(lines)), Options{Checkpoint: &cp})
}

func requireProofError(t *testing.T, err error, sentinel error, reason string) {
	t.Helper()
	var pe *ProofError
	require.True(t, errors.As(err, &pe), "want a *ProofError, got %T: %v", err, err)
	require.Contains(t, pe.Error(), reason)
	if sentinel != nil {
		require.ErrorIs(t, err, sentinel)
	}
}

func TestCheckpointHolds(t *testing.T) {
	s, lines := domaintest.StoryLines(t, 0)
	l := newTlog(t, s.AID, lines)

	got, err := verifyAgainst(lines, l.checkpoint(t, 33, 0, 1, 2), l.logVKey, l.vkeys, 0)
	require.NoError(t, err)
	require.Equal(t, 33, got.Events)
	require.NotNil(t, got.Checkpoint)
	require.Equal(t, s.AID, got.Checkpoint.AllianceID)
	require.Equal(t, uint64(33), got.Checkpoint.Size)
	require.True(t, got.Checkpoint.LogSigned)
	require.Equal(t, []string{"regulator", "member-a", "member-b"}, got.Checkpoint.Cosigners)

	// An export that has gone on since holds to an older checkpoint: its
	// first 20 lines are that tree.
	got, err = verifyAgainst(lines, l.checkpoint(t, 20, 0), l.logVKey, l.vkeys[:1], 0)
	require.NoError(t, err)
	require.Equal(t, uint64(20), got.Checkpoint.Size)

	// No witness asked for: the log's signature alone.
	got, err = verifyAgainst(lines, l.checkpoint(t, 33), l.logVKey, nil, 0)
	require.NoError(t, err)
	require.Empty(t, got.Checkpoint.Cosigners)

	// Another alliance interleaved in the same file changes nothing.
	_, other := domaintest.StoryLines(t, 1000)
	var mixed [][]byte
	for i := range lines {
		mixed = append(mixed, other[i], lines[i])
	}
	_, err = verifyAgainst(mixed, l.checkpoint(t, 33, 1), l.logVKey, l.vkeys[1:2], 0)
	require.NoError(t, err)
}

func TestCheckpointCatchesARewrittenExport(t *testing.T) {
	s, lines := domaintest.StoryLines(t, 0)
	l := newTlog(t, s.AID, lines)
	note := l.checkpoint(t, 33, 0, 1)

	// A forger renames a member at seq 4 and recomputes every hash after
	// it: the chain holds on its own, the cosigned checkpoint does not.
	forged := reseal(edit(lines, 4, replace("Member B", "Member Q")), 4)
	_, err := Verify(bytes.NewReader(export(forged)), Options{})
	require.NoError(t, err, "a re-chained export passes the chain check alone")
	_, err = verifyAgainst(forged, note, l.logVKey, l.vkeys[:2], 0)
	requireProofError(t, err, nil, "the Merkle root of seqs 1…33 of alliance "+s.AID+" is ")
	require.Contains(t, err.Error(), "these are not the events the log signed")

	// The same with the log key left out: the witnesses still vouch.
	_, err = verifyAgainst(forged, note, "", l.vkeys[:2], 0)
	requireProofError(t, err, nil, "these are not the events the log signed")

	// Cut short: fewer lines than the checkpoint covers.
	_, err = verifyAgainst(lines[:20], note, l.logVKey, l.vkeys[:2], 0)
	requireProofError(t, err, nil, "covers seqs 1…33 of alliance "+s.AID+", but the input holds only 20 of them")

	// Another alliance's export against this checkpoint.
	_, other := domaintest.StoryLines(t, 1000)
	_, err = verifyAgainst(other, note, l.logVKey, l.vkeys[:2], 0)
	requireProofError(t, err, nil, "holds only 0 of them")
}

func TestCheckpointCatchesBadSignatures(t *testing.T) {
	s, lines := domaintest.StoryLines(t, 0)
	l := newTlog(t, s.AID, lines)
	note := l.checkpoint(t, 33, 0)

	// The key of another log (the same origin, another key).
	otherFile, err := transparency.GenerateLogKey(seeded(99))
	require.NoError(t, err)
	other, err := transparency.ParseLogKey(otherFile)
	require.NoError(t, err)
	wrong, err := other.VerifierKey(s.AID)
	require.NoError(t, err)
	_, err = OpenCheckpoint(note, wrong, nil, 0)
	requireProofError(t, err, transparency.ErrSignature, "a signature does not verify")

	// The log's key of another alliance.
	elsewhere, err := l.log.VerifierKey(domaintest.TestID(4242))
	require.NoError(t, err)
	_, err = OpenCheckpoint(note, elsewhere, nil, 0)
	requireProofError(t, err, transparency.ErrSignature, "")

	_, err = OpenCheckpoint(note, "not-a-key", nil, 0)
	requireProofError(t, err, transparency.ErrKey, "a verifier key does not parse")

	// A changed root under the log's signature.
	tampered := bytes.Replace(note, []byte("\n33\n"), []byte("\n32\n"), 1)
	_, err = OpenCheckpoint(tampered, l.logVKey, nil, 0)
	requireProofError(t, err, transparency.ErrSignature, "")

	_, err = OpenCheckpoint([]byte("hello\n"), l.logVKey, nil, 0)
	requireProofError(t, err, transparency.ErrMalformed, "not a signed checkpoint")
}

func TestCheckpointCountsWitnesses(t *testing.T) {
	s, lines := domaintest.StoryLines(t, 0)
	l := newTlog(t, s.AID, lines)
	note := l.checkpoint(t, 33, 0, 2)

	for _, logVKey := range []string{l.logVKey, ""} {
		// By default every witness given must have cosigned.
		_, err := OpenCheckpoint(note, logVKey, l.vkeys, 0)
		requireProofError(t, err, transparency.ErrQuorum, "too few witnesses: ")
		require.Contains(t, err.Error(), "(cosigned by: regulator, member-b)")
		cp, err := OpenCheckpoint(note, logVKey, l.vkeys, 2)
		require.NoError(t, err)
		require.Equal(t, []string{"regulator", "member-b"}, cp.Cosigners)
		require.Equal(t, 3, cp.Witnesses)
		require.Equal(t, logVKey != "", cp.LogSigned)
		_, err = OpenCheckpoint(note, logVKey, l.vkeys, 4)
		requireProofError(t, err, transparency.ErrQuorum, "")
		_, err = OpenCheckpoint(note, logVKey, []string{l.vkeys[0], l.vkeys[0]}, 0)
		requireProofError(t, err, transparency.ErrKey, "listed twice")
	}

	// A cosignature moved from another checkpoint does not verify here,
	// and refuses the note.
	older := l.checkpoint(t, 20, 1)
	moved := append(l.checkpoint(t, 33), bytes.SplitAfter(older, []byte("\n"))[5]...)
	for _, logVKey := range []string{l.logVKey, ""} {
		_, err := OpenCheckpoint(moved, logVKey, l.vkeys[1:2], 0)
		requireProofError(t, err, transparency.ErrSignature, "")
	}
}

func TestFrontierMatchesTheTree(t *testing.T) {
	var tree transparency.Tree
	var f frontier
	require.Equal(t, transparency.EmptyRoot(), f.root())
	for i := range 300 {
		leaf := []byte{byte(i), byte(i >> 8)}
		tree.Append(leaf)
		f.push(transparency.LeafHash(leaf))
		want, _ := tree.Root()
		require.Equal(t, want, f.root(), "size %d", i+1)
	}
}

// BenchmarkVerifyVotes and BenchmarkVerifyVotesToCheckpoint measure what
// holding a ledger of 20,000 votes to a cosigned checkpoint adds to
// verifying it: a leaf hash per line, and the frontier's node hashes.
func BenchmarkVerifyVotes(b *testing.B) { benchmarkVotes(b, false) }

func BenchmarkVerifyVotesToCheckpoint(b *testing.B) { benchmarkVotes(b, true) }

func benchmarkVotes(b *testing.B, held bool) {
	var buf bytes.Buffer
	require.NoError(b, writeVotes(&buf, 20_000))
	raw := buf.Bytes()
	lines := bytes.Split(bytes.TrimSuffix(raw, []byte("\n")), []byte("\n"))
	var opts Options
	if held {
		ev, err := domain.Decode(lines[0])
		require.NoError(b, err)
		l := newTlog(b, ev.AllianceID, lines)
		cp, err := OpenCheckpoint(l.checkpoint(b, uint64(len(lines)), 0), l.logVKey, l.vkeys[:1], 0)
		require.NoError(b, err)
		opts.Checkpoint = &cp
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		got, err := Verify(bytes.NewReader(raw), opts)
		if err != nil || (held && got.Checkpoint == nil) {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/event")
}
