package domain

import "slices"

// Evolve applies one fact to the state and returns the new state. It never
// fails and never validates: the event happened. An event of an unknown
// type, or one naming a thing the state does not hold, changes nothing but
// Seq. The write side, read models, time travel and the offline verifier all
// fold with this one function.
//
// For speed Evolve may modify what s shares with its copies (slice elements,
// maps): a caller that still needs the old state must Clone it first.
// Event data must be values, as Decode and NewEvent make them.
func Evolve(s Alliance, e Event) Alliance {
	s.EvolveInPlace(e)
	return s
}

// EvolveInPlace applies e to a itself: Evolve without copying the state in
// and out, for a caller that keeps only the new state (a fold).
func (a *Alliance) EvolveInPlace(e Event) {
	a.Seq = e.Seq
	switch d := e.Data.(type) {
	case AllianceFormed:
		a.ID, a.Name, a.Purpose, a.Charter, a.FormedAt = e.AllianceID, d.Name, d.Purpose, d.Charter.withPolicyDefaults(), e.At
		a.Predecessor = copyHead(d.Predecessor)
	case MemberAdmitted:
		a.admit(e, d)
	case MemberWithdrew:
		a.withdraw(d)
	case MemberKeyRegistered:
		a.registerKey(e, d)
	case ObserverAdded:
		a.addObserver(d)
	case WitnessAdded:
		a.addWitness(e, d)
	case WorkgroupFormed:
		a.formWorkgroup(d)
	case CharterAmended:
		a.Charter = d.Charter.withPolicyDefaults()
	case CommitmentMade:
		a.makeCommitment(d)
	case ProgressReported, CommitmentFulfilled, CommitmentWithdrawn:
		a.evolveCommitment(e)
	case WorkgroupMembersChanged, WorkgroupProgressReported, WorkgroupClosed:
		a.evolveWorkgroup(e)
	case ProxyGranted:
		a.grantProxy(e, d)
	case ProxyRevoked:
		a.revokeProxy(d)
	case AllianceConcluded:
		a.conclude(e, d)
	default:
		a.evolveProposal(e)
	}
}

func (a *Alliance) admit(e Event, d MemberAdmitted) {
	if _, dup := a.memberIdx[d.MemberID]; dup {
		return
	}
	a.memberIdx = put(a.memberIdx, d.MemberID, len(a.Members))
	a.Members = append(a.Members, Member{
		ID: d.MemberID, Name: d.Name, Sector: d.Sector, Role: d.Role,
		Status: StatusActive, AdmittedSeq: e.Seq,
	})
}

// withdraw marks the member withdrawn and, per the eligibility rule of docs/RULES.md,
// removes them from every vote still open, dropping their stance. Their
// workgroups and commitments stay as history.
func (a *Alliance) withdraw(d MemberWithdrew) {
	i, ok := lookup(a.memberIdx, d.MemberID, len(a.Members))
	if !ok {
		return
	}
	a.Members[i].Status = StatusWithdrawn
	for j := range a.Proposals {
		p := &a.Proposals[j]
		if p.Status != StatusVoting || p.Voting == nil {
			continue
		}
		p.Voting.Eligible = slices.DeleteFunc(p.Voting.Eligible, func(id string) bool { return id == d.MemberID })
		delete(p.Stances, d.MemberID)
	}
}

func (a *Alliance) addObserver(d ObserverAdded) {
	if _, dup := a.observerIdx[d.ObserverID]; dup {
		return
	}
	a.observerIdx = put(a.observerIdx, d.ObserverID, len(a.Observers))
	a.Observers = append(a.Observers, Observer{ID: d.ObserverID, Name: d.Name})
}

func (a *Alliance) formWorkgroup(d WorkgroupFormed) {
	if _, dup := a.workgroupIdx[d.WorkgroupID]; dup {
		return
	}
	a.workgroupIdx = put(a.workgroupIdx, d.WorkgroupID, len(a.Workgroups))
	a.Workgroups = append(a.Workgroups, Workgroup{
		ID: d.WorkgroupID, Name: d.Name, Aim: d.Aim, Metric: d.Metric,
		Target: d.Target, Due: d.Due, MemberIDs: append([]string{}, d.MemberIDs...),
		Status: StatusOpen, Progress: []Progress{},
	})
}

func (a *Alliance) makeCommitment(d CommitmentMade) {
	if _, dup := a.commitmentIdx[d.CommitmentID]; dup {
		return
	}
	a.commitmentIdx = put(a.commitmentIdx, d.CommitmentID, len(a.Commitments))
	a.Commitments = append(a.Commitments, Commitment{
		ID: d.CommitmentID, MemberID: d.MemberID, ProposalID: d.ProposalID, WorkgroupID: d.WorkgroupID,
		Description: d.Description, Metric: d.Metric, Target: d.Target, Due: d.Due,
		Status: StatusOpen, Progress: []Progress{},
	})
}

func (a *Alliance) evolveCommitment(e Event) {
	i, ok := lookup(a.commitmentIdx, commitmentOf(e.Data), len(a.Commitments))
	if !ok {
		return
	}
	c := &a.Commitments[i]
	switch d := e.Data.(type) {
	case ProgressReported:
		c.Progress = append(c.Progress, Progress{Value: d.Value, Note: d.Note, Seq: e.Seq, At: e.At})
	case CommitmentFulfilled:
		c.Status = StatusFulfilled
		value := d.FinalValue(*c)
		c.Value = &value
	case CommitmentWithdrawn:
		c.Status = StatusWithdrawn
	}
}

// commitmentOf returns the commitment id an event is about, or "".
func commitmentOf(data EventData) string {
	switch d := data.(type) {
	case ProgressReported:
		return d.CommitmentID
	case CommitmentFulfilled:
		return d.CommitmentID
	case CommitmentWithdrawn:
		return d.CommitmentID
	}
	return ""
}

// put sets idx[key] = i, making the map on first use so the zero Alliance
// is ready to fold.
func put(idx map[string]int, key string, i int) map[string]int {
	if idx == nil {
		idx = make(map[string]int)
	}
	idx[key] = i
	return idx
}
