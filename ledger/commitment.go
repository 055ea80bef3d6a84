package ledger

import (
	"context"

	"accord/domain"
)

// MakeCommitment makes a commitment with the id derived from the command id
// and answers it as it stands after the command (a retry of a command
// recorded before ids were derived answers the commitment that command
// made). It returns a Forbidden error for a caller who may not write to the
// alliance, and the domain's or the log's error.
func (l *Ledger) MakeCommitment(ctx context.Context, caller Identity, aid, commandID string, cmd domain.MakeCommitment) (domain.Commitment, error) {
	commandID = newCommandID(commandID)
	cmd.CommitmentID = domain.CreatedID(aid, commandID, domain.CreatesCommitment)
	return answerCreated[domain.Commitment](ctx, l, caller, aid, commandID, cmd, cmd.CommitmentID, commitmentView,
		func(d domain.CommitmentMade) string { return d.CommitmentID })
}

// commitmentView answers a commitment from the state after a command.
func commitmentView(cid string) View {
	return func(st domain.Alliance) any {
		c, _ := st.Commitment(cid)
		return c.Clone()
	}
}

// commitmentCommand runs a command on commitment cid and answers the
// commitment as it stands after it. It returns a Forbidden error for a
// caller who may not write to the alliance, and the domain's or the log's
// error.
func (l *Ledger) commitmentCommand(ctx context.Context, caller Identity, aid, commandID, cid string, cmd domain.Command) (domain.Commitment, error) {
	c, _, err := answered[domain.Commitment](ctx, l, caller, aid, newCommandID(commandID), cmd, commitmentView(cid))
	return c, err
}

// ReportProgress reports progress on a commitment and answers it as it then
// stands; it fails as every commitment command does (see
// commitmentCommand).
func (l *Ledger) ReportProgress(ctx context.Context, caller Identity, aid, commandID string, cmd domain.ReportProgress) (domain.Commitment, error) {
	return l.commitmentCommand(ctx, caller, aid, commandID, cmd.CommitmentID, cmd)
}

// FulfilCommitment fulfils a commitment and answers it as it then stands;
// it fails as every commitment command does.
func (l *Ledger) FulfilCommitment(ctx context.Context, caller Identity, aid, commandID string, cmd domain.FulfilCommitment) (domain.Commitment, error) {
	return l.commitmentCommand(ctx, caller, aid, commandID, cmd.CommitmentID, cmd)
}

// WithdrawCommitment withdraws a commitment and answers it as it then
// stands; it fails as every commitment command does.
func (l *Ledger) WithdrawCommitment(ctx context.Context, caller Identity, aid, commandID string, cmd domain.WithdrawCommitment) (domain.Commitment, error) {
	return l.commitmentCommand(ctx, caller, aid, commandID, cmd.CommitmentID, cmd)
}
