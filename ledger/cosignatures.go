package ledger

import (
	"slices"
	"sync"

	"accord/eventstore"
)

// cosignatures mirrors the cosignature bucket: every witness cosignature of
// every alliance's checkpoints, by alliance, size and witness id. Every
// instance watches the bucket, so a cosignature posted through one is
// served by all.
type cosignatures struct {
	mu   sync.RWMutex
	byID map[string]map[uint64]map[string][]byte // alliance → size → witness id → line
	stop func()
}

func newCosignatures() *cosignatures {
	return &cosignatures{byID: map[string]map[uint64]map[string][]byte{}}
}

// add keeps one stored cosignature.
func (c *cosignatures) add(cs eventstore.StoredCosignature) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sizes := c.byID[cs.AllianceID]
	if sizes == nil {
		sizes = map[uint64]map[string][]byte{}
		c.byID[cs.AllianceID] = sizes
	}
	if sizes[cs.Size] == nil {
		sizes[cs.Size] = map[string][]byte{}
	}
	sizes[cs.Size][cs.WitnessID] = cs.Line
}

// lines returns the cosignature lines of the alliance's checkpoint of size,
// ordered by witness id, so that every instance serves the same bytes.
func (c *cosignatures) lines(aid string, size uint64) [][]byte {
	c.mu.RLock()
	defer c.mu.RUnlock()
	byWitness := c.byID[aid][size]
	ids := make([]string, 0, len(byWitness))
	for id := range byWitness {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([][]byte, len(ids))
	for i, id := range ids {
		out[i] = byWitness[id]
	}
	return out
}

// largest returns the largest size of the alliance's checkpoints, up to
// limit, that has a cosignature; false when none has.
func (c *cosignatures) largest(aid string, limit uint64) (uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var best uint64
	found := false
	for size := range c.byID[aid] {
		if size <= limit && (!found || size > best) {
			best, found = size, true
		}
	}
	return best, found
}

// close stops watching the bucket.
func (c *cosignatures) close() {
	if c != nil && c.stop != nil {
		c.stop()
	}
}
