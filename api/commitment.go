package api

import (
	"net/http"

	"accord/domain"
)

func (s *Server) makeCommitment(w http.ResponseWriter, r *http.Request, caller Identity) error {
	cmd := domain.MakeCommitment{CommitmentID: newID()}
	ids, err := writeRoute(r, caller, &cmd)
	if err != nil {
		return err
	}
	data, _, err := runFor[domain.CommitmentMade](s, r, caller, ids[0], cmd)
	if err != nil {
		return err
	}
	return s.answerCommitment(w, r, ids[0], data.CommitmentID, http.StatusCreated)
}

// commitmentCommand decodes and runs a command on commitment {cid} and
// answers the commitment as it stands after it.
func (s *Server) commitmentCommand(w http.ResponseWriter, r *http.Request, caller Identity, body any, build func(cid string) domain.Command) error {
	ids, err := writeRoute(r, caller, body, "cid")
	if err != nil {
		return err
	}
	if _, _, err := s.run(r, caller, ids[0], build(ids[1]), nil); err != nil {
		return err
	}
	return s.answerCommitment(w, r, ids[0], ids[1], http.StatusOK)
}

func (s *Server) answerCommitment(w http.ResponseWriter, r *http.Request, aid, cid string, status int) error {
	out, err := s.readState(r, aid, asOf{}, func(st domain.Alliance) any {
		c, _ := st.Commitment(cid)
		return c
	})
	if err != nil {
		return err
	}
	writeJSON(w, status, out)
	return nil
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
