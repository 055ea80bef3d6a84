package api

import (
	"net/http"

	"accord/domain"
	"accord/eventstore"
)

// proposalCommand decodes and runs a command on proposal {pid} (and the
// other named path ids): build makes the command from the path ids once the
// body was decoded. It answers the proposal as it stands after the command.
func (s *Server) proposalCommand(w http.ResponseWriter, r *http.Request, caller Identity, status int, body any, build func(ids []string) domain.Command, names ...string) error {
	ids, err := writeRoute(r, caller, body, append([]string{"pid"}, names...)...)
	if err != nil {
		return err
	}
	_, out, err := s.run(r, caller, ids[0], build(ids[1:]), proposalView(ids[1]))
	if err != nil {
		return err
	}
	writeJSON(w, status, out)
	return nil
}

// proposalView answers a proposal from the state after a command.
func proposalView(pid string) eventstore.View {
	return jsonView(func(st domain.Alliance) any {
		p, _ := st.Proposal(pid)
		return p
	})
}

func (s *Server) submitProposal(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.SubmitProposal
	ids, err := writeRoute(r, caller, &cmd)
	if err != nil {
		return err
	}
	if r, cmd.ProposalID, err = created(r, ids[0], domain.CreatesProposal); err != nil {
		return err
	}
	res, out, err := s.run(r, caller, ids[0], cmd, proposalView(cmd.ProposalID))
	if err != nil {
		return err
	}
	data, err := dataOf[domain.ProposalSubmitted](res)
	if err != nil {
		return err
	}
	if data.ProposalID != cmd.ProposalID { // a retry of a command recorded before ids were derived
		out = proposalView(data.ProposalID)(currentState(s, ids[0]))
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) listProposals(w http.ResponseWriter, r *http.Request, caller Identity) error {
	ids, q, err := readRoute(r, caller)
	if err != nil {
		return err
	}
	out, err := s.readState(r, ids[0], q, func(st domain.Alliance) any {
		return map[string]any{"proposals": st.Proposals, "seq": st.Seq}
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getProposal(w http.ResponseWriter, r *http.Request, caller Identity) error {
	ids, q, err := readRoute(r, caller, "pid")
	if err != nil {
		return err
	}
	aid, pid := ids[0], ids[1]
	found := false
	out, err := s.readState(r, aid, q, func(st domain.Alliance) any {
		p, ok := st.Proposal(pid)
		found = ok
		return p
	})
	if err != nil {
		return err
	}
	if !found {
		return domain.Errorf(domain.NotFound, "no proposal %s in alliance %s", pid, aid)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// proposeAmendment answers the new amendment with its id, which the author
// of the proposal needs to accept or reject it.
func (s *Server) proposeAmendment(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.ProposeAmendment
	ids, err := writeRoute(r, caller, &cmd, "pid")
	if err != nil {
		return err
	}
	if r, cmd.AmendmentID, err = created(r, ids[0], domain.CreatesAmendment); err != nil {
		return err
	}
	cmd.ProposalID = ids[1]
	data, res, err := runFor[domain.AmendmentProposed](s, r, caller, ids[0], cmd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": data.AmendmentID, "proposal_id": data.ProposalID, "body": data.Body,
		"rationale": data.Rationale, "author_id": data.AuthorID, "status": "proposed",
		"seq": res.Records[0].Event.Seq,
	})
	return nil
}

// acceptAmendment takes no field but an optional signature.
func (s *Server) acceptAmendment(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.AcceptAmendment
	return s.proposalCommand(w, r, caller, http.StatusOK, &cmd, func(ids []string) domain.Command {
		cmd.ProposalID, cmd.AmendmentID = ids[0], ids[1]
		return cmd
	}, "amid")
}

// rejectAmendment takes no field but an optional signature.
func (s *Server) rejectAmendment(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.RejectAmendment
	return s.proposalCommand(w, r, caller, http.StatusOK, &cmd, func(ids []string) domain.Command {
		cmd.ProposalID, cmd.AmendmentID = ids[0], ids[1]
		return cmd
	}, "amid")
}

func (s *Server) withdrawProposal(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.WithdrawProposal
	return s.proposalCommand(w, r, caller, http.StatusOK, &cmd, func(ids []string) domain.Command {
		cmd.ProposalID = ids[0]
		return cmd
	})
}

func (s *Server) openVoting(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.OpenVoting
	return s.proposalCommand(w, r, caller, http.StatusOK, &cmd, func(ids []string) domain.Command {
		cmd.ProposalID = ids[0]
		return cmd
	})
}

// castVote answers the recorded stance rather than the whole proposal: a
// vote is the hot path and its caller wants to see what was recorded.
func (s *Server) castVote(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.CastVote
	ids, err := writeRoute(r, caller, &cmd, "pid")
	if err != nil {
		return err
	}
	cmd.ProposalID = ids[1]
	data, res, err := runFor[domain.VoteCast](s, r, caller, ids[0], cmd)
	if err != nil {
		return err
	}
	ev := res.Records[0].Event
	out := map[string]any{
		"proposal_id": data.ProposalID, "member_id": data.MemberID, "stance": data.Stance,
		"reason": data.Reason, "seq": ev.Seq, "at": ev.At, "hash": res.Records[0].Hash,
	}
	if data.Signature != nil {
		out["signature"] = data.Signature
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// closeVoting answers the VotingClosed data, as DESIGN.md says.
func (s *Server) closeVoting(w http.ResponseWriter, r *http.Request, caller Identity) error {
	ids, err := writeRoute(r, caller, &noBody{}, "pid")
	if err != nil {
		return err
	}
	data, _, err := runFor[domain.VotingClosed](s, r, caller, ids[0], domain.CloseVoting{ProposalID: ids[1]})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, data)
	return nil
}
