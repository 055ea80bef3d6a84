package ledger

import (
	"context"
	"time"

	"accord/domain"
)

// SubmitProposal submits a proposal with the id derived from the command id
// and answers it as it stands after the command (a retry of a command
// recorded before ids were derived answers the proposal that command
// created). It returns a Forbidden error for a caller who may not write to
// the alliance, and the domain's or the log's error.
func (l *Ledger) SubmitProposal(ctx context.Context, caller Identity, aid, commandID string, cmd domain.SubmitProposal) (domain.Proposal, error) {
	commandID = newCommandID(commandID)
	cmd.ProposalID = domain.CreatedID(aid, commandID, domain.CreatesProposal)
	return answerCreated[domain.Proposal](ctx, l, caller, aid, commandID, cmd, cmd.ProposalID, proposalView,
		func(d domain.ProposalSubmitted) string { return d.ProposalID })
}

// proposalView answers a proposal from the state after a command.
func proposalView(pid string) View {
	return func(st domain.Alliance) any {
		p, _ := st.Proposal(pid)
		return p.Clone()
	}
}

// proposalCommand runs a command on proposal pid and answers the proposal
// as it stands after it. It returns a Forbidden error for a caller who may
// not write to the alliance, and the domain's or the log's error.
func (l *Ledger) proposalCommand(ctx context.Context, caller Identity, aid, commandID, pid string, cmd domain.Command) (domain.Proposal, error) {
	p, _, err := answered[domain.Proposal](ctx, l, caller, aid, newCommandID(commandID), cmd, proposalView(pid))
	return p, err
}

// AcceptAmendment accepts an amendment and answers the proposal as it then
// stands; it fails as every proposal command does (see proposalCommand).
func (l *Ledger) AcceptAmendment(ctx context.Context, caller Identity, aid, commandID string, cmd domain.AcceptAmendment) (domain.Proposal, error) {
	return l.proposalCommand(ctx, caller, aid, commandID, cmd.ProposalID, cmd)
}

// RejectAmendment rejects an amendment and answers the proposal as it then
// stands; it fails as every proposal command does.
func (l *Ledger) RejectAmendment(ctx context.Context, caller Identity, aid, commandID string, cmd domain.RejectAmendment) (domain.Proposal, error) {
	return l.proposalCommand(ctx, caller, aid, commandID, cmd.ProposalID, cmd)
}

// WithdrawProposal withdraws a proposal and answers it as it then stands;
// it fails as every proposal command does.
func (l *Ledger) WithdrawProposal(ctx context.Context, caller Identity, aid, commandID string, cmd domain.WithdrawProposal) (domain.Proposal, error) {
	return l.proposalCommand(ctx, caller, aid, commandID, cmd.ProposalID, cmd)
}

// OpenVoting opens the vote on a proposal and answers it as it then
// stands; it fails as every proposal command does.
func (l *Ledger) OpenVoting(ctx context.Context, caller Identity, aid, commandID string, cmd domain.OpenVoting) (domain.Proposal, error) {
	return l.proposalCommand(ctx, caller, aid, commandID, cmd.ProposalID, cmd)
}

// ProposedAmendment is the answer to proposing an amendment: its id, which
// the proposal's author needs to accept or reject it.
type ProposedAmendment struct {
	ID         string        `json:"id"`
	ProposalID string        `json:"proposal_id"`
	Body       string        `json:"body"`
	Rationale  string        `json:"rationale"`
	AuthorID   string        `json:"author_id"`
	Status     domain.Status `json:"status"`
	Seq        uint64        `json:"seq"`
}

// ProposeAmendment proposes an amendment with the id derived from the
// command id. It returns a Forbidden error for a caller who may not write
// to the alliance, and the domain's or the log's error.
func (l *Ledger) ProposeAmendment(ctx context.Context, caller Identity, aid, commandID string, cmd domain.ProposeAmendment) (ProposedAmendment, error) {
	commandID = newCommandID(commandID)
	cmd.AmendmentID = domain.CreatedID(aid, commandID, domain.CreatesAmendment)
	data, res, err := executeFor[domain.AmendmentProposed](ctx, l, caller, aid, commandID, cmd)
	if err != nil {
		return ProposedAmendment{}, err
	}
	return ProposedAmendment{
		ID: data.AmendmentID, ProposalID: data.ProposalID, Body: data.Body, Rationale: data.Rationale,
		AuthorID: data.AuthorID, Status: domain.StatusProposed, Seq: res.Records[0].Event.Seq,
	}, nil
}

// Vote is the answer to a vote: the stance as recorded, with the seq, time
// and hash of its event, and its signature if it is signed.
type Vote struct {
	ProposalID string        `json:"proposal_id"`
	MemberID   string        `json:"member_id"`
	Stance     domain.Stance `json:"stance"`
	Reason     string        `json:"reason"`
	// CastBy is the proxy who cast the stance for MemberID, absent when
	// the member cast its own.
	CastBy string    `json:"cast_by,omitempty"`
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
	Hash   string    `json:"hash"`
	// Signature is the member's own signature of the vote, when it sent one.
	Signature *domain.Signature `json:"signature,omitempty"`
}

// CastVote records the caller's stance. It returns a Forbidden error for a
// caller who may not write to the alliance, and the domain's or the log's
// error.
func (l *Ledger) CastVote(ctx context.Context, caller Identity, aid, commandID string, cmd domain.CastVote) (Vote, error) {
	data, res, err := executeFor[domain.VoteCast](ctx, l, caller, aid, newCommandID(commandID), cmd)
	if err != nil {
		return Vote{}, err
	}
	rec := res.Records[0]
	return Vote{
		ProposalID: data.ProposalID, MemberID: data.MemberID, Stance: data.Stance, Reason: data.Reason, CastBy: data.CastBy,
		Seq: rec.Event.Seq, At: rec.Event.At, Hash: rec.Hash, Signature: data.Signature,
	}, nil
}

// CloseVoting closes the vote on a proposal and answers the outcome
// recorded. It returns a Forbidden error for a caller who may not write to
// the alliance, and the domain's or the log's error.
func (l *Ledger) CloseVoting(ctx context.Context, caller Identity, aid, commandID string, cmd domain.CloseVoting) (domain.VotingClosed, error) {
	data, _, err := executeFor[domain.VotingClosed](ctx, l, caller, aid, newCommandID(commandID), cmd)
	return data, err
}
