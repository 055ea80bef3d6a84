package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// prepAckWait bounds the wait for one acknowledgement while preparing.
const prepAckWait = time.Minute

// prepStall lets a full window of asynchronous publishes wait for room
// rather than fail after the client's default 200 ms.
var prepStall = jetstream.WithStallWait(prepAckWait)

// publishGroup writes the alliances until each has all its events: one
// message from each in turn, round and round, published asynchronously,
// so that as many messages are in flight as there are alliances. An
// alliance's next message is built only once its previous one is
// acknowledged: its expected last subject sequence is then known, as an
// append's is, and a failure stops the alliance before its chain could
// have a gap. It returns the first error: a refusal by the domain, a
// publish the server refused or that went unanswered.
func publishGroup(ctx context.Context, js jetstream.JetStream, alliances []*prepAlliance) error {
	active := alliances
	for len(active) > 0 {
		next := active[:0]
		for _, a := range active {
			if err := a.settle(ctx); err != nil {
				return err
			}
			if a.done() {
				continue
			}
			if err := a.publishNext(js); err != nil {
				return err
			}
			next = append(next, a)
		}
		active = next
	}
	for _, a := range alliances {
		if err := a.settle(ctx); err != nil {
			return err
		}
	}
	return nil
}

// publishNext builds the alliance's next command and publishes its message
// asynchronously, as an append would send it.
func (a *prepAlliance) publishNext(js jetstream.JetStream) error {
	last := a.chain.pos.StreamSeq
	commandID, s, err := a.step(time.Now().UTC())
	if err != nil {
		return err
	}
	a.pending, err = js.PublishMsgAsync(appendLikeMsg(a.chain.aid, commandID, s.body, last), prepStall)
	return err
}

// settle waits for the acknowledgement of the alliance's last message, if
// it has one in flight, and takes its stream seq. It returns the publish's
// error, or one when no acknowledgement came within prepAckWait.
func (a *prepAlliance) settle(ctx context.Context) error {
	if a.pending == nil {
		return nil
	}
	var ack *jetstream.PubAck
	var err error
	select { // usually in already: no timer then
	case ack = <-a.pending.Ok():
	case err = <-a.pending.Err():
	default:
		select {
		case ack = <-a.pending.Ok():
		case err = <-a.pending.Err():
		case <-ctx.Done():
			err = ctx.Err()
		case <-time.After(prepAckWait):
			err = errors.New("no acknowledgement")
		}
	}
	if ack != nil {
		a.chain.pos.StreamSeq = ack.Sequence
	}
	a.pending = nil
	if err != nil {
		return fmt.Errorf("prepared alliance %d (%s), event seq %d: %w", a.index, a.chain.aid, a.chain.pos.Seq, err)
	}
	return nil
}
