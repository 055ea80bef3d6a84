package eventstore

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// replies routes the stream's acknowledgements to the appends waiting for
// them: one subscription on an inbox of the store's own, and a channel per
// append in a map behind a lock of its own. nats.Conn.RequestMsg does the
// same under the connection's lock, which every publish and every message
// read also take: with 64 appends to as many alliances in flight, waiting
// here instead carried about a third more of them a second.
type replies struct {
	nc     *nats.Conn
	prefix string // the inbox and a dot; a reply's subject is prefix + its token

	once sync.Once
	err  error // why the subscription failed, once tried

	mu      sync.Mutex
	next    uint64
	waiting map[uint64]chan *nats.Msg
}

func newReplies(nc *nats.Conn) *replies {
	return &replies{nc: nc, prefix: nc.NewInbox() + ".", waiting: map[uint64]chan *nats.Msg{}}
}

// start subscribes to the inbox, once.
func (r *replies) start() error {
	r.once.Do(func() {
		_, r.err = r.nc.Subscribe(r.prefix+"*", r.deliver)
	})
	return r.err
}

// deliver hands a reply to the append waiting for it; one that gave up
// waiting is no longer in the map, and its reply is dropped.
func (r *replies) deliver(m *nats.Msg) {
	token, err := strconv.ParseUint(strings.TrimPrefix(m.Subject, r.prefix), 10, 64)
	if err != nil {
		return
	}
	r.mu.Lock()
	ch, ok := r.waiting[token]
	delete(r.waiting, token)
	r.mu.Unlock()
	if ok {
		ch <- m // buffered for one, and each token is delivered once
	}
}

// request publishes m with a reply subject of its own and waits up to try,
// or until ctx ends, for the answer. It fails as nats.Conn.RequestMsg
// does: nats.ErrNoResponders when no stream listens on m's subject,
// nats.ErrTimeout when no answer came in time, and ctx's error.
func (r *replies) request(ctx context.Context, m *nats.Msg, try time.Duration) (*nats.Msg, error) {
	if err := r.start(); err != nil {
		return nil, err
	}
	ch := replyChans.Get().(chan *nats.Msg)
	r.mu.Lock()
	r.next++
	token := r.next
	r.waiting[token] = ch
	r.mu.Unlock()
	out := *m
	out.Reply = r.prefix + strconv.FormatUint(token, 10)
	if err := r.nc.PublishMsg(&out); err != nil {
		r.giveUp(token, ch)
		return nil, err
	}
	timer := timers.Get().(*time.Timer)
	timer.Reset(try)
	defer func() {
		timer.Stop()
		timers.Put(timer)
	}()
	select {
	case resp := <-ch:
		replyChans.Put(ch)
		if len(resp.Data) == 0 && resp.Header.Get("Status") == "503" {
			return nil, nats.ErrNoResponders
		}
		return resp, nil
	case <-timer.C:
		r.giveUp(token, ch)
		return nil, nats.ErrTimeout
	case <-ctx.Done():
		r.giveUp(token, ch)
		return nil, ctx.Err()
	}
}

// giveUp stops waiting for token's reply. When deliver took its channel
// already, the reply it is handing over is received here, so that the
// channel goes back to the pool empty.
func (r *replies) giveUp(token uint64, ch chan *nats.Msg) {
	r.mu.Lock()
	_, waiting := r.waiting[token]
	delete(r.waiting, token)
	r.mu.Unlock()
	if !waiting {
		<-ch
	}
	replyChans.Put(ch)
}

// replyChans and timers keep the channels and timers of finished requests
// for the next ones: an append would otherwise allocate both.
var (
	replyChans = sync.Pool{New: func() any { return make(chan *nats.Msg, 1) }}
	timers     = sync.Pool{New: func() any {
		t := time.NewTimer(time.Hour)
		t.Stop()
		return t
	}}
)
