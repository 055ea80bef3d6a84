package projections

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"accord/domain"
)

// viewBytesPerEvent estimates what one event costs a loaded read model:
// state, vote counts and Merkle leaf (`accord bench` measures about 107
// bytes an event with trees). The cache counts loaded alliances by it.
const viewBytesPerEvent int64 = 110

// loadTimeout bounds loading one alliance's read model. A load is shared by
// every reader that asks for the alliance meanwhile, so it does not die
// with the context of whichever of them asked first.
const loadTimeout = 30 * time.Second

// UseCache makes the projection load alliances' read models on demand and
// evict the least recently used when their estimated size passes budget
// bytes (budget ≤ 0: every alliance is loaded at start and kept). Call it
// before Start.
func (p *Projection) UseCache(budget int64) { p.budget = max(budget, 0) }

// CacheStats says what the cache holds and did.
type CacheStats struct {
	Alliances int    // alliances formed in the log
	Loaded    int    // read models in memory
	Bytes     int64  // their estimated size
	Budget    int64  // 0: unbounded
	Loads     uint64 // read models loaded on demand since start
	Evictions uint64 // read models evicted since start
}

// CacheStats returns the cache's figures now.
func (p *Projection) CacheStats() CacheStats {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return CacheStats{
		Alliances: p.known, Loaded: len(p.alliances), Bytes: p.cached, Budget: p.budget,
		Loads: p.loads.Load(), Evictions: p.evictions.Load(),
	}
}

// loadingView returns a view to be loaded, which records wait beside.
func (p *Projection) loadingView() *allianceView {
	v := p.newView()
	v.votes = voteModel{}
	v.loading = make(chan struct{})
	return v
}

// acquire returns the alliance's loaded read model, loading it first if
// needed; every caller asking meanwhile waits for the same load. It returns
// NotFound when the log holds no such alliance, Unavailable when the load
// failed, and ctx's error (as Unavailable) if it ends first.
func (p *Projection) acquire(ctx context.Context, aid string) (*allianceView, error) {
	for {
		p.mu.RLock()
		v, ok := p.alliances[aid]
		p.mu.RUnlock()
		if ok {
			if v.loading == nil {
				v.used.Store(p.clock.Add(1))
				return v, nil
			}
			if err := p.waitLoaded(ctx, aid, v); err != nil {
				return nil, err
			}
			continue
		}
		p.mu.Lock()
		if _, ok := p.alliances[aid]; ok {
			p.mu.Unlock()
			continue
		}
		v = p.loadingView()
		p.alliances[aid] = v
		p.mu.Unlock()
		go p.load(aid, v)
	}
}

// waitLoaded waits until v's load ends and returns its error, or ctx's.
func (p *Projection) waitLoaded(ctx context.Context, aid string, v *allianceView) error {
	p.mu.RLock()
	ch := v.loading
	p.mu.RUnlock()
	if ch != nil {
		select {
		case <-ch:
		case <-ctx.Done():
			return domain.Errorf(domain.Unavailable, "loading the read model of alliance %s: %v", aid, ctx.Err())
		}
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	return v.loadErr
}

// load fills v, which is in the map and loading, from the alliance's
// snapshot and the log after it, then folds the records the follower
// brought meanwhile and makes v visible. On failure, or when the log holds
// no such alliance, v leaves the map with loadErr set, so the next reader
// tries again.
func (p *Projection) load(aid string, v *allianceView) {
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	err := p.fill(ctx, aid, v)
	p.mu.Lock()
	if err == nil {
		for _, rec := range v.pending {
			p.fold(aid, v, rec)
		}
		if v.head.Seq == 0 {
			// Nothing under this id: no model is kept for it, so that
			// asking for ids that are not alliances fills no memory.
			err = domain.Errorf(domain.NotFound, "no alliance %s", aid)
		}
	} else if domain.KindOf(err) == domain.Invalid {
		err = domain.Errorf(domain.NotFound, "no alliance %s: %v", aid, err)
	} else {
		err = domain.Errorf(domain.Unavailable, "loading the read model of alliance %s: %v", aid, err)
	}
	if err != nil {
		v.loadErr = err
		if p.alliances[aid] == v {
			delete(p.alliances, aid)
		}
	} else {
		v.size = int64(v.head.Seq) * viewBytesPerEvent
		p.cached += v.size
		v.used.Store(p.clock.Add(1))
		p.loads.Add(1)
	}
	v.pending = nil
	close(v.loading)
	v.loading = nil
	p.mu.Unlock()
	if err == nil {
		p.evict()
	}
}

// fill folds into v, unseen by anyone else while it loads, the alliance's
// snapshot when there is a trustworthy one and every record of the log
// after it, up to the subject's end as of now.
func (p *Projection) fill(ctx context.Context, aid string, v *allianceView) error {
	from := uint64(0)
	if p.snaps != nil {
		if snap, ok := p.loadSnapshot(ctx, aid); ok {
			v.state, v.votes, v.head, v.tree, v.treeChunks = snap.state, snap.votes, snap.head, snap.tree, snap.treeChunks
			from = v.head.StreamSeq
			v.dirty = false // folding what came after the snapshot makes it dirty
		}
	}
	for rec, err := range p.store.ReadAlliance(ctx, aid, from) {
		if err != nil {
			return err
		}
		p.fold(aid, v, rec)
	}
	return nil
}

// loadAll loads every alliance the directory holds that is waiting to be
// loaded, several at a time, and returns the first error.
func (p *Projection) loadAll(ctx context.Context) error {
	p.mu.RLock()
	var todo []string
	for aid, v := range p.alliances {
		if v.loading != nil {
			todo = append(todo, aid)
		}
	}
	p.mu.RUnlock()
	jobs := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range restoreWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for aid := range jobs {
				p.mu.RLock()
				v := p.alliances[aid]
				p.mu.RUnlock()
				if v == nil || v.loading == nil {
					continue
				}
				p.load(aid, v)
				if err := p.waitLoaded(ctx, aid, v); err != nil {
					mu.Lock()
					firstErr = cmpOr(firstErr, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, aid := range todo {
		jobs <- aid
	}
	close(jobs)
	wg.Wait()
	return firstErr
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// restoreWorkers bounds how many read models are loaded at once at start
// without a cache budget: each costs a few round trips, and a ledger may
// hold thousands of alliances.
const restoreWorkers = 16

// evict drops the least recently used loaded read models while their size
// passes the budget, down to nine tenths of it (but never the most recently
// used), writing the snapshot of
// those that changed since their last one so that they load fast next
// time.
func (p *Projection) evict() {
	p.mu.Lock()
	if p.budget == 0 || p.cached <= p.budget {
		p.mu.Unlock()
		return
	}
	type cand struct {
		aid  string
		v    *allianceView
		used int64
	}
	cands := make([]cand, 0, len(p.alliances))
	for aid, v := range p.alliances {
		if v.loading == nil {
			cands = append(cands, cand{aid, v, v.used.Load()})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int { return int(a.used - b.used) })
	// The most recently used stays, even alone past the budget: it is the
	// one being read.
	cands = cands[:max(len(cands)-1, 0)]
	var out []snapshotWrite
	target := p.budget / 10 * 9
	for _, c := range cands {
		if p.cached <= target {
			break
		}
		if p.snaps != nil && c.v.dirty && !c.v.broken && c.v.head.Seq > 0 {
			if w, ok := p.renderSnapshot(c.aid, c.v); ok {
				out = append(out, w)
			}
		}
		delete(p.alliances, c.aid)
		p.cached -= c.v.size
		p.evictions.Add(1)
	}
	p.mu.Unlock()
	if len(out) > 0 {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
			defer cancel()
			for _, w := range out {
				if err := p.writeSnapshot(ctx, w); err != nil {
					slog.Warn("projections: snapshot of an evicted alliance failed; it loads from the log", "alliance", w.aid, "err", err)
				}
			}
		}()
	}
}
