package projections

import "accord/domain"

// WorkgroupView is a workgroup as readers get it: the state's workgroup
// (members, progress history, status, closure) with Latest, the last value
// reported against its target (null before any), Overdue, true while it is
// open past its due date, and Commitments, the ids of the commitments made
// toward it.
type WorkgroupView struct {
	domain.Workgroup
	Latest      *float64 `json:"latest"`
	Overdue     bool     `json:"overdue"`
	Commitments []string `json:"commitments"`
}

// Workgroups is an alliance's workgroups as of Seq, judged overdue against
// Today (a date, UTC).
type Workgroups struct {
	Workgroups []WorkgroupView `json:"workgroups"`
	Seq        uint64          `json:"seq"`
	Today      string          `json:"today"`
}

// Workgroups returns the alliance's workgroups at this moment, in the
// order they were formed, copied out of the state.
func (m Moment) Workgroups() Workgroups {
	today := Day(m.Today)
	out := Workgroups{Workgroups: make([]WorkgroupView, len(m.State.Workgroups)), Seq: m.State.Seq, Today: today}
	idx := make(map[string]int, len(m.State.Workgroups))
	for i, w := range m.State.Workgroups {
		out.Workgroups[i] = workgroupView(w, today)
		idx[w.ID] = i
	}
	for _, c := range m.State.Commitments {
		if i, ok := idx[c.WorkgroupID]; ok {
			out.Workgroups[i].Commitments = append(out.Workgroups[i].Commitments, c.ID)
		}
	}
	return out
}

// Workgroup returns one workgroup at this moment, and false when there is
// none (then).
func (m Moment) Workgroup(id string) (WorkgroupView, bool) {
	w, ok := m.State.Workgroup(id)
	if !ok {
		return WorkgroupView{}, false
	}
	v := workgroupView(w, Day(m.Today))
	for _, c := range m.State.Commitments {
		if c.WorkgroupID == id {
			v.Commitments = append(v.Commitments, c.ID)
		}
	}
	return v, true
}

// workgroupView copies w (its slices too) into a view judged on today.
func workgroupView(w domain.Workgroup, today string) WorkgroupView {
	w.MemberIDs = append([]string{}, w.MemberIDs...)
	w.Progress = append([]domain.Progress{}, w.Progress...)
	if w.Closure != nil {
		c := *w.Closure
		w.Closure = &c
	}
	return WorkgroupView{
		Workgroup: w, Latest: latestOf(w.Progress), Commitments: []string{},
		Overdue: w.Status == domain.StatusOpen && Overdue(w.Due, today),
	}
}
