package eventstore

import (
	"bytes"
	"errors"
	"fmt"

	"accord/domain"
)

// Record is one stored event: the decoded event, its exact stored line, the
// line's hash, and the stream sequence of the message that holds it (the
// events of one command share a message and so a StreamSeq).
type Record struct {
	Event     domain.Event
	Raw       []byte
	Hash      string
	StreamSeq uint64
}

// Position is where an alliance's log ends: what Append needs to add to it.
// The zero Position is an alliance with no events.
type Position struct {
	Seq       uint64 // alliance seq of the last event
	Hash      string // its hash
	StreamSeq uint64 // stream seq of the alliance's last message; 0 = no message yet
}

// Position returns the log's position as of r. Append after it only when r
// is the last event of its message (all of a message's records share its
// StreamSeq): a mid-message position passes the server's sequence check and
// would fork the chain.
func (r Record) Position() Position {
	return Position{Seq: r.Event.Seq, Hash: r.Hash, StreamSeq: r.StreamSeq}
}

// decodeMessage returns the records of the message at streamSeq on subject.
// It returns a *MalformedError when the body is empty, a line does not
// decode, or an event belongs to another alliance than the subject's.
func decodeMessage(subject string, streamSeq uint64, body []byte) ([]Record, error) {
	if len(body) == 0 {
		return nil, &MalformedError{StreamSeq: streamSeq, Err: errors.New("empty message")}
	}
	alliance := allianceOf(subject)
	lines := bytes.Split(body, []byte("\n"))
	records := make([]Record, 0, len(lines))
	for i, line := range lines {
		ev, err := domain.Decode(line)
		if err != nil {
			return nil, &MalformedError{StreamSeq: streamSeq, Line: i + 1, Err: err}
		}
		if ev.AllianceID != alliance {
			err := fmt.Errorf("event of alliance %q on subject %s", ev.AllianceID, subject)
			return nil, &MalformedError{StreamSeq: streamSeq, Line: i + 1, Err: err}
		}
		records = append(records, Record{Event: ev, Raw: line[:len(line):len(line)], Hash: domain.Hash(line), StreamSeq: streamSeq})
	}
	return records, nil
}
