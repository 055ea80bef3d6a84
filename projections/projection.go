// Package projections folds the log into read models: every alliance's
// current state, its audit trail, decision records and time travel. They are
// built by replaying the stream at start and kept current by following it;
// the log stays the only source of truth.
package projections

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"accord/domain"
	"accord/eventstore"
	"accord/transparency"
)

// Projection keeps the read models of the alliances an instance serves
// current, and a directory of every alliance, stored in the snapshot
// bucket with its recent entries in memory (directory.go). With a cache
// budget (UseCache) an alliance's read model is loaded when first asked for
// — its snapshot, then the tail of its own subject — and evicted when idle
// and the budget is spent (cache.go); without one every alliance is loaded
// at start and kept.
type Projection struct {
	store *eventstore.Store

	mu        sync.RWMutex
	alliances map[string]*allianceView // the loaded (and loading) read models
	// recent holds the directory entries of the alliances seen since the
	// directory was last stored, and deadlines every open vote with a
	// deadline, by alliance then proposal (directory.go).
	recent    map[string]*dirEntry
	deadlines map[string]map[string]time.Time
	applied   uint64 // stream seq of the last record seen
	lastSeq   uint64 // its alliance seq
	count     uint64 // events in the log up to it
	known     int    // alliances formed in the log up to it
	// settled is where the log stood after the last message applied
	// whole: what a stored directory may claim (the message at applied
	// may be half applied).
	settled   settledCounts
	waiting   map[string]chan struct{} // closed when the alliance's next record is seen
	listeners map[int]func(eventstore.Record)
	nextID    int

	// successors indexes, by alliance id, the alliances formed as its
	// successors (see successors.go); made on first use.
	successors map[string][]Successor

	// budget is the cache's size in bytes (0: every alliance stays
	// loaded); cached is the estimated size of the loaded read models.
	budget     int64
	cached     int64
	clock      atomic.Int64 // orders uses, for eviction
	catchingUp bool         // Start is reading the log's backlog into the directory
	evictions  atomic.Uint64
	loads      atomic.Uint64

	stop   func()
	cancel context.CancelFunc

	snaps        *eventstore.Snapshots
	snapEvery    uint64
	snapInterval time.Duration

	noTrees bool // WithoutTrees: no Merkle trees are kept
}

// allianceView is one alliance's read model: its state, and the vote
// counts of its scorecard.
type allianceView struct {
	state  domain.Alliance
	votes  voteModel
	head   eventstore.Position
	broken bool // a record did not chain; nothing after it is folded
	dirty  bool // changed since the last snapshot
	// tree is the alliance's Merkle tree, one leaf per event up to head
	// (nil when trees are off); treeChunks counts the full chunks of its
	// leaves already in the snapshot bucket.
	tree       *transparency.Tree
	treeChunks int

	// loading is closed when the view is loaded; nil once it is. While it
	// is open, records the follower brings wait in pending, and loadErr
	// is set if loading failed.
	loading chan struct{}
	pending []eventstore.Record
	loadErr error
	used    atomic.Int64 // the projection's clock at the last use
	size    int64        // estimated bytes, as counted in cached
}

// New returns a projection over store; Start fills it.
func New(store *eventstore.Store) *Projection {
	return &Projection{
		store:     store,
		alliances: map[string]*allianceView{},
		recent:    map[string]*dirEntry{},
		deadlines: map[string]map[string]time.Time{},
		waiting:   map[string]chan struct{}{},
		listeners: map[int]func(eventstore.Record){},
	}
}

// Start reads the directory from the snapshots if UseSnapshots was called
// and the rest of the log from there, then follows the log. Without a cache
// budget it also loads every alliance's read model. It returns when the
// directory (and those models) reflect the whole log as of the call, or the
// first error reading or decoding the log.
func (p *Projection) Start(ctx context.Context) error {
	from := uint64(0)
	if p.snaps != nil {
		var err error
		if from, err = p.restoreDirectory(ctx); err != nil {
			return err
		}
	}
	// With snapshots and no budget, the alliances in the directory are
	// loaded below, each from its snapshot; the backlog only updates the
	// directory (and their pending records), as it does with a budget.
	p.mu.Lock()
	p.catchingUp = p.budget > 0 || from > 0
	p.mu.Unlock()
	for rec, err := range p.store.Replay(ctx, from+1) {
		if err != nil {
			return err
		}
		p.apply(rec)
	}
	p.mu.Lock()
	p.catchingUp = false
	next := max(p.applied, from) + 1
	p.mu.Unlock()
	followCtx, cancel := context.WithCancel(ctx)
	stop, err := p.store.Follow(followCtx, next, "", p.apply)
	if err != nil {
		cancel()
		return err
	}
	p.stop, p.cancel = stop, cancel
	if p.budget == 0 && from > 0 {
		if err := p.loadAll(ctx); err != nil {
			p.Close()
			return err
		}
	}
	if p.snaps != nil && p.snapEvery > 0 {
		go p.keepSnapshots(followCtx)
	}
	return nil
}

// Close stops following the log and, with snapshots on, writes a last
// snapshot of what changed so the next start resumes from here.
func (p *Projection) Close() {
	if p.stop == nil {
		return
	}
	p.cancel()
	p.stop()
	p.stop = nil
	if p.snaps != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.Checkpoint(ctx); err != nil {
			slog.Warn("projections: final snapshot failed; the next start replays more of the log", "err", err)
		}
	}
}

// apply notes one record in the directory and, when its alliance's read
// model is loaded, folds it in with the domain's Evolve, and wakes whoever
// waits for it. A record that does not chain onto the alliance's head (a
// rewritten or missing event) is not folded: the view stops there and the
// break is logged, so a read model never shows a history the log cannot
// prove.
func (p *Projection) apply(rec eventstore.Record) {
	p.mu.Lock()
	if !p.observeDirectory(rec) {
		p.mu.Unlock()
		return
	}
	aid := rec.Event.AllianceID
	p.applied, p.lastSeq = rec.StreamSeq, rec.Event.Seq
	p.count++
	if rec.EndsMessage {
		p.settled = settledCounts{streamSeq: p.applied, events: p.count, alliances: p.known}
	}
	v, ok := p.alliances[aid]
	switch {
	case ok && v.loading != nil:
		v.pending = append(v.pending, rec)
	case ok:
		p.fold(aid, v, rec)
	case rec.Event.Seq == 1 && (p.budget == 0 || !p.catchingUp):
		// A new alliance: its read model is this one event.
		v = p.newView()
		v.votes = voteModel{}
		v.used.Store(p.clock.Add(1))
		p.alliances[aid] = v
		p.fold(aid, v, rec)
	}
	if ch, ok := p.waiting[aid]; ok {
		close(ch)
		delete(p.waiting, aid)
	}
	var listeners []func(eventstore.Record)
	for _, l := range p.listeners {
		listeners = append(listeners, l)
	}
	over := p.budget > 0 && p.cached > p.budget
	p.mu.Unlock()
	if over {
		p.evict()
	}
	for _, l := range listeners {
		l(rec)
	}
}

// fold folds rec into v, called under the write lock (or on a view no one
// else can see yet), unless v is broken or already holds it.
func (p *Projection) fold(aid string, v *allianceView, rec eventstore.Record) {
	if rec.Event.Seq <= v.head.Seq || v.broken {
		return
	}
	if err := chains(v.head, rec); err != nil {
		v.broken = true
		slog.Error("projections: the chain is broken; this alliance's read model stops here", "alliance", aid, "err", err)
		return
	}
	v.dirty = true
	if v.tree != nil {
		v.tree.Append(rec.Raw)
	}
	v.state.EvolveInPlace(rec.Event)
	v.votes.observe(v.state, rec.Event)
	v.head = rec.Position()
	if v.loading == nil {
		grow := viewBytesPerEvent
		v.size += grow
		p.cached += grow
	}
}

// chains returns why rec does not follow head in its alliance's chain.
func chains(head eventstore.Position, rec eventstore.Record) error {
	prev := head.Hash
	if head.Seq == 0 {
		prev = domain.ZeroHash
	}
	switch {
	case rec.Event.Seq != head.Seq+1:
		return fmt.Errorf("seq %d follows seq %d", rec.Event.Seq, head.Seq)
	case rec.Event.PrevHash != prev:
		return fmt.Errorf("seq %d: prev_hash %s is not the hash of seq %d (%s)", rec.Event.Seq, rec.Event.PrevHash, head.Seq, prev)
	}
	return nil
}

// Applied returns how many events the directory holds, every alliance's
// loaded or not, and the stream seq of the last message seen.
func (p *Projection) Applied() (events, streamSeq uint64) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.count, p.applied
}

// WaitFor blocks until the projection has seen the alliance's event at
// pos (its seq and the stream seq of the message that holds it) and the
// alliance's read model, if loaded, reflects it, so a caller reads its own
// writes. It returns ctx's error if that takes too long.
func (p *Projection) WaitFor(ctx context.Context, allianceID string, pos eventstore.Position) error {
	for {
		p.mu.Lock()
		seen := p.applied > pos.StreamSeq || p.settled.streamSeq >= pos.StreamSeq ||
			(p.applied == pos.StreamSeq && p.lastSeq >= pos.Seq)
		v, loaded := p.alliances[allianceID]
		done := seen && (!loaded || v.loading != nil || v.head.Seq >= pos.Seq)
		var ch chan struct{}
		if !done {
			if ch = p.waiting[allianceID]; ch == nil {
				ch = make(chan struct{})
				p.waiting[allianceID] = ch
			}
		}
		p.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return domain.Errorf(domain.Unavailable, "read model of alliance %s has not reached seq %d: %v", allianceID, pos.Seq, ctx.Err())
		}
	}
}

// Read calls fn with the alliance's current state and head under a read
// lock, loading its read model first if needed. fn must not keep references
// into the state. It returns a NotFound error when no such alliance exists,
// and an Unavailable one when its read model cannot be loaded.
func (p *Projection) Read(allianceID string, fn func(s domain.Alliance, head eventstore.Position)) error {
	v, err := p.acquire(context.Background(), allianceID)
	if err != nil {
		return err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if v.state.ID == "" {
		return domain.Errorf(domain.NotFound, "no alliance %s", allianceID)
	}
	fn(v.state, v.head)
	return nil
}

// Head returns the alliance's last event position, or a NotFound error.
func (p *Projection) Head(allianceID string) (eventstore.Position, error) {
	var head eventstore.Position
	err := p.Read(allianceID, func(_ domain.Alliance, h eventstore.Position) { head = h })
	return head, err
}

// Listen registers fn to be called with every record applied from now on, in
// log order, after the read model reflects it. fn must not block for long. It
// returns a function that unregisters it.
func (p *Projection) Listen(fn func(eventstore.Record)) (cancel func()) {
	p.mu.Lock()
	id := p.nextID
	p.nextID++
	p.listeners[id] = fn
	p.mu.Unlock()
	return func() {
		p.mu.Lock()
		delete(p.listeners, id)
		p.mu.Unlock()
	}
}
