package api

import (
	"net/http"

	"accord/domain"
)

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, caller Identity) error {
	return domain.Errorf(domain.NotFound, "decision records are not served yet")
}

func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request, caller Identity) error {
	return domain.Errorf(domain.NotFound, "verification is not served yet")
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	s.notFound(w, r)
}
