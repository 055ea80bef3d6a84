package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
	"accord/projections"
)

// An instance that starts from the stored directory, with a cache too small
// to hold more than one alliance and a runner as tight, still closes every
// vote at its deadline — votes opened before it started and after — though
// it never loaded those alliances' read models to learn of them.
func TestDeadlinesOfUnloadedAlliances(t *testing.T) {
	l := newDeadlineLedger(t)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	now := time.Now()
	var ballots []ballot
	for range 4 {
		b, _ := l.voteClosingAt(t, now.Add(-time.Hour), now.Add(time.Second))
		ballots = append(ballots, b)
	}
	// A first instance stores the directory.
	first := projections.New(l.store)
	first.UseSnapshots(snaps, 1000, time.Hour)
	first.UseCache(1 << 20)
	require.NoError(t, first.Start(ctx))
	first.Close()

	proj := projections.New(l.store)
	proj.UseSnapshots(snaps, 1000, time.Hour)
	proj.UseCache(6 * 110)
	require.NoError(t, proj.Start(ctx))
	t.Cleanup(proj.Close)
	require.Zero(t, proj.CacheStats().Loaded)
	runner := NewRunner(l.store)
	runner.UseCache(6 * runnerBytesPerCommand)
	d := newDeadlineCloser(runner, proj, quietLog())
	d.start()
	t.Cleanup(d.Stop)
	later, _ := l.voteClosingAt(t, time.Now(), time.Now().Add(time.Second))
	ballots = append(ballots, later)

	for _, b := range ballots {
		require.Eventually(t, func() bool { return len(l.closings(t, b)) == 1 }, 30*time.Second, 20*time.Millisecond, "proposal %s", b.proposalID)
		require.Equal(t, closeCommandID(b.proposalID), l.closings(t, b)[0].CommandID)
	}
	require.Greater(t, runner.cache.evicts.Load(), uint64(0), "the runner evicted alliances")
	require.Empty(t, proj.Deadlines())
}

// A runner over budget drops idle alliances and loads them again from the
// log: a command retried after its alliance was evicted still answers as
// the first did, and nothing is recorded twice.
func TestRunnerEvictsIdleAlliances(t *testing.T) {
	l := newDeadlineLedger(t)
	ctx := context.Background()
	r := NewRunner(l.store)
	r.UseCache(10 * runnerBytesPerCommand)
	admin := domain.Actor{ID: uuid.NewString(), Role: domain.RoleAdmin}
	first := domain.Meta{AllianceID: uuid.NewString(), CommandID: uuid.NewString(), At: time.Now(), Actor: admin}
	res, _, err := r.Run(ctx, first, domain.FormAlliance{Name: "First", Purpose: "p", Charter: domain.Charter{DecisionRule: "consensus"}}, nil)
	require.NoError(t, err)
	for i := range 20 {
		m := domain.Meta{AllianceID: uuid.NewString(), CommandID: uuid.NewString(), At: time.Now(), Actor: admin}
		_, _, err := r.Run(ctx, m, domain.FormAlliance{Name: "Other", Purpose: "p", Charter: domain.Charter{DecisionRule: "consensus"}}, nil)
		require.NoError(t, err, "alliance %d", i)
	}
	r.mu.Lock()
	held := len(r.alliances)
	_, firstHeld := r.alliances[first.AllianceID]
	r.mu.Unlock()
	require.Less(t, held, 21)
	require.False(t, firstHeld, "the least recently used alliance was evicted")
	require.LessOrEqual(t, r.cache.total.Load(), int64(10*runnerBytesPerCommand))

	again, _, err := r.Run(ctx, first, domain.FormAlliance{Name: "First", Purpose: "p", Charter: domain.Charter{DecisionRule: "consensus"}}, nil)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, res.Records[0].Hash, again.Records[0].Hash)
	head, err := l.store.Head(ctx, first.AllianceID)
	require.NoError(t, err)
	require.Equal(t, uint64(1), head.Seq)
}

// An evicted alliance's write side is snapshotted and loaded back by
// another runner (another process) without folding its history: a new
// command reads only the log after the snapshot, and a retry of the very
// first command, long out of the latest commands kept, still answers as
// the first time and records nothing.
func TestRunnerLoadsItsSnapshot(t *testing.T) {
	l := newDeadlineLedger(t)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	first := snapshottingRunner(l.store, snaps)
	past := time.Now().Add(-time.Hour)
	l.runner = first
	b, convener := l.voteClosingAt(t, past, past.Add(24*time.Hour))
	formed := eventstoretest.ReadAll(t, l.store, b.allianceID)[0]
	first.SnapshotAll(ctx)
	raw, err := snaps.Get(ctx, writerKey(b.allianceID))
	require.NoError(t, err)
	require.NotNil(t, raw)

	second := snapshottingRunner(l.store, snaps)
	e := second.entry(b.allianceID)
	require.NoError(t, e.lead(ctx))
	require.True(t, second.loadEntry(ctx, e), "the snapshot is trusted")
	e.unlead()
	second.mu.Lock()
	delete(second.alliances, b.allianceID) // loaded through Run below instead
	second.mu.Unlock()

	retry := domain.Meta{AllianceID: b.allianceID, CommandID: formed.Event.CommandID, At: time.Now(), Actor: formed.Event.Actor}
	res, _, err := second.Run(ctx, retry, domain.FormAlliance{Name: "Regional Blood Supply", Purpose: "Shared inventory", Charter: domain.Charter{DecisionRule: "consensus"}}, nil)
	require.NoError(t, err)
	require.True(t, res.Duplicate, "the first command is found through the snapshot's index")
	require.Equal(t, formed.Hash, res.Records[0].Hash)

	m := domain.Meta{AllianceID: b.allianceID, CommandID: uuid.NewString(), At: time.Now(), Actor: convener}
	_, _, err = second.Run(ctx, m, domain.CloseVoting{ProposalID: b.proposalID}, nil)
	require.NoError(t, err)
	all := eventstoretest.ReadAll(t, l.store, b.allianceID)
	require.Len(t, all, 6, "formed, admitted, submitted, opened, voted, closed: nothing twice")

	// A snapshot whose position the log does not hold is not trusted.
	var snap writerSnapshot
	require.NoError(t, json.Unmarshal(raw, &snap))
	snap.Pos.Hash = "f00d"
	forged, err := json.Marshal(snap)
	require.NoError(t, err)
	require.NoError(t, snaps.Put(ctx, writerKey(b.allianceID), forged))
	third := snapshottingRunner(l.store, snaps)
	e = third.entry(b.allianceID)
	require.NoError(t, e.lead(ctx))
	require.False(t, third.loadEntry(ctx, e))
	e.unlead()
}

// TestRunnerSnapshotsALargeAlliance: the write side of an alliance larger
// than a NATS message (25 proposals of 60 KB) is snapshotted and loaded
// back like any other.
func TestRunnerSnapshotsALargeAlliance(t *testing.T) {
	ctx := context.Background()
	store, snaps := storeWithSnapshots(t)
	first := snapshottingRunner(store, snaps)
	aid := uuid.NewString()
	members, _ := runnerAlliance(t, first, aid, 2)
	body := strings.Repeat("A long charter text. ", 3000) // 63,000 bytes
	for i := 0; i < 25; i++ {
		mustRun(t, first, aid, member(members[1]), uuid.NewString(), domain.SubmitProposal{ProposalID: uuid.NewString(), Kind: "resolution", Title: fmt.Sprint("Part ", i), Body: body})
	}
	first.SnapshotAll(ctx)
	raw, err := snaps.Get(ctx, writerKey(aid))
	require.NoError(t, err)
	require.Greater(t, len(raw), 1<<20, "larger than a NATS message")

	second := snapshottingRunner(store, snaps)
	e := second.entry(aid)
	require.NoError(t, e.lead(ctx))
	require.True(t, second.loadEntry(ctx, e), "the snapshot is read back whole and trusted")
	e.unlead()
	want, _, err := first.State(ctx, aid)
	require.NoError(t, err)
	got, _, err := second.State(ctx, aid)
	require.NoError(t, err)
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)
	gotJSON, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, string(wantJSON), string(gotJSON))
	require.Equal(t, want.Seq, got.Seq)
}

// TestRunnerSnapshotsABusyAlliance: an alliance written on and on is
// snapshotted every so many events, without being evicted or the ledger
// closed, so a process killed mid-way leaves a recent snapshot behind.
func TestRunnerSnapshotsABusyAlliance(t *testing.T) {
	ctx := context.Background()
	store, snaps := storeWithSnapshots(t)
	r := snapshottingRunner(store, snaps)
	r.snapEvery = 20
	aid := uuid.NewString()
	members, pid := runnerAlliance(t, r, aid, 4)
	stored := func() uint64 {
		var snap writerSnapshot
		raw, err := snaps.Get(ctx, writerKey(aid))
		if err != nil || raw == nil || json.Unmarshal(raw, &snap) != nil {
			return 0
		}
		return snap.Pos.Seq
	}
	for i := 0; i < 50; i++ {
		mustRun(t, r, aid, member(members[i%4]), uuid.NewString(), domain.CastVote{ProposalID: pid, Stance: "agree"})
	}
	head, err := store.Head(ctx, aid)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return stored() >= 40 }, 10*time.Second, 10*time.Millisecond,
		"a snapshot at most 20 events behind the head (%d)", head.Seq)
	require.LessOrEqual(t, stored(), head.Seq)
}

// storeWithSnapshots starts a store and opens its snapshot bucket.
func storeWithSnapshots(t *testing.T) (*eventstore.Store, *eventstore.Snapshots) {
	t.Helper()
	store := eventstoretest.Start(t).Store
	snaps, err := store.OpenSnapshots(context.Background(), 1)
	require.NoError(t, err)
	return store, snaps
}

// snapshottingRunner is a runner over store that keeps its write side in
// snaps, as the ledger's does.
func snapshottingRunner(store *eventstore.Store, snaps *eventstore.Snapshots) *Runner {
	r := NewRunner(store)
	r.UseSnapshots(snaps)
	return r
}
