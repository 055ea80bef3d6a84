package transparency

import (
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
)

// InclusionProof returns the RFC 6962 audit path of leaf index in the tree of
// the given size: the hashes from the leaf's sibling up to the root's child.
// It returns ErrRange unless index < size <= Size().
func (t *Tree) InclusionProof(index, size uint64) ([][32]byte, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if size > t.size || index >= size {
		return nil, fmt.Errorf("%w: leaf %d in a tree of size %d (the tree has %d leaves)", ErrRange, index, size, t.size)
	}
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRange, err)
	}
	return t.proofHashes(nodes), nil
}

// ConsistencyProof returns the RFC 6962 consistency proof between the trees
// of sizes m and n: empty when m is 0 or m equals n. It returns ErrRange
// unless m <= n <= Size().
func (t *Tree) ConsistencyProof(m, n uint64) ([][32]byte, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if n > t.size || m > n {
		return nil, fmt.Errorf("%w: consistency from size %d to %d (the tree has %d leaves)", ErrRange, m, n, t.size)
	}
	nodes, err := proof.Consistency(m, n)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRange, err)
	}
	return t.proofHashes(nodes), nil
}

// proofHashes looks up the hashes of the proof's nodes. Every node it names
// is a complete subtree, hence stored, except that the nodes named by
// IDs[begin:end] (listed from the lowest) stand for the one incomplete
// subtree on the tree's right edge, whose hash is folded from them here.
func (t *Tree) proofHashes(nodes proof.Nodes) [][32]byte {
	_, begin, end := nodes.Ephem()
	out := make([][32]byte, 0, len(nodes.IDs))
	for i := 0; i < len(nodes.IDs); i++ {
		h := t.nodeByID(nodes.IDs[i])
		if i == begin && end-begin > 1 {
			for i++; i < end; i++ {
				h = NodeHash(t.nodeByID(nodes.IDs[i]), h)
			}
			i--
		}
		out = append(out, h)
	}
	return out
}

// nodeByID returns the stored hash of a complete subtree named by the
// merkle library's node id.
func (t *Tree) nodeByID(id compact.NodeID) [32]byte {
	return t.node(int(id.Level), id.Index)
}
