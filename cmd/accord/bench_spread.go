package main

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"accord/domain"
	"accord/ledger"
)

// spreadMembers is how many members each alliance of the spread votes has.
const spreadMembers = 4

// spreadRounds is how many rounds of raw and accord spread votes alternate;
// each rate is over the median round's time.
const spreadRounds = 3

// spreadVoting is one alliance of the spread votes, with a proposal in
// voting.
type spreadVoting struct {
	aid, pid string
	members  []string
}

// benchSpreadVotes measures votes from cfg.Writers concurrent writers over
// cfg.Spread alliances through the runner, and their raw counterpart: the
// same writers publishing vote-sized messages over as many subjects, each
// waiting for its acknowledgement, with the headers an append sends (a
// message id, the expected last subject sequence). The two alternate in
// spreadRounds rounds of cfg.Votes/spreadRounds votes.
//
// Each writer takes the next vote of a shared count and casts it on the
// alliance that count names round robin, as member (writer mod
// spreadMembers) of it, so that writers seldom meet on one alliance and
// group commit has little to gather. The alliances are formed first,
// through the same runner, and not timed. It returns both rates, or the
// first error.
func benchSpreadVotes(ctx context.Context, env *benchEnv, cfg benchConfig) (votes, raw float64, err error) {
	r := ledger.NewRunner(env.store)
	votings := make([]spreadVoting, cfg.Spread)
	err = parallel(16, len(votings), func(_, i int) error {
		aid, members, pid, err := benchAlliance(ctx, r, spreadMembers)
		votings[i] = spreadVoting{aid: aid, pid: pid, members: members}
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	publish, err := rawSpreadPublisher(ctx, env, cfg.Spread)
	if err != nil {
		return 0, 0, err
	}
	n := max(cfg.Votes/spreadRounds, 1)
	var voteTook, rawTook []time.Duration
	for round := 0; round < spreadRounds; round++ {
		start := time.Now()
		if err := parallel(cfg.Writers, n, publish); err != nil {
			return 0, 0, err
		}
		rawTook = append(rawTook, time.Since(start))
		start = time.Now()
		err := parallel(cfg.Writers, n, func(w, i int) error {
			v := votings[i%len(votings)]
			return runAs(ctx, r, v.aid, memberActor(v.members[w%spreadMembers]), domain.CastVote{ProposalID: v.pid, Stance: stances[i%4], Reason: "bench"})
		})
		if err != nil {
			return 0, 0, err
		}
		voteTook = append(voteTook, time.Since(start))
	}
	return float64(n) / median(voteTook).Seconds(), float64(n) / median(rawTook).Seconds(), nil
}

// rawSpreadPublisher returns the raw counterpart of one spread vote: a
// publish of a vote-sized message to subject i mod subjects of the bench
// stream, through the jetstream client, with a new message id and the
// subject's last sequence as expected, waiting for the acknowledgement.
// Writers on one subject take turns, as an alliance's writers do.
func rawSpreadPublisher(ctx context.Context, env *benchEnv, subjects int) (func(w, i int) error, error) {
	if err := benchStream(ctx, env); err != nil {
		return nil, err
	}
	size, err := voteLineSize()
	if err != nil {
		return nil, err
	}
	payload := make([]byte, size)
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
	type subject struct {
		mu   sync.Mutex
		name string
		last uint64
	}
	subs := make([]subject, subjects)
	prefix := "bench.spread." + uuid.NewString()[:8] + "."
	for i := range subs {
		subs[i].name = prefix + strconv.Itoa(i)
	}
	return func(_, i int) error {
		s := &subs[i%len(subs)]
		s.mu.Lock()
		defer s.mu.Unlock()
		msg := &nats.Msg{Subject: s.name, Data: payload, Header: nats.Header{
			jetstream.MsgIDHeader:               {uuid.NewString()},
			jetstream.ExpectedLastSubjSeqHeader: {strconv.FormatUint(s.last, 10)},
		}}
		ack, err := env.js.PublishMsg(ctx, msg)
		if err != nil {
			return err
		}
		s.last = ack.Sequence
		return nil
	}, nil
}
