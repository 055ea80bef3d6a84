package client

import (
	"context"
	"net/http"
	"strings"
	"time"

	"accord/domain"
)

// ProposedAmendment answers proposing an amendment.
type ProposedAmendment struct {
	ID         string `json:"id"`
	ProposalID string `json:"proposal_id"`
	Body       string `json:"body"`
	Rationale  string `json:"rationale"`
	AuthorID   string `json:"author_id"`
	Status     string `json:"status"`
	Seq        uint64 `json:"seq"`
}

// RecordedVote answers a vote: the stance as recorded (MemberID's; CastBy
// is the proxy who cast it, empty when the member did), with the seq and
// hash of its VoteCast event, and the signature it stores when signed.
type RecordedVote struct {
	ProposalID string            `json:"proposal_id"`
	MemberID   string            `json:"member_id"`
	Stance     string            `json:"stance"`
	Reason     string            `json:"reason"`
	CastBy     string            `json:"cast_by,omitempty"`
	Seq        uint64            `json:"seq"`
	At         time.Time         `json:"at"`
	Hash       string            `json:"hash"`
	Signature  *domain.Signature `json:"signature,omitempty"`
}

// SubmitProposal submits a proposal (a member) and returns it, at version 1
// and open. The title is sent trimmed of surrounding spaces, as the ledger
// records it; a signing client signs the proposal's authorship.
func (c *Client) SubmitProposal(ctx context.Context, aid string, cmd domain.SubmitProposal) (domain.Proposal, error) {
	cmd.Title = strings.TrimSpace(cmd.Title)
	ctx, sig, err := c.signAction(ctx, aid, cmd.Signature, func(h domain.StatementHeader) domain.Statement {
		return domain.ProposeStatement(h, cmd.Kind, cmd.Title, cmd.Body)
	})
	if err != nil {
		return domain.Proposal{}, err
	}
	cmd.Signature = sig
	return c.proposalCall(ctx, http.MethodPost, cmd, aid, "proposals")
}

// Proposals returns an alliance's proposals now, or as they were at asOf.
func (c *Client) Proposals(ctx context.Context, aid string, asOf AsOf) ([]domain.Proposal, error) {
	var ans struct {
		Proposals []domain.Proposal `json:"proposals"`
	}
	err := c.do(ctx, call{method: http.MethodGet, path: alliancePath(aid, "proposals"), query: asOf.query()}, &ans)
	return ans.Proposals, err
}

// Proposal returns one proposal now, or as it was at asOf; a NotFound
// *Error when there is none (then).
func (c *Client) Proposal(ctx context.Context, aid, pid string, asOf AsOf) (domain.Proposal, error) {
	var p domain.Proposal
	err := c.do(ctx, call{method: http.MethodGet, path: alliancePath(aid, "proposals", pid), query: asOf.query()}, &p)
	return p, err
}

// ProposeAmendment proposes new text for an open proposal (a member); a
// signing client signs its authorship.
func (c *Client) ProposeAmendment(ctx context.Context, aid, pid string, cmd domain.ProposeAmendment) (ProposedAmendment, error) {
	ctx, sig, err := c.signAction(ctx, aid, cmd.Signature, func(h domain.StatementHeader) domain.Statement {
		return domain.AmendStatement(h, strings.ToLower(pid), cmd.Body, cmd.Rationale)
	})
	if err != nil {
		return ProposedAmendment{}, err
	}
	cmd.Signature = sig
	var am ProposedAmendment
	err = c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "proposals", pid, "amendments"), body: cmd}, &am)
	return am, err
}

// AcceptAmendment accepts an amendment to the caller's proposal, which
// makes its next version, and returns the proposal; a signing client signs
// the acceptance.
func (c *Client) AcceptAmendment(ctx context.Context, aid, pid, amid string) (domain.Proposal, error) {
	return c.settleAmendment(ctx, aid, pid, amid, "accept", domain.AcceptAmendmentStatement)
}

// RejectAmendment rejects an amendment to the caller's proposal and returns
// the proposal; a signing client signs the rejection.
func (c *Client) RejectAmendment(ctx context.Context, aid, pid, amid string) (domain.Proposal, error) {
	return c.settleAmendment(ctx, aid, pid, amid, "reject", domain.RejectAmendmentStatement)
}

// settleAmendment accepts or rejects (verb) an amendment: with no body, or
// with {signature} when the client signs, the statement made by statement.
func (c *Client) settleAmendment(ctx context.Context, aid, pid, amid, verb string,
	statement func(domain.StatementHeader, string, string) domain.Statement) (domain.Proposal, error) {
	ctx, sig, err := c.signAction(ctx, aid, nil, func(h domain.StatementHeader) domain.Statement {
		return statement(h, strings.ToLower(pid), strings.ToLower(amid))
	})
	if err != nil {
		return domain.Proposal{}, err
	}
	var body any
	if sig != nil {
		body = domain.Signing{Signature: sig}
	}
	return c.proposalCall(ctx, http.MethodPost, body, aid, "proposals", pid, "amendments", amid, verb)
}

// WithdrawProposal withdraws the caller's proposal before its vote closes.
func (c *Client) WithdrawProposal(ctx context.Context, aid, pid, reason string) (domain.Proposal, error) {
	return c.proposalCall(ctx, http.MethodPost, domain.WithdrawProposal{Reason: reason}, aid, "proposals", pid, "withdraw")
}

// OpenVoting opens the vote on a proposal (a convener); with closesAt set
// the ledger closes it at that instant.
func (c *Client) OpenVoting(ctx context.Context, aid, pid string, closesAt *time.Time) (domain.Proposal, error) {
	return c.proposalCall(ctx, http.MethodPost, domain.OpenVoting{ClosesAt: closesAt}, aid, "proposals", pid, "voting")
}

// CastVote casts or changes the caller's stance: agree, disagree, abstain
// or block. The server answers Invalid for another stance. A signing
// client signs the vote (see signVote for the version it names).
func (c *Client) CastVote(ctx context.Context, aid, pid string, cmd domain.CastVote) (RecordedVote, error) {
	if c.signing != nil && cmd.Signature == nil {
		return c.castSignedVote(ctx, aid, pid, cmd)
	}
	return c.castVote(ctx, aid, pid, cmd)
}

// castVote sends a vote as it is.
func (c *Client) castVote(ctx context.Context, aid, pid string, cmd domain.CastVote) (RecordedVote, error) {
	var v RecordedVote
	err := c.do(ctx, call{method: http.MethodPut, path: alliancePath(aid, "proposals", pid, "vote"), body: cmd}, &v)
	return v, err
}

// CloseVoting closes the vote (a convener) and returns the outcome: the
// VotingClosed data with its explanation.
func (c *Client) CloseVoting(ctx context.Context, aid, pid string) (domain.VotingClosed, error) {
	var out domain.VotingClosed
	err := c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "proposals", pid, "close")}, &out)
	return out, err
}

// proposalCall sends body to the alliance's path parts and decodes the
// proposal it answers.
func (c *Client) proposalCall(ctx context.Context, method string, body any, aid string, parts ...string) (domain.Proposal, error) {
	var p domain.Proposal
	err := c.do(ctx, call{method: method, path: alliancePath(aid, parts...), body: body}, &p)
	return p, err
}
