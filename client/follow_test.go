package client_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/client"
	"accord/domain"
)

// sseLog is a stand-in for an alliance's event stream over a log of n
// events: it serves the events after Last-Event-ID (or from ?from_seq=),
// and each connection is ended as its script says.
type sseLog struct {
	n    uint64
	head uint64 // what …/audit/head answers
	// script says how connection i (0-based) ends: after how many events,
	// and how ("abort" mid-event, "clean", "silent" to stall; "" serves
	// every event and then stalls).
	script []step

	mu    sync.Mutex
	conns []http.Header
	froms []string
}

type step struct {
	events int
	how    string
}

func (s *sseLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1/alliances/a/audit/head" {
		fmt.Fprintf(w, `{"seq":%d,"hash":"h"}`, s.head)
		return
	}
	s.mu.Lock()
	i := len(s.conns)
	s.conns = append(s.conns, r.Header.Clone())
	s.froms = append(s.froms, r.URL.Query().Get("from_seq"))
	s.mu.Unlock()
	from := uint64(1)
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		last, _ := strconv.ParseUint(id, 10, 64)
		from = last // one repeat on purpose: the follower must drop it
	} else if q := r.URL.Query().Get("from_seq"); q != "" {
		from, _ = strconv.ParseUint(q, 10, 64)
	}
	st := step{events: 1 << 30}
	if i < len(s.script) {
		st = s.script[i]
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	sent := 0
	for seq := from; seq <= s.n && sent < st.events; seq++ {
		fmt.Fprintf(w, "id: %d\nevent: VoteCast\ndata: {\"event\":{\"seq\":%d},\"hash\":\"h%d\"}\n\n", seq, seq, seq)
		w.(http.Flusher).Flush()
		sent++
	}
	switch st.how {
	case "abort":
		fmt.Fprintf(w, "id: %d\nevent: VoteCast\ndata: {\"event\":", from+uint64(sent))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	case "clean":
		return
	}
	<-r.Context().Done()
}

func (s *sseLog) requests() ([]http.Header, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]http.Header(nil), s.conns...), append([]string(nil), s.froms...)
}

// collect reads n events from f.
func collect(t *testing.T, f *client.Follower, n int) []uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var seqs []uint64
	for len(seqs) < n {
		ev, err := f.Next(ctx)
		require.NoError(t, err)
		require.Equal(t, "VoteCast", ev.Type)
		require.Equal(t, "h"+strconv.FormatUint(ev.Seq, 10), ev.Hash)
		require.JSONEq(t, `{"seq":`+strconv.FormatUint(ev.Seq, 10)+`}`, string(ev.Event))
		seqs = append(seqs, ev.Seq)
	}
	return seqs
}

// TestFollowResumesAfterABrokenStream cuts the stream in the middle of an
// event (an unexpected EOF), then ends one cleanly: the follower
// reconnects each time after the last event it returned, and returns every
// event once, in order.
func TestFollowResumesAfterABrokenStream(t *testing.T) {
	log := &sseLog{n: 9, script: []step{{2, "abort"}, {3, "clean"}}}
	srv := httptest.NewServer(log)
	defer srv.Close()
	var drops []client.Drop
	f := newClient(t, srv).Follow("a", client.FollowOptions{
		FromSeq: 3, MinBackoff: time.Millisecond, OnDrop: func(d client.Drop) { drops = append(drops, d) },
	})
	defer f.Close()
	require.Equal(t, []uint64{3, 4, 5, 6, 7, 8, 9}, collect(t, f, 7))

	conns, froms := log.requests()
	require.Len(t, conns, 3)
	require.Equal(t, "3", froms[0])
	require.Empty(t, conns[0].Get("Last-Event-ID"))
	require.Equal(t, "4", conns[1].Get("Last-Event-ID"), "resumes after the last event returned")
	require.Empty(t, froms[1])
	require.Equal(t, "6", conns[2].Get("Last-Event-ID"))
	require.Equal(t, "text/event-stream", conns[0].Get("Accept"))

	require.Len(t, drops, 2)
	require.ErrorIs(t, drops[0].Err, io.ErrUnexpectedEOF)
	require.Equal(t, uint64(4), drops[0].After)
	require.ErrorIs(t, drops[1].Err, client.ErrStreamEnded)
	require.Equal(t, time.Millisecond, drops[1].Wait, "the backoff starts again after an event")
}

// TestFollowFromTheHead reads the head first, so a stream dropped before
// its first event still resumes with no gap.
func TestFollowFromTheHead(t *testing.T) {
	log := &sseLog{n: 8, head: 5, script: []step{{0, "clean"}}}
	srv := httptest.NewServer(log)
	defer srv.Close()
	f := newClient(t, srv).Follow("a", client.FollowOptions{MinBackoff: time.Millisecond})
	defer f.Close()
	require.Equal(t, []uint64{6, 7, 8}, collect(t, f, 3))
	_, froms := log.requests()
	require.Equal(t, []string{"6", "6"}, froms, "both connections ask from the seq after the head")
}

// TestFollowIdle takes a silent stream for a dropped one.
func TestFollowIdle(t *testing.T) {
	log := &sseLog{n: 3, script: []step{{1, "silent"}}}
	srv := httptest.NewServer(log)
	defer srv.Close()
	var drops []client.Drop
	f := newClient(t, srv).Follow("a", client.FollowOptions{
		FromSeq: 1, MinBackoff: time.Millisecond, IdleTimeout: 100 * time.Millisecond,
		OnDrop: func(d client.Drop) { drops = append(drops, d) },
	})
	defer f.Close()
	require.Equal(t, []uint64{1, 2, 3}, collect(t, f, 3))
	require.NotEmpty(t, drops)
	require.EqualError(t, drops[0].Err, "no data for 100ms")
}

// TestFollowRefused returns the server's refusal instead of reconnecting.
func TestFollowRefused(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls++
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"code":"invalid","message":"types: \"Nonsense\" is not an event type"}}`)
	}))
	defer srv.Close()
	f := newClient(t, srv).Follow("a", client.FollowOptions{FromSeq: 1, Types: []string{"Nonsense"}})
	_, err := f.Next(context.Background())
	require.Equal(t, domain.Invalid, domain.KindOf(err))
	require.Equal(t, 1, calls)
}

// TestFollowStopsWithItsContext returns the context's error.
func TestFollowStopsWithItsContext(t *testing.T) {
	log := &sseLog{n: 0}
	srv := httptest.NewServer(log)
	defer srv.Close()
	f := newClient(t, srv).Follow("a", client.FollowOptions{FromSeq: 1})
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := f.Next(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
