package api

import (
	"net/http"

	"accord/domain"
	"accord/ledger"
)

func (s *Server) submitProposal(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(s, w, r, caller, http.StatusCreated, s.ledger.SubmitProposal, nil)
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
	return command(s, w, r, caller, http.StatusCreated, s.ledger.ProposeAmendment,
		func(c *domain.ProposeAmendment, ids []string) { c.ProposalID = ids[0] }, "pid")
}

// settleAmendment runs a command on amendment {amid} of proposal {pid},
// which takes no body, and answers the proposal as it then stands.
func settleAmendment[C any](s *Server, w http.ResponseWriter, r *http.Request, caller ledger.Identity, call ledgerCommand[C, domain.Proposal], build func(pid, amid string) C) error {
	ids, cid, err := writeCommand(r, caller, &noBody{}, "pid", "amid")
	if err != nil {
		return err
	}
	p, err := call(r.Context(), caller, ids[0], cid, build(ids[1], ids[2]))
	return answer(w, http.StatusOK, p, err)
}

func (s *Server) acceptAmendment(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return settleAmendment(s, w, r, caller, s.ledger.AcceptAmendment, func(pid, amid string) domain.AcceptAmendment {
		return domain.AcceptAmendment{ProposalID: pid, AmendmentID: amid}
	})
}

func (s *Server) rejectAmendment(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return settleAmendment(s, w, r, caller, s.ledger.RejectAmendment, func(pid, amid string) domain.RejectAmendment {
		return domain.RejectAmendment{ProposalID: pid, AmendmentID: amid}
	})
}

func (s *Server) withdrawProposal(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(s, w, r, caller, http.StatusOK, s.ledger.WithdrawProposal,
		func(c *domain.WithdrawProposal, ids []string) { c.ProposalID = ids[0] }, "pid")
}

func (s *Server) openVoting(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(s, w, r, caller, http.StatusOK, s.ledger.OpenVoting,
		func(c *domain.OpenVoting, ids []string) { c.ProposalID = ids[0] }, "pid")
}

// castVote answers the recorded stance rather than the whole proposal: a
// vote is the hot path and its caller wants to see what was recorded.
func (s *Server) castVote(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(s, w, r, caller, http.StatusOK, s.ledger.CastVote,
		func(c *domain.CastVote, ids []string) { c.ProposalID = ids[0] }, "pid")
}

// closeVoting answers the VotingClosed data, as DESIGN.md says.
func (s *Server) closeVoting(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	ids, cid, err := writeCommand(r, caller, &noBody{}, "pid")
	if err != nil {
		return err
	}
	closed, err := s.ledger.CloseVoting(r.Context(), caller, ids[0], cid, domain.CloseVoting{ProposalID: ids[1]})
	return answer(w, http.StatusOK, closed, err)
}
