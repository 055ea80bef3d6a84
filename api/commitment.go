package api

import (
	"net/http"

	"accord/domain"
)

func (s *Server) makeCommitment(w http.ResponseWriter, r *http.Request, caller Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	cmd := domain.MakeCommitment{CommitmentID: newID()}
	if err := decodeBody(r, &cmd); err != nil {
		return err
	}
	if err := writable(caller, aid); err != nil {
		return err
	}
	res, _, err := s.run(r, caller, aid, cmd, nil)
	if err != nil {
		return err
	}
	data, err := dataOf[domain.CommitmentMade](res)
	if err != nil {
		return err
	}
	return s.answerCommitment(w, r, aid, data.CommitmentID, http.StatusCreated)
}

// commitmentCommand decodes and runs a command on commitment {cid} and
// answers the commitment as it stands after it.
func (s *Server) commitmentCommand(w http.ResponseWriter, r *http.Request, caller Identity, body any, build func(cid string) domain.Command) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	if err := decodeBody(r, body); err != nil {
		return err
	}
	if err := writable(caller, aid); err != nil {
		return err
	}
	if _, _, err := s.run(r, caller, aid, build(cid), nil); err != nil {
		return err
	}
	return s.answerCommitment(w, r, aid, cid, http.StatusOK)
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
