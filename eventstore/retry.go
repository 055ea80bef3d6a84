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
	// (however long its context allows) before it answers Unavailable: long
	// enough for a cluster to get over the loss of a node, short enough that
	// a request does not hang while NATS is out of reach.
	readPatience = 5 * time.Second
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
		try := attemptTimeout(n)
		if patience >= 0 {
			// The last try ends about when patience does.
			try = min(try, max(patience-time.Since(start), firstAttemptTimeout))
		}
		tryCtx, cancel := context.WithTimeout(ctx, try)
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
// again while JetStream is unreachable, for readPatience at most (less if
// ctx ends first). Other errors are returned at once.
func get(ctx context.Context, do func(context.Context) error) error {
	return retry(ctx, readPatience, unreachable, do)
}

// trouble is how a reader has been failing since it last delivered: since
// when, and how often. It logs the first failure, every twentieth after it,
// and how long the trouble lasted once the reader delivers again.
type trouble struct {
	what     string
	since    time.Time
	failures int
}

func (tr *trouble) failed(err error) {
	if tr.failures == 0 {
		tr.since = time.Now()
	}
	if tr.failures%20 == 0 {
		slog.Warn("eventstore: a reader of the log is trying another consumer", "reader", tr.what, "failures", tr.failures+1, "err", err)
	}
	tr.failures++
}

// left returns how much of patience is left (forever stays forever).
func (tr *trouble) left(patience time.Duration) time.Duration {
	if patience < 0 || tr.failures == 0 {
		return patience
	}
	return max(patience-time.Since(tr.since), 0)
}

func (tr *trouble) over() {
	if tr.failures > 0 {
		slog.Info("eventstore: a reader of the log is reading again", "reader", tr.what, "after", time.Since(tr.since).Round(time.Millisecond))
		tr.failures = 0
	}
}
