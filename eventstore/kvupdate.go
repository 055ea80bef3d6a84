package eventstore

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// kvUpdateTries bounds how often updateKey reads and writes a key again
// after another writer changed it in between; before each new try it
// waits a random while of up to a millisecond for each try made, so that
// writers in step fall out of it.
const kvUpdateTries = 12

// updateKey reads key, passes its value to change (nil when there is
// none), and writes what change returns in its place, unless
// change reports nothing changed. The write names the revision read, so a
// writer that changed the key in between makes it read and change again
// (up to kvUpdateTries times); nothing is lost to a race. what names the
// key in errors; an error from change is returned as it is.
func updateKey(ctx context.Context, kv jetstream.KeyValue, key, what string, change func(old []byte) ([]byte, bool, error)) error {
	for try := 1; ; try++ {
		entry, err := kv.Get(ctx, key)
		if err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
			return classify("read "+what, err)
		}
		var old []byte
		if err == nil {
			old = entry.Value()
		}
		value, changed, err := change(old)
		if err != nil || !changed {
			return err
		}
		if entry == nil {
			_, err = kv.Create(ctx, key, value)
		} else {
			_, err = kv.Update(ctx, key, value, entry.Revision())
		}
		if err == nil {
			return nil
		}
		raced := errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) || isWrongLastSequence(err)
		if !raced || try == kvUpdateTries {
			return classify("store "+what, err)
		}
		select {
		case <-time.After(rand.N(time.Duration(try) * time.Millisecond)):
		case <-ctx.Done():
			return classify("store "+what, ctx.Err())
		}
	}
}
