package eventstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// Locate returns the stream seq of the message that holds the alliance's
// event seq, searching the stream by subject in O(log n) direct reads instead
// of keeping an index of every message in memory. head bounds the search. It
// returns 0 for seq 1 (read from the start), and an Unavailable error when
// the stream cannot be read.
func (s *Store) Locate(ctx context.Context, allianceID string, seq uint64, head Position) (uint64, error) {
	if seq <= 1 || head.StreamSeq == 0 {
		return 0, nil
	}
	subject := Subject(allianceID)
	found := uint64(0)
	lo, hi := uint64(1), head.StreamSeq
	for lo <= hi {
		mid := lo + (hi-lo)/2
		msgSeq, first, err := s.nextOn(ctx, subject, mid)
		if err != nil {
			return 0, err
		}
		if msgSeq == 0 || msgSeq > head.StreamSeq || first > seq {
			hi = mid - 1
			continue
		}
		found, lo = msgSeq, msgSeq+1
	}
	return found, nil
}

// nextOn returns the stream seq and first event seq of the first message on
// subject at or after stream seq from; 0 when there is none.
func (s *Store) nextOn(ctx context.Context, subject string, from uint64) (uint64, uint64, error) {
	msg, err := s.msgAt(ctx, from, jetstream.WithGetMsgSubject(subject))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, classify(fmt.Sprintf("locate on %s", subject), err)
	}
	records, err := decodeMessage(msg.Subject, msg.Sequence, msg.Data)
	if err != nil {
		return 0, 0, err
	}
	return msg.Sequence, records[0].Event.Seq, nil
}
