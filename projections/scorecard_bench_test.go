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

// benchAlliance stores an alliance of 20 members that decided 100
// proposals, each voted by every member (every fifth member blocking), with
// a commitment on every tenth: 2,300-odd events, read by a projection.
func benchAlliance(b *testing.B) (*Projection, string) {
	b.Helper()
	store := eventstoretest.Start(b).Store
	ctx := eventstoretest.Context(b)
	proj := New(store)
	require.NoError(b, proj.Start(ctx))
	b.Cleanup(proj.Close)
	aid := domaintest.TestID(900)
	var state domain.Alliance
	var pos eventstore.Position
	n, clock := 0, domaintest.T0
	run := func(a domain.Actor, c domain.Command) {
		n++
		clock = clock.Add(time.Second)
		events, err := domain.Decide(state, domain.Meta{AllianceID: aid, CommandID: fmt.Sprintf("bench-%d", n), At: clock, Actor: a}, c)
		require.NoError(b, err, c.CommandName())
		res, err := store.Append(ctx, aid, pos, events)
		require.NoError(b, err)
		for _, rec := range res.Records {
			state = domain.Evolve(state, rec.Event)
		}
		pos = res.Records[len(res.Records)-1].Position()
	}
	seedBench(run)
	require.NoError(b, proj.WaitFor(ctx, aid, pos))
	return proj, aid
}

func seedBench(run func(domain.Actor, domain.Command)) {
	admin := domaintest.Admin
	run(admin, domain.FormAlliance{Name: "Bench", Purpose: "p", Charter: domain.Charter{DecisionRule: domain.RuleMajority}})
	var members []domain.Actor
	for i := 0; i < 20; i++ {
		id := domaintest.TestID(1000 + i)
		role := domain.RoleMember
		if i == 0 {
			role = domain.RoleConvener
		}
		run(admin, domain.AdmitMember{MemberID: id, Name: fmt.Sprintf("Member %d", i), Sector: "s", Role: role})
		members = append(members, domaintest.Member(id))
	}
	for p := 0; p < 100; p++ {
		pid := domaintest.TestID(2000 + p)
		run(members[1], domain.SubmitProposal{ProposalID: pid, Kind: domain.KindResolution, Title: "T", Body: "B"})
		run(members[0], domain.OpenVoting{ProposalID: pid})
		for i, m := range members {
			stance := domain.StanceAgree
			if i%5 == 4 {
				stance = domain.StanceBlock
			}
			run(m, domain.CastVote{ProposalID: pid, Stance: stance})
		}
		run(members[0], domain.CloseVoting{ProposalID: pid})
		if p%10 == 0 {
			run(members[2], domain.MakeCommitment{CommitmentID: domaintest.TestID(3000 + p), ProposalID: pid, Description: "d", Metric: "m", Target: 1, Due: "2027-01-01"})
		}
	}
}

// BenchmarkScorecard measures the scorecard of benchAlliance from the live
// read model (now) and folded again from the log (as of its last seq).
func BenchmarkScorecard(b *testing.B) {
	proj, aid := benchAlliance(b)
	head, err := proj.Head(aid)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("alliance of %d events", head.Seq)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		seq  uint64
	}{{"now", 0}, {"at_seq", head.Seq}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				var card Scorecard
				if err := proj.ReadAt(ctx, aid, c.seq, nil, now, func(m Moment) { card = m.Scorecard() }); err != nil {
					b.Fatal(err)
				}
				if card.Members[4].Votes.Blocks != 100 {
					b.Fatalf("member 4 blocked %d votes, not 100", card.Members[4].Votes.Blocks)
				}
			}
		})
	}
}
