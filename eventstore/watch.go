package eventstore

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"
)

// watchBucket calls fn with every entry of kv that read accepts, then with
// every change to one, in order, on one goroutine, until stop is called. It
// returns once the bucket's content as of the call has been delivered; the
// watch's error (wrapped by wrap) when it cannot start, or ctx's error when
// ctx ends first.
func watchBucket[T any](ctx context.Context, kv jetstream.KeyValue, wrap func(error) error, read func(jetstream.KeyValueEntry) (T, bool), fn func(T)) (stop func(), err error) {
	// The watch outlives ctx, which only bounds the wait for the first pass.
	w, err := kv.WatchAll(context.Background())
	if err != nil {
		return nil, wrap(err)
	}
	ready := make(chan struct{})
	go func() {
		for entry := range w.Updates() {
			if entry == nil {
				close(ready)
				continue
			}
			if v, ok := read(entry); ok {
				fn(v)
			}
		}
	}()
	select {
	case <-ready:
		return func() { _ = w.Stop() }, nil
	case <-ctx.Done():
		_ = w.Stop()
		return nil, ctx.Err()
	}
}
