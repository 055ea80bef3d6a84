package api

import (
	"net/http"

	"accord/domain"
)

// sessionCookie is the name of the browser session cookie.
const sessionCookie = "accord_session"

func (s *Server) allianceEvents(w http.ResponseWriter, r *http.Request, caller Identity) error {
	return domain.Errorf(domain.NotFound, "live events are not served yet")
}

func (s *Server) allEvents(w http.ResponseWriter, r *http.Request, caller Identity) error {
	return domain.Errorf(domain.NotFound, "live events are not served yet")
}

func (s *Server) createSession(w http.ResponseWriter, r *http.Request, caller Identity) error {
	return domain.Errorf(domain.NotFound, "sessions are not served yet")
}

func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) {
	s.notFound(w, r)
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	s.notFound(w, r)
}

func (s *Server) dashboardAssets(w http.ResponseWriter, r *http.Request) {
	s.notFound(w, r)
}
