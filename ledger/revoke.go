package ledger

import (
	"context"

	"accord/domain"
)

// Tokens are credentials, not governance facts: revoking or re-issuing one
// appends nothing to the ledger. What a party did stays there, and in every
// record, whatever becomes of its token. Each change is logged (who, whose,
// which generation; never a token) so an operator can audit credentials.

// TokenState answers a revocation.
type TokenState struct {
	ID         string      `json:"id"`
	AllianceID string      `json:"alliance_id"`
	Name       string      `json:"name"`
	Role       domain.Role `json:"role"`
	Generation int         `json:"generation"`
	Revoked    bool        `json:"revoked"`
}

// IssuedToken answers a re-issue: the party's new token, shown this once.
type IssuedToken struct {
	ID         string      `json:"id"`
	AllianceID string      `json:"alliance_id"`
	Name       string      `json:"name"`
	Role       domain.Role `json:"role"`
	Generation int         `json:"generation"`
	Token      string      `json:"token"`
}

// RevokeToken revokes the current token of member or observer partyID of
// alliance aid; revoking it again answers the same. It returns the errors
// of tokenTarget, and an Unavailable one when the credentials cannot be
// written.
func (l *Ledger) RevokeToken(ctx context.Context, caller Identity, aid, partyID string) (TokenState, error) {
	target, err := l.tokenTarget(caller, aid, partyID)
	if err != nil {
		return TokenState{}, err
	}
	gen, err := l.tokens.revoke(ctx, target)
	if err != nil {
		return TokenState{}, err
	}
	l.log.Info("token revoked", "alliance", target.AllianceID, "party", target.ID, "party_role", target.Role,
		"generation", gen, "by", caller.ID, "by_role", caller.Role)
	return TokenState{ID: target.ID, AllianceID: aid, Name: target.Name, Role: target.Role, Generation: gen, Revoked: true}, nil
}

// ReissueToken gives member or observer partyID of alliance aid a new token
// and revokes the one it had. It returns the errors of tokenTarget, a
// Conflict when a revocation raced it and won, and an Unavailable error
// when the credentials cannot be written.
func (l *Ledger) ReissueToken(ctx context.Context, caller Identity, aid, partyID string) (IssuedToken, error) {
	target, err := l.tokenTarget(caller, aid, partyID)
	if err != nil {
		return IssuedToken{}, err
	}
	token, gen, err := l.tokens.reissue(ctx, target)
	if err != nil {
		return IssuedToken{}, err
	}
	l.log.Info("token issued", "alliance", target.AllianceID, "party", target.ID, "party_role", target.Role,
		"generation", gen, "by", caller.ID, "by_role", caller.Role)
	return IssuedToken{ID: target.ID, AllianceID: aid, Name: target.Name, Role: target.Role, Generation: gen, Token: token}, nil
}

// tokenTarget returns the party whose token caller wants to manage: a
// Forbidden error for a caller who cannot read the alliance, NotFound when
// the party is neither a member nor an observer of it, and Forbidden when
// the caller may not manage its token (see mayManageToken).
func (l *Ledger) tokenTarget(caller Identity, aid, partyID string) (Identity, error) {
	if err := Readable(caller, aid); err != nil {
		return Identity{}, err
	}
	var target Identity
	var by domain.Member
	var found, byMember bool
	err := l.proj.Read(aid, func(st domain.Alliance, _ Position) {
		if m, ok := st.Member(partyID); ok {
			target, found = Identity{ID: m.ID, Role: m.Role, AllianceID: aid, Name: m.Name}, true
		} else if o, ok := st.Observer(partyID); ok {
			target, found = Identity{ID: o.ID, Role: domain.RoleObserver, AllianceID: aid, Name: o.Name}, true
		}
		by, byMember = st.Member(caller.ID)
	})
	if err != nil {
		return Identity{}, err
	}
	if !found {
		return Identity{}, domain.Errorf(domain.NotFound, "no member or observer %s in alliance %s", partyID, aid)
	}
	return target, mayManageToken(caller, by, byMember, target)
}

// mayManageToken says who may revoke or re-issue a token: the admin, any;
// an active convener of the alliance, its members' and observers' (not
// another convener's); and every party its own, e.g. after a leak. Roles
// are read from the alliance's state, never from the token alone.
func mayManageToken(caller Identity, by domain.Member, byMember bool, target Identity) error {
	switch {
	case caller.Role == domain.RoleAdmin:
		return nil
	case caller.ID == target.ID:
		return nil
	case byMember && by.Role == domain.RoleConvener && by.Status == domain.StatusActive &&
		(target.Role == domain.RoleMember || target.Role == domain.RoleObserver):
		return nil
	case byMember && by.Role == domain.RoleConvener && by.Status == domain.StatusActive:
		return domain.Errorf(domain.Forbidden, "%s %s is a convener: only the admin or that convener manages its token", target.Name, target.ID)
	}
	return domain.Errorf(domain.Forbidden, "only the admin, an active convener of the alliance, or the party itself manages the token of %s %s", target.Name, target.ID)
}
