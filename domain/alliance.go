package domain

import (
	"encoding/json"
	"time"
)

// Alliance is the current state of one alliance: every fact of its ledger up
// to Seq, folded by Evolve. It is a value; its JSON is the state shape of docs/API.md.
// Arrays keep ledger order; the unexported indexes make lookups O(1) and are
// rebuilt by UnmarshalJSON, so a snapshot decodes into a usable state.
// Proxies are the grants in force. Predecessor is the head of the alliance
// it succeeds (nil when none); which alliances succeed it is for the read
// models to know, as no event of its own records them.
type Alliance struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	Purpose     string        `json:"purpose"`
	Charter     Charter       `json:"charter"`
	Seq         uint64        `json:"seq"`
	FormedAt    time.Time     `json:"formed_at"`
	Members     []Member      `json:"members"`
	Observers   []Observer    `json:"observers"`
	Workgroups  []Workgroup   `json:"workgroups"`
	Proposals   []Proposal    `json:"proposals"`
	Commitments []Commitment  `json:"commitments"`
	Proxies     []ProxyGrant  `json:"proxies"`
	Witnesses   []Witness     `json:"witnesses"`
	Concluded   bool          `json:"concluded"`
	Conclusion  *Conclusion   `json:"conclusion,omitempty"`
	Predecessor *AllianceHead `json:"predecessor"`

	memberIdx     map[string]int
	observerIdx   map[string]int
	workgroupIdx  map[string]int
	proposalIdx   map[string]int
	commitmentIdx map[string]int
}

// Formed reports whether the alliance exists, i.e. AllianceFormed was applied.
func (a Alliance) Formed() bool { return a.ID != "" }

// Member returns the member with id, and false if there is none.
func (a Alliance) Member(id string) (Member, bool) {
	i, ok := lookup(a.memberIdx, id, len(a.Members))
	if !ok {
		return Member{}, false
	}
	return a.Members[i], true
}

// Observer returns the observer with id, and false if there is none.
func (a Alliance) Observer(id string) (Observer, bool) {
	i, ok := lookup(a.observerIdx, id, len(a.Observers))
	if !ok {
		return Observer{}, false
	}
	return a.Observers[i], true
}

// Workgroup returns the workgroup with id, and false if there is none.
func (a Alliance) Workgroup(id string) (Workgroup, bool) {
	i, ok := lookup(a.workgroupIdx, id, len(a.Workgroups))
	if !ok {
		return Workgroup{}, false
	}
	return a.Workgroups[i], true
}

// Proposal returns the proposal with id, and false if there is none. The
// returned value shares its amendments, stances and voting with the state:
// read it, do not modify it (Clone first).
func (a Alliance) Proposal(id string) (Proposal, bool) {
	i, ok := lookup(a.proposalIdx, id, len(a.Proposals))
	if !ok {
		return Proposal{}, false
	}
	return a.Proposals[i], true
}

// Commitment returns the commitment with id, and false if there is none. Its
// progress slice is shared with the state.
func (a Alliance) Commitment(id string) (Commitment, bool) {
	i, ok := lookup(a.commitmentIdx, id, len(a.Commitments))
	if !ok {
		return Commitment{}, false
	}
	return a.Commitments[i], true
}

// lookup finds id in an index. The bound check keeps an older copy of a state
// whose index Evolve has since grown from reading past its own slice.
func lookup(idx map[string]int, id string, n int) (int, bool) {
	i, ok := idx[id]
	if !ok || i >= n {
		return 0, false
	}
	return i, true
}

// ActiveMembers returns the ids of the active members in admission order.
// It returns an empty, non-nil slice when there are none.
func (a Alliance) ActiveMembers() []string {
	ids := []string{}
	for _, m := range a.Members {
		if m.Status == StatusActive {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// allianceJSON has Alliance's fields without its methods, so marshalling it
// does not recurse.
type allianceJSON Alliance

// MarshalJSON returns the state shape of docs/API.md, with empty arrays as [].
func (a Alliance) MarshalJSON() ([]byte, error) {
	out := allianceJSON(a)
	out.Members = nonNil(out.Members)
	out.Observers = nonNil(out.Observers)
	out.Workgroups = nonNil(out.Workgroups)
	out.Proposals = nonNil(out.Proposals)
	out.Commitments = nonNil(out.Commitments)
	out.Proxies = nonNil(out.Proxies)
	out.Witnesses = nonNil(out.Witnesses)
	return json.Marshal(out)
}

// UnmarshalJSON decodes a state (e.g. a snapshot) and rebuilds its indexes.
// It returns the decoding error of encoding/json on malformed input.
func (a *Alliance) UnmarshalJSON(b []byte) error {
	var in allianceJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*a = Alliance(in)
	a.reindex()
	return nil
}

// reindex rebuilds every index from the arrays.
func (a *Alliance) reindex() {
	a.memberIdx = indexBy(a.Members, func(m Member) string { return m.ID })
	a.observerIdx = indexBy(a.Observers, func(o Observer) string { return o.ID })
	a.workgroupIdx = indexBy(a.Workgroups, func(w Workgroup) string { return w.ID })
	a.proposalIdx = indexBy(a.Proposals, func(p Proposal) string { return p.ID })
	a.commitmentIdx = indexBy(a.Commitments, func(c Commitment) string { return c.ID })
}

func indexBy[T any](items []T, key func(T) string) map[string]int {
	idx := make(map[string]int, len(items))
	for i, it := range items {
		idx[key(it)] = i
	}
	return idx
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Status is where a member, proposal, amendment, commitment or workgroup
// stands. A closed workgroup's status is its outcome (WorkgroupOutcome).
type Status string

// The statuses of members, proposals, amendments, commitments and
// workgroups, as they appear in the state's JSON.
const (
	StatusActive    Status = "active"    // member
	StatusWithdrawn Status = "withdrawn" // member, proposal, commitment
	StatusOpen      Status = "open"      // proposal (accepting amendments), commitment, workgroup
	StatusVoting    Status = "voting"    // proposal
	StatusAdopted   Status = "adopted"   // proposal
	StatusRejected  Status = "rejected"  // proposal, amendment
	StatusProposed  Status = "proposed"  // amendment
	StatusAccepted  Status = "accepted"  // amendment
	StatusFulfilled Status = "fulfilled" // commitment
)
