package api

import (
	"net/http"

	"accord/domain"
	"accord/ledger"
)

func (s *Server) makeCommitment(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.MakeCommitment
	ids, err := writeRoute(r, caller, &cmd)
	if err != nil {
		return err
	}
	if r, cmd.CommitmentID, err = created(r, ids[0], domain.CreatesCommitment); err != nil {
		return err
	}
	res, out, err := s.run(r, caller, ids[0], cmd, commitmentView(cmd.CommitmentID))
	if err != nil {
		return err
	}
	data, err := dataOf[domain.CommitmentMade](res)
	if err != nil {
		return err
	}
	if data.CommitmentID != cmd.CommitmentID { // a retry of a command recorded before ids were derived
		out = commitmentView(data.CommitmentID)(currentState(s, ids[0]))
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// commitmentCommand decodes and runs a command on commitment {cid} and
// answers the commitment as it stands after it.
func (s *Server) commitmentCommand(w http.ResponseWriter, r *http.Request, caller Identity, body any, build func(cid string) domain.Command) error {
	ids, err := writeRoute(r, caller, body, "cid")
	if err != nil {
		return err
	}
	_, out, err := s.run(r, caller, ids[0], build(ids[1]), commitmentView(ids[1]))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// commitmentView answers a commitment from the state after a command.
func commitmentView(cid string) ledger.View {
	return jsonView(func(st domain.Alliance) any {
		c, _ := st.Commitment(cid)
		return c
	})
}

func (s *Server) reportProgress(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.ReportProgress
	return s.commitmentCommand(w, r, caller, &cmd, func(cid string) domain.Command {
		cmd.CommitmentID = cid
		return cmd
	})
}

func (s *Server) fulfilCommitment(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.FulfilCommitment
	return s.commitmentCommand(w, r, caller, &cmd, func(cid string) domain.Command {
		cmd.CommitmentID = cid
		return cmd
	})
}

func (s *Server) withdrawCommitment(w http.ResponseWriter, r *http.Request, caller Identity) error {
	var cmd domain.WithdrawCommitment
	return s.commitmentCommand(w, r, caller, &cmd, func(cid string) domain.Command {
		cmd.CommitmentID = cid
		return cmd
	})
}
