package domain

import (
	"fmt"
	"strings"
)

// Workgroup is a group of members working towards a measurable aim.
// Status is open until a convener closes it as met, missed or dissolved;
// Progress lists each report on its aim in ledger order; Closure says when
// and why it was closed.
type Workgroup struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Aim       string     `json:"aim"`
	Metric    string     `json:"metric"`
	Target    float64    `json:"target"`
	Due       string     `json:"due"`
	MemberIDs []string   `json:"member_ids"`
	Status    Status     `json:"status"`
	Progress  []Progress `json:"progress"`
	Closure   *Closure   `json:"closure,omitempty"`
}

func (d decision) formWorkgroup(c FormWorkgroup) ([]EventData, error) {
	if err := d.by.mustConvene("form workgroups"); err != nil {
		return nil, err
	}
	c.Name, c.Metric = strings.TrimSpace(c.Name), strings.TrimSpace(c.Metric)
	if err := firstError(
		checkID("workgroup id", c.WorkgroupID),
		checkName("name", c.Name),
		checkText("aim", c.Aim, true),
		checkName("metric", c.Metric),
		checkFinite("target", c.Target),
		checkDate("due", c.Due),
		d.checkWorkgroupMembers("member_ids", c.MemberIDs),
	); err != nil {
		return nil, err
	}
	if w, ok := d.s.Workgroup(c.WorkgroupID); ok {
		return nil, Errorf(Conflict, "workgroup %s (%s) was already formed", w.ID, w.Name)
	}
	return one(WorkgroupFormed{
		WorkgroupID: c.WorkgroupID, Name: c.Name, Aim: c.Aim, Metric: c.Metric,
		Target: c.Target, Due: c.Due, MemberIDs: append([]string{}, c.MemberIDs...),
	})
}

// checkWorkgroupMembers checks the ids a workgroup takes in (list names
// them in messages): Invalid for too many, malformed or repeated ids,
// NotFound for a stranger and Conflict for a withdrawn member.
func (d decision) checkWorkgroupMembers(list string, ids []string) error {
	if len(ids) > MaxWorkgroupMembers {
		return Errorf(Invalid, "%s has %d ids, over the limit of %d", list, len(ids), MaxWorkgroupMembers)
	}
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		field := fmt.Sprintf("%s[%d]", list, i)
		if err := checkID(field, id); err != nil {
			return err
		}
		if seen[id] {
			return Errorf(Invalid, "%s: member %s is listed twice", field, id)
		}
		seen[id] = true
		m, ok := d.s.Member(id)
		if !ok {
			return Errorf(NotFound, "%s: no member %s in alliance %s", field, id, d.s.ID)
		}
		if m.Status != StatusActive {
			return Errorf(Conflict, "%s: member %s (%s) has withdrawn and cannot join a workgroup", field, id, m.Name)
		}
	}
	return nil
}
