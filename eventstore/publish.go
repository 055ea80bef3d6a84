package eventstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// pubAck is the stream's acknowledgement of one stored message.
type pubAck struct {
	Stream    string              `json:"stream"`
	Sequence  uint64              `json:"seq"`
	Duplicate bool                `json:"duplicate"`
	Error     *jetstream.APIError `json:"error"`
}

// publishTimeout bounds a publish whose context has no deadline.
const publishTimeout = appendTimeout

// publishTry bounds one try of a publish. An acknowledgement usually comes
// within milliseconds, but one lost with a node that went away never comes:
// the message is then sent again, and its message id (the command id) makes
// JetStream store it once.
const publishTry = 2 * time.Second

// publish sends m and waits for the stream's acknowledgement. It behaves as
// jetstream's PublishMsg does (a deadline when ctx has none; two retries
// 250 ms apart while no server answers, as during a leader election; the
// server's refusals as *jetstream.APIError), but reads the usual answer,
// {"stream":"ACCORD","seq":N}, without reflection: with one writer every
// append waits for its acknowledgement, so decoding it is on the critical
// path. Every other answer goes through encoding/json. A try that gets no
// answer within publishTry is sent again until the deadline.
func (s *Store) publish(ctx context.Context, m *nats.Msg) (pubAck, error) {
	if _, ok := ctx.Deadline(); !ok && ctx.Done() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, publishTimeout)
		defer cancel()
	}
	end := time.Now().Add(publishTimeout)
	if d, ok := ctx.Deadline(); ok {
		end = d
	}
	resp, err := s.request(ctx, m, end)
	for retry := 0; errors.Is(err, nats.ErrNoResponders) && retry < jetstream.DefaultPubRetryAttempts; retry++ {
		select {
		case <-ctx.Done():
			return pubAck{}, ctx.Err()
		case <-time.After(jetstream.DefaultPubRetryWait):
		}
		resp, err = s.request(ctx, m, end)
	}
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		return pubAck{}, jetstream.ErrNoStreamResponse
	case err != nil:
		return pubAck{}, err
	}
	return parsePubAck(resp.Data)
}

// request sends m and returns the answer, sending it again when a try
// (publishTry at most) gets none, until end or until ctx ends.
func (s *Store) request(ctx context.Context, m *nats.Msg, end time.Time) (*nats.Msg, error) {
	for {
		try := min(publishTry, time.Until(end))
		var resp *nats.Msg
		var err error
		if ctx.Done() == nil {
			// A context that can never end (the runner's): wait on the
			// client's pooled timer instead of a context and timer per
			// append.
			resp, err = s.nc.RequestMsg(m, try)
		} else {
			tryCtx, cancel := context.WithTimeout(ctx, try)
			resp, err = s.nc.RequestMsgWithContext(tryCtx, m)
			cancel()
		}
		unanswered := errors.Is(err, nats.ErrTimeout) || errors.Is(err, context.DeadlineExceeded)
		if !unanswered || ctx.Err() != nil || time.Until(end) <= 0 {
			return resp, err
		}
	}
}

// ackPrefix is how the ACCORD stream begins an acknowledgement when it runs
// without a JetStream domain.
var ackPrefix = []byte(`{"stream":"` + StreamName + `","seq":`)

// parsePubAck reads an acknowledgement: the usual shape directly, anything
// else (duplicates, domains, refusals) with encoding/json.
func parsePubAck(data []byte) (pubAck, error) {
	if rest, ok := bytes.CutPrefix(data, ackPrefix); ok && len(rest) > 1 && rest[len(rest)-1] == '}' {
		if seq, err := strconv.ParseUint(string(rest[:len(rest)-1]), 10, 64); err == nil && seq > 0 {
			return pubAck{Stream: StreamName, Sequence: seq}, nil
		}
	}
	var ack pubAck
	if err := json.Unmarshal(data, &ack); err != nil {
		return pubAck{}, jetstream.ErrInvalidJSAck
	}
	if ack.Error != nil {
		return pubAck{}, fmt.Errorf("nats: %w", ack.Error)
	}
	if ack.Stream == "" {
		return pubAck{}, jetstream.ErrInvalidJSAck
	}
	return ack, nil
}
