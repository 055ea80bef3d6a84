package domain

import (
	"strings"
	"time"
)

// Commitment is a member's measurable commitment on an adopted proposal
// (ProposalID) or toward a workgroup's aim (WorkgroupID). Status is open,
// fulfilled or withdrawn; Progress lists each report in ledger order. Value
// is the final value, set once it is fulfilled. A commitment toward a
// workgroup stays the member's when it leaves the workgroup or the
// workgroup closes.
type Commitment struct {
	ID          string     `json:"id"`
	MemberID    string     `json:"member_id"`
	ProposalID  string     `json:"proposal_id,omitempty"`
	WorkgroupID string     `json:"workgroup_id,omitempty"`
	Description string     `json:"description"`
	Metric      string     `json:"metric"`
	Target      float64    `json:"target"`
	Due         string     `json:"due"`
	Status      Status     `json:"status"`
	Progress    []Progress `json:"progress"`
	Value       *float64   `json:"value,omitempty"`
}

// Progress is one measured value reported on a commitment.
type Progress struct {
	Value float64   `json:"value"`
	Note  string    `json:"note"`
	Seq   uint64    `json:"seq"`
	At    time.Time `json:"at"`
}

func (d decision) makeCommitment(c MakeCommitment) ([]EventData, error) {
	if err := d.by.mustBeMember("make commitments"); err != nil {
		return nil, err
	}
	c.Metric = strings.TrimSpace(c.Metric)
	if err := firstError(
		checkID("commitment id", c.CommitmentID),
		checkCommitmentTarget(c.ProposalID, c.WorkgroupID),
		checkText("description", c.Description, true),
		checkName("metric", c.Metric),
		checkFinite("target", c.Target),
		checkDate("due", c.Due),
	); err != nil {
		return nil, err
	}
	if err := d.mayCommitOn(c.ProposalID, c.WorkgroupID); err != nil {
		return nil, err
	}
	if old, ok := d.s.Commitment(c.CommitmentID); ok {
		return nil, Errorf(Conflict, "commitment %s was already made by member %s", old.ID, old.MemberID)
	}
	return one(CommitmentMade{
		CommitmentID: c.CommitmentID, MemberID: d.by.member.ID, ProposalID: c.ProposalID, WorkgroupID: c.WorkgroupID,
		Description: c.Description, Metric: c.Metric, Target: c.Target, Due: c.Due,
	})
}

// checkCommitmentTarget returns Invalid unless exactly one of the two ids
// is given, and well formed.
func checkCommitmentTarget(proposalID, workgroupID string) error {
	switch {
	case proposalID != "" && workgroupID != "":
		return Errorf(Invalid, "a commitment is made on a proposal or toward a workgroup: give proposal_id or workgroup_id, not both")
	case workgroupID != "":
		return checkID("workgroup_id", workgroupID)
	case proposalID == "":
		return Errorf(Invalid, "proposal_id or workgroup_id is required: a commitment is made on an adopted proposal or toward a workgroup's aim")
	}
	return checkID("proposal_id", proposalID)
}

// mayCommitOn checks what a commitment is made on: an adopted proposal, or
// an open workgroup the acting member belongs to. It returns NotFound when
// there is no such thing, Conflict when the proposal is not adopted or the
// workgroup is closed, and Forbidden for a workgroup the member is not in.
func (d decision) mayCommitOn(proposalID, workgroupID string) error {
	if workgroupID == "" {
		p, err := d.proposal(proposalID)
		if err != nil {
			return err
		}
		if p.Status != StatusAdopted {
			return Errorf(Conflict, "commitments are made on adopted proposals; proposal %s is %s", p.ID, p.Status)
		}
		return nil
	}
	w, err := d.workgroup(workgroupID)
	if err != nil {
		return err
	}
	if !w.HasMember(d.by.member.ID) {
		return Errorf(Forbidden, "commitments toward workgroup %s (%s) are made by its members; member %s (%s) is not one", w.ID, w.Name, d.by.member.ID, d.by.member.Name)
	}
	return w.mustBeOpen("no more commitments are made toward it")
}

func (d decision) reportProgress(c ReportProgress) ([]EventData, error) {
	if err := firstError(checkFinite("value", c.Value), checkText("note", c.Note, false)); err != nil {
		return nil, err
	}
	cm, err := d.ownOpenCommitment(c.CommitmentID, "report progress on it")
	if err != nil {
		return nil, err
	}
	return one(ProgressReported{CommitmentID: cm.ID, Value: c.Value, Note: c.Note})
}

// LatestValue returns the last value reported on the commitment, or 0 when
// none was.
func (c Commitment) LatestValue() float64 {
	if len(c.Progress) == 0 {
		return 0
	}
	return c.Progress[len(c.Progress)-1].Value
}

// FinalValue returns the value the fulfilment of c records: its own, or, for
// a line stored before it carried one, the last value reported on c before
// it (0 when none was).
func (d CommitmentFulfilled) FinalValue(c Commitment) float64 {
	if d.Value != nil {
		return *d.Value
	}
	return c.LatestValue()
}

// fulfilCommitment always records the final value: the one given, else the
// last reported, else 0 (nothing was measured).
func (d decision) fulfilCommitment(c FulfilCommitment) ([]EventData, error) {
	if err := checkText("note", c.Note, false); err != nil {
		return nil, err
	}
	if c.Value != nil {
		if err := checkFinite("value", *c.Value); err != nil {
			return nil, err
		}
	}
	cm, err := d.ownOpenCommitment(c.CommitmentID, "fulfil it")
	if err != nil {
		return nil, err
	}
	out := CommitmentFulfilled{CommitmentID: cm.ID, Note: c.Note, Value: c.Value}
	value := out.FinalValue(cm)
	out.Value = &value
	return one(out)
}

func (d decision) withdrawCommitment(c WithdrawCommitment) ([]EventData, error) {
	if err := checkText("note", c.Note, false); err != nil {
		return nil, err
	}
	cm, err := d.ownOpenCommitment(c.CommitmentID, "withdraw it")
	if err != nil {
		return nil, err
	}
	return one(CommitmentWithdrawn{CommitmentID: cm.ID, Note: c.Note})
}

// ownOpenCommitment finds a commitment the actor made and that is still
// open: Invalid for a bad id, NotFound, Forbidden for anyone else, Conflict
// once it is fulfilled or withdrawn.
func (d decision) ownOpenCommitment(id, action string) (Commitment, error) {
	if err := checkID("commitment id", id); err != nil {
		return Commitment{}, err
	}
	cm, ok := d.s.Commitment(id)
	if !ok {
		return Commitment{}, Errorf(NotFound, "no commitment %s in alliance %s", id, d.s.ID)
	}
	if !d.by.is(cm.MemberID) {
		return Commitment{}, Errorf(Forbidden, "only member %s, who made commitment %s, can %s", cm.MemberID, cm.ID, action)
	}
	if cm.Status != StatusOpen {
		return Commitment{}, Errorf(Conflict, "commitment %s is already %s", cm.ID, cm.Status)
	}
	return cm, nil
}
