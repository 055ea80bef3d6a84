package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

const secretsAdminToken = "acc_admin_secrets-test-token"

// startMainListening runs accord serve on dir with its NATS port open on a
// kernel-given loopback port.
func startMainListening(t *testing.T, dir string) *Main {
	t.Helper()
	t.Setenv("ACCORD_ADMIN_TOKEN", secretsAdminToken)
	m := NewMain()
	m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	require.NoError(t, m.ParseFlags([]string{"--http", "127.0.0.1:0", "--data-dir", dir, "--nats-listen", "127.0.0.1:0"}, io.Discard))
	require.NoError(t, m.Run(context.Background()))
	return m
}

// requireSecretFile reads a file that must be mode 0600.
func requireSecretFile(t *testing.T, path string) []byte {
	t.Helper()
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), path)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	return raw
}

// TestServeKeepsSecretsInFiles checks a first start writes the token secret
// and the NATS passwords to the data dir, mode 0600, keeps no secret in
// NATS, opens its NATS port to the reader's password only, and that the
// next start reuses them all.
func TestServeKeepsSecretsInFiles(t *testing.T) {
	dir := t.TempDir()
	m := startMainListening(t, dir)
	secret := requireSecretFile(t, filepath.Join(dir, "token.secret"))
	require.Len(t, secret, 32)
	accordPassword := requireSecretFile(t, filepath.Join(dir, "nats-accord.password"))
	readerPassword := strings.TrimSpace(string(requireSecretFile(t, filepath.Join(dir, "nats-reader.password"))))
	require.Len(t, readerPassword, 43)

	js, err := jetstream.New(m.nc)
	require.NoError(t, err)
	_, err = js.KeyValue(t.Context(), eventstore.LegacySecretBucket)
	require.ErrorIs(t, err, jetstream.ErrBucketNotFound, "the token secret is kept in NATS")

	url := m.srv.ClientURL()
	_, err = nats.Connect(url)
	require.ErrorIs(t, err, nats.ErrAuthorization, "an anonymous client was let in")
	reader, err := nats.Connect(url, nats.UserInfo(eventstore.ReaderUser, readerPassword))
	require.NoError(t, err)
	rjs, err := jetstream.New(reader)
	require.NoError(t, err)
	_, err = rjs.Stream(t.Context(), eventstore.StreamName)
	require.NoError(t, err)
	reader.Close()
	require.NoError(t, m.Close())

	m = startMainListening(t, dir)
	defer m.Close()
	require.Equal(t, secret, requireSecretFile(t, filepath.Join(dir, "token.secret")))
	require.Equal(t, accordPassword, requireSecretFile(t, filepath.Join(dir, "nats-accord.password")))
	reader, err = nats.Connect(m.srv.ClientURL(), nats.UserInfo(eventstore.ReaderUser, readerPassword))
	require.NoError(t, err, "the reader's password changed across a restart")
	reader.Close()
}

// putLegacySecret turns dir back into the data dir of an older accord, which
// kept the token secret in the accord_secrets bucket, had no secret files
// and no NATS users.
func putLegacySecret(t *testing.T, dir string, secret []byte) {
	t.Helper()
	for _, name := range []string{"token.secret", "nats-accord.password", "nats-reader.password"} {
		require.NoError(t, os.Remove(filepath.Join(dir, name)))
	}
	writeLegacyBucket(t, dir, secret)
}

func writeLegacyBucket(t *testing.T, dir string, secret []byte) {
	t.Helper()
	srv := eventstoretest.StartNATS(t, filepath.Join(dir, "jetstream"))
	defer srv.Stop() // the next accord serve starts on the same directory
	kv, err := srv.JetStream(t).CreateOrUpdateKeyValue(t.Context(), jetstream.KeyValueConfig{Bucket: eventstore.LegacySecretBucket, History: 1})
	require.NoError(t, err)
	_, err = kv.Put(t.Context(), "tokens", secret)
	require.NoError(t, err)
}

// TestServeMovesTheTokenSecretOutOfNATS starts accord on the data dir of an
// older accord, whose token secret was in the accord_secrets bucket and had
// issued tokens from it. The secret moves to token.secret and the bucket
// goes; the old tokens still authenticate, and a retried admission answers
// the very token the older accord had answered.
func TestServeMovesTheTokenSecretOutOfNATS(t *testing.T) {
	dir := t.TempDir()
	m := startMainListening(t, dir)
	api := newLedgerHTTP(m.URL())
	aid := api.must(t, http.MethodPost, "/v1/alliances", secretsAdminToken, map[string]any{"name": "Regional Blood Supply", "purpose": "Shared stock", "charter": map[string]any{"decision_rule": "majority"}})["id"].(string)
	admit := map[string]any{"name": "County Hospital", "sector": "health system", "role": "convener"}
	first := api.must(t, http.MethodPost, "/v1/alliances/"+aid+"/members", secretsAdminToken, admit, "admit-county-hospital")
	secret := requireSecretFile(t, filepath.Join(dir, "token.secret"))
	require.NoError(t, m.Close())
	putLegacySecret(t, dir, secret)

	m = startMainListening(t, dir)
	api = newLedgerHTTP(m.URL())
	require.Equal(t, secret, requireSecretFile(t, filepath.Join(dir, "token.secret")))
	js, err := jetstream.New(m.nc)
	require.NoError(t, err)
	_, err = js.KeyValue(t.Context(), eventstore.LegacySecretBucket)
	require.ErrorIs(t, err, jetstream.ErrBucketNotFound, "the bucket is still there")
	status, _, err := api.raw(http.MethodGet, "/v1/alliances/"+aid, first["token"].(string))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, "a token issued before the move")
	again := api.must(t, http.MethodPost, "/v1/alliances/"+aid+"/members", secretsAdminToken, admit, "admit-county-hospital")
	require.Equal(t, first["id"], again["id"])
	require.Equal(t, first["token"], again["token"], "a retried admission answered another token")
	require.NoError(t, m.Close())

	// A bucket that disagrees with the file stops the start, and nothing is
	// deleted or overwritten.
	writeLegacyBucket(t, dir, []byte(strings.Repeat("x", 32)))
	m = NewMain()
	m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	require.NoError(t, m.ParseFlags([]string{"--http", "127.0.0.1:0", "--data-dir", dir, "--nats-listen", "none"}, io.Discard))
	err = m.Run(t.Context())
	require.ErrorIs(t, err, errSecretMismatch)
	require.ErrorContains(t, err, filepath.Join(dir, "token.secret"))
	require.NoError(t, m.Close())
	require.Equal(t, secret, requireSecretFile(t, filepath.Join(dir, "token.secret")))
}

// TestTokenSecretFile checks the file's rules: created with 32 random bytes
// or the legacy secret, read as it is, refused when short or when it
// disagrees with the legacy secret.
func TestTokenSecretFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nested", "token.secret")
	a, err := loadTokenSecret(path, nil)
	require.NoError(t, err)
	require.Len(t, a, 32)
	b, err := loadTokenSecret(path, nil)
	require.NoError(t, err)
	require.Equal(t, a, b)
	_, err = loadTokenSecret(path, []byte(strings.Repeat("y", 32)))
	require.ErrorIs(t, err, errSecretMismatch)
	same, err := loadTokenSecret(path, a)
	require.NoError(t, err)
	require.Equal(t, a, same)

	legacy := []byte("a legacy secret of thirty-two by")
	moved, err := loadTokenSecret(filepath.Join(dir, "moved"), legacy)
	require.NoError(t, err)
	require.Equal(t, legacy, moved)

	short := filepath.Join(dir, "short")
	require.NoError(t, os.WriteFile(short, []byte("too short\n"), 0o600))
	_, err = loadTokenSecret(short, nil)
	require.ErrorContains(t, err, "holds 10 bytes")
	entries, err := os.ReadDir(filepath.Join(dir, "nested"))
	require.NoError(t, err)
	require.Len(t, entries, 1, "a temporary file was left behind")
}

// TestLogKeyFile checks the log key file's rules: generated on first start,
// mode 0600, read back as the same key, and refused when it holds anything
// but a log key; a first start writes it in the data dir.
func TestLogKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys", "log.key")
	a, err := loadLogKey(path)
	require.NoError(t, err)
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	b, err := loadLogKey(path)
	require.NoError(t, err)
	require.Equal(t, a.PublicKey(), b.PublicKey())

	bad := filepath.Join(dir, "bad.key")
	require.NoError(t, os.WriteFile(bad, []byte("not a key\n"), 0o600))
	_, err = loadLogKey(bad)
	require.ErrorContains(t, err, bad)

	data := t.TempDir()
	m := NewMain()
	m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	require.NoError(t, m.ParseFlags([]string{"--http", "127.0.0.1:0", "--data-dir", data, "--nats-listen", "none"}, io.Discard))
	require.NoError(t, m.Run(t.Context()))
	require.NoError(t, m.Close())
	raw, err := os.ReadFile(filepath.Join(data, "log.key"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(raw), "accord-log-key/v1 "))
	onDisk, err := loadLogKey(filepath.Join(data, "log.key"))
	require.NoError(t, err)
	require.Equal(t, onDisk.PublicKey(), m.logKey.PublicKey())
}
