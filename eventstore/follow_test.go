package eventstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// collector gathers what Follow delivers.
type collector struct {
	mu      sync.Mutex
	records []eventstore.Record
	more    chan struct{}
}

func newCollector() *collector { return &collector{more: make(chan struct{}, 1)} }

func (c *collector) add(r eventstore.Record) {
	c.mu.Lock()
	c.records = append(c.records, r)
	c.mu.Unlock()
	select {
	case c.more <- struct{}{}:
	default:
	}
}

func (c *collector) snapshot() []eventstore.Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]eventstore.Record(nil), c.records...)
}

// waitFor waits until n records have arrived and returns them; it fails the
// test if the test's context ends first.
func (c *collector) waitFor(t *testing.T, n int) []eventstore.Record {
	t.Helper()
	ctx := eventstoretest.Context(t)
	for {
		if got := c.snapshot(); len(got) >= n {
			return got
		}
		select {
		case <-c.more:
		case <-ctx.Done():
			t.Fatalf("only %d of %d records arrived", len(c.snapshot()), n)
		}
	}
}

// requireInOrder checks that records are in stream order, each alliance's
// seqs follow on from first[alliance] with no gap or repeat.
func requireInOrder(t *testing.T, records []eventstore.Record, first map[string]uint64) {
	t.Helper()
	next := map[string]uint64{}
	for a, seq := range first {
		next[a] = seq
	}
	for i, r := range records {
		if i > 0 {
			require.GreaterOrEqual(t, r.StreamSeq, records[i-1].StreamSeq)
		}
		require.Equal(t, next[r.Event.AllianceID], r.Event.Seq, "record %d", i)
		next[r.Event.AllianceID]++
	}
}

func TestFollowOldThenNew(t *testing.T) {
	s := eventstoretest.Start(t).Store
	a, b := uuid.NewString(), uuid.NewString()
	for i := 0; i < 5; i++ {
		eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 1))
		eventstoretest.MustAppend(t, s, b, eventstoretest.Votes(b, 2))
	}
	got := newCollector()
	stop, err := s.Follow(eventstoretest.Context(t), 0, "", got.add)
	require.NoError(t, err)
	defer stop()

	var wg sync.WaitGroup
	for _, alliance := range []string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if err := eventstoretest.AppendRetrying(eventstoretest.Context(t), s, alliance, eventstoretest.Votes(alliance, 1)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	requireInOrder(t, got.waitFor(t, 55), map[string]uint64{a: 1, b: 1})

	stop()
	eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 1))
	require.Len(t, got.snapshot(), 55, "nothing is delivered after stop returns")
}

func TestFollowOneAllianceFromAPosition(t *testing.T) {
	s := eventstoretest.Start(t).Store
	a, b := uuid.NewString(), uuid.NewString()
	eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 2))
	from := eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 1))[0].StreamSeq
	eventstoretest.MustAppend(t, s, b, eventstoretest.Votes(b, 1))

	got := newCollector()
	stop, err := s.Follow(eventstoretest.Context(t), from, eventstore.Subject(a), got.add)
	require.NoError(t, err)
	defer stop()
	eventstoretest.MustAppend(t, s, b, eventstoretest.Votes(b, 1))
	eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 2))

	records := got.waitFor(t, 3)
	requireInOrder(t, records, map[string]uint64{a: 3})
	eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 1))
	records = got.waitFor(t, 4)
	require.Len(t, records, 4, "alliance b never shows up")
	requireInOrder(t, records, map[string]uint64{a: 3})
}

// Following from just past the end, as a read model does after replaying,
// delivers only what is appended later.
func TestFollowFromTheEnd(t *testing.T) {
	s := eventstoretest.Start(t).Store
	a := uuid.NewString()
	last := eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 2))

	got := newCollector()
	stop, err := s.Follow(eventstoretest.Context(t), last[0].StreamSeq+1, "", got.add)
	require.NoError(t, err)
	defer stop()
	eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 1))
	requireInOrder(t, got.waitFor(t, 1), map[string]uint64{a: 3})
}

func TestFollowEndsWithContext(t *testing.T) {
	s := eventstoretest.Start(t).Store
	ctx, cancel := context.WithCancel(eventstoretest.Context(t))
	stop, err := s.Follow(ctx, 0, "", func(eventstore.Record) {})
	require.NoError(t, err)
	cancel()
	stop() // returns once the follower has ended
	stop() // and may be called again
}

func TestFollowRefusesOtherSubjects(t *testing.T) {
	s := eventstoretest.Start(t).Store
	for _, subject := range []string{"orders.new", eventstore.SubjectPrefix, eventstore.SubjectPrefix + "*", eventstore.SubjectPrefix + "a.b"} {
		_, err := s.Follow(eventstoretest.Context(t), 0, subject, func(eventstore.Record) {})
		require.Equal(t, domain.Invalid, domain.KindOf(err), subject)
	}
}

// A follower stops at a malformed message instead of skipping it.
func TestFollowStopsAtMalformed(t *testing.T) {
	ts := eventstoretest.Start(t)
	s := ts.Store
	a := uuid.NewString()
	eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 1))
	_, err := ts.JetStream(t).Publish(eventstoretest.Context(t), eventstore.Subject(a), []byte("junk"))
	require.NoError(t, err)
	b := uuid.NewString()
	eventstoretest.MustAppend(t, s, b, eventstoretest.Votes(b, 1))

	got := newCollector()
	stop, err := s.Follow(eventstoretest.Context(t), 0, "", got.add)
	require.NoError(t, err)
	got.waitFor(t, 1)
	// Give a wrong delivery past the junk a chance to show; on a slow
	// machine this can only make the test pass without proving much.
	time.Sleep(50 * time.Millisecond)
	stop()
	require.Len(t, got.snapshot(), 1)
}
