package api

import (
	"net/http"

	"accord/domain"
	"accord/ledger"
)

func (s *Server) submitProposal(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusCreated, s.ledger.SubmitProposal, nil)
}

func (s *Server) listProposals(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	ids, q, err := readRoute(r, caller)
	if err != nil {
		return err
	}
	list, err := s.ledger.Proposals(r.Context(), caller, ids[0], q)
	return answer(w, http.StatusOK, list, err)
}

func (s *Server) getProposal(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	ids, q, err := readRoute(r, caller, "pid")
	if err != nil {
		return err
	}
	p, err := s.ledger.Proposal(r.Context(), caller, ids[0], ids[1], q)
	return answer(w, http.StatusOK, p, err)
}

// proposeAmendment answers the new amendment with its id, which the author
// of the proposal needs to accept or reject it.
func (s *Server) proposeAmendment(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusCreated, s.ledger.ProposeAmendment,
		func(c *domain.ProposeAmendment, ids []string) { c.ProposalID = ids[0] }, "pid")
}

// acceptAmendment takes no field but an optional signature.
func (s *Server) acceptAmendment(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.AcceptAmendment,
		func(c *domain.AcceptAmendment, ids []string) { c.ProposalID, c.AmendmentID = ids[0], ids[1] }, "pid", "amid")
}

// rejectAmendment takes no field but an optional signature.
func (s *Server) rejectAmendment(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.RejectAmendment,
		func(c *domain.RejectAmendment, ids []string) { c.ProposalID, c.AmendmentID = ids[0], ids[1] }, "pid", "amid")
}

func (s *Server) withdrawProposal(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.WithdrawProposal,
		func(c *domain.WithdrawProposal, ids []string) { c.ProposalID = ids[0] }, "pid")
}

func (s *Server) openVoting(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.OpenVoting,
		func(c *domain.OpenVoting, ids []string) { c.ProposalID = ids[0] }, "pid")
}

// castVote answers the recorded stance rather than the whole proposal: a
// vote is the hot path and its caller wants to see what was recorded.
func (s *Server) castVote(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.CastVote,
		func(c *domain.CastVote, ids []string) { c.ProposalID = ids[0] }, "pid")
}

// closeVoting answers the VotingClosed data, as docs/API.md says.
func (s *Server) closeVoting(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	ids, cid, err := writeCommand(r, caller, &noBody{}, "pid")
	if err != nil {
		return err
	}
	closed, err := s.ledger.CloseVoting(r.Context(), caller, ids[0], cid, domain.CloseVoting{ProposalID: ids[1]})
	return answer(w, http.StatusOK, closed, err)
}
