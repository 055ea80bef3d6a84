package eventstore

import (
	"context"
	"sync"

	"accord/domain"
)

// recentLimit is how many of an alliance's latest command ids the runner
// remembers to answer a retried command as the first time. Older ids are
// still caught by the log's own de-duplication window and, on a conflict, by
// the store's search of the events after the expected position.
const recentLimit = 4096

// allianceEntry is the write side's cache of one alliance: its state, its
// position in the log, the command ids it recently recorded, and the queue of
// commands waiting to be decided. Only the holder of sem touches state.
type allianceEntry struct {
	allianceID string
	sem        chan struct{}

	qmu   sync.Mutex
	queue []*pending

	loaded bool
	stale  bool
	state  domain.Alliance
	pos    Position
	recent *recentCommands
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

// recentCommands remembers the records of the latest command ids, oldest
// forgotten first.
type recentCommands struct {
	byID  map[string][]Record
	order []string
}

func newRecentCommands() *recentCommands {
	return &recentCommands{byID: map[string][]Record{}}
}

func (c *recentCommands) lookup(commandID string) ([]Record, bool) {
	recs, ok := c.byID[commandID]
	return recs, ok
}

func (c *recentCommands) add(commandID string, recs []Record) {
	if _, ok := c.byID[commandID]; !ok {
		c.order = append(c.order, commandID)
	}
	c.byID[commandID] = recs
	if len(c.order) > recentLimit {
		delete(c.byID, c.order[0])
		c.order = c.order[1:]
	}
}

// addOne adds a record read back from the log to its command's records.
func (c *recentCommands) addOne(rec Record) {
	recs, _ := c.lookup(rec.Event.CommandID)
	c.add(rec.Event.CommandID, append(recs, rec))
}
