package client

import (
	"context"
	"net/http"
	"strings"

	"accord/domain"
)

// MakeCommitment commits the caller (a member) to a measurable target on an
// adopted proposal, or toward a workgroup's aim, and returns the
// commitment. The metric is sent trimmed of surrounding spaces, as the
// ledger records it; a signing client signs the commitment.
func (c *Client) MakeCommitment(ctx context.Context, aid string, cmd domain.MakeCommitment) (domain.Commitment, error) {
	cmd.Metric = strings.TrimSpace(cmd.Metric)
	ctx, sig, err := c.signAction(ctx, aid, cmd.Signature, func(h domain.StatementHeader) domain.Statement {
		return domain.CommitStatement(h, cmd.ProposalID, cmd.WorkgroupID, cmd.Description, cmd.Metric, cmd.Target, cmd.Due)
	})
	if err != nil {
		return domain.Commitment{}, err
	}
	cmd.Signature = sig
	return c.commitmentCall(ctx, aid, "", "", cmd)
}

// ReportProgress reports progress on the caller's commitment; a signing
// client signs the report.
func (c *Client) ReportProgress(ctx context.Context, aid, cid string, cmd domain.ReportProgress) (domain.Commitment, error) {
	ctx, sig, err := c.signAction(ctx, aid, cmd.Signature, func(h domain.StatementHeader) domain.Statement {
		return domain.ReportProgressStatement(h, strings.ToLower(cid), cmd.Value, cmd.Note)
	})
	if err != nil {
		return domain.Commitment{}, err
	}
	cmd.Signature = sig
	return c.commitmentCall(ctx, aid, cid, "progress", cmd)
}

// FulfilCommitment marks the caller's commitment fulfilled. A signing
// client signs the attestation, whose statement names the final value: so
// when cmd has no Value it reads the commitment first and sends its last
// reported value (0 when none was) as the value, which is what the ledger
// would record without one. It returns the error of that read (NotFound
// for an unknown commitment) as it is.
func (c *Client) FulfilCommitment(ctx context.Context, aid, cid string, cmd domain.FulfilCommitment) (domain.Commitment, error) {
	if c.signing != nil && cmd.Signature == nil && cmd.Value == nil {
		value, err := c.latestValue(ctx, aid, cid)
		if err != nil {
			return domain.Commitment{}, err
		}
		cmd.Value = &value
	}
	ctx, sig, err := c.signAction(ctx, aid, cmd.Signature, func(h domain.StatementHeader) domain.Statement {
		return domain.FulfilStatement(h, strings.ToLower(cid), *cmd.Value, cmd.Note)
	})
	if err != nil {
		return domain.Commitment{}, err
	}
	cmd.Signature = sig
	return c.commitmentCall(ctx, aid, cid, "fulfil", cmd)
}

// latestValue returns the last value reported on commitment cid (0 when
// none was), read from the alliance's state; a NotFound *domain.Error when
// the alliance has no such commitment.
func (c *Client) latestValue(ctx context.Context, aid, cid string) (float64, error) {
	a, err := c.Alliance(ctx, aid, AsOf{})
	if err != nil {
		return 0, err
	}
	cm, ok := a.Commitment(strings.ToLower(cid))
	if !ok {
		return 0, domain.Errorf(domain.NotFound, "no commitment %s in alliance %s", cid, aid)
	}
	return cm.LatestValue(), nil
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
