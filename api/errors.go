package api

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"accord/domain"
)

// statusOf maps an error's kind to its HTTP status: the one place that does.
func statusOf(k domain.Kind) int {
	switch k {
	case domain.Invalid:
		return http.StatusBadRequest
	case domain.Unauthorized:
		return http.StatusUnauthorized
	case domain.Forbidden:
		return http.StatusForbidden
	case domain.NotFound:
		return http.StatusNotFound
	case domain.MethodNotAllowed:
		return http.StatusMethodNotAllowed
	case domain.Conflict:
		return http.StatusConflict
	case domain.TooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.RateLimited:
		return http.StatusTooManyRequests
	case domain.Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// errorBody is the documented error shape.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError answers err in the documented shape. Only internal errors are
// logged: the others are the caller's, and the answer says what is wrong.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	kind := domain.KindOf(err)
	if kind == domain.Internal {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var body errorBody
	body.Error.Code = string(kind)
	body.Error.Message = domain.MessageOf(err)
	writeJSON(w, statusOf(kind), body)
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	if err := enc.Encode(v); err != nil {
		slog.Default().Debug("write answer", "err", err)
	}
}

// answer answers v as JSON with status, unless err says the call failed:
// then it returns err for the route to answer.
func answer(w http.ResponseWriter, status int, v any, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}
