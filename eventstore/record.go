package eventstore

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

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
	// EndsMessage is set on the last record of a message read from the
	// log: a reader that has it has seen the whole message.
	EndsMessage bool
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
	return appendMessage(nil, subject, streamSeq, body)
}

// appendMessage appends the records of the message at streamSeq on subject
// to dst, so that a reader can gather many messages in one slice, and
// returns the extended slice. On failure it returns dst as it was and a
// *MalformedError, for the same reasons as decodeMessage.
func appendMessage(dst []Record, subject string, streamSeq uint64, body []byte) ([]Record, error) {
	if len(body) == 0 {
		return dst, &MalformedError{StreamSeq: streamSeq, Err: errors.New("empty message")}
	}
	alliance := allianceOf(subject)
	out := slices.Grow(dst, bytes.Count(body, newline)+1)
	for i := 1; ; i++ {
		line, rest, more := bytes.Cut(body, newline)
		ev, err := domain.Decode(line)
		if err != nil {
			return dst, &MalformedError{StreamSeq: streamSeq, Line: i, Err: err}
		}
		if ev.AllianceID != alliance {
			err := fmt.Errorf("event of alliance %q on subject %s", ev.AllianceID, subject)
			return dst, &MalformedError{StreamSeq: streamSeq, Line: i, Err: err}
		}
		out = append(out, Record{Event: ev, Raw: line[:len(line):len(line)], Hash: domain.Hash(line), StreamSeq: streamSeq, EndsMessage: !more})
		if !more {
			return out, nil
		}
		body = rest
	}
}

// newline separates the event lines of a message.
var newline = []byte("\n")
