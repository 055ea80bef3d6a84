package ledger

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"accord/eventstore"
	"accord/projections"
	"accord/transparency"
)

// Record and Position are the log's, as the ledger's answers carry them.
type (
	Record   = eventstore.Record
	Position = eventstore.Position
)

// Config is what a Ledger needs.
type Config struct {
	Store *eventstore.Store
	// Projection is the process's read models, started; the caller closes
	// it after the Ledger.
	Projection  *projections.Projection
	Credentials *eventstore.Credentials
	AdminToken  string
	// TokenSecret is what member and observer tokens derive from: at least
	// MinSecretLen bytes, the same on every instance.
	TokenSecret []byte
	// NewChecker returns the offline verifier's line-by-line check, with
	// which Verify re-reads an alliance's log (the ledger does not import
	// the verifier: the process's wiring hands it over).
	NewChecker func() ChainChecker
	// WriteCacheBytes bounds the write side's cache of alliances (0:
	// unbounded); the read models' own budget is the Projection's.
	WriteCacheBytes int64
	// Snapshots, when set, keeps the write side of evicted alliances, and
	// of every alliance at Close, so they load without folding their whole
	// history.
	Snapshots *eventstore.Snapshots
	Log       *slog.Logger
	// Now is the clock events are stamped with; time.Now when nil.
	Now func() time.Time
	// LogKey signs every alliance's checkpoints; without one (the zero
	// LogKey) checkpoints and proofs answer Unavailable.
	LogKey transparency.LogKey
	// Cosignatures is the bucket of witness cosignatures, watched from
	// New on; without it none is stored or served.
	Cosignatures *eventstore.Cosignatures
}

// Ledger is the application. It is safe for concurrent use.
type Ledger struct {
	store     *eventstore.Store
	proj      *projections.Projection
	runner    *Runner
	tokens    *tokens
	checker   func() ChainChecker
	log       *slog.Logger
	now       func() time.Time
	observe   atomic.Pointer[func(time.Duration, error)]
	deadlines *DeadlineCloser

	logKey      transparency.LogKey
	signed      signedCache
	cosigs      *cosignatures
	cosignStore *eventstore.Cosignatures
}

// New returns a Ledger over cfg, watching the credential bucket's changes
// (tokens are read when first presented, not at start). It returns an error
// when cfg lacks a part, the token secret is too short, or a bucket
// (credentials, cosignatures) cannot be watched before ctx ends.
func New(ctx context.Context, cfg Config) (*Ledger, error) {
	if cfg.Store == nil || cfg.Projection == nil || cfg.Credentials == nil || cfg.NewChecker == nil {
		return nil, errors.New("ledger: a store, read models, credentials and a chain checker are required")
	}
	tokens, err := openTokens(cfg.Credentials, cfg.AdminToken, cfg.TokenSecret)
	if err != nil {
		return nil, err
	}
	l := &Ledger{
		store: cfg.Store, proj: cfg.Projection, runner: NewRunner(cfg.Store), tokens: tokens,
		checker: cfg.NewChecker, log: cfg.Log, now: cfg.Now,
		logKey: cfg.LogKey, cosigs: newCosignatures(cfg.Cosignatures), cosignStore: cfg.Cosignatures,
	}
	l.runner.UseCache(cfg.WriteCacheBytes)
	l.runner.UseSnapshots(cfg.Snapshots)
	if err := l.cosigs.watch(ctx); err != nil {
		tokens.close()
		return nil, err
	}
	if cfg.Cosignatures != nil {
		// Once per bucket: one written before it kept each alliance's
		// latest cosignatures apart is read whole here, a single time.
		if err := cfg.Cosignatures.IndexLatest(ctx); err != nil {
			l.cosigs.close()
			tokens.close()
			return nil, err
		}
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l, nil
}

// CloseDeadlines starts closing votes at their deadlines, through the
// ledger's own runner; Close stops it.
func (l *Ledger) CloseDeadlines() {
	l.deadlines = StartDeadlineCloser(l.runner, l.proj, l.log)
}

// Close stops closing deadlines, stores the write side's snapshots (with
// Config.Snapshots) and stops watching credentials. The read models and the
// connection are the caller's to close.
func (l *Ledger) Close() {
	l.deadlines.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	l.runner.SnapshotAll(ctx)
	cancel()
	l.tokens.close()
	l.cosigs.close()
}

// ObserveCommands has fn told how long each command took to decide and
// append, and how it ended (nil, a refusal, a conflict…), e.g. for metrics.
// The last call wins.
func (l *Ledger) ObserveCommands(fn func(took time.Duration, err error)) {
	l.observe.Store(&fn)
}

// Stats returns the command runner's counters.
func (l *Ledger) Stats() RunnerStats { return l.runner.Stats() }

// Lag returns how many messages of the log the read models have not applied
// yet; 0 when the log cannot be asked within two seconds.
func (l *Ledger) Lag() uint64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	last, err := l.store.LastStreamSeq(ctx)
	_, applied := l.proj.Applied()
	if err != nil || last < applied {
		return 0
	}
	return last - applied
}

// CacheStats returns what the read models' cache of alliances holds.
func (l *Ledger) CacheStats() projections.CacheStats { return l.proj.CacheStats() }

// Listen has fn called with every record the read models apply from now on,
// in log order, once they reflect it; fn must not block for long. It
// returns a function that stops it.
func (l *Ledger) Listen(fn func(Record)) (cancel func()) { return l.proj.Listen(fn) }

// Resolve returns the identity of a bearer token, or an Unauthorized error
// for an unknown, revoked or malformed one; an Unavailable error when the
// token is not cached and the credential bucket cannot be read before ctx
// ends.
func (l *Ledger) Resolve(ctx context.Context, token string) (Identity, error) {
	return l.tokens.resolve(ctx, token)
}
