package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
)

func testRecord(seq uint64) eventstore.Record {
	raw := fmt.Sprintf(`{"alliance_id":"a","seq":%d,"type":"VoteCast"}`, seq)
	return eventstore.Record{
		Event: domain.Event{AllianceID: "a", Seq: seq, Type: domain.TypeVoteCast},
		Raw:   []byte(raw), Hash: fmt.Sprintf("h%d", seq), StreamSeq: seq,
	}
}

func acceptAll(eventstore.Record) bool { return true }

// testWriter is a ResponseWriter whose body can be read while a stream
// writes it, and whose writes can be held back like a client that does not
// read.
type testWriter struct {
	header http.Header
	mu     sync.Mutex
	body   bytes.Buffer
	// hold, when not nil, makes each write wait for a token or its close;
	// blocked is signalled when a write starts waiting.
	hold    chan struct{}
	blocked chan struct{}
}

func newTestWriter() *testWriter { return &testWriter{header: http.Header{}} }

func (w *testWriter) Header() http.Header { return w.header }
func (w *testWriter) WriteHeader(int)     {}
func (w *testWriter) Flush()              {}

func (w *testWriter) Write(b []byte) (int, error) {
	if w.hold != nil {
		select {
		case w.blocked <- struct{}{}:
		default:
		}
		<-w.hold
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.body.Write(b)
}

func (w *testWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.body.String()
}

// ids returns the id: lines written so far.
func (w *testWriter) ids() []string {
	var ids []string
	for line := range strings.SplitSeq(w.String(), "\n") {
		if id, ok := strings.CutPrefix(line, "id: "); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

func testStream(w http.ResponseWriter, last uint64) *sse {
	return &sse{
		w: w, rc: http.NewResponseController(w), match: acceptAll,
		key:  func(rec eventstore.Record) cursor { return cursor{seq: rec.Event.Seq} },
		id:   func(c cursor) string { return fmt.Sprint(c.seq) },
		last: cursor{seq: last},
	}
}

func TestSubscriberRefusesWhenFullAndRestarts(t *testing.T) {
	sub := newSubscriber(acceptAll, 2)
	for seq := range uint64(3) {
		sub.offer(testRecord(seq + 1))
	}
	require.True(t, sub.lost.Load(), "the third record did not fit")
	require.Len(t, sub.ch, 2)
	<-sub.ch
	sub.offer(testRecord(4))
	require.Len(t, sub.ch, 1, "nothing is buffered after a loss, so the buffer never holds a gap")

	require.True(t, sub.restart())
	require.Empty(t, sub.ch)
	require.False(t, sub.lost.Load())
	require.False(t, sub.restart(), "nothing lost since")

	none := newSubscriber(func(eventstore.Record) bool { return false }, 1)
	none.offer(testRecord(1))
	none.offer(testRecord(2))
	require.Empty(t, none.ch)
	require.False(t, none.lost.Load(), "records the client does not want take no room")
}

func TestSendSkipsWhatTheStreamPassed(t *testing.T) {
	w := newTestWriter()
	st := testStream(w, 2)
	for _, seq := range []uint64{1, 2, 3, 3, 4} {
		require.NoError(t, st.send(testRecord(seq)))
	}
	require.Equal(t, []string{"3", "4"}, w.ids())
	require.Contains(t, w.String(), "id: 3\nevent: VoteCast\ndata: {\"event\":{\"alliance_id\":\"a\",\"seq\":3,\"type\":\"VoteCast\"},\"hash\":\"h3\"}\n\n")

	st.match = func(rec eventstore.Record) bool { return rec.Event.Seq != 5 }
	require.NoError(t, st.send(testRecord(5)))
	require.NoError(t, st.send(testRecord(6)))
	require.Equal(t, []string{"3", "4", "6"}, w.ids(), "a filtered record is passed over")
	require.Equal(t, uint64(6), st.last.seq)
}

// TestFollowDropsASlowClient holds the client's writes while records
// arrive: once its buffer is full the stream is dropped, with no gap in
// what was sent, and memory stays bounded by the buffer.
func TestFollowDropsASlowClient(t *testing.T) {
	w := newTestWriter()
	w.hold, w.blocked = make(chan struct{}), make(chan struct{}, 1)
	sub := newSubscriber(acceptAll, 2)
	st := testStream(w, 0)
	done := make(chan error, 1)
	go func() { done <- st.follow(context.Background(), sub, nil) }()

	sub.offer(testRecord(1))
	<-w.blocked // the client is not reading
	for seq := uint64(2); seq <= 5; seq++ {
		sub.offer(testRecord(seq))
	}
	require.True(t, sub.lost.Load())
	require.Len(t, sub.ch, 2, "the buffer is bounded")
	close(w.hold)

	select {
	case err := <-done:
		require.ErrorIs(t, err, errDropped)
	case <-time.After(10 * time.Second):
		t.Fatal("the slow client was not dropped")
	}
	require.Equal(t, []string{"1"}, w.ids())
	require.Contains(t, w.String(), ": dropped: too slow; reconnect with Last-Event-ID")
}

func TestFollowHeartbeatsAndEnds(t *testing.T) {
	w := newTestWriter()
	st := testStream(w, 0)
	st.heartbeat = 5 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	shutdown := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- st.follow(ctx, newSubscriber(acceptAll, 1), shutdown) }()
	require.Eventually(t, func() bool { return strings.Contains(w.String(), ": heartbeat\n\n") }, 10*time.Second, time.Millisecond)
	close(shutdown)
	require.NoError(t, <-done, "a shutdown ends the stream quietly")

	go func() { done <- st.follow(ctx, newSubscriber(acceptAll, 1), nil) }()
	cancel()
	require.NoError(t, <-done, "the client leaving ends the stream quietly")
}

func TestShuttingDownFollowsTheServer(t *testing.T) {
	srv := &http.Server{}
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(context.WithValue(r.Context(), http.ServerContextKey, srv))
	ch := shuttingDown(r)
	require.Equal(t, ch, shuttingDown(r), "one channel per server")
	require.NoError(t, srv.Shutdown(context.Background()))
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("not closed by Shutdown")
	}
	require.Nil(t, shuttingDown(httptest.NewRequest("GET", "/", nil)))
}

func TestCursorOrder(t *testing.T) {
	require.True(t, cursor{stream: 1, seq: 9}.before(cursor{stream: 2, seq: 1}))
	require.True(t, cursor{stream: 2, seq: 1}.before(cursor{stream: 2, seq: 2}))
	require.False(t, cursor{stream: 2, seq: 2}.before(cursor{stream: 2, seq: 2}))
	require.True(t, cursor{seq: 3}.before(cursor{seq: 4}))
}
