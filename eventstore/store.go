package eventstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Store is accord's event log on the ACCORD stream. It is safe for concurrent
// use. It does not own the NATS connection: close that when done.
type Store struct {
	nc     *nats.Conn
	js     jetstream.JetStream
	stream jetstream.Stream
	acks   *replies // where appends wait for their acknowledgements
}

// Open returns a Store on nc, creating the ACCORD stream if it does not exist.
// It returns the first invalid option's error; an error wrapping
// ErrUnsafeStream when the stream exists with settings that could lose
// events (deletes, purges, rollups, TTLs, age, size or per-subject limits);
// and one of kind domain.Unavailable when JetStream cannot be reached.
func Open(ctx context.Context, nc *nats.Conn, opts ...Option) (*Store, error) {
	if nc == nil {
		return nil, errors.New("eventstore: no NATS connection")
	}
	o := defaultOptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("eventstore: %w", err)
	}
	stream, err := ensureStream(ctx, js, o)
	if err != nil {
		return nil, err
	}
	return &Store{nc: nc, js: js, stream: stream, acks: newReplies(nc)}, nil
}
