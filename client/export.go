package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// Export is an alliance's export being read: NDJSON, each line the stored
// bytes of one event in seq order. The server announces the head it exports
// up to; Read checks the stream against it and never ends as if whole when
// it is not (see IncompleteError).
type Export struct {
	// HeadSeq and HeadHash are the Accord-Head-Seq and Accord-Head-Hash
	// headers: the last event the export holds.
	HeadSeq  uint64
	HeadHash string

	body  io.ReadCloser
	lines uint64 // complete lines read
	last  []byte // the last complete line
	cur   []byte // the line being read
	done  error  // what Read returns once the body is spent
}

// IncompleteError is an export that ended before the head its server
// announced: Got lines arrived, the last with seq LastSeq, of Want. Err is
// the transfer's error (io.ErrUnexpectedEOF for a connection cut off), or
// nil when the stream ended cleanly but short.
type IncompleteError struct {
	Got, Want, LastSeq uint64
	Err                error
}

// Error says what is missing, e.g. "export incomplete: got 812 of 1000
// events (stopped after seq 812)".
func (e *IncompleteError) Error() string {
	var msg string
	switch {
	case e.Got > e.Want || (e.Got == e.Want && e.Err == nil):
		msg = fmt.Sprintf("export does not match its head: got %d events ending at seq %d, the head is seq %d", e.Got, e.LastSeq, e.Want)
	case e.Got == 0:
		msg = fmt.Sprintf("export incomplete: got none of %d events", e.Want)
	default:
		msg = fmt.Sprintf("export incomplete: got %d of %d events (stopped after seq %d)", e.Got, e.Want, e.LastSeq)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the transfer's error.
func (e *IncompleteError) Unwrap() error { return e.Err }

// Export starts the export of an alliance. The caller reads it to the end
// and closes it. It returns an *Error for an error answer, and an error
// wrapping ErrProtocol when the answer lacks a valid Accord-Head-Seq.
func (c *Client) Export(ctx context.Context, aid string) (*Export, error) {
	resp, err := c.open(ctx, call{method: http.MethodGet, path: alliancePath(aid, "audit", "export")}, nil)
	if err != nil {
		return nil, err
	}
	seq, err := strconv.ParseUint(resp.Header.Get("Accord-Head-Seq"), 10, 64)
	if err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: the export has no Accord-Head-Seq header to check it against", ErrProtocol)
	}
	return &Export{HeadSeq: seq, HeadHash: resp.Header.Get("Accord-Head-Hash"), body: resp.Body}, nil
}

// Read reads the export's bytes. At the end it returns io.EOF only when the
// export holds HeadSeq lines and the last is the event with seq HeadSeq;
// otherwise, and when the transfer breaks off, an *IncompleteError.
func (e *Export) Read(b []byte) (int, error) {
	if e.done != nil {
		return 0, e.done
	}
	n, err := e.body.Read(b)
	e.scan(b[:n])
	if err != nil {
		e.done = e.finish(err)
		if n > 0 && e.done != io.EOF {
			return n, nil // the bytes first; the error on the next call
		}
		return n, e.done
	}
	return n, nil
}

// Lines returns how many complete lines were read so far.
func (e *Export) Lines() uint64 { return e.lines }

// Close closes the stream.
func (e *Export) Close() error { return e.body.Close() }

// scan counts the complete lines in b and keeps the last one.
func (e *Export) scan(b []byte) {
	end := bytes.LastIndexByte(b, '\n')
	if end < 0 {
		e.cur = append(e.cur, b...)
		return
	}
	e.lines += uint64(bytes.Count(b[:end+1], []byte{'\n'}))
	start := bytes.LastIndexByte(b[:end], '\n') + 1
	if start == 0 {
		e.last = append(append(e.last[:0], e.cur...), b[:end]...)
	} else {
		e.last = append(e.last[:0], b[start:end]...)
	}
	e.cur = append(e.cur[:0], b[end+1:]...)
}

// finish checks the export when the body ends with err.
func (e *Export) finish(err error) error {
	last := e.lastSeq()
	switch {
	case !errors.Is(err, io.EOF):
		return &IncompleteError{Got: e.lines, Want: e.HeadSeq, LastSeq: last, Err: err}
	case len(e.cur) > 0:
		return &IncompleteError{Got: e.lines, Want: e.HeadSeq, LastSeq: last, Err: errors.New("the last line is cut off")}
	case e.lines != e.HeadSeq || last != e.HeadSeq:
		return &IncompleteError{Got: e.lines, Want: e.HeadSeq, LastSeq: last}
	}
	return io.EOF
}

// lastSeq returns the seq of the last complete line, 0 when there is none
// or it has none.
func (e *Export) lastSeq() uint64 {
	var ev struct {
		Seq uint64 `json:"seq"`
	}
	if len(e.last) == 0 || json.Unmarshal(e.last, &ev) != nil {
		return 0
	}
	return ev.Seq
}
