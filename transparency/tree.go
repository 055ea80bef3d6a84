package transparency

import (
	"fmt"
	"math/bits"
	"sync"
)

// Tree is the append-only RFC 6962 Merkle tree of one alliance's event
// lines: leaf i is the line of seq i+1.
//
// It stores the hash of every complete subtree (every leaf, every pair of
// leaves, every aligned run of four…), about two hashes per leaf. An append
// hashes the line and completes the subtrees it closes (one node hash on
// average); a root or a proof for any past size is then O(log n) lookups and
// at most log n node hashes for the one incomplete subtree on the right
// edge, with no rebuild per request.
//
// The zero value is an empty tree ready to use. A Tree is safe for
// concurrent use: appends exclude each other and readers; readers run
// together. It must not be copied after first use.
type Tree struct {
	mu     sync.RWMutex
	levels []level // levels[h] holds the complete subtrees of height h
	size   uint64
}

// Append adds line (an event's stored bytes, without its newline) as the
// next leaf and returns the new size, which is the line's seq.
func (t *Tree) Append(line []byte) uint64 {
	return t.AppendLeafHash(LeafHash(line))
}

// AppendLeafHash adds a leaf whose LeafHash is already known and returns the
// new size.
func (t *Tree) AppendLeafHash(h [32]byte) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.appendLocked(h)
	return t.size
}

// appendLocked pushes leaf hash h and every subtree it completes: the new
// leaf's index has one trailing 1 bit per subtree that closes with it.
func (t *Tree) appendLocked(h [32]byte) {
	index := t.size
	for height := 0; ; height++ {
		if height == len(t.levels) {
			t.levels = append(t.levels, level{})
		}
		t.levels[height].push(h)
		if index&1 == 0 {
			break
		}
		h = NodeHash(t.levels[height].at(index-1), h)
		index >>= 1
	}
	t.size++
}

// Size returns the number of leaves.
func (t *Tree) Size() uint64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.size
}

// Root returns the root hash of the whole tree (EmptyRoot for an empty
// tree) and its size, read together.
func (t *Tree) Root() (root [32]byte, size uint64) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.rootLocked(t.size), t.size
}

// RootAt returns the root hash of the tree as it was at the given size,
// or ErrRange when size is beyond the tree.
func (t *Tree) RootAt(size uint64) ([32]byte, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if size > t.size {
		return [32]byte{}, fmt.Errorf("%w: size %d of a tree of %d leaves", ErrRange, size, t.size)
	}
	return t.rootLocked(size), nil
}

// rootLocked folds the complete subtrees that make up [0, size), one per 1
// bit of size, from the smallest (rightmost) up; size must not exceed the
// tree's size.
func (t *Tree) rootLocked(size uint64) [32]byte {
	if size == 0 {
		return EmptyRoot()
	}
	height := bits.TrailingZeros64(size)
	root := t.node(height, size>>height-1)
	for rest := size &^ (1 << height); rest != 0; {
		height = bits.TrailingZeros64(rest)
		root = NodeHash(t.node(height, rest>>height-1), root)
		rest &^= 1 << height
	}
	return root
}

// node returns the stored hash of the complete subtree of the given height
// and index; it must exist.
func (t *Tree) node(height int, index uint64) [32]byte {
	return t.levels[height].at(index)
}
