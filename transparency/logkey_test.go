package transparency

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/note"
)

func TestALogKeyFileIsOneVersionedLine(t *testing.T) {
	file, err := GenerateLogKey(seeded(1))
	require.NoError(t, err)
	require.Regexp(t, `^accord-log-key/v1 [A-Za-z0-9+/]{43}=\n$`, string(file))

	again, err := GenerateLogKey(seeded(1))
	require.NoError(t, err)
	require.Equal(t, file, again, "the key comes from the reader alone")
	other, err := GenerateLogKey(seeded(2))
	require.NoError(t, err)
	require.NotEqual(t, file, other)

	k, err := ParseLogKey(file)
	require.NoError(t, err)
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(strings.TrimPrefix(string(file), "accord-log-key/v1 ")))
	require.NoError(t, err)
	require.Equal(t, ed25519.NewKeyFromSeed(seed).Public(), k.PublicKey())

	k2, err := ParseLogKey(file[:len(file)-1])
	require.NoError(t, err, "the final newline is optional")
	require.Equal(t, k.PublicKey(), k2.PublicKey())

	_, err = GenerateLogKey(failingReader{})
	require.ErrorContains(t, err, "entropy exhausted")
}

func TestMalformedLogKeyFilesAreRefused(t *testing.T) {
	seed := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for name, file := range map[string]string{
		"empty":           "",
		"another version": "accord-log-key/v2 " + seed + "\n",
		"no magic":        seed + "\n",
		"short seed":      "accord-log-key/v1 " + base64.StdEncoding.EncodeToString(make([]byte, 31)) + "\n",
		"long seed":       "accord-log-key/v1 " + base64.StdEncoding.EncodeToString(make([]byte, 64)) + "\n",
		"two lines":       "accord-log-key/v1 " + seed + "\n\n",
		"trailing space":  "accord-log-key/v1 " + seed + " \n",
		"CRLF":            "accord-log-key/v1 " + seed + "\r\n",
		"not base64":      "accord-log-key/v1 " + strings.Repeat("!", 44) + "\n",
		"note skey":       "PRIVATE+KEY+accord/x+00000000+" + base64.StdEncoding.EncodeToString(append([]byte{1}, make([]byte, 32)...)) + "\n",
	} {
		_, err := ParseLogKey([]byte(file))
		require.ErrorIs(t, err, ErrKey, name)
	}
	var zero LogKey
	_, err := zero.SignCheckpoint(Checkpoint{Origin: "accord/a"})
	require.ErrorIs(t, err, ErrKey)
	_, err = zero.VerifierKey("a")
	require.ErrorIs(t, err, ErrKey)
	require.Nil(t, zero.PublicKey())
}

func TestTheVerifierKeyIsTheStandardNoteKeyNamedByTheOrigin(t *testing.T) {
	k := newLogKey(t, 1)
	vkey := logVKey(t, k, testAlliance)
	require.Regexp(t, `^accord/`+regexp.QuoteMeta(testAlliance)+`\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$`, vkey)

	want, err := note.NewEd25519VerifierKey(Origin(testAlliance), k.PublicKey())
	require.NoError(t, err)
	require.Equal(t, want, vkey, "x/mod's note package derives the same vkey")
	v, err := note.NewVerifier(vkey)
	require.NoError(t, err)
	require.Equal(t, Origin(testAlliance), v.Name())

	for _, bad := range []string{"a b", "a+b", ""} {
		_, err := k.VerifierKey(bad)
		if bad == "" {
			require.NoError(t, err, `"accord/" is a valid key name`)
			continue
		}
		require.ErrorIs(t, err, ErrKey, bad)
	}
}

func TestSignedCheckpointsOpenWithTheNoteAndFormatsLibraries(t *testing.T) {
	k := newLogKey(t, 1)
	_, cp, signed := signedCheckpoint(t, k, 42)
	vkey := logVKey(t, k, testAlliance)

	v, err := note.NewVerifier(vkey)
	require.NoError(t, err)
	n, err := note.Open(signed, note.VerifierList(v))
	require.NoError(t, err)
	require.Equal(t, string(cp.Body()), n.Text)
	require.Len(t, n.Sigs, 1)

	parsed, extra, _, err := log.ParseCheckpoint(signed, Origin(testAlliance), v)
	require.NoError(t, err)
	require.Empty(t, extra, "no extension lines")
	require.Equal(t, cp.Size, parsed.Size)
	require.Equal(t, cp.Root[:], parsed.Hash)

	// x/mod's own signer, given the same seed, writes the same bytes.
	file, err := GenerateLogKey(seeded(1))
	require.NoError(t, err)
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(strings.TrimPrefix(string(file), logKeyMagic)))
	require.NoError(t, err)
	skey := fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", cp.Origin, v.KeyHash(), base64.StdEncoding.EncodeToString(append([]byte{1}, seed...)))
	s, err := note.NewSigner(skey)
	require.NoError(t, err)
	theirs, err := note.Sign(&note.Note{Text: string(cp.Body())}, s)
	require.NoError(t, err)
	require.Equal(t, theirs, signed)

	again, err := k.SignCheckpoint(cp)
	require.NoError(t, err)
	require.Equal(t, signed, again, "signing is deterministic")
}

func TestSigningACheckpointWithABadOriginFails(t *testing.T) {
	k := newLogKey(t, 1)
	for _, origin := range []string{"", "accord/a b", "accord/a+b", "accord/a\nb"} {
		_, err := k.SignCheckpoint(Checkpoint{Origin: origin, Size: 1})
		require.ErrorIs(t, err, ErrMalformed, origin)
	}
}

// The signed-note specification's example key and note.
const (
	specVKey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
	specNote = "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

func TestTheSignedNoteSpecificationVectorVerifiesWithOurKeyParsing(t *testing.T) {
	v, err := parseLogVKey(specVKey)
	require.NoError(t, err)
	require.Equal(t, uint32(0x530d903a), v.KeyHash())
	require.Equal(t, specVKey, formatVKey(v.origin, sigEd25519, v.public))

	n, err := note.Open([]byte(specNote), note.VerifierList(v))
	require.NoError(t, err)
	require.Equal(t, "This is an example message.\n", n.Text)

	tampered := strings.Replace(specNote, "example", "exemplary", 1)
	_, err = note.Open([]byte(tampered), note.VerifierList(v))
	require.Error(t, err)

	// It is not a checkpoint, so it does not open as one.
	_, err = OpenCheckpoint([]byte(specNote), specVKey)
	require.ErrorIs(t, err, ErrMalformed)
}
