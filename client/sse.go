package client

import (
	"bufio"
	"io"
	"strings"
)

// SSEEvent is one server-sent event: the last event id in force when it was
// dispatched, its type ("message" when none was named) and its data.
type SSEEvent struct {
	ID   string
	Type string
	Data string
}

// SSEReader reads the text/event-stream format as the HTML standard
// specifies it: fields, comments, multi-line data, and a last event id that
// carries over from one event to the next. The retry field is read past:
// a Follower reconnects on its own bounded backoff.
type SSEReader struct {
	sc     *bufio.Scanner
	lastID string
}

// maxEventLine bounds one line of the stream: an event is at most the API's
// 1 MiB body, plus its envelope.
const maxEventLine = 4 << 20

// NewSSEReader reads server-sent events from r, e.g. the body of GET /v1/events
// for a program that follows every alliance.
func NewSSEReader(r io.Reader) *SSEReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventLine)
	return &SSEReader{sc: sc}
}

// Next returns the next event. It returns io.EOF when the stream ends
// cleanly (an event left unfinished at the end is dropped, as the standard
// says), or the read error.
func (s *SSEReader) Next() (SSEEvent, error) {
	var ev SSEEvent
	var data strings.Builder
	hasData := false
	for s.sc.Scan() {
		line := s.sc.Text()
		if line == "" {
			if !hasData {
				ev = SSEEvent{}
				continue
			}
			ev.ID = s.lastID
			ev.Data = strings.TrimSuffix(data.String(), "\n")
			if ev.Type == "" {
				ev.Type = "message"
			}
			return ev, nil
		}
		field, value := splitField(line)
		switch field {
		case "data":
			data.WriteString(value + "\n")
			hasData = true
		case "event":
			ev.Type = value
		case "id":
			if !strings.ContainsRune(value, 0) {
				s.lastID = value
			}
		}
	}
	if err := s.sc.Err(); err != nil {
		return SSEEvent{}, err
	}
	return SSEEvent{}, io.EOF
}

// splitField splits "field: value" (one space after the colon is not part
// of the value); a comment line (":…") has the empty field.
func splitField(line string) (string, string) {
	field, value, found := strings.Cut(line, ":")
	if !found {
		return line, ""
	}
	return field, strings.TrimPrefix(value, " ")
}
