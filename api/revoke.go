package api

import (
	"net/http"

	"accord/domain"
	"accord/eventstore"
)

// Tokens are credentials, not governance facts: revoking or re-issuing one
// appends nothing to the ledger. What a party did stays there, and in every
// record, whatever becomes of its token. Each change is logged (who, whose,
// which generation; never a token) so an operator can audit credentials.

// tokenState answers a revocation.
type tokenState struct {
	ID         string      `json:"id"`
	AllianceID string      `json:"alliance_id"`
	Name       string      `json:"name"`
	Role       domain.Role `json:"role"`
	Generation int         `json:"generation"`
	Revoked    bool        `json:"revoked"`
}

// newToken answers a re-issue: the party's new token, shown this once.
type newToken struct {
	ID         string      `json:"id"`
	AllianceID string      `json:"alliance_id"`
	Name       string      `json:"name"`
	Role       domain.Role `json:"role"`
	Generation int         `json:"generation"`
	Token      string      `json:"token"`
}

// revokeToken revokes the current token of member or observer {party_id}:
// DELETE /v1/alliances/{aid}/tokens/{party_id}. Revoking it again answers
// the same.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, caller Identity) error {
	target, err := s.tokenTarget(r, caller)
	if err != nil {
		return err
	}
	gen, err := s.tokens.Revoke(r.Context(), target)
	if err != nil {
		return err
	}
	s.log.Info("token revoked", "alliance", target.AllianceID, "party", target.ID, "party_role", target.Role,
		"generation", gen, "by", caller.ID, "by_role", caller.Role)
	writeJSON(w, http.StatusOK, tokenState{
		ID: target.ID, AllianceID: target.AllianceID, Name: target.Name, Role: target.Role, Generation: gen, Revoked: true,
	})
	return nil
}

// reissueToken gives member or observer {party_id} a new token and revokes
// the one it had: POST /v1/alliances/{aid}/tokens/{party_id}.
func (s *Server) reissueToken(w http.ResponseWriter, r *http.Request, caller Identity) error {
	target, err := s.tokenTarget(r, caller)
	if err != nil {
		return err
	}
	token, gen, err := s.tokens.Reissue(r.Context(), target)
	if err != nil {
		return err
	}
	s.log.Info("token issued", "alliance", target.AllianceID, "party", target.ID, "party_role", target.Role,
		"generation", gen, "by", caller.ID, "by_role", caller.Role)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, newToken{
		ID: target.ID, AllianceID: target.AllianceID, Name: target.Name, Role: target.Role, Generation: gen, Token: token,
	})
	return nil
}

// tokenTarget returns the party of the route, checked against what the
// caller may do: 403 for a caller who cannot read the alliance, 400 for ids
// that are not uuids or a body that is not empty (or {}), 404 when the
// party is neither a member nor an observer of the alliance, 403 when the
// caller may not manage its token (see mayManageToken).
func (s *Server) tokenTarget(r *http.Request, caller Identity) (Identity, error) {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return Identity{}, err
	}
	pid, err := pathID(r, "party_id")
	if err != nil {
		return Identity{}, err
	}
	if err := decodeBody(r, &struct{}{}); err != nil {
		return Identity{}, err
	}
	var target Identity
	var by domain.Member
	var found, byMember bool
	err = s.proj.Read(aid, func(st domain.Alliance, _ eventstore.Position) {
		if m, ok := st.Member(pid); ok {
			target, found = Identity{ID: m.ID, Role: m.Role, AllianceID: aid, Name: m.Name}, true
		} else if o, ok := st.Observer(pid); ok {
			target, found = Identity{ID: o.ID, Role: domain.RoleObserver, AllianceID: aid, Name: o.Name}, true
		}
		by, byMember = st.Member(caller.ID)
	})
	if err != nil {
		return Identity{}, err
	}
	if !found {
		return Identity{}, domain.Errorf(domain.NotFound, "no member or observer %s in alliance %s", pid, aid)
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

// oaAddTokens describes the token routes for the OpenAPI document
// (openapi.go's oaPaths calls it).
func oaAddTokens(add oaAdder, aid any) {
	party := oaPathParam("party_id", "The member's or observer's id.")
	state := oaObject([]string{"id", "alliance_id", "name", "role", "generation", "revoked"}, oaObj{
		"id": oaUuidSchema(), "alliance_id": oaUuidSchema(), "name": oaStr(""), "role": oaEnum("convener", "member", "observer"),
		"generation": oaInteger("How many times the party's token was re-issued."), "revoked": oaObj{"const": true},
	})
	fresh := oaObject([]string{"id", "alliance_id", "name", "role", "generation", "token"}, oaObj{
		"id": oaUuidSchema(), "alliance_id": oaUuidSchema(), "name": oaStr(""), "role": oaEnum("convener", "member", "observer"),
		"generation": oaInteger("How many times the party's token was re-issued."), "token": oaStr("Shown this once; stored only as a hash."),
	})
	who := " (admin; a convener for members and observers; the party itself)"
	add("DELETE", "/v1/alliances/{aid}/tokens/{party_id}", oaOp{
		summary: "Revoke a party's token" + who, params: []any{aid, party},
		description: "The token answers 401 from then on. Not a ledger event: the party's history stays as it is. Revoking again answers the same.",
		okDesc:      "The token is revoked.", okSchema: state, errors: []int{400, 401, 403, 404},
	})
	add("POST", "/v1/alliances/{aid}/tokens/{party_id}", oaOp{
		summary: "Issue a party a new token, revoking the one it had" + who, params: []any{aid, party}, ok: 201,
		description: "Not a ledger event. Each new token differs from every earlier one of the party.",
		okDesc:      "The new token, this once.", okSchema: fresh, errors: []int{400, 401, 403, 404, 409},
	})
}
