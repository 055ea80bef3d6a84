package api

import (
	"net/http"

	"accord/domain"
	"accord/ledger"
)

// sessionCookie is the name of the browser session cookie. It holds the
// caller's token, HttpOnly and SameSite=Strict, and authenticates GET
// requests only (see Server.caller), so it cannot be used for a cross-site
// write even by a browser that ignored SameSite.
const sessionCookie = "accord_session"

// session is who a session cookie speaks for.
type session struct {
	ID         string      `json:"id"`
	Role       domain.Role `json:"role"`
	AllianceID string      `json:"alliance_id,omitempty"`
	Name       string      `json:"name,omitempty"`
}

// createSession sets the session cookie for the bearer token of the request
// and answers whose it is. A token that a cookie cannot carry as is (the
// admin may choose any token) is refused as Invalid rather than mangled.
func (s *Server) createSession(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	token := bearer(r.Header.Get("Authorization"))
	if !cookieSafe(token) {
		return domain.Errorf(domain.Invalid, "this token has characters a cookie cannot hold; use the Authorization header")
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, session{ID: caller.ID, Role: caller.Role, AllianceID: caller.AllianceID, Name: caller.Name})
	return nil
}

// deleteSession clears the session cookie. It needs no credentials: ending a
// session is harmless, and a browser whose token was revoked must still be
// able to sign out.
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// cookieSafe reports whether token can be a cookie value verbatim (RFC 6265
// cookie-octets).
func cookieSafe(token string) bool {
	if token == "" {
		return false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\' {
			return false
		}
	}
	return true
}
