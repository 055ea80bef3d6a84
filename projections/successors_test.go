package projections

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
	"accord/eventstore"
)

// An alliance formed as the successor of another is indexed under it: the
// predecessor's state lists it from the seq it recorded on, and at
// instants from its formation on; the index is rebuilt from snapshots.
func TestSuccessorsIndex(t *testing.T) {
	s := domaintest.NewStory(0)
	a := newStoredLog(t, s.AID)
	s.Tell(a.run)
	ctx := context.Background()
	head, err := a.proj.Head(s.AID)
	require.NoError(t, err)

	bid := domaintest.TestID(500)
	b := &storedLog{t: t, ctx: a.ctx, store: a.store, proj: a.proj, aid: bid, clock: a.clock.Add(time.Hour), n: 1000}
	b.run(domaintest.Admin, domain.FormAlliance{Name: "Care Alliance II", Purpose: "Next", Predecessor: &domain.AllianceHead{AllianceID: s.AID, Seq: head.Seq, Hash: head.Hash}})
	formedAt := b.clock
	a.run(domaintest.Member(s.M1), domain.SubmitProposal{ProposalID: domaintest.TestID(501), Kind: domain.KindPosition, Title: "After", Body: "b"})

	st, _, err := a.proj.StateAt(ctx, s.AID, head.Seq+1)
	require.NoError(t, err)
	got := a.proj.Successors(st, nil)
	require.Equal(t, []Successor{{AllianceID: bid, Name: "Care Alliance II", FormedAt: formedAt, Seq: head.Seq, Hash: head.Hash}}, got)

	st, _, err = a.proj.StateAt(ctx, s.AID, head.Seq-1)
	require.NoError(t, err)
	require.Empty(t, a.proj.Successors(st, nil), "the recorded head is seq 33: before it, no successor")

	before := formedAt.Add(-time.Second)
	st, _, err = a.proj.StateAtTime(ctx, s.AID, before)
	require.NoError(t, err)
	require.Empty(t, a.proj.Successors(st, &before), "not formed yet at that instant")
	require.Len(t, a.proj.Successors(st, &formedAt), 1)

	// The state answer carries them, and reads back.
	raw, err := json.Marshal(AllianceState{Alliance: st, Successors: got})
	require.NoError(t, err)
	var back AllianceState
	require.NoError(t, json.Unmarshal(raw, &back))
	require.Equal(t, got, back.Successors)
	require.Equal(t, st.ID, back.ID)
	raw, err = json.Marshal(AllianceState{Alliance: st})
	require.NoError(t, err)
	require.Contains(t, string(raw), `"successors":[]`)

	snaps, err := a.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	first := New(a.store)
	first.UseSnapshots(snaps, 1000, time.Hour)
	require.NoError(t, first.Start(ctx))
	require.NoError(t, first.Checkpoint(ctx))
	first.Close()
	restored := New(a.store)
	restored.UseSnapshots(snaps, 1000, time.Hour)
	require.NoError(t, restored.Start(ctx))
	t.Cleanup(restored.Close)
	var now domain.Alliance
	require.NoError(t, restored.Read(s.AID, func(s domain.Alliance, _ eventstore.Position) { now = s.Clone() }))
	require.Equal(t, got, restored.Successors(now, nil), "rebuilt from the snapshots' states")
}
