package domain

import (
	"math"
	"testing"
)

func TestAdmitMember(t *testing.T) {
	n := id(14)
	admit := AdmitMember{MemberID: n, Name: "State Agency", Sector: "agency", Role: RoleMember}
	admitted := MemberAdmitted{MemberID: n, Name: "State Agency", Sector: "agency", Role: RoleMember}
	run(t, []scenario{
		{name: "by the admin", given: formed(), as: asAdmin(), when: admit, then: then(admitted)},
		{name: "by a convener", given: formed(), as: asConvener(), when: admit, then: then(admitted)},
		{name: "as convener, trimmed", given: formed(), as: asConvener(),
			when: AdmitMember{MemberID: n, Name: " State Agency ", Sector: " agency", Role: RoleConvener},
			then: then(MemberAdmitted{MemberID: n, Name: "State Agency", Sector: "agency", Role: RoleConvener})},
		{name: "by a member", given: formed(), as: asMember(m1), when: admit, err: Forbidden, msg: "only the admin or a convener can admit members"},
		{name: "already admitted", given: formed(), as: asAdmin(), when: AdmitMember{MemberID: m2, Name: "X", Sector: "y", Role: RoleMember},
			err: Conflict, msg: "member " + m2 + " (MedCo) was already admitted at seq 4"},
		{name: "role observer", given: formed(), as: asAdmin(), when: AdmitMember{MemberID: n, Name: "X", Sector: "y", Role: RoleObserver},
			err: Invalid, msg: `role "observer" is not one of convener, member`},
		{name: "no role", given: formed(), as: asAdmin(), when: AdmitMember{MemberID: n, Name: "X", Sector: "y"},
			err: Invalid, msg: "role is required (one of convener, member)"},
		{name: "no id", given: formed(), as: asAdmin(), when: AdmitMember{Name: "X", Sector: "y", Role: RoleMember},
			err: Invalid, msg: "member id is required"},
		{name: "uppercase id", given: formed(), as: asAdmin(), when: AdmitMember{MemberID: "01900000-0000-7000-8000-00000000000A", Name: "X", Sector: "y", Role: RoleMember},
			err: Invalid, msg: "is not a uuid"},
		{name: "no sector", given: formed(), as: asAdmin(), when: AdmitMember{MemberID: n, Name: "X", Sector: " ", Role: RoleMember},
			err: Invalid, msg: "sector is required"},
		{name: "sector too long", given: formed(), as: asAdmin(), when: AdmitMember{MemberID: n, Name: "X", Sector: repeat("s", 201), Role: RoleMember},
			err: Invalid, msg: "sector is 201 characters"},
	})
}

func TestWithdrawMember(t *testing.T) {
	withdrawn := append(formed(), MemberWithdrew{MemberID: m2})
	run(t, []scenario{
		{name: "themself", given: formed(), as: asMember(m2), when: WithdrawMember{MemberID: m2, Reason: "merger"},
			then: then(MemberWithdrew{MemberID: m2, Reason: "merger"})},
		{name: "by a convener", given: formed(), as: asConvener(), when: WithdrawMember{MemberID: m2, Reason: "line 1\n\tline 2"},
			then: then(MemberWithdrew{MemberID: m2, Reason: "line 1\n\tline 2"})},
		{name: "by the admin", given: formed(), as: asAdmin(), when: WithdrawMember{MemberID: m2},
			err: Forbidden, msg: "only member " + m2 + " (MedCo) themself or a convener can withdraw them; the admin is not a member"},
		{name: "by another member", given: formed(), as: asMember(m1), when: WithdrawMember{MemberID: m2},
			err: Forbidden, msg: "only member " + m2 + " (MedCo) themself or a convener can withdraw them"},
		{name: "unknown", given: formed(), as: asConvener(), when: WithdrawMember{MemberID: stranger},
			err: NotFound, msg: "no member " + stranger},
		{name: "twice", given: withdrawn, as: asConvener(), when: WithdrawMember{MemberID: m2},
			err: Conflict, msg: "member " + m2 + " (MedCo) has already withdrawn"},
		{name: "twice, themself", given: withdrawn, as: asMember(m2), when: WithdrawMember{MemberID: m2},
			err: Forbidden, msg: "has withdrawn"},
		{name: "reason too long", given: formed(), as: asMember(m2), when: WithdrawMember{MemberID: m2, Reason: repeat("r", 2001)},
			err: Invalid, msg: "reason is 2001 characters"},
		{name: "NUL in reason", given: formed(), as: asMember(m2), when: WithdrawMember{MemberID: m2, Reason: "a\x00b"},
			err: Invalid, msg: "reason contains a control character (U+0000)"},
		{name: "DEL in reason", given: formed(), as: asMember(m2), when: WithdrawMember{MemberID: m2, Reason: "a\x7fb"},
			err: Invalid, msg: "U+007F"},
	})
}

func TestAddObserver(t *testing.T) {
	add := AddObserver{ObserverID: obs, Name: "Health Regulator"}
	added := append(formed(), ObserverAdded{ObserverID: obs, Name: "Health Regulator"})
	run(t, []scenario{
		{name: "by the admin", given: formed(), as: asAdmin(), when: add, then: then(ObserverAdded{ObserverID: obs, Name: "Health Regulator"})},
		{name: "by a convener", given: formed(), as: asConvener(), when: add, then: then(ObserverAdded{ObserverID: obs, Name: "Health Regulator"})},
		{name: "by a member", given: formed(), as: asMember(m1), when: add, err: Forbidden, msg: "only the admin or a convener can add observers"},
		{name: "by an observer", given: added, as: as(RoleObserver, ""), when: AddObserver{ObserverID: id(21), Name: "Other"}, err: Forbidden, msg: "observers"},
		{name: "twice", given: added, as: asAdmin(), when: add, err: Conflict, msg: "observer " + obs + " (Health Regulator) was already added"},
		{name: "no name", given: formed(), as: asAdmin(), when: AddObserver{ObserverID: obs}, err: Invalid, msg: "name is required"},
		{name: "bad id", given: formed(), as: asAdmin(), when: AddObserver{ObserverID: "regulator", Name: "R"}, err: Invalid, msg: `observer id "regulator" is not a uuid`},
	})
}

func TestFormWorkgroup(t *testing.T) {
	form := func(ids ...string) FormWorkgroup {
		return FormWorkgroup{WorkgroupID: wg, Name: "Data", Aim: "Share outcomes data", Metric: "sites live", Target: 12, Due: "2027-03-31", MemberIDs: ids}
	}
	formedWG := func(ids ...string) WorkgroupFormed {
		return WorkgroupFormed{WorkgroupID: wg, Name: "Data", Aim: "Share outcomes data", Metric: "sites live", Target: 12, Due: "2027-03-31", MemberIDs: append([]string{}, ids...)}
	}
	with := func(c FormWorkgroup, f func(*FormWorkgroup)) FormWorkgroup { f(&c); return c }
	many := make([]string, MaxWorkgroupMembers+1)
	for i := range many {
		many[i] = id(1000 + i)
	}
	run(t, []scenario{
		{name: "by a convener", given: formed(), as: asConvener(), when: form(m1, m2), then: then(formedWG(m1, m2))},
		{name: "by a convener, nobody yet", given: formed(), as: asConvener(), when: form(), then: then(formedWG())},
		{name: "by the admin", given: formed(), as: asAdmin(), when: form(), err: Forbidden, msg: "only a convener can form workgroups; the admin is not a member"},
		{name: "by a member", given: formed(), as: asMember(m1), when: form(m1), err: Forbidden, msg: "only a convener can form workgroups"},
		{name: "twice", given: append(formed(), formedWG(m1)), as: asConvener(), when: form(m1), err: Conflict, msg: "workgroup " + wg + " (Data) was already formed"},
		{name: "stranger", given: formed(), as: asConvener(), when: form(m1, stranger), err: NotFound, msg: "member_ids[1]: no member " + stranger},
		{name: "withdrawn member", given: append(formed(), MemberWithdrew{MemberID: m3}), as: asConvener(), when: form(m3),
			err: Conflict, msg: "member_ids[0]: member " + m3 + " (Patients United) has withdrawn"},
		{name: "listed twice", given: formed(), as: asConvener(), when: form(m1, m2, m1), err: Invalid, msg: "member_ids[2]: member " + m1 + " is listed twice"},
		{name: "bad id", given: formed(), as: asConvener(), when: form("m1"), err: Invalid, msg: `member_ids[0] "m1" is not a uuid`},
		{name: "too many", given: formed(), as: asConvener(), when: form(many...), err: Invalid, msg: "member_ids has 1001 ids, over the limit of 1000"},
		{name: "bad date", given: formed(), as: asConvener(), when: with(form(), func(c *FormWorkgroup) { c.Due = "2027-02-30" }), err: Invalid, msg: `due "2027-02-30" is not a date (YYYY-MM-DD)`},
		{name: "date with time", given: formed(), as: asConvener(), when: with(form(), func(c *FormWorkgroup) { c.Due = "2027-02-03T00:00:00Z" }), err: Invalid, msg: "due"},
		{name: "no date", given: formed(), as: asConvener(), when: with(form(), func(c *FormWorkgroup) { c.Due = "" }), err: Invalid, msg: "due is required"},
		{name: "NaN target", given: formed(), as: asConvener(), when: with(form(), func(c *FormWorkgroup) { c.Target = math.NaN() }), err: Invalid, msg: "target must be a finite number"},
		{name: "infinite target", given: formed(), as: asConvener(), when: with(form(), func(c *FormWorkgroup) { c.Target = math.Inf(-1) }), err: Invalid, msg: "target must be a finite number"},
		{name: "no aim", given: formed(), as: asConvener(), when: with(form(), func(c *FormWorkgroup) { c.Aim = "\n" }), err: Invalid, msg: "aim is required"},
		{name: "no metric", given: formed(), as: asConvener(), when: with(form(), func(c *FormWorkgroup) { c.Metric = "" }), err: Invalid, msg: "metric is required"},
		{name: "bad workgroup id", given: formed(), as: asConvener(), when: with(form(), func(c *FormWorkgroup) { c.WorkgroupID = "" }), err: Invalid, msg: "workgroup id is required"},
	})
}
