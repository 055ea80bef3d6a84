package transparency

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WitnessKey is a witness's verifier key, a C2SP vkey of type 0x04
// (timestamped Ed25519 cosignature/v1):
//
//	<name>+<8 hex key id>+<base64(0x04 ‖ 32-byte public key)>
//
// with key id SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4].
type WitnessKey struct {
	name   string
	id     uint32
	public ed25519.PublicKey
}

// ParseWitnessKey parses a witness verifier key. It returns an error wrapping
// ErrKey when vkey is not name+id+key, its type byte is not 0x04 (a plain
// Ed25519 note key, type 0x01, is refused), or the id does not match.
func ParseWitnessKey(vkey string) (WitnessKey, error) {
	name, public, err := parseVKey("witness", vkey, sigCosignatureV1)
	if err != nil {
		return WitnessKey{}, err
	}
	return WitnessKey{name: name, id: keyID(name, sigCosignatureV1, public), public: public}, nil
}

// Name returns the witness's key name, the name in its cosignature lines.
func (w WitnessKey) Name() string { return w.name }

// KeyID returns the key id that opens each of its cosignatures.
func (w WitnessKey) KeyID() uint32 { return w.id }

// String returns the verifier key text, as ParseWitnessKey reads it.
func (w WitnessKey) String() string { return formatVKey(w.name, sigCosignatureV1, w.public) }

// witnessKeyPrefix starts a witness key file, as in the signed-note signer
// key format.
const witnessKeyPrefix = "PRIVATE+KEY+"

// WitnessSigner is a witness's private key. Its file is the signed-note
// signer key form with type 0x04, one line kept secret (mode 0600):
//
//	PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x04 ‖ 32-byte Ed25519 seed)>\n
//
// The key id is that of its WitnessKey. The zero WitnessSigner cosigns
// nothing.
type WitnessSigner struct {
	key     WitnessKey
	private ed25519.PrivateKey
}

// GenerateWitnessKey returns a new witness key named name: the bytes of its
// key file and its verifier key. It returns an error wrapping ErrKey when
// name is not a valid key name (empty, or holding a space or '+'), and the
// error of rand when that fails.
func GenerateWitnessKey(name string, rand io.Reader) (file []byte, vkey string, err error) {
	if !validKeyName(name) {
		return nil, "", fmt.Errorf("%w: witness name %q is empty or holds a space or '+'", ErrKey, name)
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(rand, seed); err != nil {
		return nil, "", fmt.Errorf("transparency: generating a witness key: %w", err)
	}
	s := newWitnessSigner(name, seed)
	material := base64.StdEncoding.EncodeToString(append([]byte{byte(sigCosignatureV1)}, seed...))
	line := fmt.Sprintf("%s%s+%08x+%s\n", witnessKeyPrefix, name, s.key.id, material)
	return []byte(line), s.key.String(), nil
}

// ParseWitnessSigner reads a witness key file (the final newline optional).
// It returns an error wrapping ErrKey when the file is not one
// PRIVATE+KEY+name+id+key line of type 0x04 with a 32-byte seed whose
// public key has that id.
func ParseWitnessSigner(file []byte) (WitnessSigner, error) {
	line := string(bytes.TrimSuffix(file, []byte("\n")))
	rest, ok := strings.CutPrefix(line, witnessKeyPrefix)
	name, rest, ok2 := strings.Cut(rest, "+")
	id16, key64, ok3 := strings.Cut(rest, "+")
	if !ok || !ok2 || !ok3 || !validKeyName(name) || len(id16) != 8 {
		return WitnessSigner{}, fmt.Errorf("%w: a witness key file is one line PRIVATE+KEY+<name>+<id>+<key>", ErrKey)
	}
	material, err := decodeBase64(key64)
	if err != nil || len(material) != 1+ed25519.SeedSize || sigType(material[0]) != sigCosignatureV1 {
		return WitnessSigner{}, fmt.Errorf("%w: witness key file of %q: the key is not base64 of 0x04 and a 32-byte seed", ErrKey, name)
	}
	s := newWitnessSigner(name, material[1:])
	if id, err := strconv.ParseUint(id16, 16, 32); err != nil || uint32(id) != s.key.id || id16 != strings.ToLower(id16) {
		return WitnessSigner{}, fmt.Errorf("%w: witness key file of %q: key id %s does not match the key", ErrKey, name, id16)
	}
	return s, nil
}

// newWitnessSigner derives the key pair of a seed; name must be valid.
func newWitnessSigner(name string, seed []byte) WitnessSigner {
	private := ed25519.NewKeyFromSeed(seed)
	public := private.Public().(ed25519.PublicKey)
	return WitnessSigner{
		key:     WitnessKey{name: name, id: keyID(name, sigCosignatureV1, public), public: public},
		private: private,
	}
}

// WitnessKey returns the signer's verifier key.
func (s WitnessSigner) WitnessKey() WitnessKey { return s.key }
