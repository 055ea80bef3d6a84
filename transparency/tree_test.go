package transparency

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
)

// eventLine stands in for the stored line of seq i+1.
func eventLine(i uint64) []byte {
	return fmt.Appendf(nil, `{"seq":%d,"type":"VoteCast","data":{"n":%d}}`, i+1, i*i)
}

// buildTrees returns our tree and the merkle library's reference tree over
// the same n lines.
func buildTrees(n uint64) (*Tree, *testonly.Tree) {
	ours := &Tree{}
	ref := testonly.New(rfc6962.DefaultHasher)
	for i := uint64(0); i < n; i++ {
		ours.Append(eventLine(i))
		ref.AppendData(eventLine(i))
	}
	return ours, ref
}

func checkInclusion(t *testing.T, tree *Tree, ref *testonly.Tree, index, size uint64) {
	t.Helper()
	root, err := tree.RootAt(size)
	require.NoError(t, err)
	require.Equal(t, ref.HashAt(size), root[:], "root at %d", size)
	path, err := tree.InclusionProof(index, size)
	require.NoError(t, err)
	leaf := LeafHash(eventLine(index))
	require.NoError(t, proof.VerifyInclusion(rfc6962.DefaultHasher, index, size, leaf[:], sliceHashes(path), root[:]),
		"leaf %d size %d", index, size)
}

func checkConsistency(t *testing.T, tree *Tree, ref *testonly.Tree, m, n uint64) {
	t.Helper()
	rootM, err := tree.RootAt(m)
	require.NoError(t, err)
	rootN, err := tree.RootAt(n)
	require.NoError(t, err)
	p, err := tree.ConsistencyProof(m, n)
	require.NoError(t, err)
	require.NoError(t, proof.VerifyConsistency(rfc6962.DefaultHasher, m, n, sliceHashes(p), ref.HashAt(m), ref.HashAt(n)),
		"%d→%d", m, n)
	require.NoError(t, VerifyConsistency(m, n, rootM, rootN, p))
}

func TestEveryProofUpTo300LeavesVerifiesWithTheLibrary(t *testing.T) {
	const max = 300
	tree, ref := buildTrees(max)
	for size := uint64(1); size <= max; size++ {
		for index := uint64(0); index < size; index++ {
			checkInclusion(t, tree, ref, index, size)
		}
		for m := uint64(0); m <= size; m++ {
			checkConsistency(t, tree, ref, m, size)
		}
	}
}

func TestRandomProofsUpTo5000LeavesVerifyWithTheLibrary(t *testing.T) {
	const max = 5000
	tree, ref := buildTrees(max)
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		size := 1 + r.Uint64N(max)
		checkInclusion(t, tree, ref, r.Uint64N(size), size)
		checkConsistency(t, tree, ref, r.Uint64N(size+1), size)
	}
	checkInclusion(t, tree, ref, max-1, max)
	checkConsistency(t, tree, ref, 1, max)
}

func TestATamperedProofOrLeafIsRefused(t *testing.T) {
	tree, _ := buildTrees(77)
	root, err := tree.RootAt(77)
	require.NoError(t, err)
	path, err := tree.InclusionProof(40, 77)
	require.NoError(t, err)
	leaf := LeafHash(eventLine(40))
	require.NoError(t, VerifyInclusion(40, 77, leaf, path, root))

	require.ErrorIs(t, VerifyInclusion(40, 77, LeafHash(eventLine(41)), path, root), ErrProof, "another leaf")
	require.ErrorIs(t, VerifyInclusion(41, 77, leaf, path, root), ErrProof, "another index")
	require.ErrorIs(t, VerifyInclusion(40, 77, leaf, path[:len(path)-1], root), ErrProof, "short path")
	bad := append([][32]byte(nil), path...)
	bad[2][0] ^= 1
	require.ErrorIs(t, VerifyInclusion(40, 77, leaf, bad, root), ErrProof, "flipped bit")
	other := root
	other[31] ^= 1
	require.ErrorIs(t, VerifyInclusion(40, 77, leaf, path, other), ErrProof, "another root")

	rootM, err := tree.RootAt(30)
	require.NoError(t, err)
	c, err := tree.ConsistencyProof(30, 77)
	require.NoError(t, err)
	require.NoError(t, VerifyConsistency(30, 77, rootM, root, c))
	require.ErrorIs(t, VerifyConsistency(30, 77, rootM, other, c), ErrProof)
	require.ErrorIs(t, VerifyConsistency(31, 77, rootM, root, c), ErrProof)
	require.ErrorIs(t, VerifyConsistency(77, 30, root, rootM, c), ErrProof)
}

func TestSizesBeyondTheTreeAreOutOfRange(t *testing.T) {
	tree, _ := buildTrees(10)
	_, err := tree.RootAt(11)
	require.ErrorIs(t, err, ErrRange)
	_, err = tree.InclusionProof(10, 10)
	require.ErrorIs(t, err, ErrRange)
	_, err = tree.InclusionProof(3, 11)
	require.ErrorIs(t, err, ErrRange)
	_, err = tree.InclusionProof(0, 0)
	require.ErrorIs(t, err, ErrRange)
	_, err = tree.ConsistencyProof(5, 11)
	require.ErrorIs(t, err, ErrRange)
	_, err = tree.ConsistencyProof(6, 5)
	require.ErrorIs(t, err, ErrRange)

	p, err := tree.ConsistencyProof(0, 10)
	require.NoError(t, err)
	require.Empty(t, p)
	p, err = tree.ConsistencyProof(10, 10)
	require.NoError(t, err)
	require.Empty(t, p)
}

func TestAppendLeafHashEqualsAppend(t *testing.T) {
	var a, b Tree
	for i := range uint64(1500) {
		require.Equal(t, i+1, a.Append(eventLine(i)))
		require.Equal(t, i+1, b.AppendLeafHash(LeafHash(eventLine(i))))
	}
	ra, _ := a.Root()
	rb, _ := b.Root()
	require.Equal(t, ra, rb)
}

// Readers run while a writer appends; each answer is checked against the
// root of the size it names. Run with -race.
func TestConcurrentReadersSeeConsistentTrees(t *testing.T) {
	const total = 3000
	tree, ref := buildTrees(total)
	var live Tree
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range uint64(total) {
			live.Append(eventLine(i))
		}
	})
	for w := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 9))
			for range 500 {
				root, size := live.Root()
				want, err := tree.RootAt(size)
				if err != nil || want != root {
					t.Errorf("root at %d differs", size)
					return
				}
				if size == 0 {
					continue
				}
				index := r.Uint64N(size)
				path, err := live.InclusionProof(index, size)
				if err != nil || VerifyInclusion(index, size, LeafHash(eventLine(index)), path, root) != nil {
					t.Errorf("proof of %d in %d: %v", index, size, err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, _ := live.Root()
	require.Equal(t, ref.Hash(), got[:])
}
