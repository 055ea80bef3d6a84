package api

import (
	"net/http"

	"accord/domain"
	"accord/ledger"
)

// registerKey registers or replaces a member's signing key; only that
// member may (the domain says so, as a 403, to anyone else). It answers the
// key as recorded, with its key id and seq.
func (s *Server) registerKey(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.RegisterKey,
		func(c *domain.RegisterKey, ids []string) { c.MemberID = ids[0] }, "mid")
}

// signedRequest refuses a signed command sent without an Idempotency-Key:
// the statement names its command id, which the request must carry as its
// key, or the ledger would make up another one that the statement cannot
// match.
func signedRequest(r *http.Request, cmd any) error {
	c, ok := cmd.(domain.Command)
	if !ok || domain.SignedStatementOf(c) == nil || r.Header.Get("Idempotency-Key") != "" {
		return nil
	}
	return domain.Errorf(domain.Invalid, "a signed request must carry its statement's command id as its Idempotency-Key header")
}
