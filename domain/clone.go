package domain

import (
	"maps"
	"slices"
)

// Clone returns a deep copy of the state: nothing reachable from the copy is
// shared with a, so Evolve may then mutate either without touching the other.
func (a Alliance) Clone() Alliance {
	c := a
	c.Members = slices.Clone(a.Members)
	c.Observers = slices.Clone(a.Observers)
	c.Workgroups = cloneEach(a.Workgroups, Workgroup.clone)
	c.Proposals = cloneEach(a.Proposals, Proposal.clone)
	c.Commitments = cloneEach(a.Commitments, Commitment.clone)
	c.Proxies = slices.Clone(a.Proxies)
	c.Witnesses = slices.Clone(a.Witnesses)
	c.Predecessor = copyHead(a.Predecessor)
	if a.Conclusion != nil {
		concl := *a.Conclusion
		c.Conclusion = &concl
	}
	c.memberIdx = maps.Clone(a.memberIdx)
	c.observerIdx = maps.Clone(a.observerIdx)
	c.workgroupIdx = maps.Clone(a.workgroupIdx)
	c.proposalIdx = maps.Clone(a.proposalIdx)
	c.commitmentIdx = maps.Clone(a.commitmentIdx)
	return c
}

func cloneEach[T any](items []T, clone func(T) T) []T {
	if items == nil {
		return nil
	}
	out := make([]T, len(items))
	for i, it := range items {
		out[i] = clone(it)
	}
	return out
}

func (w Workgroup) clone() Workgroup {
	w.MemberIDs = slices.Clone(w.MemberIDs)
	w.Progress = slices.Clone(w.Progress)
	if w.Closure != nil {
		c := *w.Closure
		w.Closure = &c
	}
	return w
}

func (p Proposal) clone() Proposal {
	if p.Charter != nil {
		ch := *p.Charter
		p.Charter = &ch
	}
	p.Amendments = slices.Clone(p.Amendments)
	p.Voting = p.Voting.clone()
	p.Stances = maps.Clone(p.Stances)
	if p.ProxyCasts != nil {
		casts := make(map[string][]string, len(p.ProxyCasts))
		for proxy, grantors := range p.ProxyCasts {
			casts[proxy] = slices.Clone(grantors)
		}
		p.ProxyCasts = casts
	}
	if p.Outcome != nil {
		o := *p.Outcome
		p.Outcome = &o
	}
	return p
}

func (v *Voting) clone() *Voting {
	if v == nil {
		return nil
	}
	c := *v
	c.Eligible = slices.Clone(v.Eligible)
	if v.ClosesAt != nil {
		t := *v.ClosesAt
		c.ClosesAt = &t
	}
	return &c
}

func (c Commitment) clone() Commitment {
	c.Progress = slices.Clone(c.Progress)
	if c.Value != nil {
		v := *c.Value
		c.Value = &v
	}
	return c
}

// Clone returns a deep copy of the proposal: nothing reachable from the copy
// is shared with p.
func (p Proposal) Clone() Proposal { return p.clone() }

// Clone returns a deep copy of the commitment: nothing reachable from the
// copy is shared with c.
func (c Commitment) Clone() Commitment { return c.clone() }
