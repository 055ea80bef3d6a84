package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"accord/api"
	"accord/eventstore"
)

// The pauses between attempts to open the log grow from the first to the
// last.
const (
	firstRetryPause = 250 * time.Millisecond
	lastRetryPause  = 5 * time.Second
)

// gate serves the API once Run opens it, and until then answers every
// request 503 with what accord is waiting for.
type gate struct {
	api     atomic.Pointer[api.Server]
	waiting atomic.Pointer[string]
	closed  http.Handler
}

func newGate() *gate {
	g := &gate{}
	g.wait("accord is starting")
	g.closed = api.Starting(func() string { return *g.waiting.Load() })
	return g
}

// wait sets the message of the 503 answers.
func (g *gate) wait(why string) { g.waiting.Store(&why) }

// open hands every request from now on to s.
func (g *gate) open(s *api.Server) { g.api.Store(s) }

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s := g.api.Load(); s != nil {
		s.ServeHTTP(w, r)
		return
	}
	g.closed.ServeHTTP(w, r)
}

// permanentError is a failure to open the log that trying again cannot
// cure.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// retryable reports whether trying again may cure err: not when the stream
// is unsafe, NATS refused accord's credentials, or a secret file is wrong.
func retryable(err error) bool {
	var permanent permanentError
	return !errors.As(err, &permanent) &&
		!errors.Is(err, eventstore.ErrUnsafeStream) &&
		!errors.Is(err, nats.ErrAuthorization)
}

// openLog connects to NATS and opens the stream, the snapshot bucket, the
// token secret, the token bucket and the cosignature bucket. On an external NATS it tries again,
// with a growing pause and a log line each time, while they cannot be
// reached (as while a cluster elects its JetStream leader), for up to
// NatsWait; the embedded server is tried once. It returns the last error
// when time runs out or trying again cannot help, or ctx's error.
func (m *Main) openLog(ctx context.Context) error {
	deadline := time.Now().Add(m.NatsWait)
	pause := firstRetryPause
	for attempt := 1; ; attempt++ {
		err := m.tryOpenLog(ctx)
		if err == nil {
			return nil
		}
		if m.srv != nil || !retryable(err) || time.Now().Add(pause).After(deadline) {
			return fmt.Errorf("open the event log (attempt %d): %w", attempt, err)
		}
		m.Log.Warn("the event log is not ready; trying again", "attempt", attempt, "retry_in", pause, "err", err)
		m.gate.wait(fmt.Sprintf("accord is starting: the event log is not ready yet (attempt %d)", attempt))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, lastRetryPause)
	}
}

// tryOpenLog makes one attempt at what openLog does, keeping a connection
// it made for the next.
func (m *Main) tryOpenLog(ctx context.Context) error {
	if m.nc == nil {
		nc, err := eventstore.Connect(m.NatsURL)
		if err != nil {
			return err
		}
		m.nc = nc
		m.Log.Info("connected to external NATS", "url", nc.ConnectedUrlRedacted(), "replicas", m.Replicas)
	}
	store, err := eventstore.Open(ctx, m.nc, eventstore.WithReplicas(m.Replicas))
	if err != nil {
		return err
	}
	snaps, err := store.OpenSnapshots(ctx, m.Replicas)
	if err != nil {
		return err
	}
	secret, err := m.tokenSecret(ctx, store)
	if err != nil {
		return err
	}
	creds, err := store.OpenCredentials(ctx, m.Replicas)
	if err != nil {
		return err
	}
	cosigs, err := store.OpenCosignatures(ctx, m.Replicas)
	if err != nil {
		return err
	}
	m.store, m.snaps, m.creds, m.cosigs, m.secret = store, snaps, creds, cosigs, secret
	return nil
}

// tokenSecretPath is --token-secret-file, or token.secret in the data dir.
func (m *Main) tokenSecretPath() string {
	if m.TokenSecretFile != "" {
		return m.TokenSecretFile
	}
	return filepath.Join(m.DataDir, tokenSecretFile)
}

// logKeyPath is --log-key-file, or log.key in the data dir.
func (m *Main) logKeyPath() string {
	if m.LogKeyFile != "" {
		return m.LogKeyFile
	}
	return filepath.Join(m.DataDir, logKeyFile)
}

// tokenSecret returns the secret member tokens derive from, from its file.
// A secret an older accord kept in NATS moves to the file (when it has none
// yet), and its bucket is deleted. It returns a permanentError when the file
// is wrong or holds another secret than the bucket.
func (m *Main) tokenSecret(ctx context.Context, store *eventstore.Store) ([]byte, error) {
	legacy, inNATS, err := store.LegacyTokenSecret(ctx)
	if err != nil {
		return nil, err
	}
	path := m.tokenSecretPath()
	secret, err := loadTokenSecret(path, legacy)
	if err != nil {
		return nil, permanentError{err}
	}
	if inNATS {
		if err := store.DeleteLegacySecretBucket(ctx); err != nil {
			return nil, err
		}
		m.Log.Info("token secret moved out of NATS", "from_bucket", eventstore.LegacySecretBucket, "to", path)
	}
	return secret, nil
}
