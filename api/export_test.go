package api

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"accord/eventstore"
	"accord/ledger"
	"accord/projections"
	"accord/transparency"
	"accord/verify"
)

// BuildTestAPI builds one API instance over nc, as accord serve does: store,
// read models, credentials and the ledger (with adminToken), all closed when
// tb ends. Several instances over one nc run as a scaled-out deployment
// does.
func BuildTestAPI(tb testing.TB, ctx context.Context, nc *nats.Conn, adminToken string, log *slog.Logger) (*Server, *eventstore.Store, *projections.Projection, *ledger.Ledger) {
	tb.Helper()
	store, err := eventstore.Open(ctx, nc)
	require.NoError(tb, err)
	proj := projections.New(store)
	// A cache that holds only a few alliances, so every test also checks
	// that evicted alliances load again and serve the same answers.
	snaps, err := store.OpenSnapshots(ctx, 1)
	require.NoError(tb, err)
	proj.UseSnapshots(snaps, 10000, time.Second)
	proj.UseCache(TestCacheBytes)
	require.NoError(tb, proj.Start(ctx))
	tb.Cleanup(proj.Close)
	creds, err := store.OpenCredentials(ctx, 1)
	require.NoError(tb, err)
	cosigs, err := store.OpenCosignatures(ctx, 1)
	require.NoError(tb, err)
	l, err := ledger.New(ctx, ledger.Config{
		Store: store, Projection: proj, Credentials: creds, AdminToken: adminToken, TokenSecret: []byte(testTokenSecret),
		NewChecker: func() ledger.ChainChecker { return verify.NewVerifier(verify.Options{}) }, Log: log, Now: testClock,
		LogKey: SharedLogKey(tb), Cosignatures: cosigs, WriteCacheBytes: TestCacheBytes, Snapshots: snaps,
	})
	require.NoError(tb, err)
	tb.Cleanup(l.Close)
	return New(Config{Ledger: l, Log: log}), store, proj, l
}

// TestCacheBytes is the budget of the test instances' caches of alliances:
// about 60 events' worth.
const TestCacheBytes = 60 * 110

// SharedLogKey is the log key the test instances sign checkpoints with;
// instances over one nc share it, as instances on a cluster share their
// log key file.
func SharedLogKey(tb testing.TB) transparency.LogKey {
	tb.Helper()
	file, err := transparency.GenerateLogKey(bytes.NewReader(bytes.Repeat([]byte{0x42}, 32)))
	require.NoError(tb, err)
	key, err := transparency.ParseLogKey(file)
	require.NoError(tb, err)
	return key
}

// testTokenSecret is the secret the test instances derive member tokens
// from; instances over one nc share it, as instances on a cluster share
// their secret file.
const testTokenSecret = "api-test-token-secret-of-32-bytes-or-more"

// SetAuthFailureLimit sets how many failed authentications an address may
// make in a row, and the window in which it earns them all back.
func SetAuthFailureLimit(s *Server, burst int, window time.Duration) {
	s.failures.configure(burst, window)
}

// SetAuthClock sets the clock of the failed-authentication limiter.
func SetAuthClock(s *Server, now func() time.Time) {
	s.failures.mu.Lock()
	defer s.failures.mu.Unlock()
	s.failures.now = now
}
