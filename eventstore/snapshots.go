package eventstore

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"accord/domain"

	"github.com/nats-io/nats.go/jetstream"
)

// SnapshotBucket is the key-value bucket where read models keep snapshots.
// Snapshots are a cache: the log stays the only source of truth, and any
// snapshot can be deleted without losing anything.
const SnapshotBucket = "accord_snapshots"

// Snapshots stores read-model snapshots by key in a JetStream key-value
// bucket shared by every instance.
type Snapshots struct {
	kv jetstream.KeyValue
	// parted holds the manifest of each key this instance saw stored in
	// parts, so that a value stored whole in its place deletes them.
	parted sync.Map
}

// OpenSnapshots opens (or creates) the snapshot bucket with the store's
// replicas. It returns an Unavailable error when JetStream cannot be reached.
func (s *Store) OpenSnapshots(ctx context.Context, replicas int) (*Snapshots, error) {
	kv, err := s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: SnapshotBucket, History: 1, Replicas: max(replicas, 1), Storage: jetstream.FileStorage,
	})
	if err != nil {
		return nil, classify("open "+SnapshotBucket, err)
	}
	return &Snapshots{kv: kv}, nil
}

// Put stores value under key, replacing what was there. A value larger
// than snapshotPart is stored in parts (see putParts), so that an
// alliance's snapshot is kept however long its history, past the 1 MiB a
// NATS message may carry. It returns an Unavailable error when the bucket
// cannot be written.
func (s *Snapshots) Put(ctx context.Context, key string, value []byte) error {
	if len(value) > snapshotPart {
		return s.putParts(ctx, key, value)
	}
	if _, err := s.kv.Put(ctx, key, value); err != nil {
		return classify(fmt.Sprintf("put snapshot %s", key), err)
	}
	if old, ok := s.parted.LoadAndDelete(key); ok {
		s.deleteParts(ctx, key, old.(manifest))
	}
	return nil
}

// Get returns the value under key, or nil and no error when there is none,
// or when its parts are missing or do not add up to what its manifest
// names (another instance was rewriting them): a snapshot is a cache, and
// the caller then rebuilds from the log. It returns an Unavailable error
// when the bucket cannot be read.
func (s *Snapshots) Get(ctx context.Context, key string) ([]byte, error) {
	entry, err := s.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, classify(fmt.Sprintf("get snapshot %s", key), err)
	}
	if m, ok := parseManifest(entry.Value()); ok {
		s.parted.Store(key, m)
		return s.getParts(ctx, key, m)
	}
	return entry.Value(), nil
}

// Update stores under key what change makes of the value there (nil when
// there is none), unless change reports that nothing changed. Another
// writer changing the key in between makes Update read and call change
// again, so two instances merging into one key lose neither's change.
// The value change returns must fit in one part: Update is for small
// values merged from several writers, such as directory shards. It returns an Unavailable error when the bucket cannot be read
// or written, an Internal one for a value too large, and change's error.
func (s *Snapshots) Update(ctx context.Context, key string, change func(old []byte) (value []byte, changed bool, err error)) error {
	wrote := false
	err := updateKey(ctx, s.kv, key, "snapshot "+key, func(old []byte) ([]byte, bool, error) {
		if m, ok := parseManifest(old); ok {
			s.parted.Store(key, m)
			var err error
			if old, err = s.getParts(ctx, key, m); err != nil {
				return nil, false, err
			}
		}
		value, changed, err := change(old)
		if err == nil && changed && len(value) > snapshotPart {
			err = domain.Errorf(domain.Internal, "snapshot %s: %d bytes is more than one part", key, len(value))
		}
		wrote = err == nil && changed
		return value, changed, err
	})
	if err == nil && wrote {
		if old, ok := s.parted.LoadAndDelete(key); ok {
			s.deleteParts(ctx, key, old.(manifest))
		}
	}
	return err
}

// Delete removes key; a missing key is not an error.
func (s *Snapshots) Delete(ctx context.Context, key string) error {
	if err := s.kv.Delete(ctx, key); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return classify(fmt.Sprintf("delete snapshot %s", key), err)
	}
	return nil
}

// MessageAt returns the records of the message at stream seq, for checking a
// snapshot's head against the log. It returns an Unavailable error when the
// message cannot be read and a *MalformedError when it does not decode.
func (s *Store) MessageAt(ctx context.Context, streamSeq uint64) ([]Record, error) {
	msg, err := s.msgAt(ctx, streamSeq)
	if err != nil {
		return nil, classify(fmt.Sprintf("read stream seq %d", streamSeq), err)
	}
	return decodeMessage(msg.Subject, msg.Sequence, msg.Data)
}

// LastStreamSeq returns the stream seq of the log's last message, e.g. to
// tell how far behind a read model is. It returns an Unavailable error when
// JetStream cannot be reached.
func (s *Store) LastStreamSeq(ctx context.Context) (uint64, error) {
	return s.end(ctx, "")
}

// Scan calls fn with every key matching pattern (a NATS subject pattern of
// key tokens, such as "dir.*") and its value, in no set order, and returns
// when all were seen. A value stored in parts is passed whole; one whose
// parts do not add up is left out, as Get leaves it. It returns an Unavailable error when the bucket
// cannot be read.
func (s *Snapshots) Scan(ctx context.Context, pattern string, fn func(key string, value []byte)) error {
	return scanBucket(ctx, s.kv, pattern, "scan snapshots "+pattern, func(entry jetstream.KeyValueEntry) error {
		value := entry.Value()
		if m, ok := parseManifest(value); ok {
			s.parted.Store(entry.Key(), m)
			var err error
			if value, err = s.getParts(ctx, entry.Key(), m); err != nil || value == nil {
				return err // nil: being rewritten, as if absent
			}
		}
		fn(entry.Key(), value)
		return nil
	})
}

// scanBucket calls fn with every entry of kv whose key matches pattern,
// and returns once all were seen, or fn's first error; what names the scan
// in its other errors.
func scanBucket(ctx context.Context, kv jetstream.KeyValue, pattern, what string, fn func(jetstream.KeyValueEntry) error) error {
	w, err := kv.Watch(ctx, pattern, jetstream.IgnoreDeletes())
	if err != nil {
		return classify(what, err)
	}
	defer w.Stop()
	for {
		select {
		case entry, ok := <-w.Updates():
			if !ok {
				return classify(what, errors.New("the watch ended early"))
			}
			if entry == nil { // every value there was has been delivered
				return nil
			}
			if err := fn(entry); err != nil {
				return err
			}
		case <-ctx.Done():
			return classify(what, ctx.Err())
		}
	}
}
