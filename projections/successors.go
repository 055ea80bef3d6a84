package projections

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	"accord/domain"
)

// Successor is an alliance formed as the successor of another: its id and
// name, when it was formed, and the head of the predecessor it recorded
// (Seq and Hash: the predecessor's last event at that moment).
type Successor struct {
	AllianceID string    `json:"alliance_id"`
	Name       string    `json:"name"`
	FormedAt   time.Time `json:"formed_at"`
	Seq        uint64    `json:"seq"`
	Hash       string    `json:"hash"`
}

// AllianceState is an alliance's state as readers get it: the domain's
// state, whose Predecessor names the alliance it succeeds, and Successors,
// the alliances that name it as theirs, which no event of its own records
// (the read models index them across alliances).
type AllianceState struct {
	domain.Alliance
	Successors []Successor
}

// MarshalJSON returns the state's JSON with "successors" added (always a
// list, empty when there is none).
func (s AllianceState) MarshalJSON() ([]byte, error) {
	state, err := json.Marshal(s.Alliance)
	if err != nil {
		return nil, err
	}
	succ, err := json.Marshal(nonNilSuccessors(s.Successors))
	if err != nil {
		return nil, err
	}
	state = bytes.TrimSuffix(state, []byte("}"))
	state = append(state, `,"successors":`...)
	state = append(state, succ...)
	return append(state, '}'), nil
}

// UnmarshalJSON decodes a state with its successors; it returns the error
// of encoding/json on malformed input.
func (s *AllianceState) UnmarshalJSON(b []byte) error {
	var succ struct {
		Successors []Successor `json:"successors"`
	}
	if err := json.Unmarshal(b, &succ); err != nil {
		return err
	}
	if err := json.Unmarshal(b, &s.Alliance); err != nil {
		return err
	}
	s.Successors = succ.Successors
	return nil
}

func nonNilSuccessors(s []Successor) []Successor {
	if s == nil {
		return []Successor{}
	}
	return s
}

// indexSuccessor notes, under the write lock, the alliance aid, whose
// directory entry is e, as a successor of the predecessor it names, if any.
func (p *Projection) indexSuccessor(aid string, e *dirEntry) {
	if e.Predecessor == nil {
		return
	}
	if p.successors == nil {
		p.successors = map[string][]Successor{}
	}
	head := e.Predecessor
	list := p.successors[head.AllianceID]
	if slices.ContainsFunc(list, func(s Successor) bool { return s.AllianceID == aid }) {
		return
	}
	list = append(list, Successor{AllianceID: aid, Name: e.Name, FormedAt: e.FormedAt, Seq: head.Seq, Hash: head.Hash})
	slices.SortStableFunc(list, func(a, b Successor) int { return a.FormedAt.Compare(b.FormedAt) })
	p.successors[head.AllianceID] = list
}

// Successors returns the alliances formed as successors of st's alliance
// that a reader of st, a state as of some point, can know of: those whose
// recorded head of it is at or before st.Seq (the state right after its
// event N lasts until its event N+1, and a successor formed in that time
// recorded N), and, when at is given (a state as of an instant), formed at
// or before it. They are in the order they were formed.
func (p *Projection) Successors(st domain.Alliance, at *time.Time) []Successor {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := []Successor{}
	for _, s := range p.successors[st.ID] {
		if s.Seq <= st.Seq && (at == nil || !s.FormedAt.After(*at)) {
			out = append(out, s)
		}
	}
	return out
}
