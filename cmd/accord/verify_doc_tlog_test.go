package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVerifyingDocCheckpointPrograms runs the checkpoint and receipt
// checkers printed in docs/VERIFYING.md §10 on a real export, held to a
// checkpoint signed and cosigned over it, untouched and tampered, and
// checks they agree with accord verify.
func TestVerifyingDocCheckpointPrograms(t *testing.T) {
	python := withEd25519(t)
	programs := docPrograms(t)
	checker, receipts := programs["verify_checkpoint.py"], programs["verify_receipt.py"]
	require.NotEmpty(t, checker)
	require.NotEmpty(t, receipts)
	x, y := exportFromServer(t)
	key := testLogKey(t, 1)
	logVKey, err := key.VerifierKey(x.aid)
	require.NoError(t, err)
	regulator, regVKey := testWitness(t, "regulator", 2)
	member, memberVKey := testWitness(t, "member-a", 3)
	n := len(x.lines)
	cp := writeTemp(t, "cp", signedCheckpoint(t, key, x.aid, x.lines, n, regulator, member))

	code, out := runDocProgram(t, python, checker, x.raw, cp, logVKey, regVKey, memberVKey)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "alliance "+x.aid+": seqs 1…"+itoa(n)+" hold to the checkpoint, signed by the log, cosigned by 2 witnesses")
	// Another alliance in the file, and an older checkpoint, hold too.
	code, out = runDocProgram(t, python, checker, append(append([]byte{}, y.raw...), x.raw...), cp, logVKey, regVKey)
	require.Equal(t, 0, code, out)
	older := writeTemp(t, "older", signedCheckpoint(t, key, x.aid, x.lines, n-4, regulator))
	code, out = runDocProgram(t, python, checker, x.raw, older, logVKey, regVKey)
	require.Equal(t, 0, code, out)

	for _, c := range []struct {
		name   string
		export []byte
		args   []string
		why    string
	}{
		{"a rewritten, re-chained export", frame(rechain(renamed(t, x), 0)), []string{logVKey, regVKey}, "do not hash to the checkpoint's root"},
		{"a truncated export", frame(x.lines[:n-3]), []string{logVKey}, "the file holds " + itoa(n-3)},
		{"a wrong log key", x.raw, []string{otherLogVKey(t, x.aid)}, "carries no signature of the log key"},
		{"a witness that did not cosign", x.raw, []string{logVKey, regVKey, thirdVKey(t)}, "witness member-b did not cosign"},
	} {
		t.Run(c.name, func(t *testing.T) {
			flags := []string{"--checkpoint", cp, "--log-key", c.args[0]}
			for _, w := range c.args[1:] {
				flags = append(flags, "--witness", w)
			}
			accord, _, _ := runVerify(t, c.export, flags...)
			require.Equal(t, 1, accord)
			code, out := runDocProgram(t, python, checker, c.export, append([]string{cp}, c.args...)...)
			require.Equal(t, 1, code, out)
			require.Contains(t, out, c.why)
		})
	}

	// A vote's receipt, and the vote changed afterwards.
	seq := x.seqOf(t, `"type":"VoteCast"`, `"stance":"block"`)
	proof := receiptFor(t, key, x.aid, x.lines, seq, n, regulator)
	vote := writeTemp(t, "vote.json", append(x.lines[seq-1], '\n'))
	code, out = runDocProgram(t, python, receipts, proof, vote, logVKey, regVKey)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "alliance "+x.aid+": seq "+itoa(seq)+" is in the tree of size "+itoa(n))
	changed := writeTemp(t, "changed.json", []byte(strings.Replace(string(x.lines[seq-1]), `"stance":"block"`, `"stance":"agree"`, 1)))
	code, out = runDocProgram(t, python, receipts, proof, changed, logVKey, regVKey)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "is not in the tree of size")
	code, out = runDocProgram(t, python, receipts, proof, writeTemp(t, "next.json", x.lines[seq]), logVKey)
	require.Equal(t, 1, code, out)
	code, out = runDocProgram(t, python, receipts, proof, vote, otherLogVKey(t, x.aid))
	require.Equal(t, 1, code, out)
	code, out = runDocProgram(t, python, receipts, proof, vote, logVKey, memberVKey)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "witness member-a did not cosign")
	// Receipts of the first and the last event, in trees of every shape.
	for _, size := range []int{1, 2, 3, n - 1, n} {
		for _, s := range []int{1, size} {
			proof := receiptFor(t, key, x.aid, x.lines, s, size)
			code, out := runDocProgram(t, python, receipts, proof, writeTemp(t, "e.json", x.lines[s-1]), logVKey)
			require.Equal(t, 0, code, "seq %d of %d: %s", s, size, out)
		}
	}
}
