package ledger

import (
	"container/list"
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"accord/eventstore"
)

// cosignatures serves the cosignature bucket's content to the checkpoint
// readers without holding it all: witnesses cosign every new size of an
// alliance they follow (every 15 s by default), so the bucket grows with
// history. It keeps, for a bounded number of alliances, the cosignatures of
// the largest size each has, read from the bucket the first time it is
// asked for and again once older than cosignFresh; an older size's are read
// from the bucket when asked for. Every instance watches the bucket for new
// cosignatures and updates the alliances it holds, so one posted through
// another instance is served here at once, or within cosignFresh at worst.
type cosignatures struct {
	store *eventstore.Cosignatures // nil: this ledger stores none
	stop  func()

	mu      sync.Mutex
	latest  map[string]*list.Element // of *latestCosigned, by alliance
	order   *list.List               // most recently used first
	max     int
	reading map[string]chan struct{} // alliances being read from the bucket
}

// latestCosigned is what the cache holds of one alliance: the largest size
// cosigned and its lines by witness id.
type latestCosigned struct {
	aid   string
	size  uint64
	lines map[string][]byte
	read  time.Time // when it was read from the bucket
}

// cosignCacheAlliances bounds the alliances whose latest cosignatures are
// held; cosignFresh is how long they are served before being read again.
const (
	cosignCacheAlliances = 10_000
	cosignFresh          = 10 * time.Second
	cosignReadTimeout    = 5 * time.Second
)

func newCosignatures(store *eventstore.Cosignatures) *cosignatures {
	return &cosignatures{store: store, latest: map[string]*list.Element{}, order: list.New(), max: cosignCacheAlliances, reading: map[string]chan struct{}{}}
}

// watch starts following the cosignatures stored from now on.
func (c *cosignatures) watch(ctx context.Context) (err error) {
	if c.store == nil {
		return nil
	}
	c.stop, err = c.store.WatchNew(ctx, c.add)
	return err
}

// add notes a cosignature just stored, for an alliance held.
func (c *cosignatures) add(cs eventstore.StoredCosignature) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.latest[cs.AllianceID]
	if !ok {
		return // read from the bucket when it is asked for
	}
	l := el.Value.(*latestCosigned)
	switch {
	case cs.Size > l.size:
		l.size, l.lines = cs.Size, map[string][]byte{cs.WitnessID: cs.Line}
	case cs.Size == l.size:
		l.lines[cs.WitnessID] = cs.Line
	}
}

// get returns the alliance's latest cosignatures, read from the bucket
// unless held and fresh. One reader at a time reads an alliance; the
// others wait for it.
func (c *cosignatures) get(aid string) (latestCosigned, error) {
	for {
		c.mu.Lock()
		if el, ok := c.latest[aid]; ok {
			l := el.Value.(*latestCosigned)
			if time.Since(l.read) < cosignFresh {
				c.order.MoveToFront(el)
				out := *l
				out.lines = maps.Clone(l.lines)
				c.mu.Unlock()
				return out, nil
			}
		}
		if wait, ok := c.reading[aid]; ok {
			c.mu.Unlock()
			<-wait
			continue
		}
		done := make(chan struct{})
		c.reading[aid] = done
		c.mu.Unlock()
		l, err := c.read(aid)
		c.mu.Lock()
		delete(c.reading, aid)
		close(done)
		if err == nil {
			c.put(l)
		}
		c.mu.Unlock()
		return l, err
	}
}

// read reads the alliance's latest cosignatures from the bucket.
func (c *cosignatures) read(aid string) (latestCosigned, error) {
	l := latestCosigned{aid: aid, lines: map[string][]byte{}, read: time.Now()}
	if c.store == nil {
		return l, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), cosignReadTimeout)
	defer cancel()
	all, err := c.store.Latest(ctx, aid)
	if err != nil {
		return l, err
	}
	for _, cs := range all {
		if cs.Size > l.size {
			l.size, l.lines = cs.Size, map[string][]byte{}
		}
		if cs.Size == l.size {
			l.lines[cs.WitnessID] = cs.Line
		}
	}
	return l, nil
}

// put holds l, evicting the least recently used past the bound; the
// caller holds c.mu.
func (c *cosignatures) put(l latestCosigned) {
	if el, ok := c.latest[l.aid]; ok {
		*el.Value.(*latestCosigned) = l
		c.order.MoveToFront(el)
		return
	}
	c.latest[l.aid] = c.order.PushFront(&l)
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.latest, last.Value.(*latestCosigned).aid)
	}
}

// largest returns the largest size of the alliance's checkpoints, up to
// limit, that has a cosignature; false when none has. Past limit (the read
// models here behind the instance a witness read from), the alliance's
// whole history of cosignatures is read.
func (c *cosignatures) largest(aid string, limit uint64) (uint64, bool, error) {
	l, err := c.get(aid)
	if err != nil || len(l.lines) == 0 {
		return 0, false, err
	}
	if l.size <= limit {
		return l.size, true, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), cosignReadTimeout)
	defer cancel()
	all, err := c.store.All(ctx, aid)
	var best uint64
	found := false
	for _, cs := range all {
		if cs.Size <= limit && (!found || cs.Size > best) {
			best, found = cs.Size, true
		}
	}
	return best, found, err
}

// lines returns the cosignature lines of the alliance's checkpoint of size,
// ordered by witness id, so that every instance serves the same bytes.
func (c *cosignatures) lines(aid string, size uint64) ([][]byte, error) {
	l, err := c.get(aid)
	if err != nil {
		return nil, err
	}
	byWitness := l.lines
	if size != l.size {
		ctx, cancel := context.WithTimeout(context.Background(), cosignReadTimeout)
		defer cancel()
		var of []eventstore.StoredCosignature
		if c.store != nil {
			if of, err = c.store.OfSize(ctx, aid, size); err != nil {
				return nil, err
			}
		}
		byWitness = map[string][]byte{}
		for _, cs := range of {
			byWitness[cs.WitnessID] = cs.Line
		}
	}
	ids := make([]string, 0, len(byWitness))
	for id := range byWitness {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([][]byte, len(ids))
	for i, id := range ids {
		out[i] = byWitness[id]
	}
	return out, nil
}

// close stops watching the bucket.
func (c *cosignatures) close() {
	if c != nil && c.stop != nil {
		c.stop()
	}
}
