package eventstore

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// How reads ride out the loss of a node. A request that went to a node as
// it went away (or to a stream or consumer leader that is gone) gets no
// answer at all, so each attempt is bounded and the next one, sent a moment
// later, reaches the nodes that are left. The pauses stay short and capped:
// on a cluster a new leader is usually there within a second, and a reader
// that backs off for longer than that only comes back later than the log.
const (
	// firstAttemptTimeout bounds the first try of a request. A request
	// usually takes a millisecond or two, but one sent just after the client
	// moved to another node can go unanswered (the answer's route is not
	// there yet). Each further try waits twice as long, up to
	// maxAttemptTimeout, so that a cluster that is merely slow still gets to
	// answer.
	firstAttemptTimeout = 250 * time.Millisecond
	maxAttemptTimeout   = 4 * time.Second
	// firstRetryPause is the pause after the first failed try; it doubles
	// up to maxRetryPause.
	firstRetryPause = 50 * time.Millisecond
	maxRetryPause   = 500 * time.Millisecond
	// readPatience is how long a read keeps trying without getting anywhere
	// when its context has no deadline, before it answers Unavailable.
	readPatience = 10 * time.Second
)

// forever is a patience that never runs out: a live follower tries until
// its context ends.
const forever time.Duration = -1

// attemptTimeout returns the time allowed for try n (0-based).
func attemptTimeout(n int) time.Duration {
	return min(firstAttemptTimeout<<min(n, 8), maxAttemptTimeout)
}

// retryPause returns the pause after failed try n (0-based).
func retryPause(n int) time.Duration {
	return min(firstRetryPause<<min(n, 8), maxRetryPause)
}

// retry calls do, giving each try its own bounded context, until it
// returns nil or an error that again does not accept, or ctx ends, or it has
// been failing for patience (forever: never gives up). It returns the last
// error, or ctx's once ctx has ended.
func retry(ctx context.Context, patience time.Duration, again func(error) bool, do func(context.Context) error) error {
	start := time.Now()
	for n := 0; ; n++ {
		tryCtx, cancel := context.WithTimeout(ctx, attemptTimeout(n))
		err := do(tryCtx)
		cancel()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case !again(err), patience >= 0 && time.Since(start) >= patience:
			return err
		}
		if !sleep(ctx, retryPause(n)) {
			return ctx.Err()
		}
	}
}

// sleep waits for d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// unreachable reports whether err means JetStream did not answer (or
// answered that it cannot now), which another try may not meet.
func unreachable(err error) bool {
	return errors.Is(classify("", err), ErrUnavailable) &&
		!errors.Is(err, nats.ErrConnectionClosed) && !errors.Is(err, jetstream.ErrMsgNotFound)
}

// get runs one request to JetStream (a message get, stream info), trying
// again while JetStream is unreachable for as long as ctx allows or, when
// ctx has no deadline, for readPatience. Other errors are returned at once.
func get(ctx context.Context, do func(context.Context) error) error {
	return retry(ctx, readPatience, unreachable, do)
}

// logRecovery logs a reader's trouble: its first failure, then every
// twentieth, and how long it took once it is reading again.
type logRecovery struct {
	what     string
	since    time.Time
	failures int
}

func (l *logRecovery) failed(err error) {
	if l.failures == 0 {
		l.since = time.Now()
	}
	if l.failures%20 == 0 {
		slog.Warn("eventstore: reading the log again from another consumer", "reader", l.what, "failures", l.failures+1, "err", err)
	}
	l.failures++
}

func (l *logRecovery) recovered() {
	if l.failures > 0 {
		slog.Info("eventstore: reading the log again", "reader", l.what, "after", time.Since(l.since).Round(time.Millisecond))
		l.failures = 0
	}
}
