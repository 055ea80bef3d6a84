package eventstore

import (
	"context"
	"errors"
	"iter"

	"github.com/nats-io/nats.go/jetstream"
)

// errStop ends a read early; readers that use it do not return it.
var errStop = errors.New("eventstore: stop reading")

// Head returns the position of the alliance's last event: the zero Position
// when it has none. It returns an error of kind Invalid for a bad alliance
// id, Unavailable when JetStream cannot be reached, and a *MalformedError
// when the last message does not decode.
func (s *Store) Head(ctx context.Context, allianceID string) (Position, error) {
	if err := checkAllianceID(allianceID); err != nil {
		return Position{}, err
	}
	msg, err := s.lastMsgFor(ctx, Subject(allianceID))
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
		var info *jetstream.StreamInfo
		err := get(ctx, func(ctx context.Context) (err error) {
			info, err = s.stream.Info(ctx)
			return err
		})
		if err != nil {
			return 0, classify("stream info", err)
		}
		return info.State.LastSeq, nil
	}
	msg, err := s.lastMsgFor(ctx, subject)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, classify("last message on "+subject, err)
	}
	return msg.Sequence, nil
}

// readMessages calls fn with the records of the messages on subject ("" =
// all) from stream seq from up to the end as of the call, in order, a batch
// of messages at a time; fn must not keep the slice. A reader delivers them
// in order and moves to a new consumer, without gap or repeat, if it loses
// its place or its server's copy of the stream stops short of the end; it
// gives up when it has got nowhere for readPatience. It returns fn's first
// error, or the reader's after the records before it.
//
// The reader runs ahead on a goroutine of its own, taking messages and
// decoding them (JSON, hashes) while fn consumes the ones before: a read
// model's rebuild then folds on one core while the next events are decoded
// on another.
func (s *Store) readMessages(ctx context.Context, subject string, from uint64, fn func([]Record) error) error {
	end, err := s.end(ctx, subject)
	if err != nil || end == 0 || from > end {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	ahead := readAhead{full: make(chan aheadBatch, aheadBatches), empty: make(chan []Record, aheadBatches+2)}
	go ahead.run(ctx, s.newReader(subject, from, "read", readPatience), end)
	defer func() {
		cancel()
		for range ahead.full { // until the reader has stopped
		}
	}()
	for b := range ahead.full {
		if len(b.records) > 0 {
			if err := fn(b.records); err != nil {
				return err
			}
		}
		if b.err != nil {
			return b.err
		}
		ahead.empty <- b.records[:0] // never blocks: fewer slices exist than it holds
	}
	return nil
}

// aheadRecords is how many records the reader gathers before it hands them
// over (fewer when the stream's end or a pause comes first), and
// aheadBatches how many handed-over batches may wait for the consumer.
const (
	aheadRecords = 128
	aheadBatches = 4
)

// aheadBatch is records read ahead, then the read's error if it failed
// after them.
type aheadBatch struct {
	records []Record
	err     error
}

// readAhead hands batches of records from a reader to a consumer on full,
// and takes their slices back on empty to fill again.
type readAhead struct {
	full  chan aheadBatch
	empty chan []Record
}

// run reads messages with r up to stream seq end, handing their records
// over in batches, the last one with the reader's error if it failed, and
// closes full when done. It stops without handing over more once ctx ends.
func (a readAhead) run(ctx context.Context, r *reader, end uint64) {
	defer close(a.full)
	defer r.close()
	records := make([]Record, 0, aheadRecords)
	for {
		kept := len(records)
		seq, more, pending, err := r.appendNext(ctx, records)
		switch {
		case err != nil:
			a.hand(ctx, more, err)
			return
		case seq > end:
			a.hand(ctx, more[:kept], nil)
			return
		case seq == end:
			a.hand(ctx, more, nil)
			return
		case pending == 0:
			// The consumer's server has nothing after seq, although the
			// stream goes on to end: its copy is behind (a node catching up
			// after a restart). Stopping here would end the read short.
			r.behind(seq, end)
		}
		records = more
		if len(records) >= aheadRecords || pending == 0 {
			if !a.hand(ctx, records, nil) {
				return
			}
			records = a.refill()
		}
	}
}

// hand passes records and err to the consumer; it reports false, having
// passed nothing, when ctx ended first.
func (a readAhead) hand(ctx context.Context, records []Record, err error) bool {
	if len(records) == 0 && err == nil {
		return true
	}
	select {
	case a.full <- aheadBatch{records, err}:
		return true
	case <-ctx.Done():
		return false
	}
}

// refill returns a slice the consumer is done with, or a new one.
func (a readAhead) refill() []Record {
	select {
	case records := <-a.empty:
		return records
	default:
		return make([]Record, 0, aheadRecords)
	}
}

// lastMsgFor returns the last message on subject, asking again while
// JetStream does not answer (see get). It returns jetstream's errors as
// they are, jetstream.ErrMsgNotFound when there is none.
func (s *Store) lastMsgFor(ctx context.Context, subject string) (*jetstream.RawStreamMsg, error) {
	var msg *jetstream.RawStreamMsg
	err := get(ctx, func(ctx context.Context) (err error) {
		msg, err = s.stream.GetLastMsgForSubject(ctx, subject)
		return err
	})
	return msg, err
}

// msgAt returns the message at stream seq, or with opts the first one at or
// after it on a subject, asking again while JetStream does not answer (see
// get). It returns jetstream's errors as they are, jetstream.ErrMsgNotFound
// when there is none.
func (s *Store) msgAt(ctx context.Context, seq uint64, opts ...jetstream.GetMsgOpt) (*jetstream.RawStreamMsg, error) {
	var msg *jetstream.RawStreamMsg
	err := get(ctx, func(ctx context.Context) (err error) {
		msg, err = s.stream.GetMsg(ctx, seq, opts...)
		return err
	})
	return msg, err
}
