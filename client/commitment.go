package client

import (
	"context"
	"net/http"

	"accord/domain"
)

// MakeCommitment commits the caller (a member) to a measurable target on an
// adopted proposal, and returns the commitment.
func (c *Client) MakeCommitment(ctx context.Context, aid string, cmd domain.MakeCommitment) (domain.Commitment, error) {
	return c.commitmentCall(ctx, aid, "", "", cmd)
}

// ReportProgress reports progress on the caller's commitment.
func (c *Client) ReportProgress(ctx context.Context, aid, cid string, cmd domain.ReportProgress) (domain.Commitment, error) {
	return c.commitmentCall(ctx, aid, cid, "progress", cmd)
}

// FulfilCommitment marks the caller's commitment fulfilled.
func (c *Client) FulfilCommitment(ctx context.Context, aid, cid string, cmd domain.FulfilCommitment) (domain.Commitment, error) {
	return c.commitmentCall(ctx, aid, cid, "fulfil", cmd)
}

// WithdrawCommitment withdraws the caller's commitment.
func (c *Client) WithdrawCommitment(ctx context.Context, aid, cid string, cmd domain.WithdrawCommitment) (domain.Commitment, error) {
	return c.commitmentCall(ctx, aid, cid, "withdraw", cmd)
}

// commitmentCall posts body to …/commitments (cid "") or
// …/commitments/{cid}/{verb}, and decodes the commitment it answers.
func (c *Client) commitmentCall(ctx context.Context, aid, cid, verb string, body any) (domain.Commitment, error) {
	path := alliancePath(aid, "commitments")
	if cid != "" {
		path = alliancePath(aid, "commitments", cid, verb)
	}
	var cm domain.Commitment
	err := c.do(ctx, call{method: http.MethodPost, path: path, body: body}, &cm)
	return cm, err
}
