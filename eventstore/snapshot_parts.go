package eventstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// A snapshot value larger than snapshotPart is stored in parts: the parts
// first, each under "<key>.part.<id>.<i>", then under the key itself a
// manifest naming the value's SHA-256 and how many parts it has. The id is
// the first 16 hex digits of that hash, so that two instances rewriting
// one snapshot at once never write each other's parts; Get checks the
// whole value against the manifest's hash, and treats a mismatch as no
// snapshot. Once a new manifest, or a value stored whole, is in place, the
// parts of the manifest it replaced are deleted (for a value stored whole,
// when this instance had seen that manifest).

// snapshotPart is the largest value stored whole, and the size of each
// part of a larger one: well under NATS's default 1 MiB payload limit,
// with room for the message's headers.
const snapshotPart = 768 << 10

// manifestPrefix begins a manifest. No value stored whole begins like it:
// snapshots are JSON objects, directory shards begin with their format's
// version byte, and a tree chunk would have to begin with these 24 bytes
// of SHA-256 output.
const manifestPrefix = "accord-snapshot-parts/1 "

// manifest is what a manifest says: the value's SHA-256 and the number of
// its parts.
type manifest struct {
	sum   [sha256.Size]byte
	parts int
}

func (m manifest) id() string { return hex.EncodeToString(m.sum[:8]) }

func (m manifest) encode() []byte {
	return fmt.Appendf(nil, "%s%s %d", manifestPrefix, hex.EncodeToString(m.sum[:]), m.parts)
}

// parseManifest reads a manifest, reporting false for any other value.
func parseManifest(value []byte) (manifest, bool) {
	rest, ok := bytes.CutPrefix(value, []byte(manifestPrefix))
	if !ok || len(value) > 128 {
		return manifest{}, false
	}
	sum, count, ok := strings.Cut(string(rest), " ")
	raw, err := hex.DecodeString(sum)
	n, nerr := strconv.Atoi(count)
	if !ok || err != nil || len(raw) != sha256.Size || nerr != nil || n < 2 {
		return manifest{}, false
	}
	var m manifest
	copy(m.sum[:], raw)
	m.parts = n
	return m, true
}

func partKey(key string, m manifest, i int) string {
	return key + ".part." + m.id() + "." + strconv.Itoa(i)
}

// putParts stores value in parts, then its manifest under key, then
// deletes the parts of the manifest it replaced, if any.
func (s *Snapshots) putParts(ctx context.Context, key string, value []byte) error {
	m := manifest{sum: sha256.Sum256(value), parts: (len(value) + snapshotPart - 1) / snapshotPart}
	var old manifest
	var hadOld bool
	if entry, err := s.kv.Get(ctx, key); err == nil {
		old, hadOld = parseManifest(entry.Value())
	}
	for i := 0; i < m.parts; i++ {
		part := value[i*snapshotPart : min((i+1)*snapshotPart, len(value))]
		if _, err := s.kv.Put(ctx, partKey(key, m, i), part); err != nil {
			return classify(fmt.Sprintf("put snapshot %s (part %d of %d)", key, i+1, m.parts), err)
		}
	}
	if _, err := s.kv.Put(ctx, key, m.encode()); err != nil {
		return classify(fmt.Sprintf("put snapshot %s", key), err)
	}
	s.parted.Store(key, m)
	if hadOld && old.id() != m.id() {
		s.deleteParts(ctx, key, old)
	}
	return nil
}

// deleteParts deletes the parts m names, of a manifest no longer in force
// under key. Left behind on failure, they are only unused space.
func (s *Snapshots) deleteParts(ctx context.Context, key string, m manifest) {
	for i := 0; i < m.parts; i++ {
		_ = s.Delete(ctx, partKey(key, m, i))
	}
}

// getParts reads the parts m names and returns the value they make, or nil
// when one is missing or they do not add up to m's hash.
func (s *Snapshots) getParts(ctx context.Context, key string, m manifest) ([]byte, error) {
	var value []byte
	for i := 0; i < m.parts; i++ {
		entry, err := s.kv.Get(ctx, partKey(key, m, i))
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, classify(fmt.Sprintf("get snapshot %s (part %d of %d)", key, i+1, m.parts), err)
		}
		value = append(value, entry.Value()...)
	}
	if sha256.Sum256(value) != m.sum {
		return nil, nil
	}
	return value, nil
}
