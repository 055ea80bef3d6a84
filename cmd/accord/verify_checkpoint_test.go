package main

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/transparency"
)

// seededKey is a deterministic source of key material for tests.
type seededKey byte

func (s seededKey) Read(p []byte) (int, error) {
	h := sha256.Sum256([]byte{'k', byte(s)})
	for i := range p {
		p[i] = h[i%len(h)]
	}
	return len(p), nil
}

// testLogKey returns a log key made from seed.
func testLogKey(t *testing.T, seed byte) transparency.LogKey {
	t.Helper()
	file, err := transparency.GenerateLogKey(seededKey(seed))
	require.NoError(t, err)
	k, err := transparency.ParseLogKey(file)
	require.NoError(t, err)
	return k
}

// testWitness returns a witness key named name, made from seed, and its
// verifier key.
func testWitness(t *testing.T, name string, seed byte) (transparency.WitnessSigner, string) {
	t.Helper()
	file, vkey, err := transparency.GenerateWitnessKey(name, seededKey(seed))
	require.NoError(t, err)
	w, err := transparency.ParseWitnessSigner(file)
	require.NoError(t, err)
	return w, vkey
}

// signedCheckpoint returns the checkpoint of the first n lines, signed by
// key for alliance aid and cosigned by the given witnesses.
func signedCheckpoint(t *testing.T, key transparency.LogKey, aid string, lines [][]byte, n int, witnesses ...transparency.WitnessSigner) []byte {
	t.Helper()
	var tree transparency.Tree
	for _, l := range lines[:n] {
		tree.Append(l)
	}
	root, _ := tree.Root()
	cp := transparency.Checkpoint{Origin: transparency.Origin(aid), Size: uint64(n), Root: root}
	note, err := key.SignCheckpoint(cp)
	require.NoError(t, err)
	for _, w := range witnesses {
		line, err := w.Cosign(cp, time.Now())
		require.NoError(t, err)
		note, err = transparency.AddCosignatures(note, line)
		require.NoError(t, err)
	}
	return note
}

// receiptFor returns the receipt of seq in the tree of the first n lines.
func receiptFor(t *testing.T, key transparency.LogKey, aid string, lines [][]byte, seq, n int, witnesses ...transparency.WitnessSigner) []byte {
	t.Helper()
	var tree transparency.Tree
	for _, l := range lines[:n] {
		tree.Append(l)
	}
	path, err := tree.InclusionProof(uint64(seq-1), uint64(n))
	require.NoError(t, err)
	return transparency.FormatInclusionProof(uint64(seq-1), path, signedCheckpoint(t, key, aid, lines, n, witnesses...))
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// TestVerifyCheckpoint holds a real export to checkpoints signed over it,
// and to the same export rewritten as a forger would.
func TestVerifyCheckpoint(t *testing.T) {
	x, _ := exportFromServer(t)
	key := testLogKey(t, 1)
	logVKey, err := key.VerifierKey(x.aid)
	require.NoError(t, err)
	regulator, regVKey := testWitness(t, "regulator", 2)
	member, memberVKey := testWitness(t, "member-a", 3)
	n := len(x.lines)
	cp := writeTemp(t, "cp", signedCheckpoint(t, key, x.aid, x.lines, n, regulator, member))

	// Flags after FILE, --witness given twice.
	code, out, errOut := runVerify(t, x.raw, "--checkpoint", cp, "--log-key", logVKey, "--witness", regVKey, "--witness", memberVKey)
	require.Equal(t, 0, code, "stdout: %s\nstderr: %s", out, errOut)
	require.Contains(t, out, "OK: ")
	require.Contains(t, out, "checkpoint: seqs 1…"+itoa(n)+" of alliance "+x.aid+" have its root ")
	require.Contains(t, out, "the log's signature verifies; cosigned by 2 of 2 witnesses (regulator, member-a)")
	// Flags before FILE too, and without the log's key.
	var stdout bytes.Buffer
	path := writeTemp(t, "export.ndjson", x.raw)
	require.Equal(t, 0, run([]string{"verify", "--witness=" + regVKey, "--checkpoint", cp, path}, nil, &stdout, &bytes.Buffer{}), stdout.String())
	require.Contains(t, stdout.String(), "the log's signature was not checked (no --log-key); cosigned by 1 of 1 witnesses (regulator)")

	cases := []struct {
		name   string
		export []byte
		flags  []string
		why    string
	}{
		{"a rewritten, re-chained export", frame(rechain(renamed(t, x), 0)), []string{"--log-key", logVKey, "--witness", regVKey},
			"these are not the events the log signed"},
		{"a truncated export", frame(x.lines[:n-3]), []string{"--log-key", logVKey},
			"but the input holds only " + itoa(n-3) + " of them"},
		{"a wrong log key", x.raw, []string{"--log-key", otherLogVKey(t, x.aid)},
			"a signature does not verify"},
		{"too few witnesses", x.raw, []string{"--log-key", logVKey, "--witness", regVKey, "--witness", memberVKey, "--witness", thirdVKey(t)},
			"too few witnesses: 2 of 3 witnesses cosigned the checkpoint, 3 required (cosigned by: regulator, member-a)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runVerify(t, c.export, append([]string{"--checkpoint", cp}, c.flags...)...)
			require.Equal(t, 1, code, "stdout: %s\nstderr: %s", out, errOut)
			require.True(t, strings.HasPrefix(out, "FAIL: checkpoint "+cp+": "), out)
			require.Contains(t, out, c.why)
			require.Equal(t, 1, strings.Count(out, "\n"), "one line names the failure")
		})
	}

	// A forged export that re-chains passes the chain check alone: only
	// the checkpoint shows it.
	code, out, _ = runVerify(t, frame(rechain(renamed(t, x), 0)))
	require.Equal(t, 0, code, out)

	// Two of three is enough when asked for.
	code, out, _ = runVerify(t, x.raw, "--checkpoint", cp, "--log-key", logVKey, "--witness", regVKey, "--witness", memberVKey, "--witness", thirdVKey(t), "--quorum", "2")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "cosigned by 2 of 3 witnesses")
}

// renamed returns x's lines with the first member's name changed.
func renamed(t *testing.T, x ledgerExport) [][]byte {
	t.Helper()
	lines := append([][]byte{}, x.lines...)
	i := x.seqOf(t, `"type":"MemberAdmitted"`, `"Member A"`) - 1
	lines[i] = bytes.Replace(lines[i], []byte("Member A"), []byte("Member Q"), 1)
	return lines
}

func otherLogVKey(t *testing.T, aid string) string {
	t.Helper()
	vkey, err := testLogKey(t, 99).VerifierKey(aid)
	require.NoError(t, err)
	return vkey
}

func thirdVKey(t *testing.T) string {
	t.Helper()
	_, vkey := testWitness(t, "member-b", 4)
	return vkey
}

func TestVerifyCheckpointUsage(t *testing.T) {
	_, regVKey := testWitness(t, "regulator", 2)
	for _, args := range [][]string{
		{"x.ndjson", "--log-key", "accord/x+00000000+AA=="},
		{"x.ndjson", "--checkpoint", "cp", "--witness", regVKey, "--quorum", "2"},
		{"x.ndjson", "--checkpoint", "cp", "--witness", regVKey, "--quorum", "0"},
		{"x.ndjson", "--checkpoint", "cp", "--witness", "not-a-key"},
		{"receipt", "r.tlog-proof", "--log-key", "k"},
		{"receipt", "r.tlog-proof", "--event", "e"},
	} {
		var stderr bytes.Buffer
		require.Equal(t, 2, run(append([]string{"verify"}, args...), nil, &bytes.Buffer{}, &stderr), "%q", args)
		require.Contains(t, stderr.String(), "Usage: accord verify")
	}
	var stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"verify", "receipt", "--help"}, nil, &bytes.Buffer{}, &stderr))
	require.Contains(t, stderr.String(), "--event LINE-FILE")
}

// TestVerifyReceiptCommand checks a vote's receipt, and the same vote
// changed afterwards.
func TestVerifyReceiptCommand(t *testing.T) {
	x, _ := exportFromServer(t)
	key := testLogKey(t, 1)
	logVKey, err := key.VerifierKey(x.aid)
	require.NoError(t, err)
	regulator, regVKey := testWitness(t, "regulator", 2)
	seq := x.seqOf(t, `"type":"VoteCast"`, `"stance":"block"`)
	proof := writeTemp(t, "vote.tlog-proof", receiptFor(t, key, x.aid, x.lines, seq, len(x.lines), regulator))
	receipt := func(line []byte, flags ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		args := append([]string{"verify", "receipt", proof, "--event", writeTemp(t, "vote.json", line)}, flags...)
		code := run(args, nil, &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}

	code, out := receipt(append(x.lines[seq-1], '\n'), "--log-key", logVKey, "--witness", regVKey)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "OK: seq "+itoa(seq)+" of alliance "+x.aid+" (VoteCast, hash ")
	require.Contains(t, out, "cosigned by 1 of 1 witnesses (regulator)")

	changed := bytes.Replace(x.lines[seq-1], []byte(`"stance":"block"`), []byte(`"stance":"agree"`), 1)
	code, out = receipt(changed, "--log-key", logVKey, "--witness", regVKey)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "FAIL: receipt "+proof+": seq "+itoa(seq)+" as given is not in the tree of size")

	code, out = receipt(x.lines[seq-1], "--log-key", otherLogVKey(t, x.aid))
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "a signature does not verify")
	code, out = receipt(x.lines[seq-1], "--log-key", logVKey, "--witness", regVKey, "--witness", thirdVKey(t))
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "too few witnesses")
	code, out = receipt(frame(x.lines[:2]), "--log-key", logVKey)
	require.Equal(t, 2, code, out)
	require.Contains(t, out, "holds more than one line")
}
