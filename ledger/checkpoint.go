package ledger

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"sync"

	"accord/domain"
	"accord/projections"
	"accord/transparency"
)

// maxSignedCache bounds how many signed checkpoints are kept: signing one
// costs about 45 µs, and the head moves with every append, so checkpoints
// are signed when asked for and kept by (alliance, size).
const maxSignedCache = 4096

// signedCache keeps the log's signed checkpoint notes by alliance and size.
// The root of a size never changes, so neither does its note.
type signedCache struct {
	mu    sync.Mutex
	notes map[signedKey][]byte
}

type signedKey struct {
	aid  string
	size uint64
}

// get returns the cached note of (aid, size), or sign's, which it keeps.
// When full, the cache starts afresh: what is asked for again is signed
// again.
func (c *signedCache) get(aid string, size uint64, sign func() ([]byte, error)) ([]byte, error) {
	k := signedKey{aid, size}
	c.mu.Lock()
	note, ok := c.notes[k]
	c.mu.Unlock()
	if ok {
		return note, nil
	}
	note, err := sign()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.notes == nil || len(c.notes) >= maxSignedCache {
		c.notes = make(map[signedKey][]byte)
	}
	c.notes[k] = note
	c.mu.Unlock()
	return note, nil
}

// LogKey returns the alliance's verifier key for checkpoints,
// "accord/<aid>+<key id>+<base64 key>". It returns a Forbidden error for a
// caller who may not read the alliance, NotFound for an unknown alliance,
// and Unavailable when this ledger has no log key.
func (l *Ledger) LogKey(caller Identity, aid string) (string, error) {
	if _, err := l.Head(caller, aid); err != nil {
		return "", err
	}
	vkey, err := l.logKey.VerifierKey(aid)
	if err != nil {
		return "", domain.Errorf(domain.Unavailable, "this ledger has no log key to sign checkpoints with")
	}
	return vkey, nil
}

// Checkpoint returns the signed checkpoint (a C2SP signed note) of the
// alliance's first size events, size 0 meaning all of them, with every
// witness cosignature stored for that size. It returns a Forbidden error
// for a caller who may not read the alliance, NotFound for an unknown
// alliance or a size beyond its head, and Unavailable when it keeps no tree
// or has no log key.
func (l *Ledger) Checkpoint(caller Identity, aid string, size uint64) ([]byte, error) {
	if err := Readable(caller, aid); err != nil {
		return nil, err
	}
	tree, size, err := l.treeOf(aid, size)
	if err != nil {
		return nil, err
	}
	return l.cosignedNote(aid, tree, size)
}

// CosignedCheckpoint returns the checkpoint of the largest size that has a
// witness cosignature, with its cosignatures, and that size. It fails as
// Checkpoint does, and returns NotFound when no checkpoint of the alliance
// was cosigned.
func (l *Ledger) CosignedCheckpoint(caller Identity, aid string) ([]byte, uint64, error) {
	if err := Readable(caller, aid); err != nil {
		return nil, 0, err
	}
	tree, head, err := l.treeOf(aid, 0)
	if err != nil {
		return nil, 0, err
	}
	size, ok, err := l.cosigs.largest(aid, head)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, domain.Errorf(domain.NotFound, "no checkpoint of alliance %s has a witness cosignature yet", aid)
	}
	note, err := l.cosignedNote(aid, tree, size)
	return note, size, err
}

// treeOf returns the alliance's tree and the size asked for: the head for
// 0, else size, which must not exceed the head (NotFound).
func (l *Ledger) treeOf(aid string, size uint64) (*transparency.Tree, uint64, error) {
	tree, head, err := l.proj.Tree(aid)
	if err != nil {
		return nil, 0, err
	}
	if size == 0 {
		return tree, head.Seq, nil
	}
	if size > head.Seq {
		return nil, 0, domain.Errorf(domain.NotFound, "no checkpoint of size %d: alliance %s has %d events", size, aid, head.Seq)
	}
	return tree, size, nil
}

// signedNote returns the log's signed checkpoint of the tree of size, from
// the cache or signed now.
func (l *Ledger) signedNote(aid string, tree *transparency.Tree, size uint64) ([]byte, error) {
	return l.signed.get(aid, size, func() ([]byte, error) {
		root, err := tree.RootAt(size)
		if err != nil {
			return nil, domain.Errorf(domain.Internal, "root of size %d: %v", size, err)
		}
		note, err := l.logKey.SignCheckpoint(transparency.Checkpoint{Origin: transparency.Origin(aid), Size: size, Root: root})
		if err != nil {
			return nil, domain.Errorf(domain.Unavailable, "this ledger cannot sign checkpoints: %v", err)
		}
		return note, nil
	})
}

// cosignedNote returns the signed checkpoint of size with the stored
// cosignatures of that size appended, ordered by witness id.
func (l *Ledger) cosignedNote(aid string, tree *transparency.Tree, size uint64) ([]byte, error) {
	note, err := l.signedNote(aid, tree, size)
	if err != nil {
		return nil, err
	}
	lines, err := l.cosigs.lines(aid, size)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return note, nil
	}
	out, err := transparency.AddCosignatures(note, lines...)
	if err != nil {
		return nil, domain.Errorf(domain.Internal, "a stored cosignature of size %d does not parse: %v", size, err)
	}
	return out, nil
}

// rootIs reports whether the alliance's tree of size has the given root.
func rootIs(tree *transparency.Tree, size uint64, root [32]byte) bool {
	got, err := tree.RootAt(size)
	return err == nil && bytes.Equal(got[:], root[:])
}

// recordCheckpoint returns the checkpoint that covers every event rec
// rests on: the latest cosigned checkpoint whose size reaches the last of
// them, else the head's; nil when none can be signed (no tree, no key).
func (l *Ledger) recordCheckpoint(aid string, rec projections.DecisionRecord) *projections.RecordCheckpoint {
	var last uint64
	for _, e := range rec.Events {
		last = max(last, e.Seq)
	}
	if last == 0 {
		last = rec.AsOf.Seq
	}
	tree, head, err := l.treeOf(aid, 0)
	if err != nil {
		return nil
	}
	size, cosigned, err := l.cosigs.largest(aid, head)
	if err != nil || !cosigned || size < last {
		size, cosigned = head, false
	}
	note, err := l.cosignedNote(aid, tree, size)
	if err != nil {
		return nil
	}
	root, _ := tree.RootAt(size)
	return &projections.RecordCheckpoint{
		Size: size, Root: base64.StdEncoding.EncodeToString(root[:]), Cosigned: cosigned, Note: string(note),
		URL: "/v1/alliances/" + aid + "/checkpoint?size=" + strconv.FormatUint(size, 10),
	}
}
