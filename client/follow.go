package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Entry is an event as the API carries it: the stored bytes of the event
// and their SHA-256 in hex.
type Entry struct {
	Event json.RawMessage `json:"event"`
	Hash  string          `json:"hash"`
}

// LiveEvent is one event of a followed stream: its alliance seq and type,
// and the entry itself.
type LiveEvent struct {
	Seq  uint64
	Type string
	Entry
}

// Drop is a lost connection of a Follower: why, where it resumes (after
// the seq of the last event it returned, or from From when there was none)
// and how long it waits first.
type Drop struct {
	Err   error
	After uint64
	From  uint64
	Wait  time.Duration
}

// FollowOptions say which events a Follower follows and how it reconnects.
type FollowOptions struct {
	// FromSeq replays the log from this alliance seq, then follows live.
	// 0 follows from the next event on: the follower reads the head first,
	// so that a connection dropped before any event still resumes with no
	// gap.
	FromSeq uint64
	// Types keeps only the events of these types; ProposalID only those of
	// one proposal.
	Types      []string
	ProposalID string
	// OnDrop, when set, is told of every lost connection before the wait.
	OnDrop func(Drop)
	// MinBackoff (default 250ms) is the first wait before reconnecting; it
	// doubles up to MaxBackoff (default 15s) and starts again once an event
	// arrives. A stream silent for IdleTimeout (default 45s; the server
	// sends a heartbeat every 15s) is taken for dropped.
	MinBackoff, MaxBackoff, IdleTimeout time.Duration
}

// ErrStreamEnded is the drop of a stream that the server ended cleanly (it
// was shutting down, say); a Follower reconnects after it like any drop.
var ErrStreamEnded = errors.New("the server ended the stream")

// Follower follows one alliance's server-sent events across reconnections.
// It is not safe for concurrent use; Close it when done.
type Follower struct {
	c       *Client
	aid     string
	opts    FollowOptions
	next    uint64 // the seq to ask for while no event has arrived
	last    uint64 // the seq of the last event returned (0: none yet)
	backoff time.Duration
	conn    *followConn
}

// followConn is one open stream.
type followConn struct {
	body   io.Closer
	r      *SSEReader
	cancel context.CancelFunc
	idle   *time.Timer
	ctx    context.Context
}

// Follow returns a follower of alliance aid's events; it connects on the
// first call of Next.
func (c *Client) Follow(aid string, opts FollowOptions) *Follower {
	opts.MinBackoff = positive(opts.MinBackoff, 250*time.Millisecond)
	opts.MaxBackoff = max(positive(opts.MaxBackoff, 15*time.Second), opts.MinBackoff)
	opts.IdleTimeout = positive(opts.IdleTimeout, 45*time.Second)
	return &Follower{c: c, aid: aid, opts: opts, next: opts.FromSeq, backoff: opts.MinBackoff}
}

func positive(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Next returns the next event. When the connection drops (it breaks off,
// the server ends it, it stays silent, or the server cannot be reached or
// answers 5xx), it waits a bounded backoff, reconnects with Last-Event-ID
// and resumes just after the last event it returned: no event is missed or
// returned twice. It returns ctx's error once ctx is done, and an *Error
// when the server refuses the request itself (a bad token, an unknown
// alliance, a bad filter), which reconnecting cannot mend.
func (f *Follower) Next(ctx context.Context) (LiveEvent, error) {
	for {
		ev, err := f.read(ctx)
		if err == nil {
			return ev, nil
		}
		f.drop()
		if ctx.Err() != nil {
			return LiveEvent{}, ctx.Err()
		}
		if permanent(err) || errors.Is(err, ErrProtocol) {
			return LiveEvent{}, err
		}
		d := Drop{Err: err, After: f.last, From: f.next, Wait: f.backoff}
		if f.opts.OnDrop != nil {
			f.opts.OnDrop(d)
		}
		if !sleep(ctx, d.Wait) {
			return LiveEvent{}, ctx.Err()
		}
		f.backoff = min(f.backoff*2, f.opts.MaxBackoff)
	}
}

// Close ends the stream, if one is open.
func (f *Follower) Close() error {
	f.drop()
	return nil
}

// read returns the next new event of the open stream, connecting first
// when none is open.
func (f *Follower) read(ctx context.Context) (LiveEvent, error) {
	if f.conn == nil {
		if err := f.connect(ctx); err != nil {
			return LiveEvent{}, err
		}
	}
	for {
		raw, err := f.conn.r.Next()
		if err != nil {
			return LiveEvent{}, f.readError(err)
		}
		ev, err := decodeLive(raw)
		if err != nil {
			return LiveEvent{}, err
		}
		if f.last != 0 && ev.Seq <= f.last {
			continue // a repeat: already returned before the drop
		}
		f.last, f.backoff = ev.Seq, f.opts.MinBackoff
		return ev, nil
	}
}

// readError names why a stream ended.
func (f *Follower) readError(err error) error {
	switch {
	case errors.Is(context.Cause(f.conn.ctx), errIdle):
		return fmt.Errorf("no data for %s", f.opts.IdleTimeout)
	case errors.Is(err, io.EOF):
		return ErrStreamEnded
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the stream broke off: %w", err)
	}
	return err
}

// errIdle is the cause of a stream cancelled for its silence.
var errIdle = errors.New("idle")

// connect opens the stream where the follower stands: after the last event
// it returned, or from the seq it starts at.
func (f *Follower) connect(ctx context.Context) error {
	if f.next == 0 && f.last == 0 {
		head, err := f.c.Head(ctx, f.aid)
		if err != nil {
			return err
		}
		f.next = head.Seq + 1
	}
	header := http.Header{"Accept": {"text/event-stream"}}
	query := url.Values{}
	if len(f.opts.Types) > 0 {
		query.Set("types", strings.Join(f.opts.Types, ","))
	}
	if f.opts.ProposalID != "" {
		query.Set("proposal_id", f.opts.ProposalID)
	}
	if f.last != 0 {
		header.Set("Last-Event-ID", strconv.FormatUint(f.last, 10))
	} else {
		query.Set("from_seq", strconv.FormatUint(f.next, 10))
	}
	cctx, cancel := context.WithCancelCause(ctx)
	resp, err := f.c.open(cctx, call{method: http.MethodGet, path: alliancePath(f.aid, "events"), query: query}, header)
	if err != nil {
		cancel(nil)
		return err
	}
	idle := time.AfterFunc(f.opts.IdleTimeout, func() { cancel(errIdle) })
	f.conn = &followConn{
		body: resp.Body, cancel: func() { cancel(nil) }, idle: idle, ctx: cctx,
		r: NewSSEReader(&idleReader{r: resp.Body, timer: idle, d: f.opts.IdleTimeout}),
	}
	return nil
}

// drop closes the open stream, if any.
func (f *Follower) drop() {
	if f.conn == nil {
		return
	}
	f.conn.idle.Stop()
	f.conn.cancel()
	f.conn.body.Close()
	f.conn = nil
}

// decodeLive reads one server-sent event of the API.
func decodeLive(ev SSEEvent) (LiveEvent, error) {
	seq, err := strconv.ParseUint(ev.ID, 10, 64)
	if err != nil {
		return LiveEvent{}, fmt.Errorf("%w: an event's id %q is not a seq", ErrProtocol, ev.ID)
	}
	var e Entry
	if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
		return LiveEvent{}, fmt.Errorf("%w: event %d is not {\"event\",\"hash\"}: %v", ErrProtocol, seq, err)
	}
	return LiveEvent{Seq: seq, Type: ev.Type, Entry: e}, nil
}

// permanent reports whether reconnecting cannot help: the server refused
// the request itself. A timeout (408) or a limit (429) passes.
func permanent(err error) bool {
	var apiErr *Error
	return errors.As(err, &apiErr) && apiErr.Status >= 400 && apiErr.Status < 500 &&
		apiErr.Status != http.StatusRequestTimeout && apiErr.Status != http.StatusTooManyRequests
}

// idleReader restarts its timer on every read that returns data.
type idleReader struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
}

func (i *idleReader) Read(b []byte) (int, error) {
	n, err := i.r.Read(b)
	if n > 0 {
		i.timer.Reset(i.d)
	}
	return n, err
}
