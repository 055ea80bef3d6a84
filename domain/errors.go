package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an error so each adapter can map it once (HTTP status,
// exit code) without matching strings.
type Kind string

// The error kinds of the ledger.
const (
	Invalid      Kind = "invalid"      // malformed or invalid input
	NotFound     Kind = "not_found"    // no such alliance, member, proposal…
	Conflict     Kind = "conflict"     // a domain rule forbids it now
	Forbidden    Kind = "forbidden"    // the actor may not do this
	Unauthorized Kind = "unauthorized" // no or bad credentials
	TooLarge     Kind = "too_large"    // a request body over the limit
	RateLimited  Kind = "rate_limited" // too many failed attempts; retry later
	Unavailable  Kind = "unavailable"  // the log cannot be reached
	Internal     Kind = "internal"     // a bug or an unexpected failure
)

// MethodNotAllowed is the kind of a request for a known path with a method
// that path does not take.
const MethodNotAllowed Kind = "method_not_allowed"

// Error is a ledger error with a kind and a message a person understands.
type Error struct {
	Kind    Kind
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error of kind k with a formatted message.
func Errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of the first *Error in err's chain, Internal for any
// other non-nil error, and "" for nil.
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// MessageOf returns the message of the first *Error in err's chain, or a
// generic text for other errors so internals do not leak to callers.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
