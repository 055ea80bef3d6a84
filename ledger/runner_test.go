package ledger

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore/eventstoretest"
)

// runnerAlliance forms an alliance through r with n members (the first a
// convener) and a proposal in voting, and returns the member ids and the
// proposal id.
func runnerAlliance(t testing.TB, r *Runner, aid string, n int) ([]string, string) {
	t.Helper()
	admin := domain.Actor{ID: uuid.NewString(), Role: domain.RoleAdmin}
	mustRun(t, r, aid, admin, uuid.NewString(), domain.FormAlliance{Name: "Runner alliance", Purpose: "p", Charter: domain.Charter{DecisionRule: "majority"}})
	members := make([]string, n)
	for i := range members {
		members[i] = uuid.NewString()
		role := domain.RoleMember
		if i == 0 {
			role = domain.RoleConvener
		}
		mustRun(t, r, aid, admin, uuid.NewString(), domain.AdmitMember{MemberID: members[i], Name: fmt.Sprint("Member ", i), Sector: "payer", Role: role})
	}
	pid := uuid.NewString()
	mustRun(t, r, aid, member(members[0]), uuid.NewString(), domain.SubmitProposal{ProposalID: pid, Kind: "resolution", Title: "t", Body: "b"})
	mustRun(t, r, aid, member(members[0]), uuid.NewString(), domain.OpenVoting{ProposalID: pid})
	return members, pid
}

func member(id string) domain.Actor {
	return domain.Actor{ID: id, Role: domain.RoleMember, MemberID: id}
}

func runCmd(r *Runner, aid string, actor domain.Actor, commandID string, cmd domain.Command) (Result, error) {
	m := domain.Meta{AllianceID: aid, CommandID: commandID, At: time.Now().UTC(), Actor: actor}
	res, _, err := r.Run(context.Background(), m, cmd, nil)
	return res, err
}

func mustRun(t testing.TB, r *Runner, aid string, actor domain.Actor, commandID string, cmd domain.Command) Result {
	t.Helper()
	res, err := runCmd(r, aid, actor, commandID, cmd)
	require.NoError(t, err, "%s", cmd.CommandName())
	return res
}

// concurrently runs fn(i) for i in [0,n) at once and returns the errors.
func concurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = fn(i)
		}(i)
	}
	wg.Wait()
	return errs
}

// TestRunnerGroupCommit checks concurrent commands on one alliance share
// messages, each gets its own records, and the log stays gapless.
func TestRunnerGroupCommit(t *testing.T) {
	store := eventstoretest.Start(t).Store
	r := NewRunner(store)
	aid := uuid.NewString()
	members, pid := runnerAlliance(t, r, aid, 32)
	head, err := store.Head(eventstoretest.Context(t), aid)
	require.NoError(t, err)
	before := r.Stats().Batches

	results := make([]Result, 32)
	errs := concurrently(32, func(i int) error {
		var err error
		results[i], err = runCmd(r, aid, member(members[i]), uuid.NewString(), domain.CastVote{ProposalID: pid, Stance: "agree", Reason: "r"})
		return err
	})
	seqs := map[uint64]bool{}
	for i, err := range errs {
		require.NoError(t, err)
		require.Len(t, results[i].Records, 1)
		require.Equal(t, members[i], results[i].Records[0].Event.Actor.MemberID)
		seqs[results[i].Records[0].Event.Seq] = true
	}
	for s := head.Seq + 1; s <= head.Seq+32; s++ {
		require.True(t, seqs[s], "seq %d missing", s)
	}
	require.Less(t, r.Stats().Batches-before, uint64(32), "concurrent votes should share messages")
	require.Len(t, eventstoretest.ReadAll(t, store, aid), int(head.Seq)+32)
}

// TestRunnerRetryLongAfter checks a retried command is recorded once even
// after many later commands pushed it out of the recent cache, including
// commands that were not first in their message.
func TestRunnerRetryLongAfter(t *testing.T) {
	store := eventstoretest.Start(t).Store
	r := NewRunner(store)
	aid := uuid.NewString()
	members, pid := runnerAlliance(t, r, aid, 8)
	keys := make([]string, 8)
	first := make([]Result, 8)
	concurrently(8, func(i int) error {
		keys[i] = uuid.NewString()
		var err error
		first[i], err = runCmd(r, aid, member(members[i]), keys[i], domain.CastVote{ProposalID: pid, Stance: "agree", Reason: "first"})
		return err
	})
	for i := 0; i < recentLimit+50; i++ {
		mustRun(t, r, aid, member(members[0]), uuid.NewString(), domain.CastVote{ProposalID: pid, Stance: "abstain", Reason: "later"})
	}
	head, err := store.Head(eventstoretest.Context(t), aid)
	require.NoError(t, err)

	for _, fresh := range []*Runner{r, NewRunner(store)} { // this instance, and one that loads from the log
		for i, key := range keys {
			again := mustRun(t, fresh, aid, member(members[i]), key, domain.CastVote{ProposalID: pid, Stance: "block", Reason: "retry"})
			require.True(t, again.Duplicate)
			require.Equal(t, first[i].Records[0].Hash, again.Records[0].Hash)
		}
	}
	after, err := store.Head(eventstoretest.Context(t), aid)
	require.NoError(t, err)
	require.Equal(t, head, after, "no retry was recorded again")
}

// TestRunnerSameCommandTwiceAtOnce checks a retry racing its first try is
// recorded once and both answer alike, and that a refused command in a batch
// leaves the others alone.
func TestRunnerSameCommandTwiceAtOnce(t *testing.T) {
	store := eventstoretest.Start(t).Store
	r := NewRunner(store)
	aid := uuid.NewString()
	members, pid := runnerAlliance(t, r, aid, 4)
	head, err := store.Head(eventstoretest.Context(t), aid)
	require.NoError(t, err)
	key := uuid.NewString()
	results := make([]Result, 12)
	errs := concurrently(12, func(i int) error {
		var err error
		switch {
		case i%3 == 2: // refused: not a stance
			results[i], err = runCmd(r, aid, member(members[1]), uuid.NewString(), domain.CastVote{ProposalID: pid, Stance: "maybe"})
		default:
			results[i], err = runCmd(r, aid, member(members[0]), key, domain.CastVote{ProposalID: pid, Stance: "agree"})
		}
		return err
	})
	for i, err := range errs {
		if i%3 == 2 {
			require.Equal(t, domain.Invalid, domain.KindOf(err))
			continue
		}
		require.NoError(t, err)
		require.Equal(t, head.Seq+1, results[i].Records[0].Event.Seq)
	}
	after, err := store.Head(eventstoretest.Context(t), aid)
	require.NoError(t, err)
	require.Equal(t, head.Seq+1, after.Seq)
}

// TestRunnersRace checks two runners (two instances) writing one alliance at
// once resolve every race by optimistic concurrency: all land, gapless.
func TestRunnersRace(t *testing.T) {
	store := eventstoretest.Start(t).Store
	a, b := NewRunner(store), NewRunner(store)
	aid := uuid.NewString()
	members, pid := runnerAlliance(t, a, aid, 16)
	// One race for certain, whatever the scheduler does below: b appends
	// behind a's cached state, so a's next append must lose and re-decide.
	vote := func(r *Runner, i int) error {
		_, err := runCmd(r, aid, member(members[i%16]), uuid.NewString(), domain.CastVote{ProposalID: pid, Stance: "agree"})
		return err
	}
	require.NoError(t, vote(b, 0))
	require.NoError(t, vote(a, 1))
	require.Positive(t, a.Stats().Conflicts, "a appended behind b's write")
	head, err := store.Head(eventstoretest.Context(t), aid)
	require.NoError(t, err)
	errs := concurrently(64, func(i int) error {
		r := a
		if i%2 == 1 {
			r = b
		}
		return vote(r, i)
	})
	for _, err := range errs {
		require.NoError(t, err)
	}
	recs := eventstoretest.ReadAll(t, store, aid)
	require.Len(t, recs, int(head.Seq)+64)
	for i, rec := range recs {
		require.Equal(t, uint64(i+1), rec.Event.Seq)
	}
	sa, _, err := a.State(eventstoretest.Context(t), aid)
	require.NoError(t, err)
	sb, _, err := b.State(eventstoretest.Context(t), aid)
	require.NoError(t, err)
	require.Equal(t, sa.Seq, sb.Seq)
	// Batches that lost a race were reverted, not left half applied: each
	// runner's state is the log's, folded afresh.
	var folded domain.Alliance
	for _, rec := range recs {
		folded = domain.Evolve(folded, rec.Event)
	}
	require.Equal(t, folded, sa)
	require.Equal(t, folded, sb)
}

// TestRunnerRevertsALostBatch: a batch of several commands is decided
// against the state evolved in place; when its append loses a race, the
// state goes back to the log's before the batch is decided again. Here the
// other instance closed the vote meanwhile, so the retried votes are
// refused, and the stances the lost batch had applied must be gone.
func TestRunnerRevertsALostBatch(t *testing.T) {
	ctx := eventstoretest.Context(t)
	store := eventstoretest.Start(t).Store
	a, b := NewRunner(store), NewRunner(store)
	aid := uuid.NewString()
	members, pid := runnerAlliance(t, a, aid, 4)
	mustRun(t, b, aid, member(members[0]), uuid.NewString(), domain.CloseVoting{ProposalID: pid})

	// Two votes queued together on a, which has not seen the close.
	e := a.entry(aid)
	require.NoError(t, e.lead(ctx))
	batch := []*pending{}
	for _, m := range members[1:3] {
		batch = append(batch, &pending{meta: domain.Meta{AllianceID: aid, CommandID: uuid.NewString(), At: time.Now().UTC(), Actor: member(m)},
			cmd: domain.CastVote{ProposalID: pid, Stance: "agree"}})
	}
	a.process(e, batch)
	a.release(e)

	require.Positive(t, a.Stats().Conflicts, "the batch was decided before a saw the close")
	for _, p := range batch {
		require.True(t, p.done)
		require.ErrorContains(t, p.err, "closed")
	}
	recs := eventstoretest.ReadAll(t, store, aid)
	var folded domain.Alliance
	for _, rec := range recs {
		folded = domain.Evolve(folded, rec.Event)
	}
	state, _, err := a.State(ctx, aid)
	require.NoError(t, err)
	require.Equal(t, folded, state)
	p, _ := state.Proposal(pid)
	require.Empty(t, p.Stances)
}
