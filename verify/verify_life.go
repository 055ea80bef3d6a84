package verify

import (
	"fmt"

	"accord/domain"
)

// checkRunning refuses any event after the alliance was concluded, and a
// conclusion recorded while a vote was open.
func (c *chain) checkRunning(ev domain.Event, fail failf) error {
	if s := c.state; s.Concluded {
		var at uint64
		if s.Conclusion != nil {
			at = s.Conclusion.Seq
		}
		return fail("%s after the alliance was concluded at seq %d: a concluded alliance takes no more commands", ev.Type, at)
	}
	if _, ok := ev.Data.(domain.AllianceConcluded); !ok {
		return nil
	}
	for _, p := range c.state.Proposals {
		if p.Status == domain.StatusVoting {
			return fail("AllianceConcluded while voting on proposal %s was open: an alliance is concluded only once no vote is open", p.ID)
		}
	}
	return nil
}

// checkLife checks the events of an alliance's life beyond one vote that
// bear on outcomes: who granted and revoked proxies, and the predecessor
// the alliance names.
func (c *chain) checkLife(ev domain.Event, fail failf) error {
	switch d := ev.Data.(type) {
	case domain.ProxyGranted:
		return checkGrantor(ev.Actor, d.GrantorID, d.ProxyID, "granted", fail)
	case domain.ProxyRevoked:
		return checkGrantor(ev.Actor, d.GrantorID, d.ProxyID, "revoked", fail)
	case domain.WitnessAdded:
		return checkWitness(ev.Actor, d, fail)
	case domain.AllianceFormed:
		if p := d.Predecessor; p != nil && p.AllianceID == ev.AllianceID {
			return fail("AllianceFormed names the alliance itself as its predecessor")
		}
	}
	return nil
}

// checkGrantor refuses a grant or revocation made by anyone but its
// grantor: a proxy cannot pass a grant on, nor anyone make one up.
func checkGrantor(actor domain.Actor, grantorID, proxyID, verb string, fail failf) error {
	if actor.MemberID != grantorID || grantorID == "" {
		return fail("the proxy of member %s for member %s was %s by actor %s, not by the grantor", proxyID, grantorID, verb, actor.ID)
	}
	return nil
}

// checkProxyVote checks a VoteCast with cast_by: its actor is that proxy,
// and a grant allowed it under the rule voting opened under.
func (c *chain) checkProxyVote(actor domain.Actor, d domain.VoteCast, fail failf) error {
	if actor.MemberID != d.CastBy {
		return fail("the vote of member %s on proposal %s names member %s as its proxy but was cast by actor %s", d.MemberID, d.ProposalID, d.CastBy, actor.ID)
	}
	if err := domain.CheckProxyVote(c.state, d.ProposalID, d.MemberID, d.CastBy); err != nil {
		return fail("member %s cast the stance of member %s on proposal %s, which no grant allowed: %s", d.CastBy, d.MemberID, d.ProposalID, domain.MessageOf(err))
	}
	return nil
}

// expectations are the events an input must hold at a given alliance and
// seq, with a given hash (Options.Expect).
type expectations map[string]map[uint64]string

func expectationsOf(heads []domain.AllianceHead) expectations {
	e := expectations{}
	for _, h := range heads {
		if e[h.AllianceID] == nil {
			e[h.AllianceID] = map[uint64]string{}
		}
		e[h.AllianceID][h.Seq] = h.Hash
	}
	return e
}

// check returns a *ChainError when ev is an expected event whose hash is
// not the one expected, and strikes it off when it is.
func (e expectations) check(ev domain.Event, hash string) error {
	want, ok := e[ev.AllianceID][ev.Seq]
	if !ok {
		return nil
	}
	if want != hash {
		return &ChainError{AllianceID: ev.AllianceID, Seq: ev.Seq, Reason: fmt.Sprintf(
			"its hash is %s, not the expected %s: this is not the event that was named", hash, want)}
	}
	delete(e[ev.AllianceID], ev.Seq)
	return nil
}

// unmet returns a *ChainError naming an expected event the input never
// held, or nil.
func (e expectations) unmet() error {
	for aid, seqs := range e {
		for seq, hash := range seqs {
			return &ChainError{AllianceID: aid, Reason: fmt.Sprintf(
				"the input holds no seq %d of alliance %s, expected with hash %s: it is cut short, or is another ledger", seq, aid, hash)}
		}
	}
	return nil
}
