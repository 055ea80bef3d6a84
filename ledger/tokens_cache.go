package ledger

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"accord/eventstore"
)

// Bounds of the token cache: how many tokens the bucket holds an instance
// keeps (about 300 bytes each), how many it does not hold it remembers, and
// for how long it believes a token is not there.
const (
	tokenCacheSize  = 100_000
	absentCacheSize = 10_000
	absentFor       = 5 * time.Second
)

// tokenHash is the SHA-256 of a token, the key of its record.
type tokenHash [sha256.Size]byte

// held is one token's record as this instance knows it. rev orders the
// revisions that reach the cache by different paths (a get, the watch, this
// instance's own writes), so that an older one never replaces a newer one.
type held struct {
	id   Identity
	rev  uint64
	gone bool
}

// heldOf returns the cached form of a bucket entry.
func heldOf(e eventstore.TokenEntry) held {
	return held{id: Identity(e.Record), rev: e.Revision, gone: e.Deleted}
}

// tokenFetch is one get of a token's record in flight: every resolve of
// the same token waits for it instead of asking the bucket again. seen
// keeps the newest revision that reached the cache meanwhile, which wins
// over an older answer of the get.
type tokenFetch struct {
	done   chan struct{}
	seen   *held
	result held
	err    error
}

// tokenCache holds the records of the tokens this instance was asked about:
// those the bucket holds, least recently used evicted past a bound; those
// it does not hold, for a few seconds and also bounded, so that guessing
// costs one get per distinct guess and no memory beyond the bound; and the
// gets in flight. It is safe for concurrent use.
type tokenCache struct {
	mu        sync.Mutex
	known     lru[held]
	absent    lru[time.Time] // until when the token is taken as absent
	fetching  map[tokenHash]*tokenFetch
	absentFor time.Duration
	now       func() time.Time
}

func newTokenCache(size, absentSize int, absentFor time.Duration) *tokenCache {
	return &tokenCache{
		known: newLRU[held](size), absent: newLRU[time.Time](absentSize),
		fetching: map[tokenHash]*tokenFetch{}, absentFor: absentFor, now: time.Now,
	}
}

// lookup returns what the cache knows of h; when it knows nothing, the
// get in flight to wait for instead, and start set when the caller is to
// run that get (and call finish).
func (c *tokenCache) lookup(h tokenHash) (s held, f *tokenFetch, start bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.known.get(h); ok {
		return s, nil, false
	}
	if until, ok := c.absent.get(h); ok {
		if c.now().Before(until) {
			return held{gone: true}, nil, false
		}
		c.absent.remove(h)
	}
	if f := c.fetching[h]; f != nil {
		return held{}, f, false
	}
	f = &tokenFetch{done: make(chan struct{})}
	c.fetching[h] = f
	return held{}, f, true
}

// finish ends the get f of h, which answered got or err: the newest
// revision known (got, one seen meanwhile, one cached meanwhile) is cached
// and becomes f's result. A failed get with nothing seen meanwhile caches
// nothing and leaves err as the result.
func (c *tokenCache) finish(h tokenHash, f *tokenFetch, got eventstore.TokenEntry, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(f.done)
	delete(c.fetching, h)
	best := f.seen
	if err == nil && (best == nil || got.Revision > best.rev) {
		s := heldOf(got)
		best = &s
	}
	if best == nil {
		f.err = err
		return
	}
	if s, ok := c.known.peek(h); ok && s.rev >= best.rev {
		f.result = s
		return
	}
	f.result = *best
	if best.rev == 0 {
		c.absent.put(h, c.now().Add(c.absentFor))
		return
	}
	c.known.put(h, *best)
}

// apply takes in one revision of a token's record unless a newer one is in.
// The watch passes every change of the bucket (insert false): only a token
// this instance cached, is getting, or just found absent is concerned, for
// a later get reads any other fresh. This instance's own writes insert it.
func (c *tokenCache) apply(e eventstore.TokenEntry, insert bool) {
	h, ok := parseTokenHash(e.Hash)
	if !ok {
		return
	}
	s := heldOf(e)
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.fetching[h]; f != nil && (f.seen == nil || f.seen.rev < s.rev) {
		f.seen = &s
	}
	if old, ok := c.known.peek(h); ok {
		if old.rev < s.rev {
			c.known.update(h, s)
		}
		return
	}
	if c.absent.remove(h) || insert {
		c.known.put(h, s)
	}
}

// parseTokenHash reads the hex key of a token's record.
func parseTokenHash(key string) (tokenHash, bool) {
	var h tokenHash
	if len(key) != hex.EncodedLen(len(h)) {
		return h, false
	}
	_, err := hex.Decode(h[:], []byte(key))
	return h, err == nil
}

// size returns how many tokens the cache holds, present and absent.
func (c *tokenCache) size() (known, absent int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.known.len(), c.absent.len()
}

// lru is a map bounded to max entries, the least recently used evicted.
// It is not safe for concurrent use.
type lru[V any] struct {
	max   int
	items map[tokenHash]*list.Element
	order *list.List // of *lruItem[V], most recently used first
}

type lruItem[V any] struct {
	key tokenHash
	val V
}

func newLRU[V any](max int) lru[V] {
	return lru[V]{max: max, items: map[tokenHash]*list.Element{}, order: list.New()}
}

// get returns k's value and marks it used.
func (l *lru[V]) get(k tokenHash) (V, bool) {
	el, ok := l.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	l.order.MoveToFront(el)
	return el.Value.(*lruItem[V]).val, true
}

// peek returns k's value without marking it used.
func (l *lru[V]) peek(k tokenHash) (V, bool) {
	el, ok := l.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	return el.Value.(*lruItem[V]).val, true
}

// update replaces k's value, if k is held, without marking it used.
func (l *lru[V]) update(k tokenHash, v V) {
	if el, ok := l.items[k]; ok {
		el.Value.(*lruItem[V]).val = v
	}
}

// put holds v under k, marked used, and evicts the least recently used
// entry past the bound.
func (l *lru[V]) put(k tokenHash, v V) {
	if el, ok := l.items[k]; ok {
		el.Value.(*lruItem[V]).val = v
		l.order.MoveToFront(el)
		return
	}
	l.items[k] = l.order.PushFront(&lruItem[V]{key: k, val: v})
	for l.order.Len() > l.max {
		last := l.order.Back()
		l.order.Remove(last)
		delete(l.items, last.Value.(*lruItem[V]).key)
	}
}

// remove drops k, and reports whether it was held.
func (l *lru[V]) remove(k tokenHash) bool {
	el, ok := l.items[k]
	if ok {
		l.order.Remove(el)
		delete(l.items, k)
	}
	return ok
}

func (l *lru[V]) len() int { return l.order.Len() }
