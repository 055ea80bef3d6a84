package eventstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	"accord/domain"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// AppendResult is what Append stored. Duplicate is true when the command had
// already been recorded: Records are then the records it wrote the first time.
type AppendResult struct {
	Records   []Record
	Duplicate bool
}

// Append writes the events of one command (or of a batch of commands) to the
// alliance's log right after at, which must come from Head or the last Record
// the caller read. It fills each event's ID (uuid v7), Seq and PrevHash, and
// stores them all as one message: one atomic write, one concurrency check.
//
// The first event's command id is the message's id. When that command was
// already recorded for the alliance, Append writes nothing and returns the
// records that command wrote the first time, with Duplicate set. When the
// alliance has moved past at, it returns an error wrapping ErrConflict (kind
// domain.Conflict) and writes nothing. It returns an error of kind Invalid
// for a bad alliance id; Internal for no events, or events of another
// alliance, without a command id or time, or that do not encode; TooLarge
// when they do not fit in one message; and Unavailable when JetStream cannot
// be reached or does not answer in time.
func (s *Store) Append(ctx context.Context, allianceID string, at Position, events []domain.Event) (AppendResult, error) {
	if err := checkAppend(allianceID, at, events); err != nil {
		return AppendResult{}, err
	}
	records, body, err := seal(at, events)
	if err != nil {
		return AppendResult{}, err
	}
	commandID := events[0].CommandID
	ack, err := s.publish(ctx, appendMsg(allianceID, at, commandID, body))
	switch {
	case isWrongLastSequence(err):
		return s.resolveConflict(ctx, allianceID, at, commandID, err)
	case err != nil:
		return AppendResult{}, classify("append to alliance "+allianceID, err)
	case ack.Duplicate:
		return s.original(ctx, allianceID, commandID, ack.Sequence)
	}
	for i := range records {
		records[i].StreamSeq = ack.Sequence
	}
	records[len(records)-1].EndsMessage = true
	return AppendResult{Records: records}, nil
}

// appendMsg builds the message of one command. Nats-Msg-Id lets JetStream
// drop a retry within its duplicate window; the expected last subject
// sequence, which the server checks even when it is 0 (then the subject must
// be empty), serializes the alliance's writers.
func appendMsg(allianceID string, at Position, commandID string, body []byte) *nats.Msg {
	// The header names are already in canonical form; assigning them
	// directly skips Header.Set's canonicalisation on every append.
	return &nats.Msg{
		Subject: Subject(allianceID),
		Data:    body,
		Header: nats.Header{
			jetstream.MsgIDHeader:               {commandID},
			jetstream.ExpectedLastSubjSeqHeader: {strconv.FormatUint(at.StreamSeq, 10)},
		},
	}
}

// checkAppend returns why Append cannot write events at at, or nil. The
// events may come from several commands (a caller may commit a batch of them
// at once), but each must carry its command id.
func checkAppend(allianceID string, at Position, events []domain.Event) error {
	if err := checkAllianceID(allianceID); err != nil {
		return err
	}
	if len(events) == 0 {
		return domain.Errorf(domain.Internal, "append to alliance %s: no events", allianceID)
	}
	if (at.Seq > 0 && at.Hash == "") || (at.Seq == 0 && at.StreamSeq != 0) {
		return domain.Errorf(domain.Internal, "append to alliance %s: inconsistent position %+v", allianceID, at)
	}
	for _, e := range events {
		if e.AllianceID != allianceID {
			return domain.Errorf(domain.Internal, "append to alliance %s: %s is for alliance %q", allianceID, e.Type, e.AllianceID)
		}
		if e.CommandID == "" {
			return domain.Errorf(domain.Internal, "append to alliance %s: %s has no command id", allianceID, e.Type)
		}
		if e.At.IsZero() {
			return domain.Errorf(domain.Internal, "append to alliance %s: %s has no time", allianceID, e.Type)
		}
	}
	return nil
}

// seal numbers and chains the events after at and encodes them. It returns
// their records (without StreamSeq, known only once stored) and the message
// body.
func seal(at Position, events []domain.Event) ([]Record, []byte, error) {
	prev := at.Hash
	if at.Seq == 0 {
		prev = domain.ZeroHash
	}
	records := make([]Record, 0, len(events))
	lines := make([][]byte, 0, len(events))
	for i, e := range events {
		e.ID, e.Seq, e.PrevHash, e.At = newEventID(), at.Seq+uint64(i)+1, prev, e.At.UTC()
		rec, err := sealOne(e)
		if err != nil {
			return nil, nil, err
		}
		records = append(records, rec)
		lines = append(lines, rec.Raw)
		prev = rec.Hash
	}
	if len(lines) == 1 {
		return records, lines[0], nil
	}
	return records, bytes.Join(lines, []byte("\n")), nil
}

// sealOne encodes e into a record. The record keeps e itself rather than the
// line decoded again: Encode and Decode round-trip every catalogue type
// (domain's codec tests hold them to it), and decoding each event a second
// time on the write path would cost a third of an append.
func sealOne(e domain.Event) (Record, error) {
	line, err := domain.Encode(e)
	if err != nil {
		return Record{}, err
	}
	return Record{Event: e, Raw: line, Hash: domain.Hash(line)}, nil
}

// resolveConflict decides what a wrong-last-sequence answer means. On a
// single-node stream JetStream checks the expected sequence before
// de-duplicating, so a command retried at its old position after a lost ack
// is refused as a conflict although it is stored. A copy that was stored
// expected the same stream seq, so it is the alliance's first message after
// at: if the command is there, its records are returned as a duplicate;
// otherwise it is a real conflict and the error wraps ErrConflict.
func (s *Store) resolveConflict(ctx context.Context, allianceID string, at Position, commandID string, cause error) (AppendResult, error) {
	found, err := s.findCommand(ctx, allianceID, at.StreamSeq+1, commandID)
	if err != nil {
		return AppendResult{}, err
	}
	if found != nil {
		return AppendResult{Records: found, Duplicate: true}, nil
	}
	return AppendResult{}, fmt.Errorf("append to alliance %s after stream seq %d: %w: %w", allianceID, at.StreamSeq, ErrConflict, cause)
}

// findCommand returns the records of commandID in the alliance's first
// message at stream seq from or later, nil when it holds none (or there is
// none). It fetches that one message rather than reading through a
// consumer, which costs a round of consensus on a cluster. Only the first
// is looked at: the messages after it may be many (other instances go on
// writing), and no copy of the command can be among them.
func (s *Store) findCommand(ctx context.Context, allianceID string, from uint64, commandID string) ([]Record, error) {
	msg, err := s.msgAt(ctx, from, jetstream.WithGetMsgSubject(Subject(allianceID)))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, classify("look for command "+commandID, err)
	}
	records, err := decodeMessage(msg.Subject, msg.Sequence, msg.Data)
	if err != nil {
		return nil, err
	}
	return recordsOf(records, commandID), nil
}

// original returns the records of commandID in the message at streamSeq,
// which JetStream named as the first copy of a duplicate. Message ids are
// de-duplicated across the whole stream, so it returns an error of kind
// Conflict when that message belongs to another alliance or command.
func (s *Store) original(ctx context.Context, allianceID, commandID string, streamSeq uint64) (AppendResult, error) {
	msg, err := s.msgAt(ctx, streamSeq)
	if err != nil {
		return AppendResult{}, classify(fmt.Sprintf("read stream seq %d", streamSeq), err)
	}
	records, err := decodeMessage(msg.Subject, msg.Sequence, msg.Data)
	if err != nil {
		return AppendResult{}, err
	}
	found := recordsOf(records, commandID)
	if msg.Subject != Subject(allianceID) || found == nil {
		return AppendResult{}, domain.Errorf(domain.Conflict,
			"command id %q was already used for another command (stream seq %d)", commandID, streamSeq)
	}
	return AppendResult{Records: found, Duplicate: true}, nil
}

// recordsOf returns the records of one command among a message's records,
// nil when it has none there.
func recordsOf(records []Record, commandID string) []Record {
	var found []Record
	for _, r := range records {
		if r.Event.CommandID == commandID {
			found = append(found, r)
		}
	}
	return found
}
