package main

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"accord/domain"
	"accord/eventstore"
	"accord/ledger"
	"accord/projections"
)

// benchRounds splits the raw publishes and the single-writer appends into
// alternating rounds, so that whatever else the machine does at the time
// weighs on both figures alike.
const benchRounds = 10

// benchSingleWriter measures, in alternating rounds, the ceiling for one
// alliance — synchronous publishes of 300 bytes with an expected last
// subject sequence, one writer, one subject, on a file stream configured
// like the ledger's — and single VoteCast commands through the runner, one
// writer, one alliance. It returns both rates.
func benchSingleWriter(ctx context.Context, env *benchEnv, cfg benchConfig) (raw, appends float64, err error) {
	publish, err := rawPublisher(ctx, env)
	if err != nil {
		return 0, 0, err
	}
	vote, err := singleVoter(ctx, env)
	if err != nil {
		return 0, 0, err
	}
	per := max(cfg.Publishes/benchRounds, 1)
	var rawTime, appendTime time.Duration
	for round := 0; round < benchRounds; round++ {
		d, err := timed(per, publish)
		if err != nil {
			return 0, 0, err
		}
		rawTime += d
		if d, err = timed(per, vote); err != nil {
			return 0, 0, err
		}
		appendTime += d
	}
	n := float64(per * benchRounds)
	return n / rawTime.Seconds(), n / appendTime.Seconds(), nil
}

// timed returns how long n calls of fn took, or fn's first error.
func timed(n int, fn func(i int) error) (time.Duration, error) {
	start := time.Now()
	for i := 0; i < n; i++ {
		if err := fn(i); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// rawPublisher returns a function that makes one raw OCC publish on a
// stream of its own.
func rawPublisher(ctx context.Context, env *benchEnv) (func(int) error, error) {
	_, err := env.js.CreateStream(ctx, jetstream.StreamConfig{
		Name: "BENCH", Subjects: []string{"bench.>"}, Storage: jetstream.FileStorage,
		DenyDelete: true, DenyPurge: true,
	})
	if err != nil {
		return nil, err
	}
	payload := make([]byte, 300)
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
	last := uint64(0)
	return func(int) error {
		msg := nats.NewMsg("bench.occ")
		msg.Data = payload
		msg.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(last, 10))
		ack, err := env.js.PublishMsg(ctx, msg)
		if err == nil {
			last = ack.Sequence
		}
		return err
	}, nil
}

// benchAlliance forms an alliance with n members (the first a convener) and
// one proposal in voting, through the runner. It returns the ids.
func benchAlliance(ctx context.Context, r *ledger.Runner, n int) (aid string, members []string, pid string, err error) {
	aid, pid = uuid.NewString(), uuid.NewString()
	admin := domain.Actor{ID: uuid.NewString(), Role: domain.RoleAdmin}
	cmds := []domain.Command{domain.FormAlliance{Name: "Bench alliance", Purpose: "measure", Charter: domain.Charter{DecisionRule: "consensus"}}}
	for i := 0; i < n; i++ {
		members = append(members, uuid.NewString())
		role := domain.RoleMember
		if i == 0 {
			role = domain.RoleConvener
		}
		cmds = append(cmds, domain.AdmitMember{MemberID: members[i], Name: fmt.Sprintf("Member %d", i), Sector: "payer", Role: role})
	}
	for _, c := range cmds {
		if err = runAs(ctx, r, aid, admin, c); err != nil {
			return
		}
	}
	conv := memberActor(members[0])
	if err = runAs(ctx, r, aid, conv, domain.SubmitProposal{ProposalID: pid, Kind: "resolution", Title: "Bench", Body: "b"}); err != nil {
		return
	}
	err = runAs(ctx, r, aid, conv, domain.OpenVoting{ProposalID: pid})
	return
}

func memberActor(id string) domain.Actor {
	return domain.Actor{ID: id, Role: domain.RoleMember, MemberID: id}
}

func runAs(ctx context.Context, r *ledger.Runner, aid string, actor domain.Actor, cmd domain.Command) error {
	m := domain.Meta{AllianceID: aid, CommandID: uuid.NewString(), At: time.Now().UTC(), Actor: actor}
	_, _, err := r.Run(ctx, m, cmd, nil)
	return err
}

var stances = []domain.Stance{domain.StanceAgree, domain.StanceDisagree, domain.StanceAbstain, domain.StanceBlock}

// singleVoter returns a function that casts one vote through the runner on
// an alliance of its own, always by the same member.
func singleVoter(ctx context.Context, env *benchEnv) (func(int) error, error) {
	r := ledger.NewRunner(env.store)
	aid, members, pid, err := benchAlliance(ctx, r, 1)
	if err != nil {
		return nil, err
	}
	voter := memberActor(members[0])
	return func(i int) error {
		return runAs(ctx, r, aid, voter, domain.CastVote{ProposalID: pid, Stance: stances[i%4], Reason: "bench"})
	}, nil
}

// benchConcurrentVotes measures votes from many concurrent writers on one
// alliance through the runner.
func benchConcurrentVotes(ctx context.Context, env *benchEnv, cfg benchConfig) (float64, error) {
	r := ledger.NewRunner(env.store)
	aid, members, pid, err := benchAlliance(ctx, r, cfg.Writers)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	err = parallel(cfg.Writers, cfg.Votes, func(w, i int) error {
		return runAs(ctx, r, aid, memberActor(members[w]), domain.CastVote{ProposalID: pid, Stance: stances[i%4], Reason: "bench"})
	})
	return elapsedRate(cfg.Votes, start), err
}

// parallel runs total calls of fn spread over workers goroutines and returns
// the first error.
func parallel(workers, total int, fn func(worker, i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				if err := fn(w, i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}(w)
	}
	wg.Wait()
	return first
}

// seedLedger writes the rebuild ledger: cfg.Events events over cfg.Alliances
// alliances, one event per message as single votes arrive, each alliance a
// formed alliance with members and a proposal in voting.
func seedLedger(ctx context.Context, env *benchEnv, cfg benchConfig, progress func(string)) error {
	perAlliance := cfg.Events / cfg.Alliances
	var written atomic.Int64
	return parallel(16, cfg.Alliances, func(_, a int) error {
		n := perAlliance
		if a < cfg.Events%cfg.Alliances {
			n++
		}
		err := seedAlliance(ctx, env.store, n)
		if w := written.Add(int64(n)); a%50 == 0 {
			progress(fmt.Sprintf("seeding the ledger: %d of %d events", w, cfg.Events))
		}
		return err
	})
}

// seedAlliance appends n events of one alliance directly to the store.
func seedAlliance(ctx context.Context, store *eventstore.Store, n int) error {
	aid, pid := uuid.NewString(), uuid.NewString()
	at := time.Now().UTC()
	admin := domain.Meta{AllianceID: aid, At: at, Actor: domain.Actor{ID: uuid.NewString(), Role: domain.RoleAdmin}}
	members := make([]string, 10)
	events := []domain.Event{domain.NewEvent(admin, domain.AllianceFormed{Name: "Seed", Purpose: "rebuild", Charter: domain.Charter{DecisionRule: "consensus", Quorum: "1/2", Threshold: "3/4"}})}
	for i := range members {
		members[i] = uuid.NewString()
		events = append(events, domain.NewEvent(admin, domain.MemberAdmitted{MemberID: members[i], Name: "Member " + strconv.Itoa(i), Sector: "payer", Role: domain.RoleMember}))
	}
	conv := domain.Meta{AllianceID: aid, At: at, Actor: memberActor(members[0])}
	events = append(events,
		domain.NewEvent(conv, domain.ProposalSubmitted{ProposalID: pid, Kind: "resolution", Title: "Seed", Body: "b", AuthorID: members[0]}),
		domain.NewEvent(conv, domain.VotingOpened{ProposalID: pid, Version: 1, Rule: domain.Charter{DecisionRule: "consensus", Quorum: "1/2", Threshold: "3/4"}, Eligible: members}))
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

// benchRawReplay measures an ordered consumer reading the whole stream with
// no decoding: the ceiling for a rebuild.
func benchRawReplay(ctx context.Context, env *benchEnv) (float64, error) {
	stream, err := env.js.Stream(ctx, eventstore.StreamName)
	if err != nil {
		return 0, err
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return 0, err
	}
	it, err := cons.Messages()
	if err != nil {
		return 0, err
	}
	defer it.Stop()
	start := time.Now()
	n := 0
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return 0, err
		}
		n++
		meta, err := msg.Metadata()
		if err != nil {
			return 0, err
		}
		if meta.NumPending == 0 {
			return elapsedRate(n, start), nil
		}
	}
}

// benchRebuild measures a projection rebuilt from the whole stream (decode,
// chain check, fold), and the heap it holds: the heap in use with the
// projection alive minus the heap once it is dropped, per event. It then
// checkpoints that projection's snapshots and measures a restart from them.
func benchRebuild(ctx context.Context, env *benchEnv, res *benchResult) error {
	snaps, err := env.store.OpenSnapshots(ctx, 1)
	if err != nil {
		return err
	}
	runtime.GC()
	p := projections.New(env.store)
	p.UseSnapshots(snaps, 0, time.Hour)
	start := time.Now()
	if err := p.Start(ctx); err != nil {
		return err
	}
	elapsed := time.Since(start)
	n, _ := p.Applied()
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	p.Close() // writes the checkpoint
	p = nil
	runtime.GC()
	runtime.ReadMemStats(&without)
	res.RebuildPerS = float64(n) / elapsed.Seconds()
	res.RebuildBytesPerEvent = (float64(with.HeapInuse) - float64(without.HeapInuse)) / float64(n)
	res.RestartReplayS = elapsed.Seconds()

	again := projections.New(env.store)
	again.UseSnapshots(snaps, 0, time.Hour)
	start = time.Now()
	if err := again.Start(ctx); err != nil {
		return err
	}
	res.RestartSnapshotS = time.Since(start).Seconds()
	again.Close()

	bare := projections.New(env.store)
	bare.WithoutTrees()
	start = time.Now()
	if err := bare.Start(ctx); err != nil {
		return err
	}
	res.RebuildNoTreesPerS = float64(n) / time.Since(start).Seconds()
	bare.Close()
	return nil
}
