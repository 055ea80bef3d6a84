package api

import (
	"net/http"

	"accord/domain"
	"accord/ledger"
)

func (s *Server) makeCommitment(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusCreated, s.ledger.MakeCommitment, nil)
}

func (s *Server) reportProgress(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.ReportProgress,
		func(c *domain.ReportProgress, ids []string) { c.CommitmentID = ids[0] }, "cid")
}

func (s *Server) fulfilCommitment(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.FulfilCommitment,
		func(c *domain.FulfilCommitment, ids []string) { c.CommitmentID = ids[0] }, "cid")
}

func (s *Server) withdrawCommitment(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	return command(w, r, caller, http.StatusOK, s.ledger.WithdrawCommitment,
		func(c *domain.WithdrawCommitment, ids []string) { c.CommitmentID = ids[0] }, "cid")
}
