package projections_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"

	"accord/domain"
	"accord/projections"
)

// independentRoots returns the RFC 6962 root of every prefix of the
// alliance's stored lines, computed with the merkle library's compact
// ranges from the log itself.
func independentRoots(t *testing.T, l *testLedger, aid string) [][]byte {
	t.Helper()
	h := rfc6962.DefaultHasher
	rf := compact.RangeFactory{Hash: h.HashChildren}
	r := rf.NewEmptyRange(0)
	roots := [][]byte{h.EmptyRoot()}
	for rec, err := range l.store.ReadAlliance(context.Background(), aid, 0) {
		require.NoError(t, err)
		require.NoError(t, r.Append(h.HashLeaf(rec.Raw), nil))
		root, err := r.GetRootHash(nil)
		require.NoError(t, err)
		roots = append(roots, root)
	}
	return roots
}

// requireTreeMatchesLog checks the projection's tree of aid has one leaf
// per event and the root of every size the log's lines give.
func requireTreeMatchesLog(t *testing.T, p *projections.Projection, l *testLedger, aid string) {
	t.Helper()
	tree, head, err := p.Tree(aid)
	require.NoError(t, err)
	want := independentRoots(t, l, aid)
	require.Equal(t, uint64(len(want)-1), head.Seq)
	require.Equal(t, head.Seq, tree.Size())
	for size, root := range want {
		got, err := tree.RootAt(uint64(size))
		require.NoError(t, err)
		require.Equal(t, root, got[:], "root of size %d", size)
	}
}

// TestTreesFollowTheLog checks each alliance's tree is kept as the log
// grows: one leaf per stored line, on replay and while following.
func TestTreesFollowTheLog(t *testing.T) {
	l := newLedger(t)
	a1, ids, pid := seedAlliance(t, l, 3)
	a2, _, _ := seedAlliance(t, l, 2)
	p := projections.New(l.store)
	require.NoError(t, p.Start(context.Background()))
	t.Cleanup(p.Close)
	requireTreeMatchesLog(t, p, l, a1)
	requireTreeMatchesLog(t, p, l, a2)

	recs := l.run(t, a1, memberActor(ids[1]), domain.CastVote{ProposalID: pid, Stance: domain.StanceAgree, Reason: "r"})
	closed := l.run(t, a1, memberActor(ids[0]), domain.CloseVoting{ProposalID: pid})
	require.Equal(t, recs[0].Event.Seq+1, closed[0].Event.Seq)
	require.NoError(t, p.WaitFor(context.Background(), a1, closed[len(closed)-1].Position()))
	requireTreeMatchesLog(t, p, l, a1)

	_, _, err := p.Tree("0195f3a2-7c1e-7d4b-9a10-3f2e8c6d5b4a")
	require.Equal(t, domain.NotFound, domain.KindOf(err))
}

// TestWithoutTreesKeepsNone checks the projection a benchmark compares
// against keeps no tree and says so.
func TestWithoutTreesKeepsNone(t *testing.T) {
	l := newLedger(t)
	aid, _, _ := seedAlliance(t, l, 2)
	p := projections.New(l.store)
	p.WithoutTrees()
	require.NoError(t, p.Start(context.Background()))
	t.Cleanup(p.Close)
	_, _, err := p.Tree(aid)
	require.Equal(t, domain.Unavailable, domain.KindOf(err))
}

// TestTreesResumeFromSnapshots checks a restart restores trees from their
// chunks in the snapshot bucket (three chunks of four leaves here), folds
// only what came after the checkpoint, and rebuilds a tree from the log
// when a chunk is missing or damaged.
func TestTreesResumeFromSnapshots(t *testing.T) {
	defer projections.SetTreeChunkLeaves(4)()
	l := newLedger(t)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	aid, ids, pid := seedAlliance(t, l, 4) // 7 events
	first, _ := restarted(t, l, snaps)
	require.NoError(t, first.Checkpoint(ctx))
	for _, m := range ids[1:] {
		vote(t, l, aid, m, pid, domain.StanceAgree) // 10 events
	}
	head, err := l.store.Head(ctx, aid)
	require.NoError(t, err)
	require.EqualValues(t, 10, head.Seq)
	require.NoError(t, first.WaitFor(ctx, aid, head))
	require.NoError(t, first.Checkpoint(ctx))
	vote(t, l, aid, ids[0], pid, domain.StanceAgree) // 11: after the checkpoint

	second, folded := restarted(t, l, snaps)
	require.Equal(t, int64(1), folded, "the tree came from its snapshot, not the log")
	requireTreeMatchesLog(t, second, l, aid)
	for k := range 3 {
		chunk, err := snaps.Get(ctx, "tree."+aid+"."+string(rune('0'+k)))
		require.NoError(t, err)
		require.NotEmpty(t, chunk, "chunk %d", k)
	}

	damaged, err := snaps.Get(ctx, "tree."+aid+".1")
	require.NoError(t, err)
	damaged[0] ^= 1
	require.NoError(t, snaps.Put(ctx, "tree."+aid+".1", damaged))
	third, _ := restarted(t, l, snaps)
	requireTreeMatchesLog(t, third, l, aid)

	require.NoError(t, snaps.Delete(ctx, "tree."+aid+".2"))
	fourth, _ := restarted(t, l, snaps)
	requireTreeMatchesLog(t, fourth, l, aid)
}
