package transparency

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"time"
)

// A cosignature/v1 signature is key id (4) ‖ big-endian Unix time (8) ‖
// Ed25519 signature (64).
const (
	keyIDSize     = 4
	timestampSize = 8
	cosigSize     = keyIDSize + timestampSize + ed25519.SignatureSize
	cosigHeader   = "cosignature/v1\ntime "
	sigLinePrefix = "— " // em dash, space: how a note signature line starts
)

// Cosignature is one verified witness cosignature of a checkpoint.
type Cosignature struct {
	Witness WitnessKey // the key that made it
	Time    time.Time  // the time the witness signed, UTC, whole seconds
	Line    []byte     // the signature line, "— <name> <base64>\n"
}

// cosignedMessage returns what a cosignature/v1 signs:
// "cosignature/v1\ntime <unix seconds>\n" followed by the checkpoint body.
func cosignedMessage(unix uint64, body []byte) []byte {
	msg := make([]byte, 0, len(cosigHeader)+21+len(body))
	msg = append(msg, cosigHeader...)
	msg = strconv.AppendUint(msg, unix, 10)
	msg = append(msg, '\n')
	return append(msg, body...)
}

// Cosign returns the witness's cosignature/v1 line for cp at the given time,
//
//	— <name> base64(key id ‖ 8-byte big-endian Unix seconds ‖ Ed25519 signature)\n
//
// ready to append to the checkpoint's note. It returns an error wrapping
// ErrKey for the zero WitnessSigner, and one wrapping ErrRange for a time
// before 1970.
func (s WitnessSigner) Cosign(cp Checkpoint, at time.Time) ([]byte, error) {
	if s.private == nil {
		return nil, fmt.Errorf("%w: no witness key", ErrKey)
	}
	if at.Unix() < 0 {
		return nil, fmt.Errorf("%w: cosignature time %s is before 1970", ErrRange, at.UTC().Format(time.RFC3339))
	}
	unix := uint64(at.Unix())
	sig := make([]byte, 0, cosigSize)
	sig = binary.BigEndian.AppendUint32(sig, s.key.id)
	sig = binary.BigEndian.AppendUint64(sig, unix)
	sig = append(sig, ed25519.Sign(s.private, cosignedMessage(unix, cp.Body()))...)
	return signatureLine(s.key.name, sig), nil
}

// signatureLine returns "— <name> <base64 sig>\n".
func signatureLine(name string, sig []byte) []byte {
	line := make([]byte, 0, len(sigLinePrefix)+len(name)+1+base64.StdEncoding.EncodedLen(len(sig))+1)
	line = append(line, sigLinePrefix...)
	line = append(line, name...)
	line = append(line, ' ')
	line = base64.StdEncoding.AppendEncode(line, sig)
	return append(line, '\n')
}

// parseSignatureLine splits a note signature line (its final newline
// optional) into the key name and the decoded signature, key id first. It
// returns an error wrapping ErrMalformed unless the line is "— ", a valid key
// name, one space and the canonical base64 of more than four bytes.
func parseSignatureLine(line []byte) (name string, sig []byte, err error) {
	rest, ok := bytes.CutPrefix(bytes.TrimSuffix(line, []byte("\n")), []byte(sigLinePrefix))
	nameB, b64, ok2 := bytes.Cut(rest, []byte(" "))
	if !ok || !ok2 || !validKeyName(string(nameB)) {
		return "", nil, fmt.Errorf("%w: a signature line is \"— <key name> <base64 signature>\"", ErrMalformed)
	}
	sig, err = decodeBase64(string(b64))
	if err != nil || len(sig) <= keyIDSize {
		return "", nil, fmt.Errorf("%w: the signature of %q is not base64 of a key id and a signature", ErrMalformed, nameB)
	}
	return string(nameB), sig, nil
}

// VerifyCosignature checks one cosignature line (its final newline
// optional) on cp against the given witness keys and returns it. It returns
// an error wrapping
//   - ErrMalformed when line is not a signature line of cosignature/v1 size;
//   - ErrUnknownWitness when no given key has the line's name and key id;
//   - ErrSignature when the signature does not verify over cp (another root,
//     size or origin) or its time exceeds 2^63-1.
func VerifyCosignature(cp Checkpoint, line []byte, witnesses []WitnessKey) (Cosignature, error) {
	name, sig, err := parseSignatureLine(line)
	if err != nil {
		return Cosignature{}, err
	}
	id := binary.BigEndian.Uint32(sig)
	key, ok := findWitness(witnesses, name, id)
	if !ok {
		return Cosignature{}, fmt.Errorf("%w: no witness key %s with key id %08x", ErrUnknownWitness, name, id)
	}
	if len(sig) != cosigSize {
		return Cosignature{}, fmt.Errorf("%w: the cosignature of %s is %d bytes, want %d", ErrMalformed, name, len(sig), cosigSize)
	}
	c := cosigVerifier{key}
	if !c.Verify(cp.Body(), sig[keyIDSize:]) {
		return Cosignature{}, fmt.Errorf("%w: the cosignature of %s is not over this checkpoint", ErrSignature, name)
	}
	return cosignature(key, sig), nil
}

// cosignature builds the Cosignature of a verified signature.
func cosignature(key WitnessKey, sig []byte) Cosignature {
	unix := binary.BigEndian.Uint64(sig[keyIDSize:])
	return Cosignature{Witness: key, Time: time.Unix(int64(unix), 0).UTC(), Line: signatureLine(key.name, sig)}
}

// findWitness returns the key named name with key id id.
func findWitness(witnesses []WitnessKey, name string, id uint32) (WitnessKey, bool) {
	for _, w := range witnesses {
		if w.name == name && w.id == id {
			return w, true
		}
	}
	return WitnessKey{}, false
}

// cosigVerifier is a witness key as the note.Verifier of cosignature/v1:
// the signature it is given is the time and the Ed25519 signature.
type cosigVerifier struct{ key WitnessKey }

func (c cosigVerifier) Name() string    { return c.key.name }
func (c cosigVerifier) KeyHash() uint32 { return c.key.id }

func (c cosigVerifier) Verify(body, sig []byte) bool {
	if len(sig) != timestampSize+ed25519.SignatureSize {
		return false
	}
	unix := binary.BigEndian.Uint64(sig)
	if unix > math.MaxInt64 {
		return false
	}
	return ed25519.Verify(c.key.public, cosignedMessage(unix, body), sig[timestampSize:])
}
