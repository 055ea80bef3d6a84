package api

import (
	"net/http"

	"accord/domain"
	"accord/ledger"
)

// allianceForm is the body of POST /v1/alliances: domain.FormAlliance's
// fields (not embedded, so that errors name fields as the body does), and
// the id of the alliance it succeeds, if any, whose head the ledger reads.
type allianceForm struct {
	Name        string         `json:"name"`
	Purpose     string         `json:"purpose"`
	Charter     domain.Charter `json:"charter"`
	Predecessor string         `json:"predecessor,omitempty"`
}

func (s *Server) formAlliance(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	var body allianceForm
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if err := ledger.MayFormAlliances(caller); err != nil {
		return err
	}
	cid, err := commandID(r)
	if err != nil {
		return err
	}
	cmd := domain.FormAlliance{Name: body.Name, Purpose: body.Purpose, Charter: body.Charter}
	if body.Predecessor != "" {
		formed, err := s.ledger.FormSuccessor(r.Context(), caller, cid, body.Predecessor, cmd)
		return answer(w, http.StatusCreated, formed, err)
	}
	formed, err := s.ledger.FormAlliance(r.Context(), caller, cid, cmd)
	return answer(w, http.StatusCreated, formed, err)
}

func (s *Server) listAlliances(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	list, err := s.ledger.Alliances(r.Context(), caller)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"alliances": list})
	return nil
}

func (s *Server) getAlliance(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	ids, q, err := readRoute(r, caller)
	if err != nil {
		return err
	}
	st, err := s.ledger.Alliance(r.Context(), caller, ids[0], q)
	return answer(w, http.StatusOK, st, err)
}

func (s *Server) admitMember(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusCreated, s.ledger.AdmitMember, nil)
}

func (s *Server) addObserver(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusCreated, s.ledger.AddObserver, nil)
}

func (s *Server) withdrawMember(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.WithdrawMember,
		func(c *domain.WithdrawMember, ids []string) { c.MemberID = ids[0] }, "mid")
}

func (s *Server) formWorkgroup(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusCreated, s.ledger.FormWorkgroup, nil)
}
