package transparency

import (
	"fmt"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// VerifyInclusion checks that leaf (a LeafHash) is leaf index of the tree of
// the given size whose root is root, by the audit path. It returns nil when
// it is, and an error wrapping ErrProof when it is not (or when index is not
// below size, or the path has the wrong length).
func VerifyInclusion(index, size uint64, leaf [32]byte, path [][32]byte, root [32]byte) error {
	err := proof.VerifyInclusion(rfc6962.DefaultHasher, index, size, leaf[:], sliceHashes(path), root[:])
	if err != nil {
		return fmt.Errorf("%w: leaf %d in the tree of size %d: %v", ErrProof, index, size, err)
	}
	return nil
}

// VerifyConsistency checks that the tree of size m with root rootM is a prefix
// of the tree of size n with root rootN, by the RFC 6962 consistency proof.
// It returns nil when it is (always so for m = 0 with an empty proof), and an
// error wrapping ErrProof when it is not, when m > n, or when the proof has
// the wrong length.
func VerifyConsistency(m, n uint64, rootM, rootN [32]byte, consistency [][32]byte) error {
	err := proof.VerifyConsistency(rfc6962.DefaultHasher, m, n, sliceHashes(consistency), rootM[:], rootN[:])
	if err != nil {
		return fmt.Errorf("%w: consistency from size %d to %d: %v", ErrProof, m, n, err)
	}
	return nil
}

// sliceHashes presents hashes as the merkle library's [][]byte, sharing
// their storage.
func sliceHashes(hashes [][32]byte) [][]byte {
	out := make([][]byte, len(hashes))
	for i := range hashes {
		out[i] = hashes[i][:]
	}
	return out
}
