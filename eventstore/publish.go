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

// publish sends m and waits for the stream's acknowledgement. It behaves as
// jetstream's PublishMsg does (a deadline when ctx has none; two retries
// 250 ms apart while no server answers, as during a leader election; the
// server's refusals as *jetstream.APIError), but reads the usual answer,
// {"stream":"ACCORD","seq":N}, without reflection: with one writer every
// append waits for its acknowledgement, so decoding it is on the critical
// path. Every other answer goes through encoding/json.
func (s *Store) publish(ctx context.Context, m *nats.Msg) (pubAck, error) {
	request := func() (*nats.Msg, error) { return s.nc.RequestMsgWithContext(ctx, m) }
	switch _, ok := ctx.Deadline(); {
	case ctx.Done() == nil:
		// A context that can never end (the runner's): wait on the
		// client's pooled timer instead of a context and timer per append.
		request = func() (*nats.Msg, error) { return s.nc.RequestMsg(m, publishTimeout) }
	case !ok:
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, publishTimeout)
		defer cancel()
	}
	resp, err := request()
	for retry := 0; errors.Is(err, nats.ErrNoResponders) && retry < jetstream.DefaultPubRetryAttempts; retry++ {
		select {
		case <-ctx.Done():
			return pubAck{}, ctx.Err()
		case <-time.After(jetstream.DefaultPubRetryWait):
		}
		resp, err = request()
	}
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		return pubAck{}, jetstream.ErrNoStreamResponse
	case err != nil:
		return pubAck{}, err
	}
	return parsePubAck(resp.Data)
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
