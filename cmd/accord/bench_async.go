package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// asyncWindow is how many raw asynchronous publishes may wait for their
// acknowledgements at once. On the embedded server the rate hardly depends
// on it: windows of 64, 256, 1,024 and 4,096 (the client's default)
// measured alike, 90,000 to 118,000 publishes a second in alternating runs
// with other work on the machine.
const asyncWindow = 1024

// asyncRounds is how many times the raw asynchronous publishes are
// measured; the rate is over the median round.
const asyncRounds = 3

// benchRawAsync measures the ceiling for many writers on many alliances:
// asynchronous publishes of vote-sized messages (size bytes, the length of
// a stored vote's line) to subjects alliances apart, round robin, with up
// to asyncWindow of them awaiting their acknowledgements, on a file stream
// configured like the ledger's, with no headers: no message id, no
// expected sequence. It runs asyncRounds rounds of n publishes, each
// ending when every acknowledgement is in, and returns n over the median
// round's time, or the first error (a refused publish included).
func benchRawAsync(ctx context.Context, env *benchEnv, n, alliances, size int) (float64, error) {
	if err := benchStream(ctx, env); err != nil {
		return 0, err
	}
	var failed atomic.Pointer[error]
	js, err := jetstream.New(env.nc, jetstream.WithPublishAsyncMaxPending(asyncWindow),
		jetstream.WithPublishAsyncErrHandler(func(_ jetstream.JetStream, _ *nats.Msg, err error) { failed.CompareAndSwap(nil, &err) }))
	if err != nil {
		return 0, err
	}
	subjects := make([]string, alliances)
	for i := range subjects {
		subjects[i] = "bench.async." + strconv.Itoa(i)
	}
	payload := make([]byte, size)
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
	took := make([]time.Duration, 0, asyncRounds)
	for round := 0; round < asyncRounds; round++ {
		d, err := asyncRound(ctx, js, subjects, payload, n)
		if err != nil {
			return 0, err
		}
		if err := failed.Load(); err != nil {
			return 0, fmt.Errorf("raw asynchronous publish: %w", *err)
		}
		took = append(took, d)
	}
	return float64(n) / median(took).Seconds(), nil
}

// asyncRound publishes n messages asynchronously and returns how long it
// took until the last acknowledgement came in. Publishes that fail
// asynchronously are reported to the stream's error handler.
func asyncRound(ctx context.Context, js jetstream.JetStream, subjects []string, payload []byte, n int) (time.Duration, error) {
	// A full window waits for room rather than failing after the client's
	// default 200 ms, which a busy machine exceeds.
	stall := jetstream.WithStallWait(30 * time.Second)
	start := time.Now()
	for i := 0; i < n; i++ {
		if _, err := js.PublishMsgAsync(&nats.Msg{Subject: subjects[i%len(subjects)], Data: payload}, stall); err != nil {
			return 0, err
		}
	}
	select {
	case <-js.PublishAsyncComplete():
		return time.Since(start), nil
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(time.Minute):
		return 0, errors.New("raw asynchronous publishes: acknowledgements still missing after a minute")
	}
}
