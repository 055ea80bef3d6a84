package projections_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
	"accord/ledger"
	"accord/projections"
)

// testLedger is a real embedded JetStream with a store and a runner.
type testLedger struct {
	store  *eventstore.Store
	runner *ledger.Runner
	clock  time.Time
	mu     sync.Mutex
}

func newLedger(t *testing.T) *testLedger {
	t.Helper()
	store := eventstoretest.Start(t).Store
	return &testLedger{store: store, runner: ledger.NewRunner(store), clock: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
}

// tick returns a strictly increasing clock, so time travel has distinct
// instants to aim at.
func (l *testLedger) tick() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clock = l.clock.Add(time.Second)
	return l.clock
}

func (l *testLedger) run(t *testing.T, aid string, actor domain.Actor, cmd domain.Command) []eventstore.Record {
	t.Helper()
	m := domain.Meta{AllianceID: aid, CommandID: uuid.NewString(), At: l.tick(), Actor: actor}
	res, _, err := l.runner.Run(context.Background(), m, cmd, nil)
	require.NoError(t, err, "%s", cmd.CommandName())
	return res.Records
}

var admin = domain.Actor{ID: uuid.NewString(), Role: domain.RoleAdmin}

func memberActor(id string) domain.Actor {
	return domain.Actor{ID: id, Role: domain.RoleMember, MemberID: id}
}

// seedAlliance forms an alliance with members and one proposal in voting and
// returns the alliance id, member ids and proposal id.
func seedAlliance(t *testing.T, l *testLedger, members int) (string, []string, string) {
	t.Helper()
	aid := uuid.NewString()
	l.run(t, aid, admin, domain.FormAlliance{Name: "Alliance " + aid[:8], Purpose: "p", Charter: domain.Charter{DecisionRule: "majority", Quorum: "1/2"}})
	ids := make([]string, members)
	for i := range ids {
		ids[i] = uuid.NewString()
		role := domain.RoleMember
		if i == 0 {
			role = domain.RoleConvener
		}
		l.run(t, aid, admin, domain.AdmitMember{MemberID: ids[i], Name: fmt.Sprintf("Member %d", i), Sector: "payer", Role: role})
	}
	pid := uuid.NewString()
	l.run(t, aid, memberActor(ids[1]), domain.SubmitProposal{ProposalID: pid, Kind: "resolution", Title: "Shared standard", Body: "b"})
	l.run(t, aid, memberActor(ids[0]), domain.OpenVoting{ProposalID: pid})
	return aid, ids, pid
}

func stateJSON(t *testing.T, p *projections.Projection, aid string) string {
	t.Helper()
	var out []byte
	require.NoError(t, p.Read(aid, func(s domain.Alliance, _ eventstore.Position) {
		var err error
		out, err = json.Marshal(s)
		require.NoError(t, err)
	}))
	return string(out)
}

// TestReplayEqualsLiveFold writes a ledger of 10,000 events while a
// projection follows it live, then builds a second projection by replay and
// checks both, and the write side, agree on every alliance.
func TestReplayEqualsLiveFold(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	live := projections.New(l.store)
	require.NoError(t, live.Start(ctx))
	defer live.Close()

	type seeded struct {
		aid, pid string
		ids      []string
	}
	var alliances []seeded
	for i := 0; i < 4; i++ {
		aid, ids, pid := seedAlliance(t, l, 20)
		alliances = append(alliances, seeded{aid, pid, ids})
	}
	stances := []domain.Stance{"agree", "disagree", "abstain", "block"}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 1240; i++ {
				a := alliances[(w+i)%len(alliances)]
				member := a.ids[(w*7+i)%len(a.ids)]
				m := domain.Meta{AllianceID: a.aid, CommandID: uuid.NewString(), At: l.tick(), Actor: memberActor(member)}
				cmd := domain.CastVote{ProposalID: a.pid, Stance: stances[(w+i)%4], Reason: fmt.Sprintf("w%d i%d", w, i)}
				if _, _, err := l.runner.Run(ctx, m, cmd, nil); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	total := uint64(0)
	for _, a := range alliances {
		head, err := l.store.Head(ctx, a.aid)
		require.NoError(t, err)
		total += head.Seq
		waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		require.NoError(t, live.WaitFor(waitCtx, a.aid, head))
		cancel()
	}
	require.GreaterOrEqual(t, total, uint64(10000))

	replayed := projections.New(l.store)
	require.NoError(t, replayed.Start(ctx))
	defer replayed.Close()
	for _, a := range alliances {
		want := stateJSON(t, live, a.aid)
		require.JSONEq(t, want, stateJSON(t, replayed, a.aid))
		written, _, err := l.runner.State(ctx, a.aid)
		require.NoError(t, err)
		raw, err := json.Marshal(written)
		require.NoError(t, err)
		require.JSONEq(t, want, string(raw))
	}
}

// TestTimeTravel checks state as of a seq and as of an instant.
func TestTimeTravel(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	p := projections.New(l.store)
	require.NoError(t, p.Start(ctx))
	defer p.Close()
	aid, ids, pid := seedAlliance(t, l, 3)
	recs := l.run(t, aid, memberActor(ids[1]), domain.CastVote{ProposalID: pid, Stance: "agree", Reason: "r"})
	voteSeq := recs[0].Event.Seq
	closed := l.run(t, aid, memberActor(ids[0]), domain.CloseVoting{ProposalID: pid})
	require.Equal(t, voteSeq+1, closed[0].Event.Seq)
	require.NoError(t, p.WaitFor(ctx, aid, closed[len(closed)-1].Position()))

	before, pos, err := p.StateAt(ctx, aid, voteSeq-1)
	require.NoError(t, err)
	require.Equal(t, voteSeq-1, pos.Seq)
	prop, ok := before.Proposal(pid)
	require.True(t, ok)
	require.Equal(t, domain.StatusVoting, prop.Status)
	require.Empty(t, prop.Stances)

	at, _, err := p.StateAtTime(ctx, aid, recs[0].Event.At)
	require.NoError(t, err)
	require.Equal(t, voteSeq, at.Seq)

	_, _, err = p.StateAt(ctx, aid, voteSeq+5)
	require.Equal(t, domain.Invalid, domain.KindOf(err))
	_, _, err = p.StateAtTime(ctx, aid, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	require.Equal(t, domain.NotFound, domain.KindOf(err))
}

// TestAuditPages reads an alliance's events in pages across multi-event
// messages with no gap and no repeat.
func TestAuditPages(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	p := projections.New(l.store)
	require.NoError(t, p.Start(ctx))
	defer p.Close()
	aid, ids, pid := seedAlliance(t, l, 5)
	for i := 0; i < 30; i++ {
		l.run(t, aid, memberActor(ids[i%5]), domain.CastVote{ProposalID: pid, Stance: "agree", Reason: "r"})
	}
	head, err := l.store.Head(ctx, aid)
	require.NoError(t, err)
	require.NoError(t, p.WaitFor(ctx, aid, head))

	var seqs []uint64
	from := uint64(1)
	for from != 0 {
		recs, next, err := p.Events(ctx, aid, from, 7)
		require.NoError(t, err)
		require.LessOrEqual(t, len(recs), 7)
		for _, r := range recs {
			seqs = append(seqs, r.Event.Seq)
		}
		from = next
	}
	require.Len(t, seqs, int(head.Seq))
	for i, s := range seqs {
		require.Equal(t, uint64(i+1), s)
	}
	_, _, err = p.Events(ctx, aid, head.Seq+2, 10)
	require.Equal(t, domain.Invalid, domain.KindOf(err))
}
