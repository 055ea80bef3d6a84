package transparency

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

func TestAWitnessKeyFileIsASignedNoteSignerKeyOfType4(t *testing.T) {
	file, vkey, err := GenerateWitnessKey("witness.example/alice", seeded(7))
	require.NoError(t, err)
	require.Regexp(t, `^PRIVATE\+KEY\+witness\.example/alice\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}\n$`, string(file))
	require.Regexp(t, `^witness\.example/alice\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}$`, vkey, "type byte 0x04")
	id := strings.Split(vkey, "+")[1]
	require.Equal(t, id, strings.Split(string(file), "+")[3], "the file and the vkey carry the same key id")

	s, err := ParseWitnessSigner(file)
	require.NoError(t, err)
	require.Equal(t, vkey, s.WitnessKey().String())
	w, err := ParseWitnessKey(vkey)
	require.NoError(t, err)
	require.Equal(t, "witness.example/alice", w.Name())
	require.Equal(t, s.WitnessKey(), w)
	_, err = ParseWitnessSigner(file[:len(file)-1])
	require.NoError(t, err, "the final newline is optional")

	// The formats library reads our file and our vkey, with the same key id.
	theirSigner, err := fnote.NewSignerForCosignatureV1(strings.TrimSpace(string(file)))
	require.NoError(t, err)
	require.Equal(t, w.KeyID(), theirSigner.KeyHash())
	theirVerifier, err := fnote.NewVerifierForCosignatureV1(vkey)
	require.NoError(t, err)
	require.Equal(t, w.KeyID(), theirVerifier.KeyHash())

	_, _, err = GenerateWitnessKey("witness.example/alice", failingReader{})
	require.ErrorContains(t, err, "entropy exhausted")
	for _, bad := range []string{"", "two words", "a+b", "tab\there"} {
		_, _, err := GenerateWitnessKey(bad, seeded(7))
		require.ErrorIs(t, err, ErrKey, bad)
	}
}

func TestARealWitnessKeyParses(t *testing.T) {
	w, err := ParseWitnessKey(realWitnessVKey)
	require.NoError(t, err)
	require.Equal(t, "remora.n621.de", w.Name())
	require.Equal(t, uint32(0xda77ade7), w.KeyID())
	require.Equal(t, realWitnessVKey, w.String())
}

func TestBadWitnessKeysAreRefused(t *testing.T) {
	_, plainVKey, err := note.GenerateKey(seeded(8), "witness.example/bob")
	require.NoError(t, err)
	name, rest, _ := strings.Cut(realWitnessVKey, "+")
	_, key64, _ := strings.Cut(rest, "+")
	for what, vkey := range map[string]string{
		"plain Ed25519 note key (0x01)": plainVKey,
		"wrong id":                      name + "+00000000+" + key64,
		"renamed":                       "remora.example+da77ade7+" + key64,
		"empty":                         "",
		"no key":                        name + "+da77ade7",
		"log key":                       realLogVKey,
	} {
		_, err := ParseWitnessKey(vkey)
		require.ErrorIs(t, err, ErrKey, what)
	}

	skey, _, err := note.GenerateKey(seeded(8), "witness.example/bob")
	require.NoError(t, err)
	good, _, err := GenerateWitnessKey("witness.example/bob", seeded(9))
	require.NoError(t, err)
	parts := strings.Split(strings.TrimSpace(string(good)), "+")
	for what, file := range map[string]string{
		"x/mod signer key of type 0x01": skey,
		"wrong id":                      strings.Join([]string{parts[0], parts[1], parts[2], "00000000", parts[4]}, "+"),
		"another name":                  strings.Join([]string{parts[0], parts[1], "witness.example/eve", parts[3], parts[4]}, "+"),
		"the vkey":                      strings.Join(parts[2:], "+"),
		"two lines":                     string(good) + "\n",
		"empty":                         "",
	} {
		_, err := ParseWitnessSigner([]byte(file))
		require.ErrorIs(t, err, ErrKey, what)
	}
}

func TestTheCosignedMessageIsTheSpecificationsExample(t *testing.T) {
	body := "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
	require.Equal(t,
		"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		string(cosignedMessage(1679315147, []byte(body))))
}

func TestOurCosignaturesVerifyWithTheFormatsLibrary(t *testing.T) {
	k := newLogKey(t, 1)
	_, cp, signed := signedCheckpoint(t, k, 12)
	w := newWitness(t, "witness.example/alice", 7)
	line := mustCosign(t, w, cp)
	require.Regexp(t, `^— witness\.example/alice [A-Za-z0-9+/]{102}==\n$`, string(line), "76 bytes of signature")

	cosigned, err := AddCosignatures(signed, line)
	require.NoError(t, err)
	theirs, err := fnote.NewVerifierForCosignatureV1(w.WitnessKey().String())
	require.NoError(t, err)
	n, err := note.Open(cosigned, note.VerifierList(theirs))
	require.NoError(t, err)
	require.Len(t, n.Sigs, 1)
	at, err := fnote.CoSigV1Timestamp(n.Sigs[0])
	require.NoError(t, err)
	require.True(t, at.Equal(cosignTime))

	c, err := VerifyCosignature(cp, line, []WitnessKey{w.WitnessKey()})
	require.NoError(t, err)
	require.True(t, c.Time.Equal(cosignTime))
	require.Equal(t, line, c.Line)
	require.Equal(t, w.WitnessKey(), c.Witness)
}

func TestTheFormatsLibrarysCosignaturesVerifyWithOurs(t *testing.T) {
	k := newLogKey(t, 1)
	_, cp, _ := signedCheckpoint(t, k, 12)
	file, vkey, err := GenerateWitnessKey("witness.example/carol", seeded(11))
	require.NoError(t, err)
	theirs, err := fnote.NewSignerForCosignatureV1(strings.TrimSpace(string(file)))
	require.NoError(t, err)
	signed, err := note.Sign(&note.Note{Text: string(cp.Body())}, theirs)
	require.NoError(t, err)
	line := signed[len(cp.Body())+1:]

	w, err := ParseWitnessKey(vkey)
	require.NoError(t, err)
	c, err := VerifyCosignature(cp, line, []WitnessKey{w})
	require.NoError(t, err)
	require.Positive(t, c.Time.Unix(), "the library stamps the current time")
	_, err = VerifyCosignature(cp, line[:len(line)-1], []WitnessKey{w})
	require.NoError(t, err, "the final newline is optional")
}

func TestARealWitnessCosignatureVerifies(t *testing.T) {
	cp, err := OpenCheckpoint([]byte(realCheckpoint), realLogVKey)
	require.NoError(t, err)
	w, err := ParseWitnessKey(realWitnessVKey)
	require.NoError(t, err)
	c, err := VerifyCosignature(cp, []byte(realRemoraLine), []WitnessKey{w})
	require.NoError(t, err)
	require.Equal(t, int64(0x6a122120), c.Time.Unix())
	require.Equal(t, realRemoraLine, string(c.Line))

	cp.Size--
	_, err = VerifyCosignature(cp, []byte(realRemoraLine), []WitnessKey{w})
	require.ErrorIs(t, err, ErrSignature)
}

func TestBadCosignaturesAreRefused(t *testing.T) {
	k := newLogKey(t, 1)
	tree, cp, _ := signedCheckpoint(t, k, 12)
	w := newWitness(t, "witness.example/alice", 7)
	keys := []WitnessKey{w.WitnessKey()}
	line := mustCosign(t, w, cp)

	earlier, err := tree.RootAt(11)
	require.NoError(t, err)
	_, err = VerifyCosignature(Checkpoint{Origin: cp.Origin, Size: 11, Root: earlier}, line, keys)
	require.ErrorIs(t, err, ErrSignature, "a cosignature of another checkpoint")
	other := cp
	other.Origin = Origin("another")
	_, err = VerifyCosignature(other, line, keys)
	require.ErrorIs(t, err, ErrSignature, "another log")

	_, err = VerifyCosignature(cp, line, []WitnessKey{newWitness(t, "witness.example/bob", 8).WitnessKey()})
	require.ErrorIs(t, err, ErrUnknownWitness)
	_, err = VerifyCosignature(cp, line, []WitnessKey{newWitness(t, "witness.example/alice", 8).WitnessKey()})
	require.ErrorIs(t, err, ErrUnknownWitness, "same name, another key")
	_, err = VerifyCosignature(cp, line, nil)
	require.ErrorIs(t, err, ErrUnknownWitness)

	name, b64, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(string(line)), "— "), " ")
	raw, err := base64.StdEncoding.DecodeString(b64)
	require.NoError(t, err)
	flipped := append([]byte(nil), raw...)
	flipped[len(flipped)-1] ^= 1
	later := append([]byte(nil), raw...)
	later[11]++ // the time, which the signature covers
	for what, bad := range map[string]string{
		"flipped signature bit": "— " + name + " " + base64.StdEncoding.EncodeToString(flipped),
		"another time":          "— " + name + " " + base64.StdEncoding.EncodeToString(later),
	} {
		_, err := VerifyCosignature(cp, []byte(bad), keys)
		require.ErrorIs(t, err, ErrSignature, what)
	}
	for what, bad := range map[string]string{
		"truncated":        string(line[:len(line)-10]),
		"short signature":  "— " + name + " " + base64.StdEncoding.EncodeToString(raw[:40]),
		"no dash":          strings.TrimPrefix(string(line), "— "),
		"hyphen not dash":  "- " + strings.TrimPrefix(string(line), "— "),
		"two lines":        string(line) + string(line),
		"empty":            "",
		"extra field":      strings.TrimSpace(string(line)) + " x",
		"unpadded base64":  strings.TrimRight(strings.TrimSpace(string(line)), "="),
		"key id only":      "— " + name + " " + base64.StdEncoding.EncodeToString(raw[:4]),
		"CRLF line ending": strings.TrimSpace(string(line)) + "\r\n",
	} {
		_, err := VerifyCosignature(cp, []byte(bad), keys)
		require.ErrorIs(t, err, ErrMalformed, what)
	}
}

func TestCosignaturesRefuseImpossibleTimes(t *testing.T) {
	w := newWitness(t, "witness.example/alice", 7)
	cp := Checkpoint{Origin: Origin("a"), Size: 1, Root: LeafHash(nil)}
	_, err := w.Cosign(cp, cosignTime.AddDate(-60, 0, 0))
	require.ErrorIs(t, err, ErrRange)
	var zero WitnessSigner
	_, err = zero.Cosign(cp, cosignTime)
	require.ErrorIs(t, err, ErrKey)

	// A well-signed cosignature whose time exceeds 2^63-1 is refused.
	const tooLate = uint64(1) << 63
	sig := []byte{0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0}
	copy(sig, fourBytes(w.WitnessKey().KeyID()))
	sig = append(sig, signEd25519(w, cosignedMessage(tooLate, cp.Body()))...)
	_, err = VerifyCosignature(cp, signatureLine(w.WitnessKey().Name(), sig), []WitnessKey{w.WitnessKey()})
	require.ErrorIs(t, err, ErrSignature)
}
