package domain

// party is who is acting on an alliance, as the alliance's state knows them.
// Roles are read from the state, never trusted from the actor's claim: a
// token saying "convener" is worth nothing unless the member was admitted as
// one and is still active.
type party struct {
	admin    bool
	system   bool
	isMember bool
	member   Member // the acting member, when isMember
}

// partyOf resolves the actor against the state. It returns a Forbidden error
// for observers, unknown members and withdrawn members: none of them write.
func partyOf(s Alliance, a Actor) (party, error) {
	switch a.Role {
	case RoleObserver:
		return party{}, Errorf(Forbidden, "observers can read the ledger of alliance %s but not write to it", s.ID)
	case RoleAdmin:
		return party{admin: true}, nil
	case RoleSystem:
		return party{system: true}, nil
	}
	if a.MemberID == "" {
		return party{}, Errorf(Forbidden, "actor %s is not a member of alliance %s", a.ID, s.ID)
	}
	m, ok := s.Member(a.MemberID)
	if !ok {
		return party{}, Errorf(Forbidden, "%s is not a member of alliance %s", a.MemberID, s.ID)
	}
	if m.Status != StatusActive {
		return party{}, Errorf(Forbidden, "member %s (%s) has withdrawn from alliance %s", m.ID, m.Name, s.ID)
	}
	return party{isMember: true, member: m}, nil
}

// convener reports whether the party is an active convener of the alliance.
// The admin is not: docs/RULES.md gives it admissions, not the running of votes.
func (p party) convener() bool {
	return p.isMember && p.member.Role == RoleConvener
}

// is reports whether the party is the member with id.
func (p party) is(memberID string) bool {
	return p.isMember && p.member.ID == memberID
}

// mustConvene returns a Forbidden error unless the party may act as a
// convener. action completes "only a convener can …".
func (p party) mustConvene(action string) error {
	if p.convener() {
		return nil
	}
	return Errorf(Forbidden, "only a convener can %s; %s", action, p.describe())
}

// mustAdminister returns a Forbidden error unless the party is the admin or
// a convener: those who admit members and add observers.
func (p party) mustAdminister(action string) error {
	if p.admin || p.convener() {
		return nil
	}
	return Errorf(Forbidden, "only the admin or a convener can %s; %s", action, p.describe())
}

// mustBeMember returns a Forbidden error unless the party is an active member.
func (p party) mustBeMember(action string) error {
	if p.isMember {
		return nil
	}
	return Errorf(Forbidden, "only a member can %s; %s", action, p.describe())
}

// describe says what the party is, for refusals.
func (p party) describe() string {
	switch {
	case p.admin:
		return "the admin is not a member of the alliance"
	case p.system:
		return "the system only closes votes at their deadline"
	case p.isMember:
		return "member " + p.member.ID + " (" + p.member.Name + ") is a " + string(p.member.Role)
	}
	return "the actor is not a member"
}
