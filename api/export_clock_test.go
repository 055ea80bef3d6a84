package api

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"accord/eventstore"
	"accord/ledger"
	"accord/projections"
)

// testClock is the clock BuildTestAPI gives the ledger; nil is time.Now.
var testClock func() time.Time

// BuildTestAPIWithClock is BuildTestAPI with a ledger whose clock is now:
// events are stamped with it, and "today" is read from it.
func BuildTestAPIWithClock(tb testing.TB, ctx context.Context, nc *nats.Conn, adminToken string, log *slog.Logger, now func() time.Time) (*Server, *eventstore.Store, *projections.Projection, *ledger.Ledger) {
	tb.Helper()
	testClock = now
	defer func() { testClock = nil }()
	return BuildTestAPI(tb, ctx, nc, adminToken, log)
}
