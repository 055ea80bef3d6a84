package client

import (
	"context"
	"strings"

	"accord/domain"
)

// castSignedVote signs and casts a vote. A vote's statement names the
// version of the proposal being voted on, which the request does not carry,
// so the client reads the proposal first (votedVersion). Once voting is
// open that version is final; but when the proposal was read before voting
// opened and an amendment was accepted in between, the server refuses the
// statement (Invalid, naming its version line). The client then reads the
// proposal again and, if the version voting is on differs from the one it
// signed, signs and sends the vote once more; any other refusal is
// returned as it is.
func (c *Client) castSignedVote(ctx context.Context, aid, pid string, cmd domain.CastVote) (RecordedVote, error) {
	p, err := c.Proposal(ctx, aid, pid, AsOf{})
	if err != nil {
		return RecordedVote{}, err
	}
	signed := votedVersion(p)
	v, err := c.signVote(ctx, aid, pid, signed, cmd)
	if domain.KindOf(err) != domain.Invalid {
		return v, err
	}
	again, perr := c.Proposal(ctx, aid, pid, AsOf{})
	if perr != nil || votedVersion(again) == signed {
		return v, err
	}
	return c.signVote(ctx, aid, pid, votedVersion(again), cmd)
}

// signVote signs a vote on version of the proposal and casts it.
func (c *Client) signVote(ctx context.Context, aid, pid string, version int, cmd domain.CastVote) (RecordedVote, error) {
	ctx, sig, err := c.signAction(ctx, aid, nil, func(h domain.StatementHeader) domain.Statement {
		return domain.VoteStatement(h, strings.ToLower(pid), version, cmd.Stance, cmd.Reason, strings.ToLower(cmd.OnBehalfOf))
	})
	if err != nil {
		return RecordedVote{}, err
	}
	cmd.Signature = sig
	return c.castVote(ctx, aid, pid, cmd)
}

// votedVersion returns the version a vote on p is on: the one voting
// opened on, or, before it opens, the proposal's current version (which is
// the one voting would open on if no amendment is accepted first).
func votedVersion(p domain.Proposal) int {
	if p.Voting != nil {
		return p.Voting.Version
	}
	return p.Version
}
