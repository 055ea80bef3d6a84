package projections

import (
	"context"
	"encoding/binary"
	"fmt"

	"accord/transparency"
)

// An alliance's Merkle tree is snapshotted as its leaf hashes, 32 bytes
// each, in chunks of treeChunkLeaves under "tree.<aid>.<k>" (chunk k holds
// the leaves from k·treeChunkLeaves on), so that no value comes near
// NATS's 1 MiB message limit and a full chunk, like the leaves it holds,
// never changes: each checkpoint writes only the last, growing chunk and
// those filled since. The interior nodes are recomputed on restore, and
// the alliance snapshot's tree_root, checked then, names which leaves
// count.
var treeChunkLeaves = 16384

// treeSnapshotHeader is the length of transparency.Tree's snapshot header:
// its magic line, the 8-byte size and the 32-byte root.
const treeSnapshotHeader = len(treeSnapshotMagic) + 8 + transparency.HashSize

// treeSnapshotMagic opens a transparency.Tree snapshot (MarshalBinary).
const treeSnapshotMagic = "accord-tree/v1\n"

func treeChunkKey(aid string, k int) string { return fmt.Sprintf("tree.%s.%d", aid, k) }

// treeWrite is what one checkpoint writes of one alliance's tree: chunks
// from the first not yet stored, and how many full chunks the bucket then
// holds.
type treeWrite struct {
	aid    string
	first  int
	chunks [][]byte
	full   int
}

// treeChunksToWrite returns the chunks of v's tree that the bucket lacks
// or holds short, and the tree's root; it is called under p.mu.
func treeChunksToWrite(aid string, v *allianceView) (treeWrite, []byte) {
	snap, _ := v.tree.MarshalBinary() // never fails
	root := snap[len(treeSnapshotMagic)+8 : treeSnapshotHeader]
	leaves := snap[treeSnapshotHeader:]
	w := treeWrite{aid: aid, first: v.treeChunks}
	chunkBytes := treeChunkLeaves * transparency.HashSize
	for off := w.first * chunkBytes; off < len(leaves); off += chunkBytes {
		w.chunks = append(w.chunks, leaves[off:min(off+chunkBytes, len(leaves))])
	}
	w.full = len(leaves) / chunkBytes
	return w, root
}

// putTree writes a tree's chunks, then records how many full ones the
// bucket holds so later checkpoints skip them. It returns the bucket's
// error.
func (p *Projection) putTree(ctx context.Context, w treeWrite) error {
	for i, chunk := range w.chunks {
		if err := p.snaps.Put(ctx, treeChunkKey(w.aid, w.first+i), chunk); err != nil {
			return err
		}
	}
	p.mu.Lock()
	if v, ok := p.alliances[w.aid]; ok && v.treeChunks < w.full {
		v.treeChunks = w.full
	}
	p.mu.Unlock()
	return nil
}

// loadTree restores an alliance's tree of size leaves from its chunks and
// returns it with the number of full chunks stored, or false when a chunk
// is missing or short, or the leaves do not hash to root.
func (p *Projection) loadTree(ctx context.Context, aid string, size uint64, root []byte) (*transparency.Tree, int, bool) {
	if len(root) != transparency.HashSize {
		return nil, 0, false
	}
	snap := make([]byte, 0, treeSnapshotHeader+int(size)*transparency.HashSize)
	snap = append(snap, treeSnapshotMagic...)
	snap = binary.BigEndian.AppendUint64(snap, size)
	snap = append(snap, root...)
	want := treeSnapshotHeader + int(size)*transparency.HashSize
	for k := 0; len(snap) < want; k++ {
		chunk, err := p.snaps.Get(ctx, treeChunkKey(aid, k))
		if err != nil || len(chunk) == 0 || len(chunk)%transparency.HashSize != 0 {
			return nil, 0, false
		}
		snap = append(snap, chunk[:min(len(chunk), want-len(snap))]...)
	}
	var tree transparency.Tree
	if err := tree.UnmarshalBinary(snap); err != nil {
		return nil, 0, false
	}
	return &tree, int(size) / treeChunkLeaves, true
}
