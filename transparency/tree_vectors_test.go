package transparency

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/testonly"
)

// The RFC 6962 test inputs used by the certificate-transparency reference
// tests (and transparency-dev/merkle): eight leaves of 0–16 bytes.
var rfcLeaves = []string{"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"}

// The roots of the trees of sizes 1…8 over rfcLeaves.
var rfcRoots = []string{
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

// Published audit paths over rfcLeaves (0-based leaf index).
var rfcInclusion = []struct {
	index, size uint64
	path        []string
}{
	{0, 1, nil},
	{0, 8, []string{
		"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	}},
	{5, 8, []string{
		"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	}},
	{2, 3, []string{"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
	{1, 5, []string{
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	}},
}

// Published consistency proofs over rfcLeaves.
var rfcConsistency = []struct {
	m, n  uint64
	proof []string
}{
	{1, 1, nil},
	{1, 8, []string{
		"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	}},
	{6, 8, []string{
		"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	}},
	{2, 5, []string{
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	}},
	{6, 7, []string{
		"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		"b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	}},
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func hexHashes(t *testing.T, list []string) [][32]byte {
	t.Helper()
	out := make([][32]byte, len(list))
	for i, s := range list {
		out[i] = [32]byte(mustHex(t, s))
	}
	return out
}

func rfcTree(t *testing.T) *Tree {
	t.Helper()
	var tree Tree
	for _, l := range rfcLeaves {
		tree.Append(mustHex(t, l))
	}
	return &tree
}

func TestEmptyTreeRootIsSHA256OfNothing(t *testing.T) {
	var tree Tree
	root, size := tree.Root()
	require.Zero(t, size)
	require.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex.EncodeToString(root[:]))
	require.Equal(t, testonly.EmptyRootHash(), root[:])
}

func TestLeafAndNodeHashesMatchTheRFCVectors(t *testing.T) {
	nodes := testonly.NodeHashes() // [height][index]
	for i, l := range rfcLeaves {
		h := LeafHash(mustHex(t, l))
		require.Equal(t, nodes[0][i], h[:], "leaf %d", i)
	}
	for height := 1; height < len(nodes); height++ {
		for i := range nodes[height] {
			got := NodeHash([32]byte(nodes[height-1][2*i]), [32]byte(nodes[height-1][2*i+1]))
			require.Equal(t, nodes[height][i], got[:], "node %d/%d", height, i)
		}
	}
}

func TestRootsOfEverySizeMatchTheRFCVectors(t *testing.T) {
	tree := rfcTree(t)
	require.Equal(t, uint64(8), tree.Size())
	for size := uint64(1); size <= 8; size++ {
		root, err := tree.RootAt(size)
		require.NoError(t, err)
		require.Equal(t, rfcRoots[size-1], hex.EncodeToString(root[:]), "size %d", size)
		require.Equal(t, testonly.RootHashes()[size], root[:], "size %d", size)
	}
	root, _ := tree.Root()
	require.Equal(t, rfcRoots[7], hex.EncodeToString(root[:]))
}

func TestInclusionProofsMatchTheRFCVectors(t *testing.T) {
	tree := rfcTree(t)
	for _, v := range rfcInclusion {
		got, err := tree.InclusionProof(v.index, v.size)
		require.NoError(t, err)
		want := hexHashes(t, v.path)
		require.Equal(t, len(want), len(got), "leaf %d size %d", v.index, v.size)
		for i := range want {
			require.Equal(t, want[i], got[i], "leaf %d size %d hash %d", v.index, v.size, i)
		}
		root := [32]byte(mustHex(t, rfcRoots[v.size-1]))
		require.NoError(t, VerifyInclusion(v.index, v.size, LeafHash(mustHex(t, rfcLeaves[v.index])), got, root))
	}
}

func TestConsistencyProofsMatchTheRFCVectors(t *testing.T) {
	tree := rfcTree(t)
	for _, v := range rfcConsistency {
		got, err := tree.ConsistencyProof(v.m, v.n)
		require.NoError(t, err)
		want := hexHashes(t, v.proof)
		require.Equal(t, len(want), len(got), "%d→%d", v.m, v.n)
		for i := range want {
			require.Equal(t, want[i], got[i], "%d→%d hash %d", v.m, v.n, i)
		}
		rootM := [32]byte(mustHex(t, rfcRoots[v.m-1]))
		rootN := [32]byte(mustHex(t, rfcRoots[v.n-1]))
		require.NoError(t, VerifyConsistency(v.m, v.n, rootM, rootN, got))
	}
}
