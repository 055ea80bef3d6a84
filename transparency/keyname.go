package transparency

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sigType is the signature type byte of a signed-note key: it goes into the
// key id and the verifier key, so a key of one type cannot pass for another.
type sigType byte

// The two signature types accord uses.
const (
	sigEd25519       sigType = 0x01 // the log's checkpoint signature (signed-note Ed25519)
	sigCosignatureV1 sigType = 0x04 // a witness's timestamped Ed25519 cosignature/v1
)

// validKeyName reports whether name may name a note key (and so a log's
// origin): non-empty UTF-8 with no Unicode space and no '+'.
func validKeyName(name string) bool {
	return name != "" && utf8.ValidString(name) &&
		strings.IndexFunc(name, unicode.IsSpace) < 0 && !strings.Contains(name, "+")
}

// keyID returns the signed-note key id SHA-256(name ‖ "\n" ‖ type ‖ public)[:4].
func keyID(name string, typ sigType, public []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', byte(typ)})
	h.Write(public)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// formatVKey returns the verifier key name+hex(id)+base64(type ‖ public).
func formatVKey(name string, typ sigType, public []byte) string {
	material := append([]byte{byte(typ)}, public...)
	return fmt.Sprintf("%s+%08x+%s", name, keyID(name, typ, public), base64.StdEncoding.EncodeToString(material))
}

// parseVKey splits a verifier key of type typ into its name and public key;
// what ("log", "witness") names the key in errors. It returns an error
// wrapping ErrKey unless the key has three parts, a valid name, canonical
// base64, the type byte typ, 32 bytes of key and the id those compute to.
func parseVKey(what, vkey string, typ sigType) (name string, public []byte, err error) {
	name, rest, ok1 := strings.Cut(vkey, "+")
	id16, key64, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 || !validKeyName(name) || len(id16) != 8 {
		return "", nil, fmt.Errorf("%w: %s verifier key %q is not name+id+key", ErrKey, what, vkey)
	}
	material, err := decodeBase64(key64)
	if err != nil || len(material) != 1+ed25519.PublicKeySize {
		return "", nil, fmt.Errorf("%w: %s verifier key %q: the key is not the base64 of a type byte and 32 bytes", ErrKey, what, name)
	}
	if sigType(material[0]) != typ {
		return "", nil, fmt.Errorf("%w: %s verifier key %q is of type 0x%02x, want 0x%02x", ErrKey, what, name, material[0], byte(typ))
	}
	id, err := strconv.ParseUint(id16, 16, 32)
	if err != nil || id16 != strings.ToLower(id16) || uint32(id) != keyID(name, typ, material[1:]) {
		return "", nil, fmt.Errorf("%w: %s verifier key %q: key id %s does not match the key", ErrKey, what, name, id16)
	}
	return name, material[1:], nil
}

// decodeBase64 decodes standard padded base64 and refuses any other spelling
// of the same bytes, so that each value has one text form.
func decodeBase64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if base64.StdEncoding.EncodeToString(b) != s {
		return nil, fmt.Errorf("non-canonical base64")
	}
	return b, nil
}

// parseDecimal parses an unsigned decimal with no sign and no leading zero
// (but "0"), as checkpoint sizes, proof indices and cosignature times are
// written.
func parseDecimal(s string) (uint64, bool) {
	if s == "" || (s[0] == '0' && len(s) > 1) || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
