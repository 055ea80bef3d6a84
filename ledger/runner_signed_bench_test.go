package ledger

import (
	"crypto/ed25519"
	"crypto/sha256"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// BenchmarkRunnerSignedVote measures votes through the runner signed by
// their members against unsigned votes in the same run: rounds of each
// alternate on one alliance, so whatever else the machine does weighs on
// both. It reports both rates and signed/unsigned (target 0.8). Signing is
// the member's work, done before each round is timed; the ledger's part is
// checking the statement, Ed25519 verification included, and storing the
// larger event.
func BenchmarkRunnerSignedVote(b *testing.B) {
	store := eventstoretest.Start(b).Store
	benchSignedVotes(b, store, 1, false)
}

// BenchmarkRunnerSignedVoteParallel is the same with 8 concurrent writers,
// where group commit shares messages between them.
func BenchmarkRunnerSignedVoteParallel(b *testing.B) {
	store := eventstoretest.Start(b).Store
	benchSignedVotes(b, store, 8, false)
}

// BenchmarkRunnerSignedVotePreverified is the parallel case with each
// writer verifying its signature before handing the vote to the runner, as
// the API does (domain.PreverifySignature).
func BenchmarkRunnerSignedVotePreverified(b *testing.B) {
	store := eventstoretest.Start(b).Store
	benchSignedVotes(b, store, 8, true)
}

func benchSignedVotes(b *testing.B, store *eventstore.Store, writers int, preverify bool) {
	r := NewRunner(store)
	aid := uuid.NewString()
	members, pid := runnerAlliance(b, r, aid, 16)
	keys := make([]ed25519.PrivateKey, len(members))
	inForce := make([]*domain.MemberKey, len(members))
	for i, m := range members {
		seed := sha256.Sum256([]byte(m))
		keys[i] = ed25519.NewKeyFromSeed(seed[:])
		reg := mustRun(b, r, aid, member(m), uuid.NewString(), domain.NewKeyRegistration(aid, m, keys[i]))
		d := reg.Records[0].Event.Data.(domain.MemberKeyRegistered)
		inForce[i] = &domain.MemberKey{KeyID: d.KeyID, PublicKey: d.PublicKey, Seq: reg.Records[0].Event.Seq}
	}
	const round = 50 // votes per writer per round
	// prepare makes a round's votes, signed or not, with their command ids.
	prepare := func(signed bool) []voteCmd {
		out := make([]voteCmd, writers*round)
		for i := range out {
			k := i % len(members)
			v := voteCmd{member: members[k], id: uuid.NewString(), cmd: domain.CastVote{ProposalID: pid, Stance: "agree"}}
			if signed {
				h := domain.StatementHeader{AllianceID: aid, MemberID: v.member, SignedAt: time.Now().UTC(), CommandID: v.id}
				st := domain.SignStatement(keys[k], domain.VoteStatement(h, pid, 1, "agree", "", "").String())
				v.cmd.Signature, v.key = &st, inForce[k]
			}
			out[i] = v
		}
		return out
	}
	var signed, unsigned time.Duration
	var n int
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		plain, sig := prepare(false), prepare(true)
		b.StartTimer()
		unsigned += timedRound(b, r, aid, writers, plain, false)
		signed += timedRound(b, r, aid, writers, sig, preverify)
		n += len(plain)
	}
	b.ReportMetric(float64(n)/signed.Seconds(), "signed_votes/s")
	b.ReportMetric(float64(n)/unsigned.Seconds(), "unsigned_votes/s")
	b.ReportMetric(unsigned.Seconds()/signed.Seconds(), "signed/unsigned")
}

// voteCmd is one prepared vote: its member, command id, command and, when
// signed, the member's key in force.
type voteCmd struct {
	member, id string
	cmd        domain.CastVote
	key        *domain.MemberKey
}

// timedRound runs votes through r split over writers goroutines and returns
// the wall time it took.
func timedRound(b *testing.B, r *Runner, aid string, writers int, votes []voteCmd, preverify bool) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	per := len(votes) / writers
	for w := range writers {
		wg.Go(func() {
			for _, v := range votes[w*per : (w+1)*per] {
				if preverify {
					domain.PreverifySignature(v.cmd, v.key)
				}
				if _, err := runCmd(r, aid, member(v.member), v.id, v.cmd); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}
