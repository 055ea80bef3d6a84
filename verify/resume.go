package verify

import "accord/domain"

// ChainState is one alliance's chain as a Verifier left it: where it ends
// and the state folded from its lines. A program that checks a log as it
// grows (a witness) keeps it between runs, as JSON, and resumes with
// Options.Resume instead of reading the lines again.
type ChainState struct {
	Head  ChainHead       `json:"head"`
	State domain.Alliance `json:"state"`
	// CharterDue is the charter change the next line must record: set when
	// the chain ends on the close that adopted a charter proposal.
	CharterDue *domain.CharterAmended `json:"charter_due,omitempty"`
}

// Chain returns the state of the alliance's chain after the lines checked
// so far, every signature among them verified; false when no line of it was
// checked nor resumed. It returns the verifier's failure, if any, instead:
// a failed chain is not one to resume.
func (v *Verifier) Chain(allianceID string) (ChainState, bool, error) {
	if err := v.sigs.flush(); err != nil && v.failed == nil {
		v.failed = err
	}
	if v.failed != nil {
		return ChainState{}, false, v.failed
	}
	c, ok := v.chains[allianceID]
	if !ok {
		return ChainState{}, false, nil
	}
	st := ChainState{Head: c.head, State: c.state.Clone()}
	if c.charterDue != nil {
		due := *c.charterDue
		st.CharterDue = &due
	}
	return st, true, nil
}

// resume starts a chain from a saved state. A state of no alliance, or of
// one already started, is ignored: Check then reports the lines that do not
// follow.
func (v *Verifier) resume(st ChainState) {
	if st.Head.AllianceID == "" || v.chains[st.Head.AllianceID] != nil {
		return
	}
	c := v.chain(st.Head.AllianceID)
	c.head, c.state = st.Head, st.State.Clone()
	if st.CharterDue != nil {
		due := *st.CharterDue
		c.charterDue = &due
	}
}
