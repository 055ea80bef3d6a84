package projections

import "accord/domain"

// VoteRecord is how a member took part in an alliance's closed votes: of
// the votes it was eligible for when they closed (Eligible; a member who
// withdrew before a close was no longer eligible for it), those in which it
// had a stance at the close, its own or one its proxy cast (TookPart), and
// those in which that stance was block (Blocks). ProxyVotes counts the
// stances it cast for other members as their proxy, in any vote.
type VoteRecord struct {
	Eligible   int `json:"eligible"`
	TookPart   int `json:"took_part"`
	Blocks     int `json:"blocks"`
	ProxyVotes int `json:"proxy_votes"`
}

// voteModel is the part of the scorecard the alliance's state does not
// hold: each member's VoteRecord, by member id, folded event by event (a
// closed vote adds one to its eligible members' counts), so that no answer
// walks every proposal ever decided.
type voteModel map[string]VoteRecord

// observe folds one event, given the alliance's state just after it.
func (m voteModel) observe(after domain.Alliance, e domain.Event) {
	switch d := e.Data.(type) {
	case domain.VoteCast:
		if d.CastBy != "" {
			r := m[d.CastBy]
			r.ProxyVotes++
			m[d.CastBy] = r
		}
	case domain.VotingClosed:
		p, ok := after.Proposal(d.ProposalID)
		if !ok || p.Voting == nil {
			return
		}
		for _, id := range p.Voting.Eligible {
			r := m[id]
			r.Eligible++
			if st, took := p.Stances[id]; took {
				r.TookPart++
				if st.Stance == domain.StanceBlock {
					r.Blocks++
				}
			}
			m[id] = r
		}
	}
}

// clone returns a copy of m that later events do not change.
func (m voteModel) clone() voteModel {
	out := make(voteModel, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
