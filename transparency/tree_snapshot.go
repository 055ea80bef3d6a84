package transparency

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// snapshotMagic opens a tree snapshot; the version names the layout below.
const snapshotMagic = "accord-tree/v1\n"

// snapshotHeader is the magic, the 8-byte size and the 32-byte root.
const snapshotHeader = len(snapshotMagic) + 8 + HashSize

// MarshalBinary returns a snapshot of the tree from which UnmarshalBinary
// restores it without the event lines:
//
//	"accord-tree/v1\n" ‖ size (8 bytes, big-endian) ‖ root (32 bytes) ‖
//	the size leaf hashes, 32 bytes each, in order
//
// 32 bytes per leaf: the interior nodes are recomputed on restore (one
// SHA-256 of 65 bytes per leaf), and the root lets the restore detect a
// damaged snapshot. It never fails.
func (t *Tree) MarshalBinary() ([]byte, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]byte, 0, snapshotHeader+int(t.size)*HashSize)
	out = append(out, snapshotMagic...)
	out = binary.BigEndian.AppendUint64(out, t.size)
	root := t.rootLocked(t.size)
	out = append(out, root[:]...)
	for i := range t.size {
		h := t.levels[0].at(i)
		out = append(out, h[:]...)
	}
	return out, nil
}

// UnmarshalBinary replaces the tree with the one snapshot describes (see
// MarshalBinary). It returns an error wrapping ErrMalformed, and leaves the
// tree as it was, when the snapshot has another magic or length, or when the
// leaves it holds do not hash to the root it records.
func (t *Tree) UnmarshalBinary(snapshot []byte) error {
	if len(snapshot) < snapshotHeader || !bytes.HasPrefix(snapshot, []byte(snapshotMagic)) {
		return fmt.Errorf("%w: not a tree snapshot", ErrMalformed)
	}
	size := binary.BigEndian.Uint64(snapshot[len(snapshotMagic):])
	want := [32]byte(snapshot[len(snapshotMagic)+8:])
	leaves := snapshot[snapshotHeader:]
	if uint64(len(leaves))%HashSize != 0 || uint64(len(leaves))/HashSize != size {
		return fmt.Errorf("%w: tree snapshot of size %d holds %d bytes of leaf hashes", ErrMalformed, size, len(leaves))
	}
	var fresh Tree
	for i := 0; i < len(leaves); i += HashSize {
		fresh.appendLocked([32]byte(leaves[i:]))
	}
	if got := fresh.rootLocked(size); got != want {
		return fmt.Errorf("%w: tree snapshot of size %d does not hash to the root it records", ErrMalformed, size)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.levels, t.size = fresh.levels, fresh.size
	return nil
}
