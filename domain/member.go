package domain

import "strings"

// Member is a member organisation of an alliance. Role is what it was
// admitted as (convener or member); AdmittedSeq is the seq of its admission,
// which tells whether it may vote on a given proposal.
type Member struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Sector      string `json:"sector"`
	Role        Role   `json:"role"`
	Status      Status `json:"status"`
	AdmittedSeq uint64 `json:"admitted_seq"`
	// Key is the member's signing key in force, absent until it registers one.
	Key *MemberKey `json:"key,omitempty"`
}

// Observer is a read-only party, e.g. a regulator.
type Observer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (d decision) admitMember(c AdmitMember) ([]EventData, error) {
	if err := d.by.mustAdminister("admit members"); err != nil {
		return nil, err
	}
	c.Name, c.Sector = strings.TrimSpace(c.Name), strings.TrimSpace(c.Sector)
	if err := firstError(
		checkID("member id", c.MemberID),
		checkName("name", c.Name),
		checkName("sector", c.Sector),
		checkOneOf("role", string(c.Role), string(RoleConvener), string(RoleMember)),
	); err != nil {
		return nil, err
	}
	if m, ok := d.s.Member(c.MemberID); ok {
		return nil, Errorf(Conflict, "member %s (%s) was already admitted at seq %d", m.ID, m.Name, m.AdmittedSeq)
	}
	return one(MemberAdmitted{MemberID: c.MemberID, Name: c.Name, Sector: c.Sector, Role: c.Role})
}

func (d decision) withdrawMember(c WithdrawMember) ([]EventData, error) {
	if err := firstError(checkID("member id", c.MemberID), checkText("reason", c.Reason, false)); err != nil {
		return nil, err
	}
	m, ok := d.s.Member(c.MemberID)
	if !ok {
		return nil, Errorf(NotFound, "no member %s in alliance %s", c.MemberID, d.s.ID)
	}
	if !d.by.is(m.ID) && !d.by.convener() {
		return nil, Errorf(Forbidden, "only member %s (%s) themself or a convener can withdraw them; %s", m.ID, m.Name, d.by.describe())
	}
	if m.Status == StatusWithdrawn {
		return nil, Errorf(Conflict, "member %s (%s) has already withdrawn", m.ID, m.Name)
	}
	return one(MemberWithdrew{MemberID: m.ID, Reason: c.Reason})
}

func (d decision) addObserver(c AddObserver) ([]EventData, error) {
	if err := d.by.mustAdminister("add observers"); err != nil {
		return nil, err
	}
	c.Name = strings.TrimSpace(c.Name)
	if err := firstError(checkID("observer id", c.ObserverID), checkName("name", c.Name)); err != nil {
		return nil, err
	}
	if o, ok := d.s.Observer(c.ObserverID); ok {
		return nil, Errorf(Conflict, "observer %s (%s) was already added", o.ID, o.Name)
	}
	return one(ObserverAdded{ObserverID: c.ObserverID, Name: c.Name})
}
