package domain

import "slices"

// Undo keeps what it takes to put a state back as it was before some events
// evolved it in place: the state's own fields as they were (its slices'
// lengths among them, which drop whatever was appended since), and a copy of
// each item an event was about to change in place. The write side decides a
// batch of commands against its state, evolving it as it goes so that each
// command sees the ones before it; when the batch's message is refused it
// reverts. Saving only what the batch touches costs the same in an alliance
// of a hundred events and of a million, where a copy of the whole state
// would grow with its history.
//
// The zero Undo is ready to use. One Undo follows one state: evolve it only
// through EvolveUndoable until Revert or Forget.
type Undo struct {
	saved bool
	was   Alliance

	members     map[int]Member
	workgroups  map[int]Workgroup
	proposals   map[int]Proposal
	commitments map[int]Commitment
	proxies     []ProxyGrant // the grants as they were, once a revocation rewrote them
	proxiesSet  bool
}

// EvolveUndoable applies e to a in place, as Evolve does, after noting in u
// what Revert needs to take it back.
func (a *Alliance) EvolveUndoable(e Event, u *Undo) {
	u.note(a, e)
	a.EvolveInPlace(e)
}

// Revert puts a back as it was before the first event evolved through u,
// and empties u.
func (a *Alliance) Revert(u *Undo) {
	if !u.saved {
		return
	}
	was := u.was
	dropAdded(a.memberIdx, a.Members, len(was.Members), func(m Member) string { return m.ID })
	dropAdded(a.observerIdx, a.Observers, len(was.Observers), func(o Observer) string { return o.ID })
	dropAdded(a.workgroupIdx, a.Workgroups, len(was.Workgroups), func(w Workgroup) string { return w.ID })
	dropAdded(a.proposalIdx, a.Proposals, len(was.Proposals), func(p Proposal) string { return p.ID })
	dropAdded(a.commitmentIdx, a.Commitments, len(was.Commitments), func(c Commitment) string { return c.ID })
	*a = was
	restore(a.Members, u.members)
	restore(a.Workgroups, u.workgroups)
	restore(a.Proposals, u.proposals)
	restore(a.Commitments, u.commitments)
	if u.proxiesSet {
		a.Proxies = u.proxies
	}
	*u = Undo{}
}

// Forget empties u, keeping the events evolved through it.
func (u *Undo) Forget() { *u = Undo{} }

// note saves, before e is applied to a, the fields of a and every item of a
// that e changes in place. Items added since the first note need no copy:
// reverting drops them. What each event touches mirrors Evolve; the undo
// tests hold every event of the catalogue to it.
func (u *Undo) note(a *Alliance, e Event) {
	if !u.saved {
		u.was, u.saved = *a, true
	}
	switch d := e.Data.(type) {
	case MemberWithdrew:
		u.keepMember(a, d.MemberID)
		for j := range u.was.Proposals {
			if a.Proposals[j].Status == StatusVoting {
				keep(&u.proposals, a.Proposals, j, Proposal.clone)
			}
		}
	case MemberKeyRegistered:
		u.keepMember(a, d.MemberID)
	case WorkgroupMembersChanged, WorkgroupProgressReported, WorkgroupClosed:
		if i, ok := lookup(a.workgroupIdx, workgroupOf(d), len(u.was.Workgroups)); ok {
			keep(&u.workgroups, a.Workgroups, i, Workgroup.clone)
		}
	case ProgressReported, CommitmentFulfilled, CommitmentWithdrawn:
		if i, ok := lookup(a.commitmentIdx, commitmentOf(d), len(u.was.Commitments)); ok {
			keep(&u.commitments, a.Commitments, i, Commitment.clone)
		}
	case ProxyRevoked:
		if !u.proxiesSet {
			// Grants are only appended until a revocation rewrites the
			// slice in place, so its first len(was) items are still the
			// old ones here.
			u.proxies, u.proxiesSet = slices.Clone(u.was.Proxies), true
		}
	default:
		if i, ok := lookup(a.proposalIdx, proposalOf(d), len(u.was.Proposals)); ok {
			keep(&u.proposals, a.Proposals, i, Proposal.clone)
		}
	}
}

func (u *Undo) keepMember(a *Alliance, id string) {
	if i, ok := lookup(a.memberIdx, id, len(u.was.Members)); ok {
		keep(&u.members, a.Members, i, func(m Member) Member { return m })
	}
}

// keep saves a copy of items[i] in *saved unless one is there already: the
// first copy is the item as it was.
func keep[T any](saved *map[int]T, items []T, i int, clone func(T) T) {
	if _, ok := (*saved)[i]; ok {
		return
	}
	if *saved == nil {
		*saved = map[int]T{}
	}
	(*saved)[i] = clone(items[i])
}

func restore[T any](items []T, saved map[int]T) {
	for i, it := range saved {
		items[i] = it
	}
}

// dropAdded removes from idx the items added past n.
func dropAdded[T any](idx map[string]int, items []T, n int, id func(T) string) {
	for i := n; i < len(items); i++ {
		if k := id(items[i]); idx[k] == i {
			delete(idx, k)
		}
	}
}
