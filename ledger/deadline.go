package ledger

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"accord/domain"
	"accord/eventstore"
	"accord/projections"
)

// closeTimeout bounds one attempt to close a vote; retryMax caps the wait
// between attempts while the log is unreachable or busy.
const (
	closeTimeout = 30 * time.Second
	retryMin     = time.Second
	retryMax     = 30 * time.Second
)

// ReservedCommandPrefix starts the command ids the ledger itself uses
// (closing a vote at its deadline): clients may not send such a command id,
// or theirs could pass for that close and keep a vote open.
const ReservedCommandPrefix = "close:"

// closeCommandID is the command id of the deadline close of a proposal. It
// is the same on every instance, so when several race to close the same vote
// the log records it once: the others' appends conflict, find the command
// already there, and stand down.
func closeCommandID(proposalID string) string { return ReservedCommandPrefix + proposalID }

// ballot names one vote that may need closing.
type ballot struct{ allianceID, proposalID string }

// ballotDue is when a ballot is next to be tried, and how often it failed.
type ballotDue struct {
	at       time.Time
	failures int
}

// DeadlineCloser closes votes at their closes_at. It learns deadlines from
// the projection's directory (every open vote at start, then each
// VotingOpened as it is seen, whether the alliance's read model is loaded
// or not) and, when one passes, runs CloseVoting as the system actor through
// the runner. Any number of instances may run one: the deterministic command
// id and the log's optimistic concurrency make exactly one VotingClosed.
type DeadlineCloser struct {
	runner *Runner
	proj   *projections.Projection
	log    *slog.Logger
	now    func() time.Time
	// settled, when set (by tests), is told how each attempt ended.
	settled func(b ballot, res Result, err error)

	mu   sync.Mutex
	due  map[ballot]ballotDue
	wake chan struct{}

	unlisten func()
	cancel   context.CancelFunc
	done     chan struct{}
}

// StartDeadlineCloser starts closing the votes of proj's alliances at their
// deadlines, using runner to write: the API's or a runner of its own, since
// the log's concurrency check orders writers wherever they run. Call it once
// proj has started; stop it with Stop.
func StartDeadlineCloser(runner *Runner, proj *projections.Projection, log *slog.Logger) *DeadlineCloser {
	d := newDeadlineCloser(runner, proj, log)
	d.start()
	return d
}

func newDeadlineCloser(runner *Runner, proj *projections.Projection, log *slog.Logger) *DeadlineCloser {
	return &DeadlineCloser{
		runner: runner, proj: proj, log: log.With("component", "deadlines"), now: time.Now,
		due: map[ballot]ballotDue{}, wake: make(chan struct{}, 1), done: make(chan struct{}),
	}
}

func (d *DeadlineCloser) start() {
	// Listen before scanning, so a vote opened in between is not missed;
	// scheduling it twice is harmless.
	d.unlisten = d.proj.Listen(d.observe)
	d.scan()
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	go d.loop(ctx)
}

// Stop stops the closer and waits for an attempt in flight to end. It is a
// no-op on a nil closer, so Close may call it whether Run got that far or not.
func (d *DeadlineCloser) Stop() {
	if d == nil || d.cancel == nil {
		return
	}
	d.unlisten()
	d.cancel()
	<-d.done
}

// scan schedules every vote with a deadline that the directory holds
// open, loading no alliance's read model.
func (d *DeadlineCloser) scan() {
	for _, dl := range d.proj.Deadlines() {
		d.schedule(ballot{dl.AllianceID, dl.ProposalID}, dl.At)
	}
}

// observe follows the log: a vote with a deadline is scheduled when it
// opens and dropped when it closes, whoever closed it.
func (d *DeadlineCloser) observe(rec eventstore.Record) {
	switch data := rec.Event.Data.(type) {
	case domain.VotingOpened:
		if data.ClosesAt != nil {
			d.schedule(ballot{rec.Event.AllianceID, data.ProposalID}, *data.ClosesAt)
		}
	case domain.VotingClosed:
		d.forget(ballot{rec.Event.AllianceID, data.ProposalID})
	}
}

func (d *DeadlineCloser) schedule(b ballot, at time.Time) {
	d.mu.Lock()
	if _, ok := d.due[b]; !ok {
		d.due[b] = ballotDue{at: at}
	}
	d.mu.Unlock()
	d.poke()
}

func (d *DeadlineCloser) forget(b ballot) {
	d.mu.Lock()
	delete(d.due, b)
	d.mu.Unlock()
}

// poke wakes the loop without blocking the caller (the projection's
// follower).
func (d *DeadlineCloser) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// loop closes each vote whose deadline has passed, then sleeps until the
// next deadline or until a new vote is scheduled.
func (d *DeadlineCloser) loop(ctx context.Context) {
	defer close(d.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		ready, next := d.ready()
		for _, b := range ready {
			if ctx.Err() != nil {
				return
			}
			d.close(ctx, b)
		}
		if len(ready) > 0 {
			continue
		}
		wait := time.Hour
		if !next.IsZero() {
			wait = next.Sub(d.now())
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-timer.C:
		}
	}
}

// ready returns the ballots whose time has come and the earliest time of the
// others (zero when there are none).
func (d *DeadlineCloser) ready() ([]ballot, time.Time) {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	var ready []ballot
	var next time.Time
	for b, dl := range d.due {
		switch {
		case !dl.at.After(now):
			ready = append(ready, b)
		case next.IsZero() || dl.at.Before(next):
			next = dl.at
		}
	}
	return ready, next
}

// close runs the deadline close of one vote. It drops the ballot once the
// vote is closed, by this instance or any other, or the ledger refuses the
// close for good; it tries again later when the log is unreachable or the
// concurrency retries ran out.
func (d *DeadlineCloser) close(stop context.Context, b ballot) {
	ctx, cancel := context.WithTimeout(stop, closeTimeout)
	defer cancel()
	m := domain.Meta{
		AllianceID: b.allianceID, CommandID: closeCommandID(b.proposalID), At: d.now().UTC(),
		Actor: domain.Actor{ID: SystemActorID, Role: domain.RoleSystem},
	}
	res, _, err := d.runner.Run(ctx, m, domain.CloseVoting{ProposalID: b.proposalID}, nil)
	if err != nil && stop.Err() != nil {
		return // stopping: the next start schedules it again
	}
	if d.settled != nil {
		d.settled(b, res, err)
	}
	log := d.log.With("alliance", b.allianceID, "proposal", b.proposalID)
	switch {
	case err == nil && res.Duplicate:
		log.Info("vote already closed at its deadline by another instance")
	case err == nil:
		log.Info("vote closed at its deadline", "seq", res.Records[0].Event.Seq)
	case standDown(err):
		log.Info("vote not closed at its deadline: the ledger refuses", "reason", domain.MessageOf(err))
	default:
		d.retryLater(b)
		log.Warn("vote not closed at its deadline yet; will try again", "err", err)
		return
	}
	d.forget(b)
}

// standDown reports whether err is the ledger refusing a deadline close for
// good: the vote was closed already (by a convener, or by another instance
// that won the race) or cannot be closed by the system. Running out of
// concurrency retries, an unreachable log or an internal failure are worth
// another try.
func standDown(err error) bool {
	if errors.Is(err, eventstore.ErrConflict) {
		return false
	}
	switch domain.KindOf(err) {
	case domain.Conflict, domain.Forbidden, domain.NotFound, domain.Invalid:
		return true
	}
	return false
}

// retryLater puts a failed ballot back, later each time it fails.
func (d *DeadlineCloser) retryLater(b ballot) {
	d.mu.Lock()
	defer d.mu.Unlock()
	dl, ok := d.due[b]
	if !ok {
		return // closed meanwhile
	}
	wait := retryMin << min(dl.failures, 5)
	d.due[b] = ballotDue{at: d.now().Add(min(wait, retryMax)), failures: dl.failures + 1}
}
