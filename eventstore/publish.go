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
const publishTimeout = 10 * time.Second

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
// (publishTry at most) gets none, until end or until ctx ends. An answer to
// a message sent again that the first copy is still in process (a stream
// that cannot reach a majority) is no answer either: the sending goes on,
// a moment later, so that it ends as the first try would have, stored or
// unanswered, rather than as a conflict.
func (s *Store) request(ctx context.Context, m *nats.Msg, end time.Time) (*nats.Msg, error) {
	for again := false; ; again = true {
		resp, err := s.requestOnce(ctx, m, min(publishTry, time.Until(end)))
		unanswered := errors.Is(err, nats.ErrTimeout) || errors.Is(err, context.DeadlineExceeded)
		if again && err == nil && inProcess(resp) {
			unanswered, resp, err = true, nil, nats.ErrTimeout
			if !sleep(ctx, min(inProcessPause, time.Until(end))) {
				return nil, ctx.Err()
			}
		}
		if !unanswered || ctx.Err() != nil || time.Until(end) <= 0 {
			return resp, err
		}
	}
}

// inProcessPause is how long publish waits before sending again a message
// whose first copy is still in process.
const inProcessPause = 100 * time.Millisecond

// requestOnce sends m and waits up to try for the answer.
func (s *Store) requestOnce(ctx context.Context, m *nats.Msg, try time.Duration) (*nats.Msg, error) {
	return s.acks.request(ctx, m, try)
}

// inProcess reports whether resp says that a message with the same id is
// still being stored.
func inProcess(resp *nats.Msg) bool {
	_, err := parsePubAck(resp.Data)
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == errCodeDuplicateInProcess
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
