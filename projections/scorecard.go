package projections

import (
	"time"

	"accord/domain"
)

// Scorecard is how each member of an alliance and each of its workgroups
// is doing, as of Seq: what each member committed to and where it stands,
// how it took part in the votes it was eligible for, and the proxies it
// holds and gave; and each workgroup's progress against its aim. Today is
// the date (UTC) against which due dates are judged overdue.
type Scorecard struct {
	AllianceID string           `json:"alliance_id"`
	Seq        uint64           `json:"seq"`
	Today      string           `json:"today"`
	Members    []MemberScore    `json:"members"`
	Workgroups []WorkgroupScore `json:"workgroups"`
}

// MemberScore is one member's line of the scorecard, in admission order.
type MemberScore struct {
	MemberID    string             `json:"member_id"`
	Name        string             `json:"name"`
	Sector      string             `json:"sector"`
	Role        domain.Role        `json:"role"`
	Status      domain.Status      `json:"status"`
	Commitments CommitmentsByState `json:"commitments"`
	Votes       VoteRecord         `json:"votes"`
	Proxies     ProxiesOf          `json:"proxies"`
}

// CommitmentsByState counts a member's (or a workgroup's) commitments by
// state, overdue being the open ones past their due date, and lists them.
type CommitmentsByState struct {
	Open      int               `json:"open"`
	Fulfilled int               `json:"fulfilled"`
	Withdrawn int               `json:"withdrawn"`
	Overdue   int               `json:"overdue"`
	Items     []CommitmentScore `json:"items"`
}

// CommitmentScore is one commitment against its target: Latest is the last
// value reported (the final value once fulfilled), null before any.
type CommitmentScore struct {
	ID          string        `json:"id"`
	MemberID    string        `json:"member_id"`
	ProposalID  string        `json:"proposal_id,omitempty"`
	WorkgroupID string        `json:"workgroup_id,omitempty"`
	Description string        `json:"description"`
	Metric      string        `json:"metric"`
	Target      float64       `json:"target"`
	Latest      *float64      `json:"latest"`
	Due         string        `json:"due"`
	Status      domain.Status `json:"status"`
	Overdue     bool          `json:"overdue"`
}

// ProxiesOf is a member's proxy grants in force: those it holds (others'
// stances it may cast) and those it gave (who may cast its own).
type ProxiesOf struct {
	Held  []domain.ProxyGrant `json:"held"`
	Given []domain.ProxyGrant `json:"given"`
}

// WorkgroupScore is one workgroup's progress against its aim: Latest is
// the last value reported on it, null before any, out of Reports reports;
// Overdue is true while it is open past its due date. Commitments are
// those made toward it.
type WorkgroupScore struct {
	WorkgroupID string             `json:"workgroup_id"`
	Name        string             `json:"name"`
	Aim         string             `json:"aim"`
	Metric      string             `json:"metric"`
	Target      float64            `json:"target"`
	Latest      *float64           `json:"latest"`
	Reports     int                `json:"reports"`
	Due         string             `json:"due"`
	Status      domain.Status      `json:"status"`
	Overdue     bool               `json:"overdue"`
	Members     int                `json:"members"`
	Commitments CommitmentsByState `json:"commitments"`
}

// Scorecard returns the scorecard of the alliance at this moment. It
// walks the state's members, commitments, grants and workgroups once;
// the vote counts come folded (see voteModel).
func (m Moment) Scorecard() Scorecard {
	st, today := m.State, Day(m.Today)
	card := Scorecard{AllianceID: st.ID, Seq: st.Seq, Today: today, Members: make([]MemberScore, len(st.Members)), Workgroups: make([]WorkgroupScore, len(st.Workgroups))}
	row := make(map[string]*MemberScore, len(st.Members))
	for i, mem := range st.Members {
		card.Members[i] = MemberScore{
			MemberID: mem.ID, Name: mem.Name, Sector: mem.Sector, Role: mem.Role, Status: mem.Status,
			Commitments: CommitmentsByState{Items: []CommitmentScore{}}, Votes: m.votes[mem.ID],
			Proxies: ProxiesOf{Held: []domain.ProxyGrant{}, Given: []domain.ProxyGrant{}},
		}
		row[mem.ID] = &card.Members[i]
	}
	group := make(map[string]*WorkgroupScore, len(st.Workgroups))
	for i, w := range st.Workgroups {
		card.Workgroups[i] = workgroupScore(w, today)
		group[w.ID] = &card.Workgroups[i]
	}
	for _, c := range st.Commitments {
		sc := commitmentScore(c, today)
		if r, ok := row[c.MemberID]; ok {
			r.Commitments.add(sc)
		}
		if g, ok := group[c.WorkgroupID]; ok {
			g.Commitments.add(sc)
		}
	}
	for _, g := range st.Proxies {
		if r, ok := row[g.ProxyID]; ok {
			r.Proxies.Held = append(r.Proxies.Held, g)
		}
		if r, ok := row[g.GrantorID]; ok {
			r.Proxies.Given = append(r.Proxies.Given, g)
		}
	}
	return card
}

// add counts and lists one commitment.
func (c *CommitmentsByState) add(sc CommitmentScore) {
	switch sc.Status {
	case domain.StatusOpen:
		c.Open++
	case domain.StatusFulfilled:
		c.Fulfilled++
	case domain.StatusWithdrawn:
		c.Withdrawn++
	}
	if sc.Overdue {
		c.Overdue++
	}
	c.Items = append(c.Items, sc)
}

func commitmentScore(c domain.Commitment, today string) CommitmentScore {
	var latest *float64
	switch {
	case c.Value != nil:
		v := *c.Value
		latest = &v
	case len(c.Progress) > 0:
		v := c.Progress[len(c.Progress)-1].Value
		latest = &v
	}
	return CommitmentScore{
		ID: c.ID, MemberID: c.MemberID, ProposalID: c.ProposalID, WorkgroupID: c.WorkgroupID,
		Description: c.Description, Metric: c.Metric, Target: c.Target, Latest: latest, Due: c.Due,
		Status: c.Status, Overdue: c.Status == domain.StatusOpen && Overdue(c.Due, today),
	}
}

func workgroupScore(w domain.Workgroup, today string) WorkgroupScore {
	return WorkgroupScore{
		WorkgroupID: w.ID, Name: w.Name, Aim: w.Aim, Metric: w.Metric, Target: w.Target,
		Latest: latestOf(w.Progress), Reports: len(w.Progress), Due: w.Due, Status: w.Status,
		Overdue: w.Status == domain.StatusOpen && Overdue(w.Due, today), Members: len(w.MemberIDs),
		Commitments: CommitmentsByState{Items: []CommitmentScore{}},
	}
}

// latestOf returns the last value of a progress history, nil when empty.
func latestOf(progress []domain.Progress) *float64 {
	if len(progress) == 0 {
		return nil
	}
	v := progress[len(progress)-1].Value
	return &v
}

// Day returns t's date in UTC as YYYY-MM-DD, the form due dates take.
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Overdue reports whether something due on the date due (YYYY-MM-DD) is
// overdue on the date today: the due date has passed. Dates of that form
// compare as strings.
func Overdue(due, today string) bool { return due != "" && due < today }
