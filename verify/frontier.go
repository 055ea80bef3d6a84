package verify

import "accord/transparency"

// frontier is the right edge of an RFC 6962 tree built one leaf at a time:
// the hash of each complete subtree that the leaves so far fall into, the
// largest (leftmost) first, one per 1 bit of the size. It answers the root
// of everything pushed with O(log n) memory, so an export of any length is
// held to a checkpoint without keeping its lines or leaf hashes.
type frontier struct {
	size  uint64
	nodes [][32]byte
}

// push adds the next leaf hash and merges the subtrees it completes: one
// per trailing 1 bit of the size before it.
func (f *frontier) push(leaf [32]byte) {
	f.nodes = append(f.nodes, leaf)
	for s := f.size; s&1 == 1; s >>= 1 {
		n := len(f.nodes)
		f.nodes = append(f.nodes[:n-2], transparency.NodeHash(f.nodes[n-2], f.nodes[n-1]))
	}
	f.size++
}

// root returns the root of the tree of every leaf pushed: the subtrees
// folded from the smallest up, and SHA-256 of nothing for no leaf.
func (f *frontier) root() [32]byte {
	if f.size == 0 {
		return transparency.EmptyRoot()
	}
	r := f.nodes[len(f.nodes)-1]
	for i := len(f.nodes) - 2; i >= 0; i-- {
		r = transparency.NodeHash(f.nodes[i], r)
	}
	return r
}
