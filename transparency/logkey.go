package transparency

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"io"

	"golang.org/x/mod/sumdb/note"
)

// logKeyMagic starts the one line of a log key file.
const logKeyMagic = "accord-log-key/v1 "

// LogKey is the log's Ed25519 key: one key signs the checkpoints of every
// alliance, each under its own key name, the alliance's origin.
//
// Its file is one line,
//
//	accord-log-key/v1 <standard base64 of the 32-byte Ed25519 seed>\n
//
// kept secret (mode 0600). The zero LogKey signs nothing.
type LogKey struct {
	private ed25519.PrivateKey
}

// GenerateLogKey returns the bytes of a new log key file, its seed read from
// rand. It returns an error only when rand fails.
func GenerateLogKey(rand io.Reader) ([]byte, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(rand, seed); err != nil {
		return nil, fmt.Errorf("transparency: generating a log key: %w", err)
	}
	out := append([]byte(logKeyMagic), base64.StdEncoding.EncodeToString(seed)...)
	return append(out, '\n'), nil
}

// ParseLogKey reads a log key file. The final newline is optional; anything
// else that differs from the format (another first word, bad base64, a seed
// that is not 32 bytes, a second line) is an error wrapping ErrKey.
func ParseLogKey(file []byte) (LogKey, error) {
	line := bytes.TrimSuffix(file, []byte("\n"))
	rest, ok := bytes.CutPrefix(line, []byte(logKeyMagic))
	if !ok {
		return LogKey{}, fmt.Errorf("%w: a log key file is one line starting %q", ErrKey, logKeyMagic)
	}
	seed, err := decodeBase64(string(rest))
	if err != nil || len(seed) != ed25519.SeedSize {
		return LogKey{}, fmt.Errorf("%w: the log key file does not hold the base64 of a 32-byte seed", ErrKey)
	}
	return LogKey{private: ed25519.NewKeyFromSeed(seed)}, nil
}

// PublicKey returns the Ed25519 public key, nil for the zero LogKey.
func (k LogKey) PublicKey() ed25519.PublicKey {
	if k.private == nil {
		return nil
	}
	return k.private.Public().(ed25519.PublicKey)
}

// VerifierKey returns the verifier key of the alliance's checkpoints,
//
//	accord/<allianceID>+<8 hex key id>+<base64(0x01 ‖ public key)>
//
// the standard signed-note Ed25519 vkey named by the origin. It returns an
// error wrapping ErrKey for the zero LogKey, or when the origin is not a
// valid key name (the id holds a space or '+').
func (k LogKey) VerifierKey(allianceID string) (string, error) {
	origin := Origin(allianceID)
	if k.private == nil || !validKeyName(origin) {
		return "", fmt.Errorf("%w: no log key, or %q cannot name a key", ErrKey, origin)
	}
	return formatVKey(origin, sigEd25519, k.PublicKey()), nil
}

// SignCheckpoint returns cp as a signed note: its Body, a blank line and
// the log's signature line "— <origin> base64(key id ‖ Ed25519 signature)".
// The same checkpoint always signs to the same bytes (Ed25519 is
// deterministic). It returns an error wrapping ErrKey for the zero LogKey,
// and one wrapping ErrMalformed when cp.Origin is not a valid key name.
func (k LogKey) SignCheckpoint(cp Checkpoint) ([]byte, error) {
	if k.private == nil {
		return nil, fmt.Errorf("%w: no log key", ErrKey)
	}
	if !validKeyName(cp.Origin) {
		return nil, fmt.Errorf("%w: checkpoint origin %q is empty or holds a space or '+'", ErrMalformed, cp.Origin)
	}
	signed, err := note.Sign(&note.Note{Text: string(cp.Body())}, logSigner{k.private, cp.Origin})
	if err != nil {
		return nil, fmt.Errorf("%w: signing the checkpoint: %v", ErrMalformed, err)
	}
	return signed, nil
}

// logSigner is the log key as the note.Signer of one origin.
type logSigner struct {
	private ed25519.PrivateKey
	origin  string
}

func (s logSigner) Name() string { return s.origin }

func (s logSigner) KeyHash() uint32 {
	return keyID(s.origin, sigEd25519, s.private.Public().(ed25519.PublicKey))
}

func (s logSigner) Sign(msg []byte) ([]byte, error) { return ed25519.Sign(s.private, msg), nil }

// logVerifier is a log verifier key as a note.Verifier.
type logVerifier struct {
	origin string
	id     uint32
	public ed25519.PublicKey
}

// parseLogVKey parses the verifier key of an alliance's checkpoints, which
// must be of type 0x01; errors wrap ErrKey.
func parseLogVKey(vkey string) (logVerifier, error) {
	name, public, err := parseVKey("log", vkey, sigEd25519)
	if err != nil {
		return logVerifier{}, err
	}
	return logVerifier{origin: name, id: keyID(name, sigEd25519, public), public: public}, nil
}

func (v logVerifier) Name() string    { return v.origin }
func (v logVerifier) KeyHash() uint32 { return v.id }

func (v logVerifier) Verify(msg, sig []byte) bool {
	return len(sig) == ed25519.SignatureSize && ed25519.Verify(v.public, msg, sig)
}
