package ledger

import (
	"testing"

	"github.com/google/uuid"

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
