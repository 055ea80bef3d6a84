package ledger

import (
	"context"
	"time"

	"accord/domain"
	"accord/projections"
)

// FormSuccessor forms an alliance, as FormAlliance does, as the successor
// of alliance predecessorID: it reads that alliance's head as the read
// models hold it and records it in the formation. A retry answers the
// alliance the first try formed, whatever the predecessor's head is by
// then. It returns Invalid for a predecessor id that is not a uuid,
// Forbidden for a caller who may not form alliances or read the
// predecessor, NotFound for an unknown predecessor, and FormAlliance's
// errors.
func (l *Ledger) FormSuccessor(ctx context.Context, caller Identity, commandID, predecessorID string, cmd domain.FormAlliance) (projections.AllianceState, error) {
	if err := MayFormAlliances(caller); err != nil {
		return projections.AllianceState{}, err
	}
	if !domain.IsUUID(predecessorID) {
		return projections.AllianceState{}, domain.Errorf(domain.Invalid, "predecessor %q is not an alliance id (a lowercase uuid)", clipID(predecessorID))
	}
	if err := Readable(caller, predecessorID); err != nil {
		return projections.AllianceState{}, err
	}
	head, err := l.proj.Head(predecessorID)
	if err != nil {
		return projections.AllianceState{}, domain.Errorf(domain.NotFound, "predecessor %s is no alliance of this ledger", predecessorID)
	}
	cmd.Predecessor = &domain.AllianceHead{AllianceID: predecessorID, Seq: head.Seq, Hash: head.Hash}
	return l.FormAlliance(ctx, caller, commandID, cmd)
}

// clipID shortens what was given as an id for a message.
func clipID(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Concluded is the answer to concluding an alliance.
type Concluded struct {
	ID         string            `json:"id"`
	Concluded  bool              `json:"concluded"`
	Conclusion domain.Conclusion `json:"conclusion"`
	Seq        uint64            `json:"seq"`
}

// ConcludeAlliance concludes the alliance; it then takes no command. It
// returns a Forbidden error for a caller who may not write to it, and the
// domain's error (Conflict while a vote is open) or the log's.
func (l *Ledger) ConcludeAlliance(ctx context.Context, caller Identity, aid, commandID string, cmd domain.ConcludeAlliance) (Concluded, error) {
	data, res, err := executeFor[domain.AllianceConcluded](ctx, l, caller, aid, newCommandID(commandID), cmd)
	if err != nil {
		return Concluded{}, err
	}
	e := res.Records[0].Event
	return Concluded{ID: aid, Concluded: true, Conclusion: domain.Conclusion{Reason: data.Reason, Seq: e.Seq, At: e.At}, Seq: e.Seq}, nil
}

// workgroupCommand runs a command on workgroup wid and answers the
// workgroup as it stands after it, judged overdue on the ledger's clock.
// It returns a Forbidden error for a caller who may not write to the
// alliance, and the domain's or the log's error.
func (l *Ledger) workgroupCommand(ctx context.Context, caller Identity, aid, commandID, wid string, cmd domain.Command) (projections.WorkgroupView, error) {
	now := l.now()
	w, _, err := answered[projections.WorkgroupView](ctx, l, caller, aid, newCommandID(commandID), cmd, func(st domain.Alliance) any {
		w, _ := projections.Moment{State: st, Today: now}.Workgroup(wid)
		return w
	})
	return w, err
}

// ChangeWorkgroupMembers adds and removes a workgroup's members and answers
// the workgroup; it fails as every workgroup command does (see
// workgroupCommand).
func (l *Ledger) ChangeWorkgroupMembers(ctx context.Context, caller Identity, aid, commandID string, cmd domain.ChangeWorkgroupMembers) (projections.WorkgroupView, error) {
	return l.workgroupCommand(ctx, caller, aid, commandID, cmd.WorkgroupID, cmd)
}

// ReportWorkgroupProgress reports progress on a workgroup's aim and
// answers the workgroup; it fails as every workgroup command does.
func (l *Ledger) ReportWorkgroupProgress(ctx context.Context, caller Identity, aid, commandID string, cmd domain.ReportWorkgroupProgress) (projections.WorkgroupView, error) {
	return l.workgroupCommand(ctx, caller, aid, commandID, cmd.WorkgroupID, cmd)
}

// CloseWorkgroup closes a workgroup and answers it; it fails as every
// workgroup command does.
func (l *Ledger) CloseWorkgroup(ctx context.Context, caller Identity, aid, commandID string, cmd domain.CloseWorkgroup) (projections.WorkgroupView, error) {
	return l.workgroupCommand(ctx, caller, aid, commandID, cmd.WorkgroupID, cmd)
}

// ProxyChange is the answer to granting or revoking a proxy: the grant,
// whether it is in force after the command, and the seq and time of the
// event that recorded it.
type ProxyChange struct {
	GrantorID  string    `json:"grantor_id"`
	ProxyID    string    `json:"proxy_id"`
	ProposalID string    `json:"proposal_id"`
	InForce    bool      `json:"in_force"`
	Seq        uint64    `json:"seq"`
	At         time.Time `json:"at"`
}

// GrantProxy records the caller's grant of a proxy. It returns a Forbidden
// error for a caller who may not write to the alliance, and the domain's
// or the log's error.
func (l *Ledger) GrantProxy(ctx context.Context, caller Identity, aid, commandID string, cmd domain.GrantProxy) (ProxyChange, error) {
	data, res, err := executeFor[domain.ProxyGranted](ctx, l, caller, aid, newCommandID(commandID), cmd)
	if err != nil {
		return ProxyChange{}, err
	}
	e := res.Records[0].Event
	return ProxyChange{GrantorID: data.GrantorID, ProxyID: data.ProxyID, ProposalID: data.ProposalID, InForce: true, Seq: e.Seq, At: e.At}, nil
}

// RevokeProxy records the caller revoking its grant; it fails as
// GrantProxy does.
func (l *Ledger) RevokeProxy(ctx context.Context, caller Identity, aid, commandID string, cmd domain.RevokeProxy) (ProxyChange, error) {
	data, res, err := executeFor[domain.ProxyRevoked](ctx, l, caller, aid, newCommandID(commandID), cmd)
	if err != nil {
		return ProxyChange{}, err
	}
	e := res.Records[0].Event
	return ProxyChange{GrantorID: data.GrantorID, ProxyID: data.ProxyID, ProposalID: data.ProposalID, Seq: e.Seq, At: e.At}, nil
}
