package transparency

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestASnapshotRestoresTheSameTree(t *testing.T) {
	for _, n := range []uint64{0, 1, 2, 7, 1024, 1025, 3000} {
		tree, _ := buildTrees(n)
		snap, err := tree.MarshalBinary()
		require.NoError(t, err)
		require.Len(t, snap, snapshotHeader+int(n)*HashSize, "32 bytes a leaf")

		var restored Tree
		require.NoError(t, restored.UnmarshalBinary(snap))
		require.Equal(t, n, restored.Size())
		want, _ := tree.Root()
		got, _ := restored.Root()
		require.Equal(t, want, got)
		if n > 2 {
			p1, err := tree.InclusionProof(n/2, n-1)
			require.NoError(t, err)
			p2, err := restored.InclusionProof(n/2, n-1)
			require.NoError(t, err)
			require.Equal(t, p1, p2)
		}
		// The restored tree keeps growing like the original.
		tree.Append(eventLine(n))
		restored.Append(eventLine(n))
		want, _ = tree.Root()
		got, _ = restored.Root()
		require.Equal(t, want, got)
	}
}

func TestADamagedSnapshotIsRefusedAndChangesNothing(t *testing.T) {
	tree, _ := buildTrees(100)
	snap, err := tree.MarshalBinary()
	require.NoError(t, err)

	var target Tree
	target.Append([]byte("kept"))
	before, _ := target.Root()

	flipped := append([]byte(nil), snap...)
	flipped[snapshotHeader+50*HashSize+3] ^= 0x10
	resized := append([]byte(nil), snap...)
	binary.BigEndian.PutUint64(resized[len(snapshotMagic):], 99)
	for name, bad := range map[string][]byte{
		"flipped leaf":    flipped,
		"truncated":       snap[:len(snap)-1],
		"size too small":  resized,
		"another magic":   append([]byte("accord-tree/v2\n"), snap[len(snapshotMagic):]...),
		"header only":     snap[:snapshotHeader-1],
		"leaf hash added": append(append([]byte(nil), snap...), make([]byte, HashSize)...),
	} {
		require.ErrorIs(t, target.UnmarshalBinary(bad), ErrMalformed, name)
		after, size := target.Root()
		require.Equal(t, before, after, name)
		require.Equal(t, uint64(1), size, name)
	}
}
