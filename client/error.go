package client

import (
	"encoding/json"
	"fmt"
	"net/http"

	"accord/domain"
)

// Error is an error answer of the API: its HTTP status and the
// {"error":{"code","message"}} it carried. It stands for a *domain.Error of
// the same kind, so domain.KindOf(err) reads the server's kind and
// errors.Is(err, &domain.Error{Kind: domain.NotFound}) matches it.
type Error struct {
	Status  int
	Code    string
	Message string
}

// Error returns the server's message.
func (e *Error) Error() string { return e.Message }

// Kind returns the error's domain kind: its code when that is one of the
// ledger's kinds, else the kind the status stands for.
func (e *Error) Kind() domain.Kind {
	if k := domain.Kind(e.Code); knownKind(k) {
		return k
	}
	return KindOfStatus(e.Status)
}

// Unwrap returns the *domain.Error the answer stands for.
func (e *Error) Unwrap() error { return &domain.Error{Kind: e.Kind(), Message: e.Message} }

// Is reports whether target is a *domain.Error of the same kind (whatever
// its message), so a kind can be tested for without a sentinel.
func (e *Error) Is(target error) bool {
	t, ok := target.(*domain.Error)
	return ok && t.Kind == e.Kind()
}

// knownKind reports whether k is one of the ledger's error kinds.
func knownKind(k domain.Kind) bool {
	switch k {
	case domain.Invalid, domain.NotFound, domain.Conflict, domain.Forbidden, domain.Unauthorized,
		domain.TooLarge, domain.RateLimited, domain.Unavailable, domain.Internal:
		return true
	}
	return false
}

// KindOfStatus returns the domain kind an HTTP status stands for: the
// inverse of the server's mapping, with 405 read as Invalid and any other
// status as Internal.
func KindOfStatus(status int) domain.Kind {
	switch status {
	case http.StatusBadRequest, http.StatusMethodNotAllowed:
		return domain.Invalid
	case http.StatusUnauthorized:
		return domain.Unauthorized
	case http.StatusForbidden:
		return domain.Forbidden
	case http.StatusNotFound:
		return domain.NotFound
	case http.StatusConflict:
		return domain.Conflict
	case http.StatusRequestEntityTooLarge:
		return domain.TooLarge
	case http.StatusTooManyRequests:
		return domain.RateLimited
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return domain.Unavailable
	}
	return domain.Internal
}

// decodeError decodes an error answer. One that is not in the documented
// shape (a proxy's page, say) is named by its status, with the code of the
// kind the status stands for.
func decodeError(status int, raw []byte) *Error {
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &body) == nil && body.Error.Message != "" {
		return &Error{Status: status, Code: body.Error.Code, Message: body.Error.Message}
	}
	return &Error{
		Status: status, Code: string(KindOfStatus(status)),
		Message: fmt.Sprintf("the server answered %d %s", status, http.StatusText(status)),
	}
}
