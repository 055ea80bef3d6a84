package eventstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// errStop ends a read early; readers that use it do not return it.
var errStop = errors.New("eventstore: stop reading")

// readResets bounds how often a finite read recreates its consumer (waiting
// 1s, 2s, 4s) before giving up as Unavailable, so a read never hangs on a
// lost server.
const readResets = 3

// Head returns the position of the alliance's last event: the zero Position
// when it has none. It returns an error of kind Invalid for a bad alliance
// id, Unavailable when JetStream cannot be reached, and a *MalformedError
// when the last message does not decode.
func (s *Store) Head(ctx context.Context, allianceID string) (Position, error) {
	if err := checkAllianceID(allianceID); err != nil {
		return Position{}, err
	}
	msg, err := s.stream.GetLastMsgForSubject(ctx, Subject(allianceID))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return Position{}, nil
	}
	if err != nil {
		return Position{}, classify("head of alliance "+allianceID, err)
	}
	records, err := decodeMessage(msg.Subject, msg.Sequence, msg.Data)
	if err != nil {
		return Position{}, err
	}
	return records[len(records)-1].Position(), nil
}

// ReadAlliance returns the alliance's records in messages at stream seq
// fromStreamSeq or later (0 = from the start), in order, up to the
// alliance's last event as of the first pull. It yields each with a nil
// error; on failure it yields one error and ends: an Invalid error for a bad
// alliance id, a *MalformedError for a message that does not decode, or an
// Unavailable one when JetStream cannot be reached. Breaking out of the loop
// ends the read and releases its consumer.
func (s *Store) ReadAlliance(ctx context.Context, allianceID string, fromStreamSeq uint64) iter.Seq2[Record, error] {
	if err := checkAllianceID(allianceID); err != nil {
		return failed(err)
	}
	return s.records(ctx, Subject(allianceID), fromStreamSeq)
}

// Replay returns every record of every alliance in messages at stream seq
// fromStreamSeq or later (0 = from the start), in stream order, up to the
// stream's end as of the first pull. It yields each with a nil error; on
// failure it yields one error and ends: a *MalformedError for a message that
// does not decode, or an Unavailable error when JetStream cannot be reached.
func (s *Store) Replay(ctx context.Context, fromStreamSeq uint64) iter.Seq2[Record, error] {
	return s.records(ctx, "", fromStreamSeq)
}

// records yields the records of the messages on subject ("" = all) from
// stream seq from, then the read's error, if any.
func (s *Store) records(ctx context.Context, subject string, from uint64) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		err := s.readMessages(ctx, subject, from, func(records []Record) error {
			for _, r := range records {
				if !yield(r, nil) {
					return errStop
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			yield(Record{}, err)
		}
	}
}

// failed yields err alone.
func failed(err error) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) { yield(Record{}, err) }
}

// end returns the stream seq of the last message on subject ("" = the whole
// stream), 0 when there is none.
func (s *Store) end(ctx context.Context, subject string) (uint64, error) {
	if subject == "" {
		info, err := s.stream.Info(ctx)
		if err != nil {
			return 0, classify("stream info", err)
		}
		return info.State.LastSeq, nil
	}
	msg, err := s.stream.GetLastMsgForSubject(ctx, subject)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, classify("last message on "+subject, err)
	}
	return msg.Sequence, nil
}

// readMessages calls fn with the records of each message on subject ("" =
// all) from stream seq from up to the end as of the call. An ordered
// consumer delivers them in order and recreates itself, without gap or
// repeat, if it loses its place.
func (s *Store) readMessages(ctx context.Context, subject string, from uint64, fn func([]Record) error) error {
	end, err := s.end(ctx, subject)
	if err != nil || end == 0 || from > end {
		return err
	}
	it, stop, err := s.iterate(ctx, subject, from, readResets)
	if err != nil {
		return err
	}
	defer stop()
	for {
		seq, records, pending, err := nextMessage(ctx, it)
		if err != nil {
			return err
		}
		if seq > end {
			return nil
		}
		if err := fn(records); err != nil {
			return err
		}
		// pending == 0 ends the read even if end was never seen, so that a
		// message missing from the stream cannot make it wait forever.
		if seq == end || pending == 0 {
			return nil
		}
	}
}

// nextMessage returns the next message of it: its stream seq, its records
// and how many messages were left after it when it was delivered.
func nextMessage(ctx context.Context, it jetstream.MessagesContext) (uint64, []Record, uint64, error) {
	msg, err := it.Next(jetstream.NextContext(ctx))
	if err != nil {
		return 0, nil, 0, classify("read", err)
	}
	meta, err := msg.Metadata()
	if err != nil {
		return 0, nil, 0, fmt.Errorf("read: %w", err)
	}
	records, err := decodeMessage(msg.Subject(), meta.Sequence.Stream, msg.Data())
	return meta.Sequence.Stream, records, meta.NumPending, err
}

// iterate starts an ordered consumer on subject ("" = all) at stream seq
// from, recreating it at most resets times in a row (-1 = forever). The
// returned stop ends the iteration and deletes the consumer rather than
// leaving it to the server's inactivity cleanup.
func (s *Store) iterate(ctx context.Context, subject string, from uint64, resets int) (jetstream.MessagesContext, func(), error) {
	cfg := jetstream.OrderedConsumerConfig{
		DeliverPolicy:     jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:       max(from, 1),
		MaxResetAttempts:  resets,
		InactiveThreshold: time.Minute,
	}
	if subject != "" {
		cfg.FilterSubjects = []string{subject}
	}
	cons, err := s.stream.OrderedConsumer(ctx, cfg)
	if err != nil {
		return nil, nil, classify("read "+StreamName, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, nil, classify("read "+StreamName, err)
	}
	stop := func() {
		it.Stop()
		s.deleteConsumer(cons.CachedInfo())
	}
	return it, stop, nil
}

// deleteConsumer removes a finished read's consumer. Failure only leaves it
// to the server's inactivity cleanup, so it is ignored.
func (s *Store) deleteConsumer(info *jetstream.ConsumerInfo) {
	if info == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.stream.DeleteConsumer(ctx, info.Name)
}
