package ledger

import (
	"context"
	"sync"
	"sync/atomic"

	"accord/domain"
	"accord/eventstore"
)

// recentLimit is how many of an alliance's latest commands the runner keeps
// the records of, to answer a retried command at once. Older ones are read
// back from the log (see recentCommands).
const recentLimit = 4096

// allianceEntry is the write side's cache of one alliance: its state, its
// position in the log, the command ids it recently recorded, and the queue of
// commands waiting to be decided. Only the holder of sem touches state.
type allianceEntry struct {
	allianceID string
	sem        chan struct{}

	qmu   sync.Mutex
	queue []*pending

	used atomic.Int64 // the runner's clock at the last use
	size int64        // estimated bytes, as counted in the runner's total

	loaded bool
	stale  bool
	state  domain.Alliance
	pos    eventstore.Position
	recent *recentCommands
	// snapSeq is the seq of the latest snapshot of this entry stored or
	// under way, 0 for none.
	snapSeq uint64
}

func newAllianceEntry(allianceID string) *allianceEntry {
	return &allianceEntry{allianceID: allianceID, sem: make(chan struct{}, 1), recent: newRecentCommands()}
}

// lead waits to become the alliance's only writer. It returns ctx's error if
// the caller gives up first.
func (e *allianceEntry) lead(ctx context.Context) error {
	select {
	case e.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return domain.Errorf(domain.Unavailable, "gave up waiting to write: %v", ctx.Err())
	}
}

func (e *allianceEntry) unlead() { <-e.sem }

// take removes up to maxBatch waiting commands from the queue.
func (e *allianceEntry) take() []*pending {
	e.qmu.Lock()
	defer e.qmu.Unlock()
	n := min(len(e.queue), maxBatch)
	batch := make([]*pending, n)
	copy(batch, e.queue[:n])
	e.queue = append(e.queue[:0], e.queue[n:]...)
	return batch
}

// recentCommands remembers every command id of an alliance: the records of
// the latest recentLimit commands, to answer a retry at once, and for all of
// them a 64-bit hash of the id with the seq of its first event, so a retry of
// any older command is found in the log instead of being recorded again.
type recentCommands struct {
	byID map[string][]eventstore.Record
	// order holds the ids in byID, at most recentLimit, as a ring once
	// full: next is where the oldest is, which the next new id replaces.
	order []string
	next  int
	seen  map[uint64]uint64
}

// commandHash is the 64-bit FNV-1a hash of a command id. It is stable
// across processes, so the index of command ids can be snapshotted; a
// collision only costs a read of the log, which confirms or refutes it.
func commandHash(commandID string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(commandID); i++ {
		h ^= uint64(commandID[i])
		h *= 1099511628211
	}
	return h
}

func newRecentCommands() *recentCommands {
	return &recentCommands{byID: map[string][]eventstore.Record{}, seen: map[uint64]uint64{}}
}

func (c *recentCommands) lookup(commandID string) ([]eventstore.Record, bool) {
	recs, ok := c.byID[commandID]
	return recs, ok
}

// seenAt returns the seq of the first event of a command whose id hashes
// like commandID: probably that command, to be confirmed against the log.
func (c *recentCommands) seenAt(commandID string) (uint64, bool) {
	seq, ok := c.seen[commandHash(commandID)]
	return seq, ok
}

func (c *recentCommands) add(commandID string, recs []eventstore.Record) {
	if _, ok := c.byID[commandID]; !ok {
		if len(c.order) < recentLimit {
			c.order = append(c.order, commandID)
		} else {
			delete(c.byID, c.order[c.next])
			c.order[c.next] = commandID
			c.next = (c.next + 1) % recentLimit
		}
	}
	c.byID[commandID] = recs
	h := commandHash(commandID)
	if _, ok := c.seen[h]; !ok && len(recs) > 0 {
		c.seen[h] = recs[0].Event.Seq
	}
}

// addOne adds a record read back from the log to its command's records.
func (c *recentCommands) addOne(rec eventstore.Record) {
	recs, _ := c.lookup(rec.Event.CommandID)
	c.add(rec.Event.CommandID, append(recs, rec))
}
