package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"accord/ledger"
)

// liveBuffer bounds the records held for one client that has not taken
// them yet. A client that lets it fill is dropped rather than allowed to hold
// memory without bound: it resumes from the log with Last-Event-ID. (A
// variable only so that a test can make losses common.)
var liveBuffer = 512

// The limits of a live stream.
const (
	// heartbeatEvery keeps proxies from closing an idle stream.
	heartbeatEvery = 15 * time.Second
	// writeTimeout is how long one write to a client may take before the
	// client is dropped.
	writeTimeout = 10 * time.Second
	// retryMillis is how long a browser waits before it reconnects.
	retryMillis = 2000
)

// errDropped ends a stream whose client fell too far behind.
var errDropped = errors.New("client too slow: dropped")

// errClientGone marks a failed write to a stream's client: the stream is
// over, but nothing is wrong with the log.
var errClientGone = errors.New("client gone")

// subscriber receives the records the projection applies, on its single
// follower goroutine, without ever blocking it: a record that does not fit in
// the buffer is refused, and the refusal is remembered.
type subscriber struct {
	accept func(ledger.Record) bool
	ch     chan ledger.Record
	// lost is set when a record was refused. Once set, nothing more is
	// buffered, so every buffered record is older than the first one lost.
	lost   atomic.Bool
	cancel func()
}

// subscribe registers a subscriber for the records accept takes. Its cancel
// must be called when the stream ends.
func (s *Server) subscribe(accept func(ledger.Record) bool) *subscriber {
	sub := newSubscriber(accept, liveBuffer)
	sub.cancel = s.ledger.Listen(sub.offer)
	return sub
}

func newSubscriber(accept func(ledger.Record) bool, capacity int) *subscriber {
	return &subscriber{accept: accept, ch: make(chan ledger.Record, capacity)}
}

// offer buffers rec if the subscriber wants it and there is room.
func (sub *subscriber) offer(rec ledger.Record) {
	if !sub.accept(rec) || sub.lost.Load() {
		return
	}
	select {
	case sub.ch <- rec:
	default:
		sub.lost.Store(true)
	}
}

// restart empties the buffer and clears the lost mark. It reports whether a
// record was lost since the last restart; the caller must then read the log
// again up to a head taken after this call, which holds every record
// discarded or lost, since the projection applies a record before offering it.
func (sub *subscriber) restart() bool {
	if !sub.lost.Swap(false) {
		return false
	}
	for {
		select {
		case <-sub.ch:
		default:
			return true
		}
	}
}

// shutdowns holds, for each http.Server that served a stream, a channel
// closed when it starts shutting down: streams then end, so that Shutdown
// is not held open by them, and their clients resume elsewhere or later.
var shutdowns sync.Map // *http.Server → chan struct{}

// shuttingDown returns a channel closed when the server of r shuts down, or
// nil (never closed) when r did not come through an http.Server.
func shuttingDown(r *http.Request) <-chan struct{} {
	srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server)
	if !ok {
		return nil
	}
	ch := make(chan struct{})
	v, loaded := shutdowns.LoadOrStore(srv, ch)
	if !loaded {
		srv.RegisterOnShutdown(func() { close(ch) })
	}
	return v.(chan struct{})
}

// cursor is a place in a stream of records: an alliance seq alone on one
// alliance's stream; a stream seq, then an alliance seq, across alliances.
type cursor struct {
	stream, seq uint64
}

func (c cursor) before(d cursor) bool {
	return c.stream < d.stream || (c.stream == d.stream && c.seq < d.seq)
}

// sse writes one live stream in the text/event-stream format.
type sse struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	match func(ledger.Record) bool
	// key is where a record stands in this stream, id what its id: says.
	key func(ledger.Record) cursor
	id  func(cursor) string
	// last is the last record sent or passed over by match.
	last cursor
	// heartbeat is how often an idle stream says it is alive;
	// heartbeatEvery when zero.
	heartbeat time.Duration
	buf       []byte
}

// start answers the stream's headers and the retry interval at once, so the
// client knows it is subscribed before any event arrives. It lifts the
// server's read deadline (ReadTimeout), which must not end a long stream;
// net/http also lifts it once it has read the request, so this only makes
// that explicit.
func (st *sse) start() error {
	_ = st.rc.SetReadDeadline(time.Time{})
	h := st.w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	st.w.WriteHeader(http.StatusOK)
	if err := st.write([]byte("retry: " + strconv.Itoa(retryMillis) + "\n\n")); err != nil {
		return err
	}
	return st.flush()
}

// send writes rec as one event unless it was already sent or match refuses
// it; either way the stream has then passed it. It does not flush.
func (st *sse) send(rec ledger.Record) error {
	k := st.key(rec)
	if !st.last.before(k) {
		return nil
	}
	st.last = k
	if !st.match(rec) {
		return nil
	}
	b := append(st.buf[:0], "id: "...)
	b = append(b, st.id(k)...)
	b = append(b, "\nevent: "...)
	b = append(b, rec.Event.Type...)
	b = append(b, "\ndata: {\"event\":"...)
	b = append(b, rec.Raw...)
	b = append(b, ",\"hash\":\""...)
	b = append(b, rec.Hash...)
	b = append(b, "\"}\n\n"...)
	st.buf = b
	return st.write(b)
}

// write writes b; a failure is an errClientGone.
func (st *sse) write(b []byte) error {
	_ = st.rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := st.w.Write(b)
	return clientGone(err)
}

// flush sends what was written; a failure is an errClientGone.
func (st *sse) flush() error {
	_ = st.rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	return clientGone(st.rc.Flush())
}

// clientGone marks a failed write as errClientGone; nil stays nil.
func clientGone(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", errClientGone, err)
}

// follow sends live records from sub until the client leaves, the server
// shuts down, a write fails or the client falls behind. Records the stream
// already passed (during the catch-up from the log) are skipped, so the seam
// has no repeat.
func (st *sse) follow(ctx context.Context, sub *subscriber, shutdown <-chan struct{}) error {
	every := st.heartbeat
	if every == 0 {
		every = heartbeatEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if sub.lost.Load() {
			_ = st.write([]byte(": dropped: too slow; reconnect with Last-Event-ID\n\n"))
			_ = st.flush()
			return errDropped
		}
		select {
		case <-ctx.Done():
			return nil
		case <-shutdown:
			return nil
		case rec := <-sub.ch:
			if err := st.send(rec); err != nil {
				return err
			}
			if len(sub.ch) == 0 {
				if err := st.flush(); err != nil {
					return err
				}
			}
		case <-tick.C:
			if err := st.write([]byte(": heartbeat\n\n")); err != nil {
				return err
			}
			if err := st.flush(); err != nil {
				return err
			}
		}
	}
}
