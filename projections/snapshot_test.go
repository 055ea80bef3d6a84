package projections_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/projections"
)

// restarted starts a projection with snapshots and returns it with the
// number of records it had to fold from the log.
func restarted(t *testing.T, l *testLedger, snaps *eventstore.Snapshots) (*projections.Projection, int64) {
	t.Helper()
	p := projections.New(l.store)
	p.UseSnapshots(snaps, 1000, time.Hour)
	var folded atomic.Int64
	cancel := p.Listen(func(eventstore.Record) { folded.Add(1) })
	defer cancel()
	require.NoError(t, p.Start(context.Background()))
	t.Cleanup(p.Close)
	return p, folded.Load()
}

func vote(t *testing.T, l *testLedger, aid, member, pid string, stance domain.Stance) {
	t.Helper()
	l.run(t, aid, memberActor(member), domain.CastVote{ProposalID: pid, Stance: stance, Reason: "r"})
}

// TestSnapshotsResume checks a restart folds only what came after the last
// checkpoint, and ends in the same state as a full replay.
func TestSnapshotsResume(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	a1, ids1, p1 := seedAlliance(t, l, 4)
	a2, ids2, p2 := seedAlliance(t, l, 4)

	first, folded := restarted(t, l, snaps)
	require.Equal(t, int64(2*7), folded, "no checkpoint yet: everything is folded")
	require.NoError(t, first.Checkpoint(ctx))

	vote(t, l, a1, ids1[1], p1, "agree")
	vote(t, l, a1, ids1[2], p1, "block")
	second, folded := restarted(t, l, snaps)
	require.Equal(t, int64(2), folded, "only the events after the checkpoint are folded")
	full := projections.New(l.store)
	require.NoError(t, full.Start(ctx))
	defer full.Close()
	for _, aid := range []string{a1, a2} {
		require.JSONEq(t, stateJSON(t, full, aid), stateJSON(t, second, aid))
	}

	// Close checkpoints: the next start folds nothing.
	second.Close()
	vote(t, l, a2, ids2[1], p2, "agree")
	third, folded := restarted(t, l, snaps)
	require.Equal(t, int64(1), folded)
	head, err := l.store.Head(ctx, a2)
	require.NoError(t, err)
	require.EqualValues(t, 8, head.Seq)
	require.NoError(t, full.WaitFor(ctx, a2, head))
	require.JSONEq(t, stateJSON(t, full, a2), stateJSON(t, third, a2))
}

// TestSnapshotsNotTrustedBlindly checks a snapshot that does not match the
// log, or comes from another schema, is ignored and rebuilt.
func TestSnapshotsNotTrustedBlindly(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	a1, ids1, p1 := seedAlliance(t, l, 4)
	a2, _, _ := seedAlliance(t, l, 4)
	vote(t, l, a1, ids1[1], p1, "agree")
	p, _ := restarted(t, l, snaps)
	want1, want2 := stateJSON(t, p, a1), stateJSON(t, p, a2)
	require.NoError(t, p.Checkpoint(ctx))

	// A forged snapshot of a1: right head, altered state.
	raw, err := snaps.Get(ctx, "alliance."+a1)
	require.NoError(t, err)
	var snap map[string]any
	require.NoError(t, json.Unmarshal(raw, &snap))
	snap["head"].(map[string]any)["Hash"] = "f00d"
	forged, err := json.Marshal(snap)
	require.NoError(t, err)
	require.NoError(t, snaps.Put(ctx, "alliance."+a1, forged))
	// a2's snapshot is gone.
	require.NoError(t, snaps.Delete(ctx, "alliance."+a2))

	again, folded := restarted(t, l, snaps)
	require.Equal(t, int64(0), folded)
	require.JSONEq(t, want1, stateJSON(t, again, a1))
	require.JSONEq(t, want2, stateJSON(t, again, a2))

	// A directory of another schema is ignored: the log is read again.
	require.NoError(t, snaps.Put(ctx, "directory", []byte(`{"schema":0,"stream_seq":99}`)))
	_, folded = restarted(t, l, snaps)
	require.Equal(t, int64(15), folded)
}

// TestSnapshotsOfALargeAlliance: an alliance whose state outgrows a NATS
// message (here 25 proposals of 60 KB) is still checkpointed, and a
// restart loads it from its snapshot instead of folding its history.
func TestSnapshotsOfALargeAlliance(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	aid, ids, _ := seedAlliance(t, l, 2)
	body := strings.Repeat("A long charter text. ", 3000) // 63,000 bytes
	for i := 0; i < 25; i++ {
		l.run(t, aid, memberActor(ids[1]), domain.SubmitProposal{ProposalID: uuid.NewString(), Kind: "resolution", Title: fmt.Sprint("Part ", i), Body: body})
	}
	large := stateJSON(t, func() *projections.Projection { p, _ := restarted(t, l, snaps); return p }(), aid)
	require.Greater(t, len(large), 1<<20, "the state is larger than a NATS message")

	first, _ := restarted(t, l, snaps)
	require.NoError(t, first.Checkpoint(ctx))
	second, folded := restarted(t, l, snaps)
	require.Zero(t, folded, "loaded from its snapshot")
	require.JSONEq(t, large, stateJSON(t, second, aid))
}
