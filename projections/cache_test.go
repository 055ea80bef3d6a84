package projections_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/projections"
)

// lazyProjection starts a projection with snapshots and a cache budget of
// budget bytes, and returns it with how many records its start read.
func lazyProjection(t *testing.T, l *testLedger, snaps *eventstore.Snapshots, budget int64) (*projections.Projection, int64) {
	t.Helper()
	p := projections.New(l.store)
	p.UseSnapshots(snaps, 1000, time.Hour)
	p.UseCache(budget)
	var read atomic.Int64
	cancel := p.Listen(func(eventstore.Record) { read.Add(1) })
	require.NoError(t, p.Start(context.Background()))
	cancel()
	t.Cleanup(p.Close)
	return p, read.Load()
}

func treeRoot(t *testing.T, p *projections.Projection, aid string) [32]byte {
	t.Helper()
	tree, head, err := p.Tree(aid)
	require.NoError(t, err)
	root, err := tree.RootAt(head.Seq)
	require.NoError(t, err)
	return root
}

// TestCacheLoadsOnDemand checks that a projection with a budget loads no
// alliance at start, lists them all from its directory, loads each when it
// is read — the same state and Merkle root as a projection that holds them
// all — and stays within its budget by evicting the least recently used,
// whose snapshots it writes.
func TestCacheLoadsOnDemand(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	var aids []string
	for range 12 {
		aid, ids, pid := seedAlliance(t, l, 4)
		vote(t, l, aid, ids[1], pid, "agree")
		aids = append(aids, aid)
	}
	full := projections.New(l.store)
	require.NoError(t, full.Start(ctx))
	t.Cleanup(full.Close)

	// Each alliance has 8 events: a budget of 20 events holds two.
	budget := int64(20 * 110)
	lazy, _ := lazyProjection(t, l, snaps, budget)
	st := lazy.CacheStats()
	require.Equal(t, 12, st.Alliances)
	require.Zero(t, st.Loaded, "nothing is loaded at start")
	require.Len(t, list(t, lazy, func(string) bool { return true }), 12)
	for _, aid := range aids[:3] {
		one := listOne(t, lazy, aid)
		require.Len(t, one, 1)
		require.Equal(t, list(t, lazy, func(id string) bool { return id == aid }), one)
	}
	require.Equal(t, []projections.Summary{}, listOne(t, lazy, "0195f3a2-7c1e-7d4b-9a10-000000000000"), "an unknown alliance lists nothing")
	require.Zero(t, lazy.CacheStats().Loaded, "listing loads nothing")

	for _, aid := range aids {
		require.JSONEq(t, stateJSON(t, full, aid), stateJSON(t, lazy, aid))
		require.Equal(t, treeRoot(t, full, aid), treeRoot(t, lazy, aid))
		// Eviction follows the load that passed the budget.
		require.Eventually(t, func() bool { return lazy.CacheStats().Bytes <= budget }, 5*time.Second, time.Millisecond)
	}
	st = lazy.CacheStats()
	require.GreaterOrEqual(t, st.Loads, uint64(12))
	require.Greater(t, st.Evictions, uint64(0))
	require.LessOrEqual(t, st.Loaded, 3)

	// Evicted alliances leave snapshots behind, and the next load uses one.
	require.Eventually(t, func() bool {
		raw, err := snaps.Get(ctx, "alliance."+aids[0])
		return err == nil && raw != nil
	}, 10*time.Second, 20*time.Millisecond)
	require.JSONEq(t, stateJSON(t, full, aids[0]), stateJSON(t, lazy, aids[0]))
}

// TestCacheKeepsUpWhileLoading writes votes into alliances while readers
// keep loading and evicting them, so records arrive while a read model is
// loading, and checks every read model ends equal to one that followed the
// log from the start.
func TestCacheKeepsUpWhileLoading(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	type alliance struct {
		id, pid string
		members []string
	}
	var all []alliance
	for range 6 {
		aid, ids, pid := seedAlliance(t, l, 12)
		all = append(all, alliance{aid, pid, ids})
	}
	full := projections.New(l.store)
	require.NoError(t, full.Start(ctx))
	t.Cleanup(full.Close)
	lazy, _ := lazyProjection(t, l, snaps, 30*110)

	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := lazy.Head(all[i%len(all)].id); err != nil {
					t.Errorf("reading %s while it loads: %v", all[i%len(all)].id, err)
					return
				}
			}
		}()
	}
	for round := range 11 {
		for _, a := range all {
			stance := domain.Stance("agree")
			if round%2 == 1 {
				stance = "disagree"
			}
			vote(t, l, a.id, a.members[1+round], a.pid, stance)
		}
	}
	close(stop)
	readers.Wait()
	for _, a := range all {
		head, err := l.store.Head(ctx, a.id) // the log's head: the projections may lag
		require.NoError(t, err)
		require.NoError(t, full.WaitFor(ctx, a.id, head))
		waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		require.NoError(t, lazy.WaitFor(waitCtx, a.id, head))
		cancel()
		require.JSONEq(t, stateJSON(t, full, a.id), stateJSON(t, lazy, a.id))
		require.Equal(t, treeRoot(t, full, a.id), treeRoot(t, lazy, a.id))
	}
	require.Greater(t, lazy.CacheStats().Evictions, uint64(0))
}

// TestCacheStartReadsNoLog checks that a restart with a budget reads no
// record of the log already in the stored directory, yet lists every
// alliance, knows every open deadline, and serves reads and new writes.
func TestCacheStartReadsNoLog(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	var aids []string
	for range 5 {
		aid, _, _ := seedAlliance(t, l, 3)
		aids = append(aids, aid)
	}
	// One vote that closes by itself.
	aid, ids, _ := seedAlliance(t, l, 3)
	pid := uuid.NewString()
	l.run(t, aid, memberActor(ids[1]), domain.SubmitProposal{ProposalID: pid, Kind: "resolution", Title: "Timed", Body: "b"})
	closes := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	l.run(t, aid, memberActor(ids[0]), domain.OpenVoting{ProposalID: pid, ClosesAt: &closes})

	first, read := lazyProjection(t, l, snaps, 1<<20)
	require.Greater(t, read, int64(30), "with no directory stored, the first start reads the log")
	require.NoError(t, first.Checkpoint(ctx))

	second, read := lazyProjection(t, l, snaps, 1<<20)
	require.Zero(t, read, "the second start reads no record")
	require.Len(t, list(t, second, func(string) bool { return true }), 6)
	require.Contains(t, second.Deadlines(), projections.Deadline{AllianceID: aid, ProposalID: pid, At: closes})
	require.Zero(t, second.CacheStats().Loaded)

	recs := l.run(t, aid, memberActor(ids[2]), domain.CastVote{ProposalID: pid, Stance: "agree", Reason: "r"})
	require.NoError(t, second.WaitFor(ctx, aid, recs[len(recs)-1].Position()))
	var stances int
	require.NoError(t, second.Read(aid, func(s domain.Alliance, _ eventstore.Position) {
		for _, p := range s.Proposals {
			if p.ID == pid {
				stances = len(p.Stances)
			}
		}
	}))
	require.Equal(t, 1, stances)
}
