package ledger

import (
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// BenchmarkRunnerVote is one vote through the runner: decide, encode, hash,
// append with the expected sequence, evolve.
func BenchmarkRunnerVote(b *testing.B) {
	store := eventstoretest.Start(b).Store
	benchVotes(b, store, false)
}

// BenchmarkRunnerVoteParallel is votes from concurrent writers on one
// alliance, where group commit shares messages between them.
func BenchmarkRunnerVoteParallel(b *testing.B) {
	store := eventstoretest.Start(b).Store
	benchVotes(b, store, true)
}

func benchVotes(b *testing.B, store *eventstore.Store, parallel bool) {
	r := NewRunner(store)
	aid := uuid.NewString()
	members, pid := runnerAlliance(b, r, aid, 16)
	vote := func(i int) {
		if _, err := runCmd(r, aid, member(members[i%16]), uuid.NewString(), domain.CastVote{ProposalID: pid, Stance: "agree"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	if !parallel {
		for i := 0; b.Loop(); i++ {
			vote(i)
		}
		return
	}
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			vote(i)
		}
	})
}

// BenchmarkRunnerVoteParallelLarge is votes from concurrent writers on an
// alliance with a long history: 2,000 proposals, each voted on by four
// members (about 12,000 events). A batch of several commands costs what
// it touches, not a copy of the whole state.
func BenchmarkRunnerVoteParallelLarge(b *testing.B) {
	store := eventstoretest.Start(b).Store
	r := NewRunner(store)
	aid := uuid.NewString()
	members, pid := runnerAlliance(b, r, aid, 16)
	for i := 0; i < 2000; i++ {
		old := uuid.NewString()
		mustRun(b, r, aid, member(members[0]), uuid.NewString(), domain.SubmitProposal{ProposalID: old, Kind: "resolution", Title: "t", Body: "b"})
		mustRun(b, r, aid, member(members[0]), uuid.NewString(), domain.OpenVoting{ProposalID: old})
		errs := concurrently(4, func(j int) error {
			_, err := runCmd(r, aid, member(members[j]), uuid.NewString(), domain.CastVote{ProposalID: old, Stance: "agree"})
			return err
		})
		for _, err := range errs {
			require.NoError(b, err)
		}
	}
	b.ReportAllocs()
	b.SetParallelism(8)
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			if _, err := runCmd(r, aid, member(members[i%16]), uuid.NewString(), domain.CastVote{ProposalID: pid, Stance: "agree"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
