package eventstore

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"accord/domain"
)

// CosignatureBucket is the key-value bucket that holds the witness
// cosignatures of alliances' checkpoints, shared by every instance. Its key
// is "<alliance id>.<size>.<witness id>" and its value the cosignature line
// ("— <name> <base64>", without its newline). Beside them, under
// "latest.<alliance id>.<witness id>", each witness's cosignature of the
// largest size it cosigned, as "<size> <line>": what is served most, read
// without going through the alliance's whole history of cosignatures.
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

func latestKey(aid, witnessID string) string { return "latest." + aid + "." + witnessID }

// putLatest makes cs its witness's latest cosignature of the alliance
// unless one of a larger size is there already. Two instances storing at
// once are told apart by the entry's revision.
func (c *Cosignatures) putLatest(ctx context.Context, cs StoredCosignature) error {
	key := latestKey(cs.AllianceID, cs.WitnessID)
	value := append(strconv.AppendUint(nil, cs.Size, 10), ' ')
	value = append(value, cs.Line...)
	for try := 0; ; try++ {
		entry, err := c.kv.Get(ctx, key)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
			_, err = c.kv.Create(ctx, key, value)
		case err == nil:
			if old, ok := parseLatest(cs.AllianceID, cs.WitnessID, entry.Value()); ok && old.Size > cs.Size {
				return nil
			}
			_, err = c.kv.Update(ctx, key, value, entry.Revision())
		}
		if err == nil {
			return nil
		}
		if try == 4 || !(errors.Is(err, jetstream.ErrKeyExists) || isWrongLastSequence(err)) {
			return classify("store the latest cosignature "+key, err)
		}
	}
}

// parseLatest reads a "latest." entry's value.
func parseLatest(aid, witnessID string, value []byte) (StoredCosignature, bool) {
	sizeText, line, ok := bytes.Cut(value, []byte(" "))
	size, err := strconv.ParseUint(string(sizeText), 10, 64)
	if !ok || err != nil {
		return StoredCosignature{}, false
	}
	return StoredCosignature{AllianceID: aid, Size: size, WitnessID: witnessID, Line: line}, true
}

// Latest returns each witness's cosignature of the largest size it
// cosigned of the alliance, in no set order; none when no witness
// cosigned any. A bucket written before the "latest." entries existed is
// read whole for the alliance instead.
func (c *Cosignatures) Latest(ctx context.Context, aid string) ([]StoredCosignature, error) {
	if err := checkAllianceID(aid); err != nil {
		return nil, err
	}
	var out []StoredCosignature
	err := c.scan(ctx, "latest."+aid+".*", func(entry jetstream.KeyValueEntry) {
		witnessID := strings.TrimPrefix(entry.Key(), "latest."+aid+".")
		if cs, ok := parseLatest(aid, witnessID, entry.Value()); ok {
			out = append(out, cs)
		}
	})
	if err != nil || len(out) > 0 {
		return out, err
	}
	byWitness := map[string]StoredCosignature{}
	err = c.scan(ctx, aid+".*.*", func(entry jetstream.KeyValueEntry) {
		if cs, ok := storedCosignature(entry); ok && cs.Size >= byWitness[cs.WitnessID].Size {
			byWitness[cs.WitnessID] = cs
		}
	})
	for _, cs := range byWitness {
		out = append(out, cs)
	}
	return out, err
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
	w, err := c.kv.Watch(ctx, pattern, jetstream.IgnoreDeletes())
	if err != nil {
		return classify("read "+CosignatureBucket+" "+pattern, err)
	}
	defer w.Stop()
	for {
		select {
		case entry, ok := <-w.Updates():
			if !ok {
				return classify("read "+CosignatureBucket+" "+pattern, errors.New("the watch ended early"))
			}
			if entry == nil {
				return nil
			}
			fn(entry)
		case <-ctx.Done():
			return classify("read "+CosignatureBucket+" "+pattern, ctx.Err())
		}
	}
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
