package client

import (
	"crypto/ed25519"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
)

// A key file is one line, mode 0600, in a directory made 0700; it reads
// back as the same key, whose id and public key are the ledger's.
func TestKeyFileRoundTrip(t *testing.T) {
	key, err := GenerateKey()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "accord", "alliance", "member.key")
	require.NoError(t, WriteKeyFile(path, key, false))

	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), info.Mode().Perm())
	dir, err := os.Stat(filepath.Dir(path))
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o700), dir.Mode().Perm())
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Regexp(t, `^accord-member-key/v1 [A-Za-z0-9+/]{43}=\n$`, string(raw))

	back, err := ReadKeyFile(path)
	require.NoError(t, err)
	require.True(t, key.Equal(back))
	pub := key.Public().(ed25519.PublicKey)
	require.Equal(t, domain.KeyID(pub), KeyID(back))
	parsed, err := domain.ParsePublicKey("public key", PublicKey(back))
	require.NoError(t, err)
	require.True(t, pub.Equal(parsed))
}

// A key file is never replaced by accident, and a replacement is whole
// and 0600 like the first.
func TestKeyFileRefusesToOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.key")
	first, err := GenerateKey()
	require.NoError(t, err)
	require.NoError(t, WriteKeyFile(path, first, false))
	second, err := GenerateKey()
	require.NoError(t, err)

	require.ErrorIs(t, WriteKeyFile(path, second, false), fs.ErrExist)
	kept, err := ReadKeyFile(path)
	require.NoError(t, err)
	require.True(t, first.Equal(kept), "the refused write left the first key")

	require.NoError(t, WriteKeyFile(path, second, true))
	replaced, err := ReadKeyFile(path)
	require.NoError(t, err)
	require.True(t, second.Equal(replaced))
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), info.Mode().Perm())
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left beside the key")
}

// A key file others may read, a missing one and a malformed one are
// refused, each with an error that says which.
func TestKeyFileRefusals(t *testing.T) {
	dir := t.TempDir()
	key, err := GenerateKey()
	require.NoError(t, err)
	loose := filepath.Join(dir, "loose.key")
	require.NoError(t, os.WriteFile(loose, MarshalKey(key), 0o644))
	require.NoError(t, os.Chmod(loose, 0o644))
	_, err = ReadKeyFile(loose)
	require.ErrorIs(t, err, ErrKeyFile)
	require.Contains(t, err.Error(), "mode 0644")

	_, err = ReadKeyFile(filepath.Join(dir, "none.key"))
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.False(t, KeyFileExists(filepath.Join(dir, "none.key")))
	require.True(t, KeyFileExists(loose))

	good := string(MarshalKey(key))
	for name, text := range map[string]string{
		"empty":         "",
		"other version": strings.Replace(good, "/v1", "/v2", 1),
		"no seed":       "accord-member-key/v1\n",
		"short seed":    "accord-member-key/v1 AAAA\n",
		"not base64":    "accord-member-key/v1 " + strings.Repeat("!", 44) + "\n",
		"two lines":     good + good,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseKey([]byte(text))
			require.ErrorIs(t, err, ErrKeyFile)
		})
	}
	_, err = ParseKey([]byte(strings.TrimSuffix(good, "\n")))
	require.NoError(t, err, "the final newline may be missing")
}

// WithSigner takes only an Ed25519 private key.
func TestWithSignerChecksTheKey(t *testing.T) {
	_, err := New("http://127.0.0.1:1", "t", WithSigner(Signer{Key: make([]byte, 10)}))
	require.Error(t, err)
	key, err := GenerateKey()
	require.NoError(t, err)
	c, err := New("http://127.0.0.1:1", "t", WithSigner(Signer{Key: key}))
	require.NoError(t, err)
	require.Equal(t, KeyID(key), c.SignerKeyID())
	plain, err := New("http://127.0.0.1:1", "t")
	require.NoError(t, err)
	require.Empty(t, plain.SignerKeyID())
}
