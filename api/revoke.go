package api

import (
	"net/http"

	"accord/ledger"
)

// revokeToken revokes the current token of member or observer {party_id}:
// DELETE /v1/alliances/{aid}/tokens/{party_id}. Revoking it again answers
// the same.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, pid, err := tokenRoute(r, caller)
	if err != nil {
		return err
	}
	state, err := s.ledger.RevokeToken(r.Context(), caller, aid, pid)
	return answer(w, http.StatusOK, state, err)
}

// reissueToken gives member or observer {party_id} a new token and revokes
// the one it had: POST /v1/alliances/{aid}/tokens/{party_id}.
func (s *Server) reissueToken(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, pid, err := tokenRoute(r, caller)
	if err != nil {
		return err
	}
	issued, err := s.ledger.ReissueToken(r.Context(), caller, aid, pid)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, issued)
	return nil
}

// tokenRoute returns the route's alliance and party: 403 for a caller who
// cannot read the alliance, 400 for ids that are not uuids or a body that
// is not empty (or {}). The ledger then says whether the caller may manage
// the party's token.
func tokenRoute(r *http.Request, caller ledger.Identity) (string, string, error) {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return "", "", err
	}
	pid, err := pathID(r, "party_id")
	if err != nil {
		return "", "", err
	}
	return aid, pid, decodeBody(r, &struct{}{})
}
