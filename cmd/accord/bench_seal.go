package main

import (
	"bytes"
	"crypto/rand"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"accord/domain"
	"accord/eventstore"
)

// sealed is one command's events as an append stores them: the events
// with their ids, seqs and hashes, the message body (their lines joined by
// a line feed) and the alliance's position after them, its stream seq
// still that of the message before.
type sealed struct {
	events []domain.Event
	body   []byte
	next   eventstore.Position
}

// sealEvents numbers and chains events after at, gives each a version 7 id
// drawn now and encodes them, as the store does before it publishes a
// command: the same lines, so the same bytes on the wire. It returns the
// first event that does not encode.
func sealEvents(at eventstore.Position, events []domain.Event) (sealed, error) {
	prev := at.Hash
	if at.Seq == 0 {
		prev = domain.ZeroHash
	}
	lines := make([][]byte, 0, len(events))
	out := make([]domain.Event, 0, len(events))
	seq := at.Seq
	for _, e := range events {
		seq++
		var random [10]byte
		_, _ = rand.Read(random[:]) // never fails (crypto/rand crashes the process instead)
		e.ID, e.Seq, e.PrevHash, e.At = domain.TimeID(time.Now(), random), seq, prev, e.At.UTC()
		line, err := domain.Encode(e)
		if err != nil {
			return sealed{}, err
		}
		lines = append(lines, line)
		out = append(out, e)
		prev = domain.Hash(line)
	}
	return sealed{events: out, body: bytes.Join(lines, []byte("\n")), next: eventstore.Position{Seq: seq, Hash: prev, StreamSeq: at.StreamSeq}}, nil
}

// appendLikeMsg is the message an append of body sends for command
// commandID to the alliance's subject: the command id as Nats-Msg-Id and
// the stream seq of the alliance's last message as the expected last
// subject sequence.
func appendLikeMsg(allianceID, commandID string, body []byte, lastSubjectSeq uint64) *nats.Msg {
	return &nats.Msg{
		Subject: eventstore.Subject(allianceID),
		Data:    body,
		Header: nats.Header{
			jetstream.MsgIDHeader:               {commandID},
			jetstream.ExpectedLastSubjSeqHeader: {strconv.FormatUint(lastSubjectSeq, 10)},
		},
	}
}
