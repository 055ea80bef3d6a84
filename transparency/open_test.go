package transparency

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

func TestOpenCheckpointReturnsWhatWasSigned(t *testing.T) {
	k := newLogKey(t, 1)
	_, cp, signed := signedCheckpoint(t, k, 42)
	got, err := OpenCheckpoint(signed, logVKey(t, k, testAlliance))
	require.NoError(t, err)
	require.Equal(t, cp, got)
}

func TestOpenCheckpointAcceptsARealLogsCheckpoint(t *testing.T) {
	cp, err := OpenCheckpoint([]byte(realCheckpoint), realLogVKey)
	require.NoError(t, err)
	require.Equal(t, "arche2025h1.staging.ct.transparency.dev", cp.Origin)
	require.Equal(t, uint64(realSize), cp.Size)
	require.Equal(t, realRoot, base64.StdEncoding.EncodeToString(cp.Root[:]))

	clobbered := strings.Replace(realCheckpoint, "1432088532", "1432088533", 1)
	_, err = OpenCheckpoint([]byte(clobbered), realLogVKey)
	require.ErrorIs(t, err, ErrSignature)
}

func TestOpenCheckpointRefusesWhatTheLogDidNotSign(t *testing.T) {
	k := newLogKey(t, 1)
	_, cp, signed := signedCheckpoint(t, k, 42)
	vkey := logVKey(t, k, testAlliance)

	otherRoot := cp
	otherRoot.Root[0] ^= 1
	tampered := bytes.Replace(signed, cp.Body(), otherRoot.Body(), 1)
	_, err := OpenCheckpoint(tampered, vkey)
	require.ErrorIs(t, err, ErrSignature, "tampered root")

	bigger := cp
	bigger.Size++
	_, err = OpenCheckpoint(bytes.Replace(signed, cp.Body(), bigger.Body(), 1), vkey)
	require.ErrorIs(t, err, ErrSignature, "tampered size")

	_, err = OpenCheckpoint(signed, logVKey(t, newLogKey(t, 2), testAlliance))
	require.ErrorIs(t, err, ErrSignature, "another log key")

	_, err = OpenCheckpoint(signed, logVKey(t, k, "another-alliance"))
	require.ErrorIs(t, err, ErrSignature, "the key of another alliance")

	sig := signed[bytes.LastIndex(signed, []byte("\n\n"))+2:]
	_, err = OpenCheckpoint(append(cp.Body(), '\n'), vkey)
	require.ErrorIs(t, err, ErrMalformed, "no signature at all")
	forged := bytes.Replace(sig, []byte(" "), []byte(" AAAA"), 1)
	_, err = OpenCheckpoint(append(append(cp.Body(), '\n'), forged...), vkey)
	require.Error(t, err, "a mangled signature")
}

func TestOpenCheckpointRefusesAnotherOrigin(t *testing.T) {
	k := newLogKey(t, 1)
	// The log key signs, under alliance B's name, a body that says A.
	cp := Checkpoint{Origin: Origin("A"), Size: 3, Root: LeafHash(nil)}
	signed, err := note.Sign(&note.Note{Text: string(cp.Body())}, logSigner{k.private, Origin("B")})
	require.NoError(t, err)
	_, err = OpenCheckpoint(signed, logVKey(t, k, "B"))
	require.ErrorIs(t, err, ErrOrigin)
}

func TestOpenCheckpointRefusesExtensionLines(t *testing.T) {
	k := newLogKey(t, 1)
	body := string(Checkpoint{Origin: Origin("A"), Size: 3, Root: LeafHash(nil)}.Body()) + "extension\n"
	signed, err := note.Sign(&note.Note{Text: body}, logSigner{k.private, Origin("A")})
	require.NoError(t, err)
	_, err = OpenCheckpoint(signed, logVKey(t, k, "A"))
	require.ErrorIs(t, err, ErrMalformed)
}

func TestEveryTruncationOfASignedCheckpointIsRefused(t *testing.T) {
	k := newLogKey(t, 1)
	_, cp, logOnly := signedCheckpoint(t, k, 9)
	signed, err := AddCosignatures(logOnly, mustCosign(t, newWitness(t, "w.example/1", 3), cp))
	require.NoError(t, err)
	vkey := logVKey(t, k, testAlliance)
	for n := range len(signed) {
		_, err := OpenCheckpoint(signed[:n], vkey)
		if n == len(logOnly) {
			require.NoError(t, err, "cut just after the log's signature: the cosignature is gone, the checkpoint stands")
			continue
		}
		require.Error(t, err, "truncated to %d bytes", n)
	}
}

func TestBadLogVerifierKeysAreRefused(t *testing.T) {
	k := newLogKey(t, 1)
	_, _, signed := signedCheckpoint(t, k, 5)
	good := logVKey(t, k, testAlliance)
	name, rest, _ := strings.Cut(good, "+")
	id, key64, _ := strings.Cut(rest, "+")
	material, err := base64.StdEncoding.DecodeString(key64)
	require.NoError(t, err)
	asWitness := formatVKey(name, sigCosignatureV1, material[1:])
	for what, vkey := range map[string]string{
		"empty":           "",
		"two parts":       name + "+" + id,
		"wrong id":        name + "+00000000+" + key64,
		"upper-case id":   name + "+" + strings.ToUpper(id) + "+" + key64,
		"short key":       name + "+" + id + "+" + base64.StdEncoding.EncodeToString(material[:32]),
		"witness type":    asWitness,
		"name with space": "accord/a b+" + id + "+" + key64,
		"not base64":      name + "+" + id + "+" + strings.Repeat("*", 44),
	} {
		_, err := OpenCheckpoint(signed, vkey)
		require.ErrorIs(t, err, ErrKey, what)
	}
}
