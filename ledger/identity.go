package ledger

import (
	"accord/domain"
	"accord/eventstore"
)

// AdminID is the actor id of the admin in every event it causes.
var AdminID = domain.NameID("accord:admin")

// SystemActorID is the actor id of the ledger itself in the events it causes
// (closing a vote at its deadline). Every instance uses the same one.
var SystemActorID = domain.NameID("accord:system")

// Identity is who a token belongs to: the admin, or a member or observer of
// one alliance. It is what the credential bucket keeps for the token.
type Identity eventstore.TokenRecord

// Actor returns the event actor for this identity.
func (id Identity) Actor() domain.Actor {
	a := domain.Actor{ID: id.ID, Role: id.Role}
	if id.Role == domain.RoleMember || id.Role == domain.RoleConvener {
		a.MemberID = id.ID
	}
	return a
}

// CanRead reports whether the identity may read the alliance.
func (id Identity) CanRead(allianceID string) bool {
	return id.Role == domain.RoleAdmin || id.AllianceID == allianceID
}

// Readable returns a Forbidden error unless caller may read alliance aid.
func Readable(caller Identity, aid string) error {
	if !caller.CanRead(aid) {
		return domain.Errorf(domain.Forbidden, "you are not a party to alliance %s", aid)
	}
	return nil
}

// Writable returns a Forbidden error unless caller may change alliance aid
// at all; the domain then checks the specific rule against the alliance's
// state.
func Writable(caller Identity, aid string) error {
	if err := Readable(caller, aid); err != nil {
		return err
	}
	if caller.Role == domain.RoleObserver {
		return domain.Errorf(domain.Forbidden, "observers read and never write")
	}
	return nil
}

// MayFormAlliances returns a Forbidden error unless caller may form
// alliances: the admin only.
func MayFormAlliances(caller Identity) error {
	if caller.Role != domain.RoleAdmin {
		return domain.Errorf(domain.Forbidden, "only the admin forms alliances")
	}
	return nil
}

// MayFollowAll returns a Forbidden error unless caller may read every
// alliance's events at once: the admin only.
func MayFollowAll(caller Identity) error {
	if caller.Role != domain.RoleAdmin {
		return domain.Errorf(domain.Forbidden, "only the admin follows every alliance")
	}
	return nil
}
