package ledger

import (
	"context"
	"slices"
	"sync/atomic"
)

// The runner's cache of alliances is bounded like the read models: an
// alliance it has not written for a while is dropped when the cache's
// estimated size passes its budget, and loaded from the log again when a
// command for it comes.

// runnerBytesPerEvent and runnerBytesPerCommand estimate what an alliance
// costs the runner: its state for every event, and the records of its
// latest commands (up to recentLimit) kept to answer retries.
const (
	runnerBytesPerEvent   int64 = 100
	runnerBytesPerCommand int64 = 600
)

// cacheUse is the runner's bookkeeping of its cache.
type cacheUse struct {
	budget int64        // 0: unbounded
	total  atomic.Int64 // estimated bytes of every entry
	clock  atomic.Int64 // orders uses, for eviction
	evicts atomic.Uint64
}

// UseCache bounds the runner's cache of alliances to about budget bytes
// (≤ 0: unbounded). Call it before the first command.
func (r *Runner) UseCache(budget int64) { r.cache.budget = max(budget, 0) }

// estimate returns what e costs now; the caller leads e.
func (e *allianceEntry) estimate() int64 {
	seq := int64(e.pos.Seq)
	return seq*runnerBytesPerEvent + min(seq, recentLimit)*runnerBytesPerCommand
}

// resized notes e's size after its leader changed it, and reports whether
// the cache is over its budget; the caller leads e.
func (r *Runner) resized(e *allianceEntry) bool {
	size := e.estimate()
	total := r.cache.total.Add(size - e.size)
	e.size = size
	return r.cache.budget > 0 && total > r.cache.budget
}

// evict drops the least recently used entries that no one leads or waits
// on, until the cache is within nine tenths of its budget, but never the
// most recently used, and stores their snapshots (with UseSnapshots).
func (r *Runner) evict() {
	out := map[string][]byte{}
	defer func() {
		if len(out) > 0 {
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), snapshotTimeout)
				defer cancel()
				r.saveEntries(ctx, out)
			}()
		}
	}()
	r.mu.Lock()
	defer r.mu.Unlock()
	target := r.cache.budget / 10 * 9
	if r.cache.total.Load() <= target {
		return
	}
	entries := make([]*allianceEntry, 0, len(r.alliances))
	for _, e := range r.alliances {
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b *allianceEntry) int { return int(a.used.Load() - b.used.Load()) })
	// The most recently used stays, even alone past the budget.
	for _, e := range entries[:max(len(entries)-1, 0)] {
		if r.cache.total.Load() <= target {
			return
		}
		select {
		case e.sem <- struct{}{}:
		default:
			continue // being written
		}
		e.qmu.Lock()
		idle := len(e.queue) == 0
		e.qmu.Unlock()
		if idle {
			if r.snaps != nil {
				if raw, ok := renderEntry(e); ok {
					out[e.allianceID] = raw
				}
			}
			delete(r.alliances, e.allianceID)
			r.cache.total.Add(-e.size)
			e.size = 0
			r.cache.evicts.Add(1)
		}
		<-e.sem
	}
}

// release ends the caller's lead of e, snapshotting it when it is due,
// and evicting idle entries afterwards if e grew the cache past its budget.
func (r *Runner) release(e *allianceEntry) {
	over := r.resized(e)
	r.snapshotIfDue(e)
	e.unlead()
	if over {
		r.evict()
	}
}
