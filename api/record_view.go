package api

import (
	"encoding/json"

	"accord/domain"
	"accord/projections"
)

// recordView is what the printable decision record is rendered from: the
// record itself, and what the page works out from it for a reader who files
// it (the point it speaks for, who took part, the rule as recorded).
type recordView struct {
	projections.DecisionRecord
	// Settled is the point the page speaks as of: the close of the vote or
	// the proposal's withdrawal once there is one, since later events do not
	// change the decision; until then the point the record was read at.
	Settled projections.Point
	// SettledBy says what Settled is ("voting closed", "the proposal was
	// withdrawn"); empty while the record is still open.
	SettledBy string
	// Standing is the count behind the result: the outcome recorded at the
	// close, or what closing would record while voting is open; nil before
	// voting opens.
	Standing *domain.VotingClosed
	// Participants is every member eligible when voting opened, with the
	// stance that counts and the signature on it.
	Participants []participant
	// RuleJSON is the rule VotingOpened froze, as the JSON record gives it;
	// empty before voting opens.
	RuleJSON string
}

// participant is one eligible member as the summary shows it. Final is nil
// when the member did not vote or withdrew (Withdrew); Signature is nil when
// the stance that counts was not signed.
type participant struct {
	Name      string
	Sector    string
	Final     *domain.Stance
	Withdrew  *projections.Withdrawal
	Signature *projections.RecordedSignature
}

// newRecordView works out the page's view of rec. It returns an Internal
// error if the rule cannot be written as JSON.
func newRecordView(rec projections.DecisionRecord) (recordView, error) {
	v := recordView{DecisionRecord: rec, Participants: participants(rec)}
	v.Settled, v.SettledBy = settledPoint(rec)
	switch {
	case rec.Outcome != nil:
		v.Standing = &rec.Outcome.VotingClosed
	case rec.Provisional != nil:
		v.Standing = rec.Provisional
	}
	if rec.Voting != nil {
		raw, err := json.MarshalIndent(rec.Voting.Rule, "", "  ")
		if err != nil {
			return recordView{}, domain.Errorf(domain.Internal, "write the voting rule as JSON: %v", err)
		}
		v.RuleJSON = string(raw)
	}
	return v, nil
}

// settledPoint returns the point the record speaks for and what happened
// there: the VotingClosed, else the ProposalWithdrawn, else (still open) the
// record's own point with an empty description.
func settledPoint(rec projections.DecisionRecord) (projections.Point, string) {
	switch {
	case rec.Outcome != nil:
		return pointOf(rec, rec.Outcome.Closed), "voting closed"
	case rec.Withdrawal != nil:
		return pointOf(rec, rec.Withdrawal.Act), "the proposal was withdrawn"
	}
	return rec.AsOf, ""
}

// pointOf returns act's place in the ledger, with the hash the record lists
// for its event (empty if the record does not rest on it).
func pointOf(rec projections.DecisionRecord, act projections.Act) projections.Point {
	p := projections.Point{Seq: act.Seq, At: act.At}
	for _, e := range rec.Events {
		if e.Seq == act.Seq {
			p.Hash = e.Hash
		}
	}
	return p
}

// participants lists the members eligible when voting opened, in the order
// VotingOpened gave them, each with the stance that counts and its
// signature; nil before voting opens.
func participants(rec projections.DecisionRecord) []participant {
	if rec.Voting == nil {
		return nil
	}
	stances := make(map[string]projections.StanceHistory, len(rec.Stances))
	for _, st := range rec.Stances {
		stances[st.MemberID] = st
	}
	out := make([]participant, 0, len(rec.Voting.Eligible))
	for _, m := range rec.Voting.Eligible {
		p := participant{Name: m.Name, Sector: m.Sector, Withdrew: m.Withdrew}
		if st, ok := stances[m.ID]; ok && st.Final != nil && len(st.History) > 0 {
			p.Final = st.Final
			p.Signature = st.History[len(st.History)-1].Signature
		}
		out = append(out, p)
	}
	return out
}

// NameOf returns the name of a member of the record (an eligible member or
// a proxy), or its id when the record does not name it.
func (v recordView) NameOf(memberID string) string {
	for _, u := range v.Proxies {
		if u.Proxy.ID == memberID {
			return u.Proxy.Name
		}
	}
	if v.Voting != nil {
		for _, m := range v.Voting.Eligible {
			if m.ID == memberID {
				return m.Name
			}
		}
	}
	return memberID
}
