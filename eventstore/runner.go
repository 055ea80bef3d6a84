package eventstore

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"accord/domain"
)

// DefaultRetries is how many times a batch is re-decided after losing a
// concurrency race before its commands answer ErrConflict.
const DefaultRetries = 8

// maxBatch bounds how many commands of one alliance are decided together and
// written as one message, so a message stays far below the payload limit.
const maxBatch = 64

// appendTimeout bounds one write to the log. A batch is written on behalf of
// several callers, so it must not die with the context of whichever of them
// happens to lead it.
const appendTimeout = 10 * time.Second

// Result is what a command produced: its records (the originals when the
// command had already been recorded) and the alliance state right after the
// batch that carried it.
type Result struct {
	Records   []Record
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
	store   *Store
	retries int

	mu        sync.Mutex
	alliances map[string]*allianceEntry

	batches   atomic.Uint64
	conflicts atomic.Uint64
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
func NewRunner(store *Store) *Runner {
	return &Runner{store: store, retries: DefaultRetries, alliances: map[string]*allianceEntry{}}
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
// refusal as a *domain.Error; ErrConflict when retries ran out; an Unavailable
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
	defer e.unlead()
	for !p.done {
		r.process(e, e.take())
	}
	return p.result, p.viewOut, p.err
}

// State returns a deep copy of the write side's current state of an alliance,
// loading it if needed.
func (r *Runner) State(ctx context.Context, allianceID string) (domain.Alliance, Position, error) {
	e := r.entry(allianceID)
	if err := e.lead(ctx); err != nil {
		return domain.Alliance{}, Position{}, err
	}
	defer e.unlead()
	if err := r.catchUp(ctx, e); err != nil {
		return domain.Alliance{}, Position{}, err
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
	return e
}

// process decides and writes one batch, retrying on conflict, and settles
// every pending command in it.
func (r *Runner) process(e *allianceEntry, batch []*pending) {
	ctx, cancel := context.WithTimeout(context.Background(), appendTimeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		if err := r.catchUp(ctx, e); err != nil {
			settleUnsettled(batch, err)
			return
		}
		err := r.attempt(ctx, e, batch)
		if err == nil {
			return
		}
		if errors.Is(err, ErrConflict) {
			r.conflicts.Add(1)
		}
		e.stale = true
		if !errors.Is(err, ErrConflict) || attempt+1 >= r.retries {
			settleUnsettled(batch, err)
			return
		}
	}
}

// decision is one command's outcome within an attempt: how many events it
// added to the batch, or why it was refused.
type decision struct {
	p   *pending
	n   int
	err error
}

// attempt decides the unsettled commands of batch in order against a
// tentative state and appends their events as one message. Refusals are
// settled only once the batch is written, because on a conflict they were
// decided against a state that was not the log's. On error the tentative
// state is garbage and the caller marks the entry stale.
func (r *Runner) attempt(ctx context.Context, e *allianceEntry, batch []*pending) error {
	var events []domain.Event
	var decided []decision
	for _, p := range batch {
		if p.done {
			continue
		}
		if recs, ok := e.recent.lookup(p.meta.CommandID); ok {
			p.settle(Result{Records: recs, Duplicate: true}, nil)
			continue
		}
		evs, err := domain.Decide(e.state, p.meta, p.cmd)
		for i := range evs {
			evs[i].Seq = e.pos.Seq + uint64(len(events)+i+1)
			e.state = domain.Evolve(e.state, evs[i])
		}
		events = append(events, evs...)
		decided = append(decided, decision{p: p, n: len(evs), err: err})
	}
	var records []Record
	if len(events) > 0 {
		res, err := r.store.Append(ctx, e.allianceID, e.pos, events)
		if err != nil {
			return err
		}
		if res.Duplicate {
			// The batch's first command had already landed (a lost ack); the
			// rest were decided on a state without it, so they go round again.
			first := decided[0]
			for _, d := range decided {
				if d.n > 0 {
					first = d
					break
				}
			}
			first.p.settle(Result{Records: res.Records, Duplicate: true}, nil)
			return ErrConflict
		}
		records = res.Records
		e.pos = records[len(records)-1].Position()
		r.batches.Add(1)
	}
	off := 0
	for _, d := range decided {
		if d.err != nil {
			d.p.settle(Result{}, d.err)
			continue
		}
		recs := records[off : off+d.n]
		off += d.n
		e.recent.add(d.p.meta.CommandID, recs)
		d.p.settle(Result{Records: recs}, nil)
	}
	r.views(e, batch)
	return nil
}

// views builds each settled command's answer from the state after its batch.
func (r *Runner) views(e *allianceEntry, batch []*pending) {
	for _, p := range batch {
		if p.err == nil && p.view != nil && p.viewOut == nil {
			p.viewOut = p.view(e.state)
		}
	}
}

// catchUp brings an entry's state to the log's end: a full rebuild when it
// is stale or new, otherwise nothing (this runner wrote everything since).
func (r *Runner) catchUp(ctx context.Context, e *allianceEntry) error {
	if !e.stale && e.loaded {
		return nil
	}
	state, pos := domain.Alliance{}, Position{}
	recent := newRecentCommands()
	err := r.store.ReadAlliance(ctx, e.allianceID, 0, func(rec Record) error {
		state = domain.Evolve(state, rec.Event)
		pos = rec.Position()
		recent.addOne(rec)
		return nil
	})
	if err != nil {
		return err
	}
	e.state, e.pos, e.recent = state, pos, recent
	e.loaded, e.stale = true, false
	return nil
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
