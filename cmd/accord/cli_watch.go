package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"accord/domain"
)

// The reconnection policy of watch: the wait doubles from minBackoff up to
// maxBackoff and starts again once an event arrives. A stream that is
// silent for idleTimeout (the server sends a heartbeat every 15s) is taken
// for dropped.
var (
	minBackoff  = 250 * time.Millisecond
	maxBackoff  = 15 * time.Second
	idleTimeout = 45 * time.Second
)

func watchCommands() []command {
	return []command{{
		path: "watch", summary: "follow an alliance's live events, one line each, resuming after a drop",
		about: "Without --from-seq it starts with the next event. After a dropped connection it reconnects\n" +
			"(waiting up to 15s between tries) and resumes just after the last event it printed, so none is\n" +
			"missed or repeated. --json prints each event as {\"event\":…,\"hash\":…} on its own line.",
		example: "accord watch\naccord watch --from-seq 1 --types VoteCast,VotingClosed\naccord watch --types VotingClosed --count 1   # wait for the next outcome",
		setup:   setupWatch,
	}}
}

// watcher follows one alliance's event stream across reconnections.
type watcher struct {
	c     *cli
	path  string
	query url.Values
	next  uint64 // the seq to ask for when no event has arrived yet
	last  string // the id of the last event printed
	count int    // stop after this many events (0: never)
	seen  int
	d     *describer
}

func setupWatch(fs *flag.FlagSet) action {
	from := fs.Uint64("from-seq", 0, "replay from this alliance `SEQ`, then follow")
	types := fs.String("types", "", "only these event `TYPES`, comma-separated, such as VoteCast,VotingClosed")
	proposal := fs.String("proposal", "", "only the events of this `PROPOSAL`")
	count := fs.Int("count", 0, "stop after `N` events")
	return func(c *cli, _ []string) error {
		w := &watcher{c: c, next: *from, count: *count, query: url.Values{}}
		if *types != "" {
			w.query.Set("types", *types)
		}
		if *proposal != "" {
			w.query.Set("proposal_id", *proposal)
		}
		if err := w.prepare(); err != nil {
			return err
		}
		err := w.run()
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}
}

// prepare reads the alliance for its names and, without --from-seq, its
// head: the stream then starts just after it, and a connection that drops
// before the first event still resumes without a gap.
func (w *watcher) prepare() error {
	state, err := w.c.alliancePath()
	if err != nil {
		return err
	}
	w.path = state + "/events"
	var a domain.Alliance
	if err := w.c.get(state, nil, &a); err != nil {
		return err
	}
	w.d = newDescriber(w.c.out, namesOf(a))
	if w.next == 0 {
		w.next = a.Seq + 1
	}
	if isTTY(w.c.stderr) {
		fmt.Fprintf(w.c.stderr, "Watching %s from seq %d (Ctrl-C to stop)\n", a.Name, w.next)
	}
	return nil
}

// errEnough ends a watch that has printed --count events.
var errEnough = errors.New("enough events")

// run follows the stream until --count events, an interrupt, or an error
// that reconnecting cannot mend.
func (w *watcher) run() error {
	backoff := minBackoff
	for {
		seen := w.seen
		err := w.stream()
		switch {
		case errors.Is(err, errEnough):
			return nil
		case w.c.ctx.Err() != nil:
			return w.c.ctx.Err()
		case permanent(err):
			return err
		}
		if w.seen > seen {
			backoff = minBackoff
		}
		fmt.Fprintf(w.c.stderr, "accord watch: connection lost (%v); resuming %s in %s\n", reason(err), w.resumeText(), backoff)
		if !sleep(w.c.ctx, backoff) {
			return w.c.ctx.Err()
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// permanent reports whether reconnecting cannot help: the server refused
// the request itself (a bad token, an unknown alliance).
func permanent(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Status >= 400 && apiErr.Status < 500 &&
		apiErr.Status != http.StatusRequestTimeout && apiErr.Status != http.StatusTooManyRequests
}

func reason(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return errors.New("the server ended the stream")
	}
	return err
}

func (w *watcher) resumeText() string {
	if w.last != "" {
		return "after #" + w.last
	}
	return "from seq " + uitoa(w.next)
}

// stream reads one connection until it ends. It returns errEnough after
// --count events, io.EOF when the server ended the stream, or the error.
func (w *watcher) stream() error {
	ctx, cancel := context.WithCancel(w.c.ctx)
	defer cancel()
	header := http.Header{"Accept": {"text/event-stream"}}
	query := url.Values{}
	for k, v := range w.query {
		query[k] = v
	}
	if w.last != "" {
		header.Set("Last-Event-ID", w.last)
	} else {
		query.Set("from_seq", uitoa(w.next))
	}
	resp, err := w.c.api.Open(ctx, w.path, query, header)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	idle := time.AfterFunc(idleTimeout, cancel)
	defer idle.Stop()
	r := newSSEReader(&idleReader{r: resp.Body, timer: idle})
	for {
		ev, err := r.next()
		if err != nil && ctx.Err() != nil && w.c.ctx.Err() == nil {
			return fmt.Errorf("no data for %s", idleTimeout)
		}
		if err != nil {
			return err
		}
		if err := w.print(ev); err != nil {
			return err
		}
	}
}

// print writes one event and remembers where the stream stands.
func (w *watcher) print(ev sseEvent) error {
	var e entry
	if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
		return fmt.Errorf("event %s is not {\"event\",\"hash\"}: %w", ev.ID, err)
	}
	if w.c.g.json {
		w.c.out.linef("%s", ev.Data)
	} else {
		w.c.out.linef("%s", w.d.line(e.Event))
	}
	w.last = ev.ID
	w.seen++
	if w.count > 0 && w.seen >= w.count {
		return errEnough
	}
	return nil
}

// idleReader restarts its timer on every read that returns data.
type idleReader struct {
	r     io.Reader
	timer *time.Timer
}

func (i *idleReader) Read(b []byte) (int, error) {
	n, err := i.r.Read(b)
	if n > 0 {
		i.timer.Reset(idleTimeout)
	}
	return n, err
}
