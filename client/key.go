package client

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"accord/domain"
)

// KeyFileVersion opens a member key file. The file is one line, kept
// secret (mode 0600):
//
//	accord-member-key/v1 <standard base64 of the 32-byte Ed25519 seed>\n
//
// The seed is the whole private key: ed25519.NewKeyFromSeed makes the key
// from it, and the public key follows.
const KeyFileVersion = "accord-member-key/v1"

// ErrKeyFile is wrapped by the errors of a member key file that is not in
// the KeyFileVersion form, or that others than its owner may read.
var ErrKeyFile = errors.New("bad member key file")

// GenerateKey returns a new Ed25519 member key. It returns an error only if
// the system's random source fails.
func GenerateKey() (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("client: generate a member key: %w", err)
	}
	return key, nil
}

// PublicKey returns the public half of key as the ledger registers it: the
// standard base64 of its 32 bytes.
func PublicKey(key ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
}

// KeyID returns the ledger's id of key: the first 16 hex digits of the
// SHA-256 of its public key.
func KeyID(key ed25519.PrivateKey) string { return domain.KeyID(key.Public().(ed25519.PublicKey)) }

// MarshalKey returns the text of a member key file holding key.
func MarshalKey(key ed25519.PrivateKey) []byte {
	return []byte(KeyFileVersion + " " + base64.StdEncoding.EncodeToString(key.Seed()) + "\n")
}

// ParseKey reads the text of a member key file. It returns an error
// wrapping ErrKeyFile when the text is not one KeyFileVersion line with
// the standard base64 of a 32-byte seed.
func ParseKey(text []byte) (ed25519.PrivateKey, error) {
	line := strings.TrimSuffix(string(text), "\n")
	version, b64, ok := strings.Cut(line, " ")
	if !ok || version != KeyFileVersion || strings.ContainsAny(b64, "\r\n") {
		return nil, fmt.Errorf("%w: it must be one line %q and the base64 of the key's 32-byte seed", ErrKeyFile, KeyFileVersion)
	}
	seed, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%w: after %q comes the standard base64 of a 32-byte seed", ErrKeyFile, KeyFileVersion)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// ReadKeyFile reads a member key file. It returns an error wrapping
// fs.ErrNotExist when there is no such file, and one wrapping ErrKeyFile
// when its text is not a key or (outside Windows) its mode lets anyone but
// its owner read it, as ssh refuses a private key others can read.
func ReadKeyFile(path string) (ed25519.PrivateKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read the member key: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read the member key: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("%w: %s has mode %04o, so others may read the private key; make it 0600 (chmod 600 %s)", ErrKeyFile, path, perm, path)
	}
	var text bytes.Buffer
	if _, err := text.ReadFrom(f); err != nil {
		return nil, fmt.Errorf("read the member key: %w", err)
	}
	key, err := ParseKey(text.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return key, nil
}

// WriteKeyFile writes key to a member key file of mode 0600, making any
// missing parent directory with mode 0700. It refuses to replace a file
// that exists (an error wrapping fs.ErrExist) unless overwrite is set; a
// replacement is written beside the old file and renamed over it, so the
// old key stays whole until the new one is.
func WriteKeyFile(path string, key ed25519.PrivateKey, overwrite bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write the member key: %w", err)
	}
	if !overwrite {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("write the member key: %w", err)
		}
		_, err = f.Write(MarshalKey(key))
		if err = errors.Join(err, f.Close()); err != nil {
			_ = os.Remove(path) // the file this call made, not whole
			return fmt.Errorf("write the member key: %w", err)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".accord-key-*")
	if err != nil {
		return fmt.Errorf("write the member key: %w", err)
	}
	_, err = tmp.Write(MarshalKey(key))
	if err = errors.Join(err, tmp.Chmod(0o600), tmp.Close()); err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("write the member key: %w", err)
	}
	return nil
}

// KeyFileExists reports whether path names a file that exists, or one it
// cannot tell about (ReadKeyFile then says why).
func KeyFileExists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// RegisteredKey answers registering a key: the key as recorded, with its
// key id and the seq from which it is the member's key in force.
type RegisteredKey struct {
	MemberID  string `json:"member_id"`
	KeyID     string `json:"key_id"`
	PublicKey string `json:"public_key"`
	Seq       uint64 `json:"seq"`
}

// RegisterKey registers key's public half as member mid's signing key in
// alliance aid, replacing the key it had, with the proof the ledger asks
// for: key's signature of the registration statement. Only that member's
// token may (a Forbidden *Error for any other); an Invalid *Error says what
// the server found wrong with the key or proof.
func (c *Client) RegisterKey(ctx context.Context, aid, mid string, key ed25519.PrivateKey) (RegisteredKey, error) {
	if len(key) != ed25519.PrivateKeySize {
		return RegisteredKey{}, fmt.Errorf("client: a member key is a %d-byte ed25519.PrivateKey, not %d bytes", ed25519.PrivateKeySize, len(key))
	}
	cmd := domain.NewKeyRegistration(strings.ToLower(aid), strings.ToLower(mid), key)
	var reg RegisteredKey
	err := c.do(ctx, call{method: http.MethodPut, path: alliancePath(aid, "members", mid, "key"), body: cmd}, &reg)
	return reg, err
}
