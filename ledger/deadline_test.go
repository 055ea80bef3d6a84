package ledger

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
	"accord/projections"
)

// deadlineLedger is one embedded JetStream with a store and a writer that
// sets up alliances with votes to close.
type deadlineLedger struct {
	store  *eventstore.Store
	runner *Runner
}

func newDeadlineLedger(t *testing.T) *deadlineLedger {
	t.Helper()
	store := eventstoretest.Start(t).Store
	return &deadlineLedger{store: store, runner: NewRunner(store)}
}

func (l *deadlineLedger) run(t *testing.T, aid string, at time.Time, actor domain.Actor, cmd domain.Command) {
	t.Helper()
	m := domain.Meta{AllianceID: aid, CommandID: uuid.NewString(), At: at, Actor: actor}
	_, _, err := l.runner.Run(context.Background(), m, cmd, nil)
	require.NoError(t, err, "%s", cmd.CommandName())
}

// voteClosingAt forms an alliance whose convener opens a vote at openedAt
// that closes at closesAt, with one stance cast, and returns its ballot and
// convener.
func (l *deadlineLedger) voteClosingAt(t *testing.T, openedAt, closesAt time.Time) (ballot, domain.Actor) {
	t.Helper()
	b := ballot{allianceID: uuid.NewString(), proposalID: uuid.NewString()}
	conv := uuid.NewString()
	convener := domain.Actor{ID: conv, Role: domain.RoleConvener, MemberID: conv}
	admin := domain.Actor{ID: uuid.NewString(), Role: domain.RoleAdmin}
	l.run(t, b.allianceID, openedAt, admin, domain.FormAlliance{Name: "Regional Blood Supply", Purpose: "Shared inventory", Charter: domain.Charter{DecisionRule: "consensus"}})
	l.run(t, b.allianceID, openedAt, admin, domain.AdmitMember{MemberID: conv, Name: "County Hospital", Sector: "health system", Role: domain.RoleConvener})
	l.run(t, b.allianceID, openedAt, convener, domain.SubmitProposal{ProposalID: b.proposalID, Kind: domain.KindResolution, Title: "Pool O-negative stock", Body: "b"})
	l.run(t, b.allianceID, openedAt, convener, domain.OpenVoting{ProposalID: b.proposalID, ClosesAt: &closesAt})
	l.run(t, b.allianceID, openedAt, convener, domain.CastVote{ProposalID: b.proposalID, Stance: domain.StanceAgree})
	return b, convener
}

// closer is what one accord serve contributes to deadlines: its own read
// models and its own runner over the shared log.
func (l *deadlineLedger) closer(t *testing.T) *DeadlineCloser {
	t.Helper()
	proj := projections.New(l.store)
	require.NoError(t, proj.Start(context.Background()))
	t.Cleanup(proj.Close)
	return newDeadlineCloser(NewRunner(l.store), proj, quietLog())
}

// closings returns the VotingClosed events of a ballot in the log.
func (l *deadlineLedger) closings(t *testing.T, b ballot) []domain.Event {
	t.Helper()
	var out []domain.Event
	for rec, err := range l.store.ReadAlliance(context.Background(), b.allianceID, 0) {
		require.NoError(t, err)
		if rec.Event.Type == domain.TypeVotingClosed {
			out = append(out, rec.Event)
		}
	}
	return out
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Two instances fire the close of the same votes at the same moment, each
// through its own runner and read models: the log records one VotingClosed
// per vote, by the system actor with the deterministic command id, and the
// instance that lost the race learns the close is there and stands down.
func TestDeadlineRaceClosesOnce(t *testing.T) {
	l := newDeadlineLedger(t)
	past := time.Now().Add(-time.Hour)
	var ballots []ballot
	for range 8 {
		bl, _ := l.voteClosingAt(t, past, past.Add(time.Minute))
		ballots = append(ballots, bl)
	}
	a, b := l.closer(t), l.closer(t)

	type outcome struct {
		fresh bool
		err   error
	}
	var mu sync.Mutex
	outcomes := map[ballot][]outcome{}
	record := func(bl ballot, res Result, err error) {
		mu.Lock()
		defer mu.Unlock()
		outcomes[bl] = append(outcomes[bl], outcome{fresh: err == nil && !res.Duplicate, err: err})
	}
	a.settled, b.settled = record, record

	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, bl := range ballots {
		for _, d := range []*DeadlineCloser{a, b} {
			wg.Go(func() {
				<-start
				d.close(context.Background(), bl)
			})
		}
	}
	close(start)
	wg.Wait()

	for _, bl := range ballots {
		closed := l.closings(t, bl)
		require.Len(t, closed, 1, "proposal %s", bl.proposalID)
		require.Equal(t, closeCommandID(bl.proposalID), closed[0].CommandID)
		require.Equal(t, domain.Actor{ID: SystemActorID, Role: domain.RoleSystem}, closed[0].Actor)

		got := outcomes[bl]
		require.Len(t, got, 2)
		fresh := 0
		for _, o := range got {
			if o.fresh {
				fresh++
				continue
			}
			// The loser sees the close already recorded (a duplicate) or
			// the vote no longer open (a domain conflict): never a second
			// write, never an error worth retrying.
			if o.err != nil {
				require.True(t, standDown(o.err), "%v", o.err)
			}
		}
		require.Equal(t, 1, fresh, "exactly one instance writes the close of %s", bl.proposalID)
	}
}

// Running closers pick up votes already open when they start and votes
// opened later, close each at its deadline once, and leave alone a vote that
// a convener closed first.
func TestDeadlineCloserSchedules(t *testing.T) {
	l := newDeadlineLedger(t)
	now := time.Now()
	overdue, _ := l.voteClosingAt(t, now.Add(-time.Hour), now.Add(-time.Minute))

	var closers []*DeadlineCloser
	for range 3 {
		d := l.closer(t)
		d.start()
		t.Cleanup(d.Stop)
		closers = append(closers, d)
	}
	soon, _ := l.voteClosingAt(t, time.Now(), time.Now().Add(time.Second))

	// A vote whose convener closes it before its deadline is forgotten.
	manual, convener := l.voteClosingAt(t, time.Now(), time.Now().Add(time.Hour))
	l.run(t, manual.allianceID, time.Now(), convener, domain.CloseVoting{ProposalID: manual.proposalID})

	for _, bl := range []ballot{overdue, soon} {
		require.Eventually(t, func() bool { return len(l.closings(t, bl)) > 0 }, 30*time.Second, 20*time.Millisecond)
	}
	for _, d := range closers {
		require.Eventually(t, func() bool {
			d.mu.Lock()
			defer d.mu.Unlock()
			return len(d.due) == 0
		}, 30*time.Second, 20*time.Millisecond, "every closer forgets closed votes")
	}
	for _, bl := range []ballot{overdue, soon, manual} {
		require.Len(t, l.closings(t, bl), 1, "proposal %s", bl.proposalID)
	}
	require.Equal(t, closeCommandID(soon.proposalID), l.closings(t, soon)[0].CommandID)
	require.NotEqual(t, closeCommandID(manual.proposalID), l.closings(t, manual)[0].CommandID)
}

// Stop is safe on a closer that never started (Main.Close after a failed Run).
func TestDeadlineCloserStopNil(t *testing.T) {
	var d *DeadlineCloser
	d.Stop()
}
