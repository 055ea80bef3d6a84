package eventstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"accord/domain"
)

// CosignatureBucket is the key-value bucket that holds the witness
// cosignatures of alliances' checkpoints, shared by every instance. Its key
// is "<alliance id>.<size>.<witness id>" and its value the cosignature line
// ("— <name> <base64>", without its newline). Unlike snapshots, its content
// is not in the log: back it up with the stream.
const CosignatureBucket = "accord_cosignatures"

// StoredCosignature is one witness's cosignature of the checkpoint of an
// alliance's tree of Size leaves.
type StoredCosignature struct {
	AllianceID string
	Size       uint64
	WitnessID  string
	Line       []byte
}

// Key returns the cosignature's key in CosignatureBucket.
func (c StoredCosignature) Key() string {
	return c.AllianceID + "." + strconv.FormatUint(c.Size, 10) + "." + c.WitnessID
}

// Cosignatures stores witness cosignatures in CosignatureBucket.
type Cosignatures struct {
	kv jetstream.KeyValue
}

// OpenCosignatures opens (or creates) the cosignature bucket with replicas
// copies, on file storage. It returns an Unavailable error when JetStream
// cannot be reached.
func (s *Store) OpenCosignatures(ctx context.Context, replicas int) (*Cosignatures, error) {
	kv, err := s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: CosignatureBucket, History: 1, Replicas: max(replicas, 1), Storage: jetstream.FileStorage,
	})
	if err != nil {
		return nil, classify("open "+CosignatureBucket, err)
	}
	return &Cosignatures{kv: kv}, nil
}

// Put stores a cosignature, replacing the one its witness made before of
// the same size. It returns an Invalid error for an id that cannot be part
// of a key, and an Unavailable one when the bucket cannot be written.
func (c *Cosignatures) Put(ctx context.Context, cs StoredCosignature) error {
	if err := checkAllianceID(cs.AllianceID); err != nil {
		return err
	}
	if cs.WitnessID == "" || strings.ContainsAny(cs.WitnessID, ".*> \t\r\n") {
		return domain.Errorf(domain.Invalid, "%q is not a valid witness id", cs.WitnessID)
	}
	if _, err := c.kv.Put(ctx, cs.Key(), cs.Line); err != nil {
		return classify("store the cosignature "+cs.Key(), err)
	}
	return nil
}

// Watch calls fn with every cosignature in the bucket, then with every one
// stored after, on one goroutine, until stop is called. Keys that do not
// parse are passed over. It returns once the bucket's content as of the
// call has been delivered; an Unavailable error when the watch cannot
// start, or ctx's error when ctx ends first.
func (c *Cosignatures) Watch(ctx context.Context, fn func(StoredCosignature)) (stop func(), err error) {
	wrap := func(err error) error { return classify("watch "+CosignatureBucket, err) }
	return watchBucket(ctx, c.kv, wrap, storedCosignature, fn)
}

// storedCosignature reads a watched entry; false for a deletion or a key
// that is not "<aid>.<size>.<witness id>".
func storedCosignature(entry jetstream.KeyValueEntry) (StoredCosignature, bool) {
	if entry.Operation() != jetstream.KeyValuePut {
		return StoredCosignature{}, false
	}
	parts := strings.Split(entry.Key(), ".")
	if len(parts) != 3 {
		return StoredCosignature{}, false
	}
	size, err := strconv.ParseUint(parts[1], 10, 64)
	if err != nil {
		return StoredCosignature{}, false
	}
	return StoredCosignature{AllianceID: parts[0], Size: size, WitnessID: parts[2], Line: entry.Value()}, true
}
