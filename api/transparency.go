package api

import (
	"net/http"
	"strconv"

	"accord/domain"
	"accord/ledger"
)

// The transparency routes: every alliance is a C2SP transparency log whose
// checkpoints, receipts and consistency proofs any reader may fetch, and
// whose members and observers register witnesses that cosign it.

// writeText answers body as text/plain with status 200.
func writeText(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// sizeQuery reads an optional positive integer query parameter: 0 when it
// is absent, an Invalid error when it is present but not an integer of at
// least 1.
func sizeQuery(r *http.Request, name string) (uint64, error) {
	v := r.URL.Query().Get(name)
	if v == "" && !r.URL.Query().Has(name) {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		return 0, domain.Errorf(domain.Invalid, "%s must be a positive integer, not %q", name, truncate(v, 40))
	}
	return n, nil
}

// getCheckpoint answers the signed checkpoint of ?size=N events (default
// all), with its stored cosignatures.
func (s *Server) getCheckpoint(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	size, err := sizeQuery(r, "size")
	if err != nil {
		return err
	}
	note, err := s.ledger.Checkpoint(caller, aid, size)
	if err != nil {
		return err
	}
	writeText(w, note)
	return nil
}

// getCosignedCheckpoint answers the checkpoint of the largest size that
// has a cosignature, with its cosignatures; 404 when none has.
func (s *Server) getCosignedCheckpoint(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	note, _, err := s.ledger.CosignedCheckpoint(caller, aid)
	if err != nil {
		return err
	}
	writeText(w, note)
	return nil
}

// cosignatureBody is the body of POST …/checkpoint/cosignatures.
type cosignatureBody struct {
	Checkpoint  string `json:"checkpoint"`
	Cosignature string `json:"cosignature"`
}

// postCosignature stores a witness's cosignature of a checkpoint and
// answers 201 with what was stored.
func (s *Server) postCosignature(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	var body cosignatureBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if body.Checkpoint == "" || body.Cosignature == "" {
		return domain.Errorf(domain.Invalid, "checkpoint and cosignature are required")
	}
	out, err := s.ledger.AddCosignature(r.Context(), caller, aid, []byte(body.Checkpoint), []byte(body.Cosignature))
	return answer(w, http.StatusCreated, out, err)
}

// getLogKey answers the alliance's verifier key for checkpoints.
func (s *Server) getLogKey(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	vkey, err := s.ledger.LogKey(caller, aid)
	if err != nil {
		return err
	}
	writeText(w, []byte(vkey+"\n"))
	return nil
}

// getInclusionProof answers the receipt of ?seq=S in the tree of ?size=N
// events (default all).
func (s *Server) getInclusionProof(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	seq, err := sizeQuery(r, "seq")
	if err == nil && seq == 0 {
		err = domain.Errorf(domain.Invalid, "seq is required: the event whose inclusion to prove")
	}
	if err != nil {
		return err
	}
	size, err := sizeQuery(r, "size")
	if err != nil {
		return err
	}
	proof, err := s.ledger.InclusionProof(caller, aid, seq, size)
	if err != nil {
		return err
	}
	writeText(w, proof)
	return nil
}

// getConsistencyProof answers {"from","to","hashes"} between the trees of
// ?from=M and ?to=N events.
func (s *Server) getConsistencyProof(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	from, err := sizeQuery(r, "from")
	if err != nil {
		return err
	}
	to, err := sizeQuery(r, "to")
	if err != nil {
		return err
	}
	if from == 0 || to == 0 {
		return domain.Errorf(domain.Invalid, "from and to are required: the sizes of the two trees")
	}
	proof, err := s.ledger.ConsistencyProof(caller, aid, from, to)
	return answer(w, http.StatusOK, proof, err)
}

// addWitness registers a witness key for the calling member or observer
// itself, and answers 201 with the witness as recorded.
func (s *Server) addWitness(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	var cmd domain.AddWitness
	if err := decodeBody(r, &cmd); err != nil {
		return err
	}
	cid, err := commandID(r)
	if err != nil {
		return err
	}
	out, err := s.ledger.AddWitness(r.Context(), caller, aid, cid, cmd)
	return answer(w, http.StatusCreated, out, err)
}
