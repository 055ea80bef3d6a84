package api

import (
	"net/http"
	"strings"

	"accord/domain"
	"accord/ledger"
)

// authed resolves the caller from the bearer token or the session cookie,
// then runs h; any error answers in the documented shape. A request that
// presents credentials the ledger does not take counts against its
// address's failed authentications (see throttled).
func (s *Server) authed(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		caller, err := s.caller(r)
		if err == nil {
			if rec, ok := r.Context().Value(recorderKey{}).(*statusRecorder); ok {
				rec.actor = caller.ID
			}
			err = h(w, r, caller)
		}
		if err != nil {
			s.writeError(w, r, err)
			if domain.KindOf(err) == domain.Unauthorized && presentsCredentials(r) {
				s.failedLogin(r)
			}
		}
	}
}

// caller returns the identity of the request's token.
func (s *Server) caller(r *http.Request) (ledger.Identity, error) {
	if token := bearer(r.Header.Get("Authorization")); token != "" {
		return s.ledger.Resolve(r.Context(), token)
	}
	if r.Header.Get("Authorization") != "" {
		return ledger.Identity{}, domain.Errorf(domain.Unauthorized, "the Authorization header must be \"Bearer <token>\"")
	}
	if c, err := r.Cookie(sessionCookie); err == nil && r.Method == http.MethodGet {
		return s.ledger.Resolve(r.Context(), c.Value)
	}
	return ledger.Identity{}, domain.Errorf(domain.Unauthorized, "a bearer token is required")
}

// presentsCredentials reports whether the request tries to authenticate, as
// Server.caller reads it: a request that carries none is refused but is no
// guess, and does not count.
func presentsCredentials(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return true
	}
	_, err := r.Cookie(sessionCookie)
	return err == nil && r.Method == http.MethodGet
}

// bearer extracts the token of an Authorization header.
func bearer(header string) string {
	const scheme = "bearer "
	if len(header) > len(scheme) && strings.EqualFold(header[:len(scheme)], scheme) {
		return strings.TrimSpace(header[len(scheme):])
	}
	return ""
}
