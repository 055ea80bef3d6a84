package main

import (
	"context"
	"fmt"
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
)

// benchRounds splits the signed and unsigned votes into alternating
// rounds, so that whatever else the machine does at the time weighs on
// both figures alike.
const benchRounds = 10

// singleBlock is how many operations one side of the single-writer figures
// runs in a row before it is the next side's turn.
const singleBlock = 50

// benchSingleWriter measures, taking turns in blocks of singleBlock, the
// ceiling for one alliance — synchronous publishes of 300 bytes with an
// expected last subject sequence, one writer, one subject, on a file
// stream configured like the ledger's — single VoteCast commands through
// the runner, one writer, one alliance, and raw synchronous publishes of
// the very messages such votes send (sameBytesVoter). It returns the three
// rates: raw, appends, same bytes.
func benchSingleWriter(ctx context.Context, env *benchEnv, cfg benchConfig) (raw, appends, same float64, err error) {
	publish, err := rawPublisher(ctx, env)
	if err != nil {
		return 0, 0, 0, err
	}
	r := ledger.NewRunner(env.store)
	vote, err := singleVoter(ctx, r)
	if err != nil {
		return 0, 0, 0, err
	}
	sb, err := newSameBytesVoter(ctx, env, r)
	if err != nil {
		return 0, 0, 0, err
	}
	sides := []turn{
		{do: publish},
		{do: vote},
		{prepare: sb.prepare, do: func(i int) error { return sb.publish(ctx, i) }},
	}
	blocks := max(cfg.Publishes/singleBlock, 1)
	took, err := takeTurns(sides, blocks, singleBlock)
	if err != nil {
		return 0, 0, 0, err
	}
	n := float64(blocks * singleBlock)
	return n / took[0].Seconds(), n / took[1].Seconds(), n / took[2].Seconds(), nil
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

// benchStream creates, unless it exists, the stream of the raw publishes:
// file storage, no deletes and no purges, like the ledger's.
func benchStream(ctx context.Context, env *benchEnv) error {
	_, err := env.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: "BENCH", Subjects: []string{"bench.>"}, Storage: jetstream.FileStorage,
		DenyDelete: true, DenyPurge: true,
	})
	return err
}

// rawPublisher returns a function that makes one raw OCC publish on a
// stream of its own.
func rawPublisher(ctx context.Context, env *benchEnv) (func(int) error, error) {
	if err := benchStream(ctx, env); err != nil {
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

// singleVoter returns a function that casts one vote through r on an
// alliance of its own, always by the same member.
func singleVoter(ctx context.Context, r *ledger.Runner) (func(int) error, error) {
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

// seededAlliance is an alliance of the rebuild ledger: its id, the
// proposal in voting and its first member, who may vote on it.
type seededAlliance struct {
	aid, pid, member string
}

// seedMinEvents is the fewest events a seeded alliance has: formed, ten
// members admitted, a proposal submitted and its vote opened.
const seedMinEvents = 13

// seedLedger writes the rebuild ledger: cfg.Events events over cfg.Alliances
// alliances, one event per message as single votes arrive, each alliance a
// formed alliance with members and a proposal in voting. It keeps the
// alliances in env.seeded.
func seedLedger(ctx context.Context, env *benchEnv, cfg benchConfig, progress func(string)) error {
	perAlliance := cfg.Events / cfg.Alliances
	var written atomic.Int64
	env.seeded = make([]seededAlliance, cfg.Alliances)
	return parallel(16, cfg.Alliances, func(_, a int) error {
		n := perAlliance
		if a < cfg.Events%cfg.Alliances {
			n++
		}
		var err error
		env.seeded[a], err = seedAlliance(ctx, env.store, n)
		if w := written.Add(int64(n)); a%50 == 0 {
			progress(fmt.Sprintf("seeding the ledger: %d of %d events", w, cfg.Events))
		}
		return err
	})
}

// seedAlliance appends n events of one alliance directly to the store and
// returns it.
func seedAlliance(ctx context.Context, store *eventstore.Store, n int) (seededAlliance, error) {
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
			return seededAlliance{}, err
		}
		pos = res.Records[0].Position()
	}
	return seededAlliance{aid: aid, pid: pid, member: members[0]}, nil
}

// benchRawReplay reads the whole stream with an ordered consumer and no
// decoding, the ceiling for a rebuild, and returns how long it took.
func benchRawReplay(ctx context.Context, env *benchEnv) (time.Duration, error) {
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
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return 0, err
		}
		meta, err := msg.Metadata()
		if err != nil {
			return 0, err
		}
		if meta.NumPending == 0 {
			return time.Since(start), nil
		}
	}
}
