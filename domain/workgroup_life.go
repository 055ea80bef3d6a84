package domain

import (
	"fmt"
	"slices"
	"time"
)

// WorkgroupOutcome is how a workgroup ended.
type WorkgroupOutcome string

// The outcomes a convener may close a workgroup with; the workgroup's
// status becomes the outcome.
const (
	WorkgroupMet       WorkgroupOutcome = "met"
	WorkgroupMissed    WorkgroupOutcome = "missed"
	WorkgroupDissolved WorkgroupOutcome = "dissolved"
)

// WorkgroupMembersChanged records members joining and leaving a workgroup.
// A member who leaves keeps the commitments it made toward it.
type WorkgroupMembersChanged struct {
	WorkgroupID string   `json:"workgroup_id"`
	Added       []string `json:"added"`
	Removed     []string `json:"removed"`
}

// WorkgroupProgressReported records a measured value towards a workgroup's
// target.
type WorkgroupProgressReported struct {
	WorkgroupID string  `json:"workgroup_id"`
	Value       float64 `json:"value"`
	Note        string  `json:"note"`
}

// WorkgroupClosed records a workgroup's end; nothing changes it after.
type WorkgroupClosed struct {
	WorkgroupID string           `json:"workgroup_id"`
	Outcome     WorkgroupOutcome `json:"outcome"`
	Note        string           `json:"note"`
}

// EventType implementations: the catalogue's type strings.

func (WorkgroupMembersChanged) EventType() string   { return TypeWorkgroupMembersChanged }
func (WorkgroupProgressReported) EventType() string { return TypeWorkgroupProgressReported }
func (WorkgroupClosed) EventType() string           { return TypeWorkgroupClosed }

// ChangeWorkgroupMembers adds and removes members of an open workgroup
// (convener). Added ids are active members not yet in it; removed ids are
// members of it.
type ChangeWorkgroupMembers struct {
	WorkgroupID string   `json:"-"`
	Add         []string `json:"add"`
	Remove      []string `json:"remove"`
}

// ReportWorkgroupProgress reports a measured value on an open workgroup's
// aim (a convener, or a member of the workgroup).
type ReportWorkgroupProgress struct {
	WorkgroupID string  `json:"-"`
	Value       float64 `json:"value"`
	Note        string  `json:"note"`
}

// CloseWorkgroup closes an open workgroup as met, missed or dissolved
// (convener).
type CloseWorkgroup struct {
	WorkgroupID string           `json:"-"`
	Outcome     WorkgroupOutcome `json:"outcome"`
	Note        string           `json:"note"`
}

func (ChangeWorkgroupMembers) CommandName() string  { return "ChangeWorkgroupMembers" }
func (ReportWorkgroupProgress) CommandName() string { return "ReportWorkgroupProgress" }
func (CloseWorkgroup) CommandName() string          { return "CloseWorkgroup" }

// Closure is why and when a workgroup was closed; its outcome is the
// workgroup's status.
type Closure struct {
	Note string    `json:"note"`
	Seq  uint64    `json:"seq"`
	At   time.Time `json:"at"`
}

// HasMember reports whether the member belongs to the workgroup now.
func (w Workgroup) HasMember(memberID string) bool {
	return slices.Contains(w.MemberIDs, memberID)
}

func (d decision) changeWorkgroupMembers(c ChangeWorkgroupMembers) ([]EventData, error) {
	if err := d.by.mustConvene("change a workgroup's members"); err != nil {
		return nil, err
	}
	if err := firstError(checkID("workgroup id", c.WorkgroupID), checkMemberChange(c.Add, c.Remove)); err != nil {
		return nil, err
	}
	w, err := d.openWorkgroup(c.WorkgroupID, "its members no longer change")
	if err != nil {
		return nil, err
	}
	if err := d.checkWorkgroupMembers("add", c.Add); err != nil {
		return nil, err
	}
	if err := checkMembership(w, c.Add, c.Remove); err != nil {
		return nil, err
	}
	return one(WorkgroupMembersChanged{WorkgroupID: w.ID, Added: append([]string{}, c.Add...), Removed: append([]string{}, c.Remove...)})
}

// checkMemberChange refuses (Invalid) an empty change, an id listed twice
// in remove (add is checked with the members it takes in) and an id both
// added and removed.
func checkMemberChange(add, remove []string) error {
	if len(add) == 0 && len(remove) == 0 {
		return Errorf(Invalid, "add or remove is required: name at least one member to add or remove")
	}
	if len(remove) > MaxWorkgroupMembers {
		return Errorf(Invalid, "remove has %d ids, over the limit of %d", len(remove), MaxWorkgroupMembers)
	}
	seen := make(map[string]bool, len(remove))
	for i, id := range remove {
		field := fmt.Sprintf("remove[%d]", i)
		if err := checkID(field, id); err != nil {
			return err
		}
		if seen[id] {
			return Errorf(Invalid, "%s: member %s is listed twice", field, id)
		}
		seen[id] = true
	}
	for i, id := range add {
		if seen[id] {
			return Errorf(Invalid, "add[%d]: member %s is both added and removed", i, id)
		}
	}
	return nil
}

// checkMembership refuses (Conflict) adding a member already in the
// workgroup, removing one who is not, and a workgroup over its size limit.
func checkMembership(w Workgroup, add, remove []string) error {
	for i, id := range add {
		if w.HasMember(id) {
			return Errorf(Conflict, "add[%d]: member %s is already in workgroup %s (%s)", i, id, w.ID, w.Name)
		}
	}
	for i, id := range remove {
		if !w.HasMember(id) {
			return Errorf(Conflict, "remove[%d]: member %s is not in workgroup %s (%s)", i, id, w.ID, w.Name)
		}
	}
	if n := len(w.MemberIDs) + len(add) - len(remove); n > MaxWorkgroupMembers {
		return Errorf(Conflict, "workgroup %s would have %d members, over the limit of %d", w.ID, n, MaxWorkgroupMembers)
	}
	return nil
}

func (d decision) reportWorkgroupProgress(c ReportWorkgroupProgress) ([]EventData, error) {
	if err := d.by.mustBeMember("report a workgroup's progress"); err != nil {
		return nil, err
	}
	if err := firstError(checkID("workgroup id", c.WorkgroupID), checkFinite("value", c.Value), checkText("note", c.Note, false)); err != nil {
		return nil, err
	}
	w, err := d.workgroup(c.WorkgroupID)
	if err != nil {
		return nil, err
	}
	if !d.by.convener() && !w.HasMember(d.by.member.ID) {
		return nil, Errorf(Forbidden, "only a convener or a member of workgroup %s (%s) can report its progress; %s", w.ID, w.Name, d.by.describe())
	}
	if err := w.mustBeOpen("no more progress is reported on it"); err != nil {
		return nil, err
	}
	return one(WorkgroupProgressReported{WorkgroupID: w.ID, Value: c.Value, Note: c.Note})
}

func (d decision) closeWorkgroup(c CloseWorkgroup) ([]EventData, error) {
	if err := d.by.mustConvene("close a workgroup"); err != nil {
		return nil, err
	}
	if err := firstError(
		checkID("workgroup id", c.WorkgroupID),
		checkOneOf("outcome", string(c.Outcome), string(WorkgroupMet), string(WorkgroupMissed), string(WorkgroupDissolved)),
		checkText("note", c.Note, false),
	); err != nil {
		return nil, err
	}
	w, err := d.openWorkgroup(c.WorkgroupID, "it cannot be closed again")
	if err != nil {
		return nil, err
	}
	return one(WorkgroupClosed{WorkgroupID: w.ID, Outcome: c.Outcome, Note: c.Note})
}

// workgroup returns the workgroup with id, or a NotFound error.
func (d decision) workgroup(id string) (Workgroup, error) {
	w, ok := d.s.Workgroup(id)
	if !ok {
		return Workgroup{}, Errorf(NotFound, "no workgroup %s in alliance %s", id, d.s.ID)
	}
	return w, nil
}

// openWorkgroup returns the workgroup with id: NotFound when there is none,
// Conflict when it is closed (see mustBeOpen).
func (d decision) openWorkgroup(id, consequence string) (Workgroup, error) {
	w, err := d.workgroup(id)
	if err != nil {
		return Workgroup{}, err
	}
	return w, w.mustBeOpen(consequence)
}

// mustBeOpen returns a Conflict once the workgroup is closed, saying when
// and how, then the consequence for the command refused.
func (w Workgroup) mustBeOpen(consequence string) error {
	if w.Status == StatusOpen {
		return nil
	}
	var seq uint64
	if w.Closure != nil {
		seq = w.Closure.Seq
	}
	return Errorf(Conflict, "workgroup %s (%s) was closed as %s at seq %d: %s", w.ID, w.Name, w.Status, seq, consequence)
}

// evolveWorkgroup applies the events of a workgroup's life after its
// formation; one naming no workgroup of the state changes nothing.
func (a *Alliance) evolveWorkgroup(e Event) {
	i, ok := lookup(a.workgroupIdx, workgroupOf(e.Data), len(a.Workgroups))
	if !ok {
		return
	}
	w := &a.Workgroups[i]
	switch d := e.Data.(type) {
	case WorkgroupMembersChanged:
		w.MemberIDs = slices.DeleteFunc(w.MemberIDs, func(id string) bool { return slices.Contains(d.Removed, id) })
		w.MemberIDs = append(w.MemberIDs, d.Added...)
	case WorkgroupProgressReported:
		w.Progress = append(w.Progress, Progress{Value: d.Value, Note: d.Note, Seq: e.Seq, At: e.At})
	case WorkgroupClosed:
		w.Status = Status(d.Outcome)
		w.Closure = &Closure{Note: d.Note, Seq: e.Seq, At: e.At}
	}
}

// workgroupOf returns the workgroup id an event is about, or "".
func workgroupOf(data EventData) string {
	switch d := data.(type) {
	case WorkgroupMembersChanged:
		return d.WorkgroupID
	case WorkgroupProgressReported:
		return d.WorkgroupID
	case WorkgroupClosed:
		return d.WorkgroupID
	}
	return ""
}
