package eventstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
)

// A request that gets no answer is tried again, each try bounded, until one
// is answered; one answered with an error that another try cannot change
// is not tried again; and one that never gets an answer gives up about when
// its patience runs out, with the last error.
func TestRetry(t *testing.T) {
	ctx := t.Context()
	tries := 0
	err := get(ctx, func(ctx context.Context) error {
		tries++
		if tries < 3 {
			<-ctx.Done() // a request nobody answers
			return ctx.Err()
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 3, tries)

	tries = 0
	err = get(ctx, func(context.Context) error { tries++; return jetstream.ErrMsgNotFound })
	require.ErrorIs(t, err, jetstream.ErrMsgNotFound)
	require.Equal(t, 1, tries, "a message that is not there is not asked for again")

	tries = 0
	err = get(ctx, func(context.Context) error { tries++; return nats.ErrConnectionClosed })
	require.ErrorIs(t, err, nats.ErrConnectionClosed)
	require.Equal(t, 1, tries, "a closed connection is not tried again")

	tries = 0
	start := time.Now()
	const patience = 300 * time.Millisecond
	err = retry(ctx, patience, unreachable, func(context.Context) error { tries++; return nats.ErrNoResponders })
	took := time.Since(start)
	require.ErrorIs(t, err, nats.ErrNoResponders)
	require.Greater(t, tries, 1)
	require.GreaterOrEqual(t, took, patience)
	t.Logf("gave up after %d tries in %s (patience %s)", tries, took.Round(time.Millisecond), patience)
}

// A retry ends with its context, with the context's error.
func TestRetryEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	err := retry(ctx, forever, unreachable, func(context.Context) error {
		cancel()
		return nats.ErrNoResponders
	})
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
}
