package api

import (
	"net/http"

	"accord/domain"
	"accord/ledger"
)

// The routes of an alliance's life beyond one vote: its conclusion, its
// workgroups' members, progress and close, proxies, and the scorecard.

func (s *Server) concludeAlliance(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.ConcludeAlliance, nil)
}

func (s *Server) listWorkgroups(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	ids, q, err := readRoute(r, caller)
	if err != nil {
		return err
	}
	list, err := s.ledger.Workgroups(r.Context(), caller, ids[0], q)
	return answer(w, http.StatusOK, list, err)
}

func (s *Server) getWorkgroup(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	ids, q, err := readRoute(r, caller, "wid")
	if err != nil {
		return err
	}
	wg, err := s.ledger.Workgroup(r.Context(), caller, ids[0], ids[1], q)
	return answer(w, http.StatusOK, wg, err)
}

func (s *Server) changeWorkgroupMembers(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.ChangeWorkgroupMembers,
		func(c *domain.ChangeWorkgroupMembers, ids []string) { c.WorkgroupID = ids[0] }, "wid")
}

func (s *Server) reportWorkgroupProgress(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.ReportWorkgroupProgress,
		func(c *domain.ReportWorkgroupProgress, ids []string) { c.WorkgroupID = ids[0] }, "wid")
}

func (s *Server) closeWorkgroup(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.CloseWorkgroup,
		func(c *domain.CloseWorkgroup, ids []string) { c.WorkgroupID = ids[0] }, "wid")
}

func (s *Server) grantProxy(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusCreated, s.ledger.GrantProxy, nil)
}

func (s *Server) revokeProxy(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.RevokeProxy, nil)
}

func (s *Server) getScorecard(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	ids, q, err := readRoute(r, caller)
	if err != nil {
		return err
	}
	card, err := s.ledger.Scorecard(r.Context(), caller, ids[0], q)
	return answer(w, http.StatusOK, card, err)
}
