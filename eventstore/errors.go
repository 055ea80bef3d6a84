package eventstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"accord/domain"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrConflict is returned (wrapped) by Append when the alliance has changed
// since the position the caller read: reload, re-decide and retry. Its kind is
// domain.Conflict.
var ErrConflict error = &domain.Error{Kind: domain.Conflict, Message: "the alliance changed concurrently; reload and retry"}

// ErrUnavailable is returned (wrapped) when NATS or JetStream cannot be
// reached or does not answer in time. Its kind is domain.Unavailable.
var ErrUnavailable error = &domain.Error{Kind: domain.Unavailable, Message: "the event log is unavailable"}

// ErrUnsafeStream is returned (wrapped) by Open when the ACCORD stream exists
// with settings that could make the ledger forget or lose events. Its kind is
// domain.Internal: an operator must fix the stream.
var ErrUnsafeStream error = &domain.Error{Kind: domain.Internal, Message: "the ACCORD stream could lose events"}

// ErrMalformed is matched by every *MalformedError. Its kind is
// domain.Internal: the log holds something accord did not write.
var ErrMalformed error = &domain.Error{Kind: domain.Internal, Message: "the event log holds a malformed message"}

// MalformedError reports a stored message that does not hold valid event
// lines. Reads stop at it rather than skip it, so no reader sees a gap.
type MalformedError struct {
	StreamSeq uint64 // stream sequence of the message
	Line      int    // 1-based line within the message; 0 for the whole message
	Err       error  // what is wrong with it
}

// Error names the stream sequence and line.
func (e *MalformedError) Error() string {
	return fmt.Sprintf("eventstore: malformed message at stream seq %d, line %d: %v", e.StreamSeq, e.Line, e.Err)
}

// Unwrap puts ErrMalformed first so that domain.KindOf reports Internal
// rather than the kind of the decode error inside (which is Invalid: a
// corrupt log is our fault, not the caller's).
func (e *MalformedError) Unwrap() []error { return []error{ErrMalformed, e.Err} }

// classify turns an error from a NATS call into one the rest of accord can
// map by kind: JetStream API errors keep their code (kind Internal unless
// the server says it is unavailable), oversized messages become TooLarge,
// a cancelled context stays as it is, and every other failure is transport
// trouble and so Unavailable.
func classify(op string, err error) error {
	var apiErr *jetstream.APIError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: %w", op, err)
	case errors.Is(err, nats.ErrMaxPayload) || errors.Is(err, jetstream.ErrStreamMessageExceedsMaximum):
		return fmt.Errorf("%s: %w: %w", op, domain.Errorf(domain.TooLarge, "the events are too large for one message"), err)
	case errors.As(err, &apiErr) && apiErr.Code != http.StatusServiceUnavailable:
		return fmt.Errorf("%s: %w", op, err)
	default:
		return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, err)
	}
}

// errCodeDuplicateInProcess is a replicated stream's answer to a message
// whose id matches one still being replicated ("duplicate message id is in
// process"); nats.go has no name for it.
const errCodeDuplicateInProcess jetstream.ErrorCode = 10158

// isWrongLastSequence reports whether err is JetStream refusing a publish
// because the subject's last sequence was not the expected one: 10071, or
// 10164 on replicated streams (also while another write to the subject is
// in flight). A replicated stream's 10158 (the same command id in flight)
// is counted too: once the first copy lands, a retry is answered as a
// duplicate.
func isWrongLastSequence(err error) bool {
	var apiErr *jetstream.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.ErrorCode {
	case jetstream.JSErrCodeStreamWrongLastSequence,
		jetstream.JSErrCodeStreamWrongLastSequenceConstant,
		errCodeDuplicateInProcess:
		return true
	}
	return false
}
