package ledger

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"accord/domain"
	"accord/eventstore"
)

// DefaultRetries is how many times a batch is re-decided after losing a
// concurrency race before its commands answer eventstore.ErrConflict.
const DefaultRetries = 8

// maxBatch bounds how many commands of one alliance are decided together and
// written as one message, so a message stays far below the payload limit.
const maxBatch = 64

// appendTimeout bounds one write to the log, and each read the runner makes
// of it. A batch is written on behalf of several callers, so it must not die
// with the context of whichever of them happens to lead it.
const appendTimeout = 10 * time.Second

// Result is what a command produced: its records (the originals when the
// command had already been recorded) and the alliance state right after the
// batch that carried it.
type Result struct {
	Records   []eventstore.Record
	Duplicate bool
}

// View is called with the write side's state just after a command's batch is
// applied, under the alliance's lock, to build an answer without copying the
// whole state. It must not keep references into the state.
type View func(s domain.Alliance) any

// Runner runs commands: load the alliance (cached and kept current), decide,
// append at the expected position, retry on conflict. Commands for one
// alliance that arrive together are decided in order and written as one
// message (group commit), so concurrency adds throughput instead of conflicts.
type Runner struct {
	store   *eventstore.Store
	retries int

	mu        sync.Mutex
	alliances map[string]*allianceEntry

	batches   atomic.Uint64
	conflicts atomic.Uint64
	cache     cacheUse
	snaps     *eventstore.Snapshots // UseSnapshots: where evicted alliances are kept
	snapping  chan struct{}         // holds a token while a periodic snapshot is stored
	snapEvery uint64                // events between periodic snapshots of an alliance
}

// RunnerStats counts what a runner did since it started.
type RunnerStats struct {
	Batches   uint64 // messages written, each carrying one or more commands
	Conflicts uint64 // appends that lost a concurrency race and were re-decided
}

// Stats returns the runner's counters.
func (r *Runner) Stats() RunnerStats {
	return RunnerStats{Batches: r.batches.Load(), Conflicts: r.conflicts.Load()}
}

// NewRunner returns a runner over store.
func NewRunner(store *eventstore.Store) *Runner {
	return &Runner{store: store, retries: DefaultRetries, alliances: map[string]*allianceEntry{},
		snapping: make(chan struct{}, 1), snapEvery: writerSnapshotEvery}
}

// pending is one command waiting in an alliance's queue.
type pending struct {
	meta domain.Meta
	cmd  domain.Command
	view View

	done    bool
	result  Result
	viewOut any
	err     error
}

// Run decides cmd against the current state of m.AllianceID and appends what
// it yields. It returns the command's records and view's answer; a domain
// refusal as a *domain.Error; eventstore.ErrConflict when retries ran out; an Unavailable
// error when the log cannot be reached. A command whose id was already
// recorded answers with the original records and Duplicate set.
func (r *Runner) Run(ctx context.Context, m domain.Meta, cmd domain.Command, view View) (Result, any, error) {
	e := r.entry(m.AllianceID)
	p := &pending{meta: m, cmd: cmd, view: view}
	e.qmu.Lock()
	e.queue = append(e.queue, p)
	e.qmu.Unlock()

	if err := e.lead(ctx); err != nil {
		return Result{}, nil, err
	}
	for !p.done {
		r.process(e, e.take())
	}
	r.release(e)
	return p.result, p.viewOut, p.err
}

// State returns a deep copy of the write side's current state of an alliance,
// loading it if needed.
func (r *Runner) State(ctx context.Context, allianceID string) (domain.Alliance, eventstore.Position, error) {
	e := r.entry(allianceID)
	if err := e.lead(ctx); err != nil {
		return domain.Alliance{}, eventstore.Position{}, err
	}
	defer r.release(e)
	e.stale = true // another instance may have written since
	if err := r.catchUp(ctx, e); err != nil {
		return domain.Alliance{}, eventstore.Position{}, err
	}
	return e.state.Clone(), e.pos, nil
}

func (r *Runner) entry(allianceID string) *allianceEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.alliances[allianceID]
	if !ok {
		e = newAllianceEntry(allianceID)
		r.alliances[allianceID] = e
	}
	e.used.Store(r.cache.clock.Add(1))
	return e
}

// process decides and writes one batch, retrying on conflict, and settles
// every pending command in it.
func (r *Runner) process(e *allianceEntry, batch []*pending) {
	// No deadline here: reads bound themselves (bounded), and an append
	// under a context that cannot be cancelled waits on a pooled timer
	// (eventstore.Store.publish) rather than a context and timer of its own each time.
	ctx := context.Background()
	for attempt := 0; ; attempt++ {
		if err := r.catchUp(ctx, e); err != nil {
			settleUnsettled(batch, err)
			return
		}
		err := r.attempt(ctx, e, batch)
		if err == nil {
			return
		}
		if errors.Is(err, eventstore.ErrConflict) {
			r.conflicts.Add(1)
		}
		e.stale = true
		if !errors.Is(err, eventstore.ErrConflict) || attempt+1 >= r.retries {
			settleUnsettled(batch, err)
			return
		}
	}
}

// decision is one command's outcome within an attempt: how many events it
// added to the batch, or why it was refused.
type decision struct {
	p     *pending
	n     int // -1: the same command as first, earlier in the batch
	err   error
	first *pending
}

// attempt decides the unsettled commands of batch in order and appends
// their events as one message. A single command is decided against the
// state, which is only evolved once written. Several are decided against
// the state evolved in place, each seeing the ones before it, with an undo
// that puts it back when the batch is not written: so a failed append never
// leaves the cache ahead of the log, only behind it, and a batch costs what
// it touches rather than a copy of the whole state. Refusals are settled
// only once the batch is written: on a conflict they were decided against a
// state that was not the log's.
func (r *Runner) attempt(ctx context.Context, e *allianceEntry, batch []*pending) error {
	multi := unsettled(batch) > 1
	var undo domain.Undo
	records, decided, err := r.decideAndWrite(ctx, e, batch, multi, &undo)
	if err != nil {
		e.state.Revert(&undo)
		return err
	}
	if !multi {
		for _, rec := range records {
			e.state.EvolveInPlace(rec.Event)
		}
	}
	settleDecided(e, decided, records)
	r.views(e, batch)
	return nil
}

// decideAndWrite decides the batch's unsettled commands and writes their
// events. With multi, each command's events are applied to the entry's
// state through undo before the next is decided.
func (r *Runner) decideAndWrite(ctx context.Context, e *allianceEntry, batch []*pending, multi bool, undo *domain.Undo) ([]eventstore.Record, []decision, error) {
	events := make([]domain.Event, 0, len(batch))
	decided := make([]decision, 0, len(batch))
	var inBatch map[string]*pending // only a batch of several can repeat a command
	for _, p := range batch {
		if p.done {
			continue
		}
		recs, found, err := r.recorded(ctx, e, p.meta.CommandID)
		if err != nil {
			return nil, nil, err
		}
		if found {
			p.settle(Result{Records: recs, Duplicate: true}, nil)
			continue
		}
		if first, ok := inBatch[p.meta.CommandID]; ok {
			// The same command twice in one batch (a retry racing its
			// first try): it answers as the first one does, below.
			decided = append(decided, decision{p: p, n: -1, first: first})
			continue
		}
		if multi {
			if inBatch == nil {
				inBatch = make(map[string]*pending, len(batch))
			}
			inBatch[p.meta.CommandID] = p
		}
		evs, err := domain.Decide(e.state, p.meta, p.cmd)
		for i := range evs {
			evs[i].Seq = e.pos.Seq + uint64(len(events)+i+1)
			if multi {
				e.state.EvolveUndoable(evs[i], undo)
			}
		}
		events = append(events, evs...)
		decided = append(decided, decision{p: p, n: len(evs), err: err})
	}
	records, err := r.write(ctx, e, events, decided)
	return records, decided, err
}

// write appends the batch's events, if any, and moves the entry's position.
func (r *Runner) write(ctx context.Context, e *allianceEntry, events []domain.Event, decided []decision) ([]eventstore.Record, error) {
	if len(events) == 0 {
		return nil, nil
	}
	res, err := r.store.Append(ctx, e.allianceID, e.pos, events)
	if err != nil {
		return nil, err
	}
	if res.Duplicate {
		// The batch's first command had already landed (a lost ack); the
		// rest were decided on a state without it, so they go round again.
		for _, d := range decided {
			if d.n > 0 {
				d.p.settle(Result{Records: res.Records, Duplicate: true}, nil)
				break
			}
		}
		return nil, eventstore.ErrConflict
	}
	e.pos = res.Records[len(res.Records)-1].Position()
	r.batches.Add(1)
	return res.Records, nil
}

// settleDecided answers each decided command with its records or refusal.
func settleDecided(e *allianceEntry, decided []decision, records []eventstore.Record) {
	off := 0
	for _, d := range decided {
		switch {
		case d.n < 0:
			d.p.settle(Result{Records: d.first.result.Records, Duplicate: d.first.err == nil}, d.first.err)
		case d.err != nil:
			d.p.settle(Result{}, d.err)
		default:
			recs := records[off : off+d.n]
			off += d.n
			e.recent.add(d.p.meta.CommandID, recs)
			d.p.settle(Result{Records: recs}, nil)
		}
	}
}

func unsettled(batch []*pending) int {
	n := 0
	for _, p := range batch {
		if !p.done {
			n++
		}
	}
	return n
}

// recorded returns the records of a command already in the alliance's log:
// from the recent cache, or read back from the log when its id was seen
// longer ago. Every command recorded is in the index of ids seen, so a new
// one costs a single lookup there.
func (r *Runner) recorded(ctx context.Context, e *allianceEntry, commandID string) ([]eventstore.Record, bool, error) {
	seq, ok := e.recent.seenAt(commandID)
	if !ok {
		return nil, false, nil
	}
	if recs, ok := e.recent.lookup(commandID); ok {
		return recs, true, nil
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	from, err := r.store.Locate(ctx, e.allianceID, seq, e.pos)
	if err != nil {
		return nil, false, err
	}
	var recs []eventstore.Record
	for rec, err := range r.store.ReadAlliance(ctx, e.allianceID, from) {
		if err != nil {
			return nil, false, err
		}
		if rec.Event.Seq < seq {
			continue
		}
		if rec.Event.CommandID != commandID {
			break
		}
		recs = append(recs, rec)
	}
	return recs, len(recs) > 0, nil
}

// views builds each settled command's answer from the state after its batch.
func (r *Runner) views(e *allianceEntry, batch []*pending) {
	for _, p := range batch {
		if p.err == nil && p.view != nil && p.viewOut == nil {
			p.viewOut = p.view(e.state)
		}
	}
}

// catchUp brings an entry's state to the log's end: folded from the start
// on first use, and read forward from its position when it fell behind (a
// write lost a race to another instance, or State wants the latest).
func (r *Runner) catchUp(ctx context.Context, e *allianceEntry) error {
	if e.loaded && !e.stale {
		return nil
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	if !e.loaded && !r.loadEntry(ctx, e) {
		e.state, e.pos, e.recent = domain.Alliance{}, eventstore.Position{}, newRecentCommands()
	}
	from := uint64(0)
	if e.pos.StreamSeq > 0 {
		from = e.pos.StreamSeq + 1
	}
	for rec, err := range r.store.ReadAlliance(ctx, e.allianceID, from) {
		if err != nil {
			return err
		}
		if rec.Event.Seq <= e.pos.Seq {
			continue
		}
		e.state.EvolveInPlace(rec.Event)
		e.pos = rec.Position()
		e.recent.addOne(rec)
	}
	e.loaded, e.stale = true, false
	return nil
}

// bounded returns ctx with the append timeout as its deadline when it has
// none.
func bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, appendTimeout)
}

func (p *pending) settle(res Result, err error) {
	p.done, p.result, p.err = true, res, err
}

func settleUnsettled(batch []*pending, err error) {
	for _, p := range batch {
		if !p.done {
			p.settle(Result{}, err)
		}
	}
}
