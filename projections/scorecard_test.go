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

// scorecardAt returns the scorecard as of seq (0: now, judged on now).
func scorecardAt(t *testing.T, proj *Projection, aid string, seq uint64, now time.Time) Scorecard {
	t.Helper()
	var card Scorecard
	require.NoError(t, proj.ReadAt(context.Background(), aid, seq, nil, now, func(m Moment) { card = m.Scorecard() }))
	return card
}

func byMember(card Scorecard) map[string]MemberScore {
	out := map[string]MemberScore{}
	for _, m := range card.Members {
		out[m.MemberID] = m
	}
	return out
}

// The scorecard counts, per member, the closed votes it was eligible for
// at their close, those it took part in and its blocks (the story: P1, P2
// and P3 closed, M4 withdrew before P1's close, M3 blocked P3), as the
// live read model folds them and as time travel folds them again.
func TestScorecardVotes(t *testing.T) {
	proj, s := storedStory(t)
	card := scorecardAt(t, proj, s.AID, 0, domaintest.T0)
	m := byMember(card)
	require.Equal(t, VoteRecord{Eligible: 3, TookPart: 2}, m[s.Conv].Votes)
	require.Equal(t, VoteRecord{Eligible: 3, TookPart: 3}, m[s.M1].Votes)
	require.Equal(t, VoteRecord{Eligible: 3, TookPart: 2, Blocks: 1}, m[s.M3].Votes)
	require.Equal(t, VoteRecord{}, m[s.M4].Votes, "withdrew before any close")
	require.Equal(t, domain.StatusWithdrawn, m[s.M4].Status)
	require.Equal(t, uint64(33), card.Seq)

	again := scorecardAt(t, proj, s.AID, 33, time.Time{})
	require.Equal(t, card.Members, again.Members, "the fold of time travel gives the live model's counts")

	early := byMember(scorecardAt(t, proj, s.AID, 20, time.Time{}))
	require.Equal(t, VoteRecord{Eligible: 1, TookPart: 1}, early[s.M3].Votes, "as of P1's close")
	require.Equal(t, VoteRecord{Eligible: 1, TookPart: 1}, early[s.Conv].Votes)
}

// Commitments, workgroups and proxies on the scorecard: counted by state,
// overdue judged against the moment's day, latest values against targets,
// and proxies held and given.
func TestScorecardCommitmentsWorkgroupsProxies(t *testing.T) {
	proj, s, run := storedStoryAnd(t)
	conv, m1, m2 := domaintest.Member(s.Conv), domaintest.Member(s.M1), domaintest.Member(s.M2)
	wg, c1, c2, c3 := domaintest.TestID(60), domaintest.TestID(61), domaintest.TestID(62), domaintest.TestID(63)
	run(conv, domain.FormWorkgroup{WorkgroupID: wg, Name: "Pilots", Aim: "Pilot sites", Metric: "sites", Target: 10, Due: "2026-12-31", MemberIDs: []string{s.M1, s.M2}})
	run(m1, domain.MakeCommitment{CommitmentID: c1, WorkgroupID: wg, Description: "Two sites", Metric: "sites", Target: 2, Due: "2026-12-01"})
	run(m1, domain.MakeCommitment{CommitmentID: c2, ProposalID: s.P1, Description: "Publish", Metric: "lists", Target: 1, Due: "2027-06-30"})
	run(m2, domain.MakeCommitment{CommitmentID: c3, WorkgroupID: wg, Description: "One site", Metric: "sites", Target: 1, Due: "2027-01-31"})
	run(m1, domain.ReportProgress{CommitmentID: c1, Value: 1, Note: "first"})
	run(m2, domain.FulfilCommitment{CommitmentID: c3, Note: "done", Value: ptr(1.0)})
	run(m1, domain.WithdrawCommitment{CommitmentID: c2, Note: "moved"})
	run(conv, domain.ReportWorkgroupProgress{WorkgroupID: wg, Value: 4, Note: "q1"})
	run(m1, domain.GrantProxy{ProxyID: s.M2})
	run(conv, domain.GrantProxy{ProxyID: s.M2, ProposalID: ""})

	head, err := proj.Head(s.AID)
	require.NoError(t, err)
	card := scorecardAt(t, proj, s.AID, 0, time.Date(2026, 12, 15, 12, 0, 0, 0, time.UTC))
	require.Equal(t, "2026-12-15", card.Today)
	m := byMember(card)
	c := m[s.M1].Commitments
	require.Equal(t, 1, c.Open)
	require.Equal(t, 1, c.Withdrawn)
	require.Equal(t, 1, c.Overdue, "c1 was due 2026-12-01 and is open")
	require.Len(t, c.Items, 2)
	require.Equal(t, 1.0, *c.Items[0].Latest)
	require.True(t, c.Items[0].Overdue)
	require.Nil(t, c.Items[1].Latest, "nothing reported on c2")
	require.Equal(t, 1, m[s.M2].Commitments.Fulfilled)
	require.Len(t, m[s.M2].Proxies.Held, 2)
	require.Len(t, m[s.M1].Proxies.Given, 1)
	require.Empty(t, m[s.M1].Proxies.Held)

	require.Len(t, card.Workgroups, 1)
	w := card.Workgroups[0]
	require.Equal(t, 4.0, *w.Latest)
	require.Equal(t, 1, w.Reports)
	require.False(t, w.Overdue, "due 2026-12-31")
	require.Equal(t, 2, w.Members)
	require.Equal(t, CommitmentsByState{Open: 1, Fulfilled: 1, Overdue: 1, Items: w.Commitments.Items}, w.Commitments)

	// As of the workgroup's formation (its event's day is 2026-11-22).
	formed := scorecardAt(t, proj, s.AID, 34, time.Time{})
	require.Equal(t, "2026-11-22", formed.Today)
	require.Nil(t, formed.Workgroups[0].Latest)
	require.Empty(t, byMember(formed)[s.M1].Commitments.Items)

	// Judged a year later, the workgroup is overdue too.
	late := scorecardAt(t, proj, s.AID, 0, time.Date(2027, 11, 1, 0, 0, 0, 0, time.UTC))
	require.True(t, late.Workgroups[0].Overdue)
	require.Equal(t, head.Seq, late.Seq)
}

// ReadAt with an instant judges overdue on that instant, and an instant
// before the alliance existed is NotFound; a seq past the head is Invalid.
func TestReadAtBounds(t *testing.T) {
	proj, s := storedStory(t)
	ctx := context.Background()
	at := domaintest.T0.Add(20 * time.Minute)
	var card Scorecard
	require.NoError(t, proj.ReadAt(ctx, s.AID, 0, &at, time.Time{}, func(m Moment) { card = m.Scorecard() }))
	require.Equal(t, uint64(20), card.Seq)
	before := domaintest.T0
	err := proj.ReadAt(ctx, s.AID, 0, &before, time.Time{}, func(Moment) {})
	require.Equal(t, domain.NotFound, domain.KindOf(err))
	err = proj.ReadAt(ctx, s.AID, 34, nil, time.Time{}, func(Moment) {})
	require.Equal(t, domain.Invalid, domain.KindOf(err))
	err = proj.ReadAt(ctx, domaintest.TestID(77), 0, nil, time.Time{}, func(Moment) {})
	require.Equal(t, domain.NotFound, domain.KindOf(err))
}

// A snapshot keeps the vote counts: a projection restarted from it has
// the scorecard of one that folded the whole log.
func TestScorecardSurvivesSnapshots(t *testing.T) {
	s := domaintest.NewStory(0)
	l := newStoredLog(t, s.AID)
	s.Tell(l.run)
	ctx := context.Background()
	snaps, err := l.store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	first := New(l.store)
	first.UseSnapshots(snaps, 1000, time.Hour)
	require.NoError(t, first.Start(ctx))
	require.NoError(t, first.Checkpoint(ctx))
	first.Close()

	restored := New(l.store)
	restored.UseSnapshots(snaps, 1000, time.Hour)
	var folded int
	cancel := restored.Listen(func(eventstore.Record) { folded++ })
	require.NoError(t, restored.Start(ctx))
	cancel()
	t.Cleanup(restored.Close)
	require.Zero(t, folded, "everything came from the snapshot")
	want, err := json.Marshal(scorecardAt(t, l.proj, s.AID, 0, domaintest.T0))
	require.NoError(t, err)
	got, err := json.Marshal(scorecardAt(t, restored, s.AID, 0, domaintest.T0))
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(got))
	require.Equal(t, 2, byMember(scorecardAt(t, restored, s.AID, 0, domaintest.T0))[s.M3].Votes.TookPart)
}

func ptr[T any](v T) *T { return &v }
