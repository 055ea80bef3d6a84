package eventstore

import (
	"context"
	"sync"
	"testing"
	"time"

	"accord/domain"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// collector gathers what Follow delivers.
type collector struct {
	mu      sync.Mutex
	records []Record
	more    chan struct{}
}

func newCollector() *collector { return &collector{more: make(chan struct{}, 1)} }

func (c *collector) add(r Record) {
	c.mu.Lock()
	c.records = append(c.records, r)
	c.mu.Unlock()
	select {
	case c.more <- struct{}{}:
	default:
	}
}

func (c *collector) snapshot() []Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Record(nil), c.records...)
}

// waitFor waits until n records have arrived and returns them; it fails the
// test if the test's context ends first.
func (c *collector) waitFor(t *testing.T, n int) []Record {
	t.Helper()
	ctx := testContext(t)
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
func requireInOrder(t *testing.T, records []Record, first map[string]uint64) {
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
	s, _ := openTestStore(t)
	a, b := uuid.NewString(), uuid.NewString()
	for i := 0; i < 5; i++ {
		mustAppend(t, s, a, votes(a, 1))
		mustAppend(t, s, b, votes(b, 2))
	}
	got := newCollector()
	stop, err := s.Follow(testContext(t), 0, "", got.add)
	require.NoError(t, err)
	defer stop()

	var wg sync.WaitGroup
	for _, alliance := range []string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if err := appendRetrying(testContext(t), s, alliance, votes(alliance, 1)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	requireInOrder(t, got.waitFor(t, 55), map[string]uint64{a: 1, b: 1})

	stop()
	mustAppend(t, s, a, votes(a, 1))
	require.Len(t, got.snapshot(), 55, "nothing is delivered after stop returns")
}

func TestFollowOneAllianceFromAPosition(t *testing.T) {
	s, _ := openTestStore(t)
	a, b := uuid.NewString(), uuid.NewString()
	mustAppend(t, s, a, votes(a, 2))
	from := mustAppend(t, s, a, votes(a, 1))[0].StreamSeq
	mustAppend(t, s, b, votes(b, 1))

	got := newCollector()
	stop, err := s.Follow(testContext(t), from, Subject(a), got.add)
	require.NoError(t, err)
	defer stop()
	mustAppend(t, s, b, votes(b, 1))
	mustAppend(t, s, a, votes(a, 2))

	records := got.waitFor(t, 3)
	requireInOrder(t, records, map[string]uint64{a: 3})
	mustAppend(t, s, a, votes(a, 1))
	records = got.waitFor(t, 4)
	require.Len(t, records, 4, "alliance b never shows up")
	requireInOrder(t, records, map[string]uint64{a: 3})
}

// Following from just past the end, as a read model does after replaying,
// delivers only what is appended later.
func TestFollowFromTheEnd(t *testing.T) {
	s, _ := openTestStore(t)
	a := uuid.NewString()
	last := mustAppend(t, s, a, votes(a, 2))

	got := newCollector()
	stop, err := s.Follow(testContext(t), last[0].StreamSeq+1, "", got.add)
	require.NoError(t, err)
	defer stop()
	mustAppend(t, s, a, votes(a, 1))
	requireInOrder(t, got.waitFor(t, 1), map[string]uint64{a: 3})
}

func TestFollowEndsWithContext(t *testing.T) {
	s, _ := openTestStore(t)
	ctx, cancel := context.WithCancel(testContext(t))
	stop, err := s.Follow(ctx, 0, "", func(Record) {})
	require.NoError(t, err)
	cancel()
	stop() // returns once the follower has ended
	stop() // and may be called again
}

func TestFollowRefusesOtherSubjects(t *testing.T) {
	s, _ := openTestStore(t)
	for _, subject := range []string{"orders.new", SubjectPrefix, SubjectPrefix + "*", SubjectPrefix + "a.b"} {
		_, err := s.Follow(testContext(t), 0, subject, func(Record) {})
		require.Equal(t, domain.Invalid, domain.KindOf(err), subject)
	}
}

// A follower stops at a malformed message instead of skipping it.
func TestFollowStopsAtMalformed(t *testing.T) {
	s, ts := openTestStore(t)
	a := uuid.NewString()
	mustAppend(t, s, a, votes(a, 1))
	_, err := testJetStream(t, ts).Publish(testContext(t), Subject(a), []byte("junk"))
	require.NoError(t, err)
	b := uuid.NewString()
	mustAppend(t, s, b, votes(b, 1))

	got := newCollector()
	stop, err := s.Follow(testContext(t), 0, "", got.add)
	require.NoError(t, err)
	got.waitFor(t, 1)
	// Give a wrong delivery past the junk a chance to show; on a slow
	// machine this can only make the test pass without proving much.
	time.Sleep(50 * time.Millisecond)
	stop()
	require.Len(t, got.snapshot(), 1)
}
