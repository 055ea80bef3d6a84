package projections

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// storedStory tells the story onto an embedded JetStream in a temp dir,
// and returns the projection that follows it.
func storedStory(t *testing.T) (*Projection, domaintest.Story) {
	t.Helper()
	proj, s, _ := storedStoryAnd(t)
	return proj, s
}

// storedStoryAnd is storedStory that also returns how to run more commands.
func storedStoryAnd(t *testing.T) (*Projection, domaintest.Story, func(domain.Actor, domain.Command)) {
	t.Helper()
	s := domaintest.NewStory(0)
	l := newStoredLog(t, s.AID)
	s.Tell(l.run)
	return l.proj, s, l.run
}

// storedLog writes one alliance's commands onto an embedded JetStream in a
// temp dir, read by a projection. Each command is decided on the state the
// writer folded and appended at its position, as the command runner does
// (this package's tests cannot import the runner, which imports this
// package), then awaited in the read model.
type storedLog struct {
	t     *testing.T
	ctx   context.Context
	store *eventstore.Store
	proj  *Projection
	aid   string
	state domain.Alliance
	pos   eventstore.Position
	clock time.Time
	n     int
}

func newStoredLog(t *testing.T, aid string) *storedLog {
	t.Helper()
	store := eventstoretest.Start(t).Store
	ctx := eventstoretest.Context(t)
	proj := New(store)
	require.NoError(t, proj.Start(ctx))
	t.Cleanup(proj.Close)
	return &storedLog{t: t, ctx: ctx, store: store, proj: proj, aid: aid, clock: domaintest.T0}
}

// run decides c by a a minute after the last command and stores it; it
// fails the test when the domain refuses it or the log cannot store it.
func (l *storedLog) run(a domain.Actor, c domain.Command) {
	l.t.Helper()
	l.clock = l.clock.Add(time.Minute)
	l.n++
	m := domain.Meta{AllianceID: l.aid, CommandID: fmt.Sprintf("cmd-%d", l.n), At: l.clock, Actor: a}
	events, err := domain.Decide(l.state, m, c)
	require.NoError(l.t, err, "%s", c.CommandName())
	res, err := l.store.Append(l.ctx, l.aid, l.pos, events)
	require.NoError(l.t, err, "%s", c.CommandName())
	for _, rec := range res.Records {
		l.state = domain.Evolve(l.state, rec.Event)
	}
	l.pos = res.Records[len(res.Records)-1].Position()
	require.NoError(l.t, l.proj.WaitFor(l.ctx, l.aid, l.pos))
}

// next is the statement header of the next command run decides, for a
// member.
func (l *storedLog) next(member string) domain.StatementHeader {
	return domain.StatementHeader{AllianceID: l.aid, MemberID: member, SignedAt: l.clock.Add(time.Minute), CommandID: fmt.Sprintf("cmd-%d", l.n+1)}
}

func TestDecisionRecord(t *testing.T) {
	proj, s := storedStory(t)
	ctx := context.Background()
	rec, err := proj.Record(ctx, s.AID, s.P1)
	require.NoError(t, err)

	require.Equal(t, Party{ID: s.AID, Name: "Care Alliance"}, rec.Alliance)
	require.Equal(t, uint64(33), rec.AsOf.Seq)
	head, err := proj.Head(s.AID)
	require.NoError(t, err)
	require.Equal(t, head.Hash, rec.AsOf.Hash)

	require.Equal(t, domain.StatusAdopted, rec.Proposal.Status)
	require.Equal(t, 2, rec.Proposal.Version)
	require.Equal(t, Party{ID: s.M1, Name: "Member A"}, rec.Proposal.Author)

	// Versions: as submitted, then from the accepted amendment.
	require.Len(t, rec.Versions, 2)
	require.Equal(t, "One formulary for all.", rec.Versions[0].Body)
	require.Equal(t, uint64(7), rec.Versions[0].Seq)
	require.Equal(t, "Member A", rec.Versions[0].By)
	require.Equal(t, Version{Version: 2, Body: "One formulary, reviewed yearly.", AmendmentID: s.Am1, Act: rec.Versions[1].Act}, rec.Versions[1])
	require.Equal(t, uint64(9), rec.Versions[1].Seq)

	// Amendments: who proposed them, who settled them and how.
	require.Len(t, rec.Amendments, 2)
	a1, a2 := rec.Amendments[0], rec.Amendments[1]
	require.Equal(t, domain.StatusAccepted, a1.Status)
	require.Equal(t, "Member B", a1.Author.Name)
	require.Equal(t, uint64(8), a1.Proposed.Seq)
	require.Equal(t, uint64(9), a1.Settled.Seq)
	require.Equal(t, s.M1, a1.Settled.Actor.MemberID)
	require.Equal(t, 2, a1.Version)
	require.Equal(t, domain.StatusRejected, a2.Status)
	require.Equal(t, "Cost.", a2.Rationale)
	require.Equal(t, uint64(11), a2.Settled.Seq)

	// Voting: the rule in force and the five eligible, one of whom left.
	require.NotNil(t, rec.Voting)
	require.Equal(t, uint64(12), rec.Voting.Opened.Seq)
	require.Equal(t, "Northside Health", rec.Voting.Opened.By)
	require.Equal(t, domain.Charter{DecisionRule: "consensus", Quorum: "1/2", Threshold: "3/4", Signatures: domain.SignaturesOptional, MaxProxies: domain.Proxies(0)}, rec.Voting.Rule)
	require.Len(t, rec.Voting.Eligible, 5)
	left := rec.Voting.Eligible[4]
	require.Equal(t, s.M4, left.ID)
	require.Equal(t, "Member D", left.Name)
	require.NotNil(t, left.Withdrew)
	require.Equal(t, uint64(18), left.Withdrew.Seq)
	require.Equal(t, "merged", left.Withdrew.Reason)

	// Stances: every change, and the dropped one.
	byMember := map[string]StanceHistory{}
	for _, st := range rec.Stances {
		byMember[st.MemberID] = st
	}
	m2 := byMember[s.M2]
	require.Equal(t, []string{"block", "agree"}, stancesOf(m2))
	require.Equal(t, []uint64{14, 15}, []uint64{m2.History[0].Seq, m2.History[1].Seq})
	require.Equal(t, domain.StanceAgree, *m2.Final)
	m4 := byMember[s.M4]
	require.True(t, m4.Dropped)
	require.Nil(t, m4.Final)
	require.Equal(t, []string{"agree"}, stancesOf(m4))

	// Outcome, as recorded.
	require.NotNil(t, rec.Outcome)
	require.Equal(t, domain.ResultAdopted, rec.Outcome.Result)
	require.Equal(t, domain.Tally{Agree: 3, Disagree: 1}, rec.Outcome.Tally)
	require.Equal(t, 4, rec.Outcome.EligibleCount)
	require.Equal(t, 2, rec.Outcome.QuorumRequired)
	require.Equal(t, uint64(20), rec.Outcome.Closed.Seq)
	require.Contains(t, rec.Outcome.Explanation, "Adopted under consensus")
	require.Nil(t, rec.Provisional)
	require.Nil(t, rec.CharterAmended)

	// The events it rests on: the proposal's own, and the withdrawal that
	// shrank the eligible set; each hash is the one in the chain.
	require.Equal(t, []uint64{7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, seqsOf(rec.Events))
	require.Equal(t, domain.TypeMemberWithdrew, rec.Events[11].Type)
	requireHashesMatchChain(t, proj, s.AID, rec.Events)
}

func TestDecisionRecordOfCharterChange(t *testing.T) {
	proj, s := storedStory(t)
	rec, err := proj.Record(context.Background(), s.AID, s.P2)
	require.NoError(t, err)
	require.Equal(t, &domain.Charter{DecisionRule: domain.RuleMajority, Quorum: "1/2", Threshold: "1/2", Signatures: domain.SignaturesOptional, MaxProxies: domain.Proxies(0)}, rec.Proposal.Charter)
	require.NotNil(t, rec.CharterAmended)
	require.Equal(t, uint64(27), rec.CharterAmended.Seq)
	require.Equal(t, domain.RuleMajority, rec.CharterAmended.Charter.DecisionRule)
	require.Equal(t, []uint64{21, 22, 23, 24, 25, 26, 27}, seqsOf(rec.Events))
	// m3 never voted: their history is empty and nothing counts for them.
	for _, st := range rec.Stances {
		if st.MemberID == s.M3 {
			require.Empty(t, st.History)
			require.Nil(t, st.Final)
		}
	}
}

func TestDecisionRecordTimeTravel(t *testing.T) {
	proj, s := storedStory(t)
	ctx := context.Background()

	// Before voting opened: versions so far, no vote.
	rec, err := proj.RecordAt(ctx, s.AID, s.P1, 10)
	require.NoError(t, err)
	require.Equal(t, domain.StatusOpen, rec.Proposal.Status)
	require.Len(t, rec.Versions, 2)
	require.Equal(t, domain.StatusProposed, rec.Amendments[1].Status)
	require.Nil(t, rec.Amendments[1].Settled)
	require.Nil(t, rec.Voting)
	require.Nil(t, rec.Outcome)
	require.Equal(t, uint64(10), rec.AsOf.Seq)

	// Mid-vote, after m2 blocked: the provisional outcome is a veto.
	rec, err = proj.RecordAt(ctx, s.AID, s.P1, 14)
	require.NoError(t, err)
	require.Equal(t, domain.StatusVoting, rec.Proposal.Status)
	require.NotNil(t, rec.Provisional)
	require.Equal(t, domain.Tally{Agree: 1, Block: 1}, rec.Provisional.Tally)
	require.Equal(t, domain.ResultRejected, rec.Provisional.Result)

	// By time: the instant of seq 12 is when voting opened.
	at12 := domaintest.T0.Add(12 * time.Minute)
	rec, err = proj.RecordAtTime(ctx, s.AID, s.P1, at12)
	require.NoError(t, err)
	require.Equal(t, uint64(12), rec.AsOf.Seq)
	require.Equal(t, at12, rec.AsOf.At)
	require.NotNil(t, rec.Voting)

	_, err = proj.RecordAt(ctx, s.AID, s.P1, 34)
	require.Equal(t, domain.Invalid, domain.KindOf(err))
	_, err = proj.RecordAt(ctx, s.AID, s.P1, 6)
	require.Equal(t, domain.NotFound, domain.KindOf(err), "not submitted yet at seq 6")
	_, err = proj.RecordAtTime(ctx, s.AID, s.P1, domaintest.T0)
	require.Equal(t, domain.NotFound, domain.KindOf(err))
	require.Contains(t, domain.MessageOf(err), "did not exist yet")
	_, err = proj.Record(ctx, s.AID, domaintest.TestID(777))
	require.Equal(t, domain.NotFound, domain.KindOf(err))
	_, err = proj.Record(ctx, domaintest.TestID(778), s.P1)
	require.Equal(t, domain.NotFound, domain.KindOf(err))
}

func TestDecisionRecordOfWithdrawnProposal(t *testing.T) {
	proj, s, run := storedStoryAnd(t)
	p4 := domaintest.TestID(33)
	run(domaintest.Member(s.M3), domain.SubmitProposal{ProposalID: p4, Kind: domain.KindPosition, Title: "Withdrawn one", Body: "Soon gone."})
	run(domaintest.Member(s.M3), domain.WithdrawProposal{ProposalID: p4, Reason: "superseded"})
	rec, err := proj.Record(context.Background(), s.AID, p4)
	require.NoError(t, err)
	require.Equal(t, domain.StatusWithdrawn, rec.Proposal.Status)
	require.NotNil(t, rec.Withdrawal)
	require.Equal(t, "superseded", rec.Withdrawal.Reason)
	require.Equal(t, "Member C", rec.Withdrawal.By)
	require.Nil(t, rec.Voting)
	require.Empty(t, rec.Stances)
	require.Equal(t, []uint64{34, 35}, seqsOf(rec.Events))
}

func stancesOf(st StanceHistory) []string {
	out := []string{}
	for _, c := range st.History {
		out = append(out, string(c.Stance))
	}
	return out
}

func seqsOf(refs []EventRef) []uint64 {
	out := []uint64{}
	for _, r := range refs {
		out = append(out, r.Seq)
	}
	return out
}

// requireHashesMatchChain checks each referenced event's hash against the
// audit trail read from the log.
func requireHashesMatchChain(t *testing.T, proj *Projection, aid string, refs []EventRef) {
	t.Helper()
	recs, _, err := proj.Events(context.Background(), aid, 1, MaxPage)
	require.NoError(t, err)
	for _, ref := range refs {
		got := recs[ref.Seq-1]
		require.Equal(t, got.Hash, ref.Hash, "seq %d", ref.Seq)
		require.Equal(t, got.Event.Type, ref.Type, "seq %d", ref.Seq)
		require.Equal(t, domain.Hash(got.Raw), ref.Hash)
	}
}
