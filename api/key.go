package api

import (
	"net/http"

	"accord/domain"
	"accord/eventstore"
)

// registerKey registers or replaces a member's signing key; only that
// member may (the domain says so, as a 403, to anyone else). It answers the
// key as recorded, with its key id and seq.
func (s *Server) registerKey(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.RegisterKey
	ids, err := writeRoute(r, caller, &cmd, "mid")
	if err != nil {
		return err
	}
	cmd.MemberID = ids[1]
	data, res, err := runFor[domain.MemberKeyRegistered](s, r, caller, ids[0], cmd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"member_id": data.MemberID, "key_id": data.KeyID, "public_key": data.PublicKey, "seq": res.Records[0].Event.Seq,
	})
	return nil
}

// signedRequest refuses a signed command sent without an Idempotency-Key:
// the statement names its command id, which the request must carry as its
// key, or the ledger would make up another one that the statement cannot
// match.
func signedRequest(r *http.Request, cmd domain.Command) error {
	st := domain.SignedStatementOf(cmd)
	if st == nil || r.Header.Get("Idempotency-Key") != "" {
		return nil
	}
	return domain.Errorf(domain.Invalid, "a signed request must carry its statement's command id as its Idempotency-Key header")
}

// preverify verifies a signed command's signature with the signer's key in
// force as the read models know it, on the request's own goroutine, so that
// the alliance's writer, which decides its commands one at a time, need not
// (domain.PreverifySignature); the writer verifies again only if the key
// changed in between.
func (s *Server) preverify(aid, memberID string, cmd domain.Command) {
	if domain.SignedStatementOf(cmd) == nil {
		return
	}
	var key *domain.MemberKey
	_ = s.proj.Read(aid, func(st domain.Alliance, _ eventstore.Position) {
		if m, ok := st.Member(memberID); ok {
			key = m.Key // never modified: a new registration replaces it
		}
	})
	domain.PreverifySignature(cmd, key)
}
