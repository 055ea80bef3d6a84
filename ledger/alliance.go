package ledger

import (
	"context"

	"accord/domain"
	"accord/projections"
)

// FormAlliance forms an alliance: the admin only. Its id is derived from
// the command id, so a retry lands on the alliance the first try formed,
// and answers the alliance as its formation left it, whatever happened
// since (no successor yet). It returns a Forbidden error for anybody but
// the admin, and the domain's or the log's error.
func (l *Ledger) FormAlliance(ctx context.Context, caller Identity, commandID string, cmd domain.FormAlliance) (projections.AllianceState, error) {
	if err := MayFormAlliances(caller); err != nil {
		return projections.AllianceState{}, err
	}
	commandID = newCommandID(commandID)
	aid := domain.CreatedID("", commandID, domain.CreatesAlliance)
	res, _, err := l.execute(ctx, caller, aid, commandID, cmd, nil)
	if err != nil {
		return projections.AllianceState{}, err
	}
	if _, err := dataOf[domain.AllianceFormed](res); err != nil {
		return projections.AllianceState{}, err
	}
	return projections.AllianceState{Alliance: domain.Evolve(domain.Alliance{}, res.Records[0].Event)}, nil
}

// Credential is the answer to admitting a member or adding an observer: the
// party's id and, once, its token (a retry answers the same token).
type Credential struct {
	ID    string `json:"id"`
	Token string `json:"token"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	Seq   uint64 `json:"seq"`
}

// AdmitMember admits a member with the id derived from the command id and
// issues its first token. It returns a Forbidden error for a caller who may
// not write to the alliance, a Conflict when the member's first token was
// revoked or replaced since, and the domain's or the log's error.
func (l *Ledger) AdmitMember(ctx context.Context, caller Identity, aid, commandID string, cmd domain.AdmitMember) (Credential, error) {
	commandID = newCommandID(commandID)
	cmd.MemberID = domain.CreatedID(aid, commandID, domain.CreatesMember)
	data, res, err := executeFor[domain.MemberAdmitted](ctx, l, caller, aid, commandID, cmd)
	if err != nil {
		return Credential{}, err
	}
	return l.credential(ctx, Identity{ID: data.MemberID, Role: data.Role, AllianceID: aid, Name: data.Name}, res)
}

// AddObserver adds an observer with the id derived from the command id and
// issues its first token; it fails as AdmitMember does.
func (l *Ledger) AddObserver(ctx context.Context, caller Identity, aid, commandID string, cmd domain.AddObserver) (Credential, error) {
	commandID = newCommandID(commandID)
	cmd.ObserverID = domain.CreatedID(aid, commandID, domain.CreatesObserver)
	data, res, err := executeFor[domain.ObserverAdded](ctx, l, caller, aid, commandID, cmd)
	if err != nil {
		return Credential{}, err
	}
	return l.credential(ctx, Identity{ID: data.ObserverID, Role: domain.RoleObserver, AllianceID: aid, Name: data.Name}, res)
}

// credential issues the party's token (the same one again for a retried
// command) and answers it.
func (l *Ledger) credential(ctx context.Context, id Identity, res Result) (Credential, error) {
	token, err := l.tokens.issue(ctx, id)
	if err != nil {
		return Credential{}, err
	}
	return Credential{ID: id.ID, Token: token, Name: id.Name, Role: string(id.Role), Seq: res.Records[0].Event.Seq}, nil
}

// WithdrawMember withdraws member cmd.MemberID and answers the member as it
// then stands. It returns a Forbidden error for a caller who may not write
// to the alliance, and the domain's or the log's error.
func (l *Ledger) WithdrawMember(ctx context.Context, caller Identity, aid, commandID string, cmd domain.WithdrawMember) (domain.Member, error) {
	m, _, err := answered[domain.Member](ctx, l, caller, aid, newCommandID(commandID), cmd, func(st domain.Alliance) any {
		m, _ := st.Member(cmd.MemberID)
		return m
	})
	return m, err
}

// FormedWorkgroup is the answer to forming a workgroup.
type FormedWorkgroup struct {
	ID        string                 `json:"id"`
	Workgroup domain.WorkgroupFormed `json:"workgroup"`
	Seq       uint64                 `json:"seq"`
}

// FormWorkgroup forms a workgroup with the id derived from the command id.
// It returns a Forbidden error for a caller who may not write to the
// alliance, and the domain's or the log's error.
func (l *Ledger) FormWorkgroup(ctx context.Context, caller Identity, aid, commandID string, cmd domain.FormWorkgroup) (FormedWorkgroup, error) {
	commandID = newCommandID(commandID)
	cmd.WorkgroupID = domain.CreatedID(aid, commandID, domain.CreatesWorkgroup)
	data, res, err := executeFor[domain.WorkgroupFormed](ctx, l, caller, aid, commandID, cmd)
	if err != nil {
		return FormedWorkgroup{}, err
	}
	return FormedWorkgroup{ID: data.WorkgroupID, Workgroup: data, Seq: res.Records[0].Event.Seq}, nil
}

// RegisteredKey is the answer to registering a signing key: the key as
// recorded, with its key id and seq.
type RegisteredKey struct {
	MemberID  string `json:"member_id"`
	KeyID     string `json:"key_id"`
	PublicKey string `json:"public_key"`
	Seq       uint64 `json:"seq"`
}

// RegisterKey registers or replaces member cmd.MemberID's signing key;
// only that member may, which the domain says as a Forbidden error to
// anyone else. It returns a Forbidden error for a caller who may not write
// to the alliance, and the domain's or the log's error.
func (l *Ledger) RegisterKey(ctx context.Context, caller Identity, aid, commandID string, cmd domain.RegisterKey) (RegisteredKey, error) {
	data, res, err := executeFor[domain.MemberKeyRegistered](ctx, l, caller, aid, newCommandID(commandID), cmd)
	if err != nil {
		return RegisteredKey{}, err
	}
	return RegisteredKey{MemberID: data.MemberID, KeyID: data.KeyID, PublicKey: data.PublicKey, Seq: res.Records[0].Event.Seq}, nil
}
