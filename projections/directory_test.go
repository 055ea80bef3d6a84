package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
	"accord/ledger"
	"accord/projections"
)

func list(t *testing.T, p *projections.Projection, visible func(string) bool) []projections.Summary {
	t.Helper()
	out, err := p.List(context.Background(), visible)
	require.NoError(t, err)
	return out
}

func listOne(t *testing.T, p *projections.Projection, aid string) []projections.Summary {
	t.Helper()
	out, err := p.ListOne(context.Background(), aid)
	require.NoError(t, err)
	return out
}

// requireListsLog checks that p lists every alliance of aids with the
// name it was formed with and the log's head, whole and one by one.
func requireListsLog(t *testing.T, l *testLedger, p *projections.Projection, aids []string) {
	t.Helper()
	ctx := context.Background()
	all := list(t, p, func(string) bool { return true })
	require.Len(t, all, len(aids))
	byID := map[string]projections.Summary{}
	for _, s := range all {
		byID[s.ID] = s
	}
	for _, aid := range aids {
		head, err := l.store.Head(ctx, aid)
		require.NoError(t, err)
		want := projections.Summary{ID: aid, Name: "Alliance " + aid[:8], Purpose: "p", Seq: head.Seq}
		require.Equal(t, want, byID[aid])
		require.Equal(t, []projections.Summary{want}, listOne(t, p, aid))
	}
}

// TestDirectoryLeavesMemoryOnceStored: the entries of alliances written
// to stay in memory only until the directory is stored; the listing, one
// alliance's listing and the open deadlines stay right throughout, for
// an alliance written to again after its entry was stored (whose entry in
// memory then holds only its head), and after a restart.
func TestDirectoryLeavesMemoryOnceStored(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	var aids, conveners, members, pids []string
	for range 8 {
		aid, ids, pid := seedAlliance(t, l, 3)
		aids, pids = append(aids, aid), append(pids, pid)
		conveners, members = append(conveners, ids[0]), append(members, ids[1])
	}
	p, _ := lazyProjection(t, l, snaps, 1<<20)
	require.Equal(t, 8, p.RecentEntries(), "read from the log, not stored yet")
	requireListsLog(t, l, p, aids)

	require.NoError(t, p.Checkpoint(ctx))
	require.Zero(t, p.RecentEntries(), "stored, so gone from memory")
	requireListsLog(t, l, p, aids)
	require.Zero(t, p.CacheStats().Loaded, "listing loads no read model")
	// A loaded alliance lists from its read model.
	require.NoError(t, p.Read(aids[0], func(domain.Alliance, eventstore.Position) {}))
	require.Equal(t, 1, p.CacheStats().Loaded)
	requireListsLog(t, l, p, aids)

	// A vote in a stored alliance, and a timed vote opened in another.
	recs := l.run(t, aids[3], memberActor(members[3]), domain.CastVote{ProposalID: pids[3], Stance: "agree", Reason: "r"})
	require.NoError(t, p.WaitFor(ctx, aids[3], recs[len(recs)-1].Position()))
	timed := uuid.NewString()
	closes := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	l.run(t, aids[5], memberActor(members[5]), domain.SubmitProposal{ProposalID: timed, Kind: "resolution", Title: "Timed", Body: "b"})
	recs = l.run(t, aids[5], memberActor(conveners[5]), domain.OpenVoting{ProposalID: timed, ClosesAt: &closes})
	require.NoError(t, p.WaitFor(ctx, aids[5], recs[len(recs)-1].Position()))
	require.Equal(t, 2, p.RecentEntries())
	requireListsLog(t, l, p, aids)
	timedVote := projections.Deadline{AllianceID: aids[5], ProposalID: timed, At: closes}
	require.Contains(t, p.Deadlines(), timedVote)

	require.NoError(t, p.Checkpoint(ctx))
	require.Zero(t, p.RecentEntries())
	requireListsLog(t, l, p, aids)
	require.Contains(t, p.Deadlines(), timedVote)

	// A restart reads the stored directory, the deadline with it.
	again, read := lazyProjection(t, l, snaps, 1<<20)
	require.Zero(t, read, "nothing of the log is read again")
	require.Zero(t, again.RecentEntries())
	requireListsLog(t, l, again, aids)
	require.Equal(t, []projections.Deadline{timedVote}, again.Deadlines())
	// The log's last message is in the stored directory: waiting for it
	// ends at once.
	last, err := l.store.Head(ctx, aids[5])
	require.NoError(t, err)
	waitCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	require.NoError(t, again.WaitFor(waitCtx, aids[5], last))
	events, _ := p.Applied()
	againEvents, _ := again.Applied()
	require.Equal(t, events, againEvents, "the events counted")
	require.Equal(t, p.CacheStats().Alliances, again.CacheStats().Alliances)
	require.Equal(t, 8, again.CacheStats().Alliances)

	// The vote closes: its deadline goes, in memory and once stored.
	recs = l.run(t, aids[5], memberActor(conveners[5]), domain.CloseVoting{ProposalID: timed})
	require.NoError(t, again.WaitFor(ctx, aids[5], recs[len(recs)-1].Position()))
	require.Empty(t, again.Deadlines())
	require.NoError(t, again.Checkpoint(ctx))
	third, _ := lazyProjection(t, l, snaps, 1<<20)
	require.Empty(t, third.Deadlines())
	requireListsLog(t, l, third, aids)

	// An id that names no alliance lists nothing and reads as not found,
	// and leaves nothing in memory.
	unknown := uuid.NewString()
	require.Equal(t, []projections.Summary{}, listOne(t, third, unknown))
	err = third.Read(unknown, func(domain.Alliance, eventstore.Position) {})
	require.Equal(t, domain.NotFound, domain.KindOf(err), "%v", err)
	require.Zero(t, third.CacheStats().Loaded)
}

// TestDirectoryStoredByTwoInstances: two instances store the directory,
// the second one behind the first (it stopped following the log) and
// holding older entries of the same alliances; the stored directory
// keeps what the first stored, and a third instance starting from it
// reads nothing of the log again and lists every alliance at its head.
func TestDirectoryStoredByTwoInstances(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	var aids, members, pids []string
	for range 4 {
		aid, ids, pid := seedAlliance(t, l, 2)
		aids, members, pids = append(aids, aid), append(members, ids[1]), append(pids, pid)
	}
	behindCtx, stopBehind := context.WithCancel(ctx)
	behind := projections.New(l.store)
	behind.UseSnapshots(snaps, 1000, time.Hour)
	behind.UseCache(1 << 20)
	require.NoError(t, behind.Start(behindCtx))
	ahead, _ := lazyProjection(t, l, snaps, 1<<20)
	stopBehind() // it follows the log no further, and stores nothing yet
	require.Equal(t, 4, behind.RecentEntries())

	for i, aid := range aids {
		vote(t, l, aid, members[i], pids[i], "agree")
	}
	aid, _, _ := seedAlliance(t, l, 2)
	aids = append(aids, aid)
	head, err := l.store.Head(ctx, aid)
	require.NoError(t, err)
	require.NoError(t, ahead.WaitFor(ctx, aid, head))
	require.NoError(t, ahead.Checkpoint(ctx))
	require.NoError(t, behind.Checkpoint(ctx), "the one behind stores what it knows")

	third, read := lazyProjection(t, l, snaps, 1<<20)
	require.Zero(t, read, "the directory stored is the one further along")
	requireListsLog(t, l, third, aids)
	behind.Close()
}

// TestCheckpointStoresTheDirectoryPastAFailedSnapshot: an alliance whose
// snapshot the bucket refuses (here, too large for it) does not keep the
// directory from being stored, so its entries still leave memory; the
// alliance is snapshotted at the first checkpoint that can.
func TestCheckpointStoresTheDirectoryPastAFailedSnapshot(t *testing.T) {
	srv := eventstoretest.Start(t)
	l := &testLedger{store: srv.Store, runner: ledger.NewRunner(srv.Store), clock: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	js, err := jetstream.New(srv.Conn)
	require.NoError(t, err)
	kv, err := js.KeyValue(ctx, eventstore.SnapshotBucket)
	require.NoError(t, err)
	limit := func(size int32) {
		t.Helper()
		st, err := kv.Status(ctx)
		require.NoError(t, err)
		cfg := st.(*jetstream.KeyValueBucketStatus).StreamInfo().Config
		cfg.MaxMsgSize = size
		_, err = js.UpdateStream(ctx, cfg)
		require.NoError(t, err)
	}

	big, ids, pid := seedAlliance(t, l, 12)
	for _, m := range ids[1:] {
		vote(t, l, big, m, pid, "agree")
	}
	small, _, _ := seedAlliance(t, l, 2)
	p, _ := lazyProjection(t, l, snaps, 1<<20)
	require.NoError(t, p.Read(big, func(domain.Alliance, eventstore.Position) {}))
	require.Equal(t, 2, p.RecentEntries())

	limit(1024) // the big alliance's state is larger; a directory shard is not
	err = p.Checkpoint(ctx)
	require.Error(t, err, "the big alliance's snapshot is refused")
	require.Zero(t, p.RecentEntries(), "the directory was stored all the same")
	requireListsLog(t, l, p, []string{big, small})
	raw, err := snaps.Get(ctx, "alliance."+big)
	require.NoError(t, err)
	require.Nil(t, raw)

	limit(-1)
	require.NoError(t, p.Checkpoint(ctx))
	raw, err = snaps.Get(ctx, "alliance."+big)
	require.NoError(t, err)
	require.NotNil(t, raw, "snapshotted at the next checkpoint")
}
