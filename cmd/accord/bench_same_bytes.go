package main

import (
	"context"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"accord/domain"
	"accord/ledger"
)

// sameBytesVoter publishes, raw, the very messages single votes through
// the runner send: on an alliance formed through the runner like the
// single voter's, the next vote of its member decided, chained, encoded
// and hashed as an append does it, with the same headers (Nats-Msg-Id, the
// command id; the expected last subject sequence), to the same stream. All
// of that is done before a block is timed; what is timed is publishing
// each message and waiting for its acknowledgement, one at a time, through
// the jetstream client.
type sameBytesVoter struct {
	js    jetstream.JetStream
	chain benchChain
	pid   string
	voter domain.Actor
	block []*nats.Msg
}

// newSameBytesVoter forms its alliance through r and takes the runner's
// state and position of it, from which it goes on alone. It returns the
// first error.
func newSameBytesVoter(ctx context.Context, env *benchEnv, r *ledger.Runner) (*sameBytesVoter, error) {
	aid, members, pid, err := benchAlliance(ctx, r, 1)
	if err != nil {
		return nil, err
	}
	state, pos, err := r.State(ctx, aid)
	if err != nil {
		return nil, err
	}
	return &sameBytesVoter{js: env.js, chain: benchChain{aid: aid, state: state, pos: pos}, pid: pid, voter: memberActor(members[0])}, nil
}

// prepare builds the next n votes' messages. It returns the domain's
// refusal of a vote or an encoding error.
func (v *sameBytesVoter) prepare(n int) error {
	v.block = v.block[:0]
	for i := 0; i < n; i++ {
		commandID := uuid.NewString()
		s, err := v.chain.next(commandID, v.voter, time.Now().UTC(), domain.CastVote{ProposalID: v.pid, Stance: stances[i%4], Reason: "bench"})
		if err != nil {
			return err
		}
		v.block = append(v.block, appendLikeMsg(v.chain.aid, commandID, s.body, 0))
	}
	return nil
}

// publish sends the i-th message of the block, expecting the alliance's
// last message where the previous acknowledgement put it, and waits for
// its acknowledgement.
func (v *sameBytesVoter) publish(ctx context.Context, i int) error {
	msg := v.block[i]
	msg.Header[jetstream.ExpectedLastSubjSeqHeader] = []string{strconv.FormatUint(v.chain.pos.StreamSeq, 10)}
	ack, err := v.js.PublishMsg(ctx, msg)
	if err != nil {
		return err
	}
	v.chain.pos.StreamSeq = ack.Sequence
	return nil
}
