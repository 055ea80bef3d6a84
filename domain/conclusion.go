package domain

import "time"

// AllianceConcluded records the end of an alliance's work. After it the
// alliance takes no command; its ledger stays readable.
type AllianceConcluded struct {
	Reason string `json:"reason"`
}

// EventType returns TypeAllianceConcluded.
func (AllianceConcluded) EventType() string { return TypeAllianceConcluded }

// ConcludeAlliance ends an alliance's work (convener). It is refused while
// a vote is open.
type ConcludeAlliance struct {
	Reason string `json:"reason"`
}

// CommandName returns "ConcludeAlliance".
func (ConcludeAlliance) CommandName() string { return "ConcludeAlliance" }

// Conclusion is why and when an alliance was concluded.
type Conclusion struct {
	Reason string    `json:"reason"`
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
}

func (d decision) concludeAlliance(c ConcludeAlliance) ([]EventData, error) {
	if err := d.by.mustConvene("conclude the alliance"); err != nil {
		return nil, err
	}
	if err := checkText("reason", c.Reason, true); err != nil {
		return nil, err
	}
	if p, ok := d.s.openVote(); ok {
		return nil, Errorf(Conflict, "voting on proposal %s (%s) has been open since seq %d: close it before concluding the alliance",
			p.ID, p.Title, p.openedSeq())
	}
	return one(AllianceConcluded{Reason: c.Reason})
}

// openVote returns the first proposal being voted on, and false when none is.
func (a Alliance) openVote() (Proposal, bool) {
	for _, p := range a.Proposals {
		if p.Status == StatusVoting {
			return p, true
		}
	}
	return Proposal{}, false
}

// stillRunning returns a Conflict once the alliance is concluded: it takes
// no more commands, whoever sends them.
func (a Alliance) stillRunning() error {
	if !a.Concluded {
		return nil
	}
	var seq uint64
	if a.Conclusion != nil {
		seq = a.Conclusion.Seq
	}
	return Errorf(Conflict, "alliance %s (%s) was concluded at seq %d and takes no more commands; its ledger stays readable", a.ID, a.Name, seq)
}

func (a *Alliance) conclude(e Event, d AllianceConcluded) {
	a.Concluded = true
	a.Conclusion = &Conclusion{Reason: d.Reason, Seq: e.Seq, At: e.At}
}
