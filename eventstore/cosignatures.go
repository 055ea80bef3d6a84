package eventstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"accord/domain"
)

// CosignatureBucket is the key-value bucket that holds the witness
// cosignatures of alliances' checkpoints, shared by every instance. Its key
// is "<alliance id>.<size>.<witness id>" and its value the cosignature line
// ("— <name> <base64>", without its newline). Beside them, under
// "latest.<alliance id>", each witness's cosignature of the largest size it
// cosigned, a line "<witness id> <size> <cosignature line>" each: what is
// served most, read without going through the alliance's history of
// cosignatures.
// Unlike snapshots, its content is not in the log: back it up with the
// stream.
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
	return c.putLatest(ctx, cs)
}

func latestKey(aid string) string { return "latest." + aid }

// putLatest makes cs its witness's entry in the alliance's latest
// cosignatures unless that witness cosigned a larger size already.
func (c *Cosignatures) putLatest(ctx context.Context, cs StoredCosignature) error {
	return c.mergeLatest(ctx, cs.AllianceID, map[string]StoredCosignature{cs.WitnessID: cs})
}

// mergeLatest merges into the alliance's latest cosignatures each of
// those given (by witness id) that is of a larger size than the one its
// witness has there, or the first it has. Two instances storing at once
// are told apart by the entry's revision.
func (c *Cosignatures) mergeLatest(ctx context.Context, aid string, given map[string]StoredCosignature) error {
	key := latestKey(aid)
	return updateKey(ctx, c.kv, key, "the latest cosignatures "+key, func(old []byte) ([]byte, bool, error) {
		latest := parseLatest(aid, old)
		changed := false
		for id, cs := range given {
			if prev, ok := latest[id]; !ok || cs.Size >= prev.Size {
				latest[id], changed = cs, true
			}
		}
		return encodeLatest(latest), changed, nil
	})
}

// encodeLatest writes an alliance's latest cosignatures, a line each:
// "<witness id> <size> <cosignature line>", ordered by witness id.
func encodeLatest(latest map[string]StoredCosignature) []byte {
	ids := make([]string, 0, len(latest))
	for id := range latest {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []byte
	for _, id := range ids {
		out = fmt.Appendf(out, "%s %d %s\n", id, latest[id].Size, latest[id].Line)
	}
	return out
}

// parseLatest reads an alliance's latest cosignatures, by witness id,
// passing over lines that do not parse.
func parseLatest(aid string, value []byte) map[string]StoredCosignature {
	out := map[string]StoredCosignature{}
	for _, line := range bytes.Split(value, []byte("\n")) {
		id, rest, ok1 := bytes.Cut(line, []byte(" "))
		sizeText, cosig, ok2 := bytes.Cut(rest, []byte(" "))
		size, err := strconv.ParseUint(string(sizeText), 10, 64)
		if ok1 && ok2 && err == nil {
			out[string(id)] = StoredCosignature{AllianceID: aid, Size: size, WitnessID: string(id), Line: bytes.Clone(cosig)}
		}
	}
	return out
}

// Latest returns each witness's cosignature of the largest size it
// cosigned of the alliance, in no set order; none when no witness
// cosigned any. It is one read, whatever the alliance's history.
func (c *Cosignatures) Latest(ctx context.Context, aid string) ([]StoredCosignature, error) {
	if err := checkAllianceID(aid); err != nil {
		return nil, err
	}
	entry, err := c.kv.Get(ctx, latestKey(aid))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, classify("read the latest cosignatures of "+aid, err)
	}
	var out []StoredCosignature
	for _, cs := range parseLatest(aid, entry.Value()) {
		out = append(out, cs)
	}
	return out, nil
}

// indexedKey marks a bucket whose "latest." entries cover every
// cosignature it holds.
const indexedKey = "latest-indexed"

// IndexLatest writes the "latest." entries of a bucket written before they
// existed, reading it whole, once: a bucket that has them is marked, and
// is not read again.
func (c *Cosignatures) IndexLatest(ctx context.Context) error {
	if _, err := c.kv.Get(ctx, indexedKey); err == nil {
		return nil
	} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
		return classify("read "+CosignatureBucket, err)
	}
	// Each witness's largest, by alliance: a few entries an alliance,
	// however many cosignatures the bucket holds.
	largest := map[string]map[string]StoredCosignature{}
	if err := c.scan(ctx, "*.*.*", func(entry jetstream.KeyValueEntry) {
		cs, ok := storedCosignature(entry)
		if !ok {
			return
		}
		if largest[cs.AllianceID] == nil {
			largest[cs.AllianceID] = map[string]StoredCosignature{}
		}
		if old, ok := largest[cs.AllianceID][cs.WitnessID]; !ok || cs.Size > old.Size {
			largest[cs.AllianceID][cs.WitnessID] = cs
		}
	}); err != nil {
		return err
	}
	for aid, byWitness := range largest {
		if err := c.mergeLatest(ctx, aid, byWitness); err != nil {
			return err
		}
	}
	if _, err := c.kv.Put(ctx, indexedKey, []byte("1")); err != nil {
		return classify("mark "+CosignatureBucket+" indexed", err)
	}
	return nil
}

// OfSize returns the cosignatures of the alliance's checkpoint of size, in
// no set order.
func (c *Cosignatures) OfSize(ctx context.Context, aid string, size uint64) ([]StoredCosignature, error) {
	if err := checkAllianceID(aid); err != nil {
		return nil, err
	}
	var out []StoredCosignature
	err := c.scan(ctx, aid+"."+strconv.FormatUint(size, 10)+".*", func(entry jetstream.KeyValueEntry) {
		if cs, ok := storedCosignature(entry); ok {
			out = append(out, cs)
		}
	})
	return out, err
}

// All returns every cosignature of the alliance, in no set order: its
// whole history, for the rare reader that needs an older size than each
// witness's latest without knowing which.
func (c *Cosignatures) All(ctx context.Context, aid string) ([]StoredCosignature, error) {
	if err := checkAllianceID(aid); err != nil {
		return nil, err
	}
	var out []StoredCosignature
	err := c.scan(ctx, aid+".*.*", func(entry jetstream.KeyValueEntry) {
		if cs, ok := storedCosignature(entry); ok {
			out = append(out, cs)
		}
	})
	return out, err
}

// scan calls fn with every entry whose key matches pattern, and returns
// once all were seen.
func (c *Cosignatures) scan(ctx context.Context, pattern string, fn func(jetstream.KeyValueEntry)) error {
	return scanBucket(ctx, c.kv, pattern, "read "+CosignatureBucket+" "+pattern, func(entry jetstream.KeyValueEntry) error {
		fn(entry)
		return nil
	})
}

// WatchNew calls fn with every cosignature stored from now on, on one
// goroutine, until stop is called: not the bucket's content, which grows
// with every checkpoint witnesses cosign (Latest, OfSize and All read it).
// It returns an Unavailable error when the watch cannot start.
func (c *Cosignatures) WatchNew(ctx context.Context, fn func(StoredCosignature)) (stop func(), err error) {
	w, err := c.kv.WatchAll(context.Background(), jetstream.UpdatesOnly())
	if err != nil {
		return nil, classify("watch "+CosignatureBucket, err)
	}
	go func() {
		for entry := range w.Updates() {
			if entry == nil {
				continue
			}
			if cs, ok := storedCosignature(entry); ok {
				fn(cs)
			}
		}
	}()
	return func() { _ = w.Stop() }, nil
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
