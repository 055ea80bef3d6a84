// Package projections folds the log into read models: every alliance's
// current state, its audit trail, decision records and time travel. They are
// built by replaying the stream at start and kept current by following it;
// the log stays the only source of truth.
package projections

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"accord/domain"
	"accord/eventstore"
	"accord/transparency"
)

// Projection keeps the read model of every alliance current.
type Projection struct {
	store *eventstore.Store

	mu        sync.RWMutex
	alliances map[string]*allianceView
	applied   uint64        // stream seq of the last record applied
	count     uint64        // records applied
	changed   chan struct{} // closed and replaced on each apply while waiters > 0
	waiters   int
	listeners map[int]func(eventstore.Record)
	nextID    int

	// successors indexes, by alliance id, the alliances formed as its
	// successors (see successors.go); made on first use.
	successors map[string][]Successor

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
}

// New returns a projection over store; Start fills it.
func New(store *eventstore.Store) *Projection {
	return &Projection{
		store:     store,
		alliances: map[string]*allianceView{},
		changed:   make(chan struct{}),
		listeners: map[int]func(eventstore.Record){},
	}
}

// Start builds the read models, from the snapshots if UseSnapshots was
// called and then from the log, and follows the log from there. It returns
// when the models reflect the whole log as of the call, or the first error
// reading or decoding the log.
func (p *Projection) Start(ctx context.Context) error {
	from := uint64(0)
	if p.snaps != nil {
		var err error
		if from, err = p.restore(ctx); err != nil {
			return err
		}
	}
	for rec, err := range p.store.Replay(ctx, from+1) {
		if err != nil {
			return err
		}
		p.apply(rec)
	}
	p.mu.RLock()
	next := max(p.applied, from) + 1
	p.mu.RUnlock()
	followCtx, cancel := context.WithCancel(ctx)
	stop, err := p.store.Follow(followCtx, next, "", p.apply)
	if err != nil {
		cancel()
		return err
	}
	p.stop, p.cancel = stop, cancel
	if p.snaps != nil && p.snapEvery > 0 {
		go p.keepSnapshots(followCtx)
	}
	return nil
}

// Close stops following the log and, with snapshots on, writes a last
// checkpoint so the next start resumes from here.
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

// apply folds one record into its alliance's view with the domain's Evolve
// and wakes whoever waits for it. A record that does not chain onto the
// alliance's head (a rewritten or missing event) is not folded: the view
// stops there and the break is logged, so a read model never shows a
// history the log cannot prove.
func (p *Projection) apply(rec eventstore.Record) {
	p.mu.Lock()
	v, ok := p.alliances[rec.Event.AllianceID]
	if !ok {
		v = p.newView()
		v.votes = voteModel{}
		p.alliances[rec.Event.AllianceID] = v
	}
	if rec.Event.Seq <= v.head.Seq || v.broken {
		p.mu.Unlock()
		return
	}
	if err := chains(v.head, rec); err != nil {
		v.broken = true
		p.mu.Unlock()
		slog.Error("projections: the chain is broken; this alliance's read model stops here", "alliance", rec.Event.AllianceID, "err", err)
		return
	}
	v.dirty = true
	if v.tree != nil {
		v.tree.Append(rec.Raw)
	}
	v.state = domain.Evolve(v.state, rec.Event)
	v.votes.observe(v.state, rec.Event)
	p.indexSuccessor(v.state, rec.Event)
	v.head = rec.Position()
	p.applied = rec.StreamSeq
	p.count++
	if p.waiters > 0 {
		close(p.changed)
		p.changed = make(chan struct{})
	}
	var listeners []func(eventstore.Record)
	for _, l := range p.listeners {
		listeners = append(listeners, l)
	}
	p.mu.Unlock()
	for _, l := range listeners {
		l(rec)
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

// Applied returns how many events the read models hold and the stream seq
// of the last message applied.
func (p *Projection) Applied() (events, streamSeq uint64) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.count, p.applied
}

// WaitFor blocks until the alliance's read model reflects its event seq, so
// a caller reads its own writes. It returns ctx's error if that takes too long.
func (p *Projection) WaitFor(ctx context.Context, allianceID string, seq uint64) error {
	p.mu.Lock()
	p.waiters++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.waiters--
		p.mu.Unlock()
	}()
	for {
		p.mu.RLock()
		v, ok := p.alliances[allianceID]
		done := ok && v.head.Seq >= seq
		ch := p.changed
		p.mu.RUnlock()
		if done {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return domain.Errorf(domain.Unavailable, "read model of alliance %s has not reached seq %d: %v", allianceID, seq, ctx.Err())
		}
	}
}

// Read calls fn with the alliance's current state and head under a read lock.
// fn must not keep references into the state. It returns a NotFound error
// when no such alliance exists.
func (p *Projection) Read(allianceID string, fn func(s domain.Alliance, head eventstore.Position)) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	v, ok := p.alliances[allianceID]
	if !ok || v.state.ID == "" {
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

// Summary is one alliance in a listing.
type Summary struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Purpose string `json:"purpose"`
	Seq     uint64 `json:"seq"`
}

// List returns the alliances that visible accepts, ordered by name then id.
func (p *Projection) List(visible func(allianceID string) bool) []Summary {
	p.mu.RLock()
	out := make([]Summary, 0, len(p.alliances))
	for id, v := range p.alliances {
		if v.state.ID == "" || !visible(id) {
			continue
		}
		out = append(out, Summary{ID: id, Name: v.state.Name, Purpose: v.state.Purpose, Seq: v.head.Seq})
	}
	p.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out
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
