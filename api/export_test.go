package api

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/eventstore"
	"accord/ledger"
	"accord/projections"
)

// BuildTestAPI builds one API instance over nc, as accord serve does: store,
// read models, tokens (with adminToken) and runner, all closed when tb
// ends. Several instances over one nc run as a scaled-out deployment does.
func BuildTestAPI(tb testing.TB, ctx context.Context, nc *nats.Conn, adminToken string, log *slog.Logger) (*Server, *eventstore.Store, *projections.Projection, *Tokens) {
	tb.Helper()
	store, err := eventstore.Open(ctx, nc)
	require.NoError(tb, err)
	proj := projections.New(store)
	require.NoError(tb, proj.Start(ctx))
	tb.Cleanup(proj.Close)
	js, err := jetstream.New(nc)
	require.NoError(tb, err)
	tokens, err := OpenTokens(ctx, js, adminToken, []byte(testTokenSecret), 1)
	require.NoError(tb, err)
	tb.Cleanup(tokens.Close)
	s := New(Config{Runner: ledger.NewRunner(store), Store: store, Projection: proj, Tokens: tokens, Log: log})
	return s, store, proj, tokens
}

// testTokenSecret is the secret the test instances derive member tokens
// from; instances over one nc share it, as instances on a cluster share
// their secret file.
const testTokenSecret = "api-test-token-secret-of-32-bytes-or-more"

// SetAuthFailureLimit sets how many failed authentications an address may
// make in a row, and the window in which it earns them all back.
func SetAuthFailureLimit(t *Tokens, burst int, window time.Duration) {
	t.failures.configure(burst, window)
}

// SetAuthClock sets the clock of the failed-authentication limiter.
func SetAuthClock(t *Tokens, now func() time.Time) {
	t.failures.mu.Lock()
	defer t.failures.mu.Unlock()
	t.failures.now = now
}
