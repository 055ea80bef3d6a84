//go:build unix

// The rebuild benchmark reads the process's CPU time with getrusage, which
// only Unix systems have.

package projections_test

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
	"accord/projections"
)

// rebuildEvents and rebuildAlliances size the ledger BenchmarkRebuild
// reads: one event a message, as single votes are stored.
var (
	rebuildEvents    = flag.Int("rebuild.events", 20_000, "events in the ledger BenchmarkRebuild reads")
	rebuildAlliances = flag.Int("rebuild.alliances", 20, "alliances those events are spread over")
)

// BenchmarkRebuild seeds a ledger of votes once and then measures, each on
// that same stream, an ordered consumer reading it with no decoding (raw),
// and the read models rebuilt from it with Merkle trees (trees) and
// without (bare). Each reports events/s; compare the ratios of one run.
func BenchmarkRebuild(b *testing.B) {
	srv := eventstoretest.Start(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	seedVotes(b, ctx, srv.Store, *rebuildEvents, *rebuildAlliances)
	js := srv.JetStream(b)
	b.Run("raw", func(b *testing.B) {
		measureRebuild(b, func() uint64 { return rawReplay(b, ctx, js) })
	})
	for _, trees := range []bool{true, false} {
		name := map[bool]string{true: "trees", false: "bare"}[trees]
		b.Run(name, func(b *testing.B) {
			measureRebuild(b, func() uint64 {
				p := projections.New(srv.Store)
				if !trees {
					p.WithoutTrees()
				}
				require.NoError(b, p.Start(ctx))
				defer p.Close()
				n, _ := p.Applied()
				return n
			})
		})
	}
}

// measureRebuild times read, which returns the events it read, and
// reports their rate, the process's CPU time per event and the cores it
// kept busy on average (the embedded server's work included, so that the
// raw replay and the rebuilds compare alike), and the allocations.
func measureRebuild(b *testing.B, read func() uint64) {
	var events uint64
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := cpuTime()
	start := time.Now()
	for b.Loop() {
		events += read()
	}
	wall := time.Since(start)
	used := cpuTime() - cpu
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(events), "B/event")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(events), "allocs/event")
	b.ReportMetric(float64(events)/wall.Seconds(), "events/s")
	b.ReportMetric(used.Seconds()/wall.Seconds(), "cores")
	b.ReportMetric(float64(used.Nanoseconds())/float64(events), "cpu-ns/event")
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rawReplay reads the whole stream with an ordered consumer, decoding
// nothing, and returns the messages it read.
func rawReplay(b *testing.B, ctx context.Context, js jetstream.JetStream) uint64 {
	cons, err := js.OrderedConsumer(ctx, eventstore.StreamName, jetstream.OrderedConsumerConfig{})
	require.NoError(b, err)
	it, err := cons.Messages()
	require.NoError(b, err)
	defer it.Stop()
	for n := uint64(1); ; n++ {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			b.Fatal(err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			b.Fatal(err)
		}
		if meta.NumPending == 0 {
			return n
		}
	}
}

// seedVotes appends events over alliances, one event a message: each
// alliance is formed, admits ten members, opens a vote and takes the rest
// as votes.
func seedVotes(b *testing.B, ctx context.Context, store *eventstore.Store, events, alliances int) {
	b.Helper()
	var wg sync.WaitGroup
	work := make(chan int)
	errs := make(chan error, alliances)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range work {
				n := events / alliances
				if a < events%alliances {
					n++
				}
				errs <- seedVoteAlliance(ctx, store, n)
			}
		}()
	}
	for a := 0; a < alliances; a++ {
		work <- a
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(b, err)
	}
}

// seedVoteAlliance appends the first n events of one alliance's story.
func seedVoteAlliance(ctx context.Context, store *eventstore.Store, n int) error {
	aid, pid := uuid.NewString(), uuid.NewString()
	at := time.Now().UTC()
	admin := domain.Meta{AllianceID: aid, At: at, Actor: domain.Actor{ID: uuid.NewString(), Role: domain.RoleAdmin}}
	rule := domain.Charter{DecisionRule: "consensus", Quorum: "1/2", Threshold: "3/4"}
	members := make([]string, 10)
	events := []domain.Event{domain.NewEvent(admin, domain.AllianceFormed{Name: "Seed", Purpose: "rebuild", Charter: rule})}
	for i := range members {
		members[i] = uuid.NewString()
		events = append(events, domain.NewEvent(admin, domain.MemberAdmitted{MemberID: members[i], Name: fmt.Sprintf("Member %d", i), Sector: "payer", Role: domain.RoleMember}))
	}
	conv := domain.Meta{AllianceID: aid, At: at, Actor: memberActor(members[0])}
	events = append(events,
		domain.NewEvent(conv, domain.ProposalSubmitted{ProposalID: pid, Kind: "resolution", Title: "Seed", Body: "b", AuthorID: members[0]}),
		domain.NewEvent(conv, domain.VotingOpened{ProposalID: pid, Version: 1, Rule: rule, Eligible: members}))
	stances := []domain.Stance{domain.StanceAgree, domain.StanceDisagree, domain.StanceAbstain, domain.StanceBlock}
	for i := 0; len(events) < n; i++ {
		m := domain.Meta{AllianceID: aid, At: at, Actor: memberActor(members[i%10])}
		events = append(events, domain.NewEvent(m, domain.VoteCast{ProposalID: pid, MemberID: members[i%10], Stance: stances[i%4], Reason: "seeded vote"}))
	}
	var pos eventstore.Position
	for _, ev := range events[:n] {
		ev.CommandID = uuid.NewString()
		res, err := store.Append(ctx, aid, pos, []domain.Event{ev})
		if err != nil {
			return err
		}
		pos = res.Records[0].Position()
	}
	return nil
}
