package domain

import (
	"slices"
	"time"
)

// ProxyGranted records a member (the grantor) letting another member (the
// proxy) cast its stance: on one proposal, or on every proposal when
// ProposalID is "" (a standing grant). It is recorded whatever the charter
// says and takes effect only in votes whose rule allows proxies.
type ProxyGranted struct {
	GrantorID  string `json:"grantor_id"`
	ProxyID    string `json:"proxy_id"`
	ProposalID string `json:"proposal_id"`
}

// ProxyRevoked records the grantor taking back the grant with the same
// proxy and proposal ("" for the standing grant).
type ProxyRevoked struct {
	GrantorID  string `json:"grantor_id"`
	ProxyID    string `json:"proxy_id"`
	ProposalID string `json:"proposal_id"`
}

// EventType implementations: the catalogue's type strings.

func (ProxyGranted) EventType() string { return TypeProxyGranted }
func (ProxyRevoked) EventType() string { return TypeProxyRevoked }

// GrantProxy lets ProxyID cast the acting member's stance on ProposalID, or
// on every proposal when it is "" (the grantor).
type GrantProxy struct {
	ProxyID    string `json:"proxy_id"`
	ProposalID string `json:"proposal_id,omitempty"`
}

// RevokeProxy takes back the acting member's grant to ProxyID for
// ProposalID ("" for the standing grant).
type RevokeProxy struct {
	ProxyID    string `json:"proxy_id"`
	ProposalID string `json:"proposal_id,omitempty"`
}

func (GrantProxy) CommandName() string  { return "GrantProxy" }
func (RevokeProxy) CommandName() string { return "RevokeProxy" }

// ProxyGrant is a grant in force: recorded at Seq and not revoked since.
type ProxyGrant struct {
	GrantorID  string    `json:"grantor_id"`
	ProxyID    string    `json:"proxy_id"`
	ProposalID string    `json:"proposal_id"`
	Seq        uint64    `json:"seq"`
	At         time.Time `json:"at"`
}

// Grant returns the grant in force from grantor to proxy for proposalID
// exactly ("" for the standing one), and false when there is none.
func (a Alliance) Grant(grantorID, proxyID, proposalID string) (ProxyGrant, bool) {
	for _, g := range a.Proxies {
		if g.GrantorID == grantorID && g.ProxyID == proxyID && g.ProposalID == proposalID {
			return g, true
		}
	}
	return ProxyGrant{}, false
}

func (d decision) grantProxy(c GrantProxy) ([]EventData, error) {
	if err := d.by.mustBeMember("grant a proxy"); err != nil {
		return nil, err
	}
	if err := checkGrant(d.by.member.ID, c.ProxyID, c.ProposalID); err != nil {
		return nil, err
	}
	proxy, ok := d.s.Member(c.ProxyID)
	switch {
	case !ok:
		return nil, Errorf(NotFound, "no member %s in alliance %s to hold a proxy", c.ProxyID, d.s.ID)
	case proxy.Status != StatusActive:
		return nil, Errorf(Conflict, "member %s (%s) has withdrawn and cannot hold a proxy", proxy.ID, proxy.Name)
	}
	if err := d.grantableOn(c.ProposalID); err != nil {
		return nil, err
	}
	if g, ok := d.s.Grant(d.by.member.ID, c.ProxyID, c.ProposalID); ok {
		return nil, Errorf(Conflict, "member %s already holds a %s from member %s, granted at seq %d", c.ProxyID, grantName(c.ProposalID), g.GrantorID, g.Seq)
	}
	return one(ProxyGranted{GrantorID: d.by.member.ID, ProxyID: c.ProxyID, ProposalID: c.ProposalID})
}

func (d decision) revokeProxy(c RevokeProxy) ([]EventData, error) {
	if err := d.by.mustBeMember("revoke a proxy"); err != nil {
		return nil, err
	}
	if err := checkGrant(d.by.member.ID, c.ProxyID, c.ProposalID); err != nil {
		return nil, err
	}
	if _, ok := d.s.Grant(d.by.member.ID, c.ProxyID, c.ProposalID); !ok {
		return nil, Errorf(NotFound, "member %s holds no %s from member %s to revoke", c.ProxyID, grantName(c.ProposalID), d.by.member.ID)
	}
	return one(ProxyRevoked{GrantorID: d.by.member.ID, ProxyID: c.ProxyID, ProposalID: c.ProposalID})
}

// checkGrant returns Invalid for a malformed proxy or proposal id, and for
// a member naming itself as its own proxy.
func checkGrant(grantorID, proxyID, proposalID string) error {
	if err := checkID("proxy_id", proxyID); err != nil {
		return err
	}
	if proposalID != "" {
		if err := checkID("proposal_id", proposalID); err != nil {
			return err
		}
	}
	if proxyID == grantorID {
		return Errorf(Invalid, "proxy_id %s is the grantor itself: a member casts its own stance without a proxy", proxyID)
	}
	return nil
}

// grantableOn returns NotFound for a proposal that does not exist and
// Conflict for one that can no longer be voted on; a standing grant ("")
// is always grantable.
func (d decision) grantableOn(proposalID string) error {
	if proposalID == "" {
		return nil
	}
	p, err := d.proposal(proposalID)
	if err != nil {
		return err
	}
	if p.Status != StatusOpen && p.Status != StatusVoting {
		return Errorf(Conflict, "proposal %s will not be voted on (it is %s), so no proxy can be granted for it", p.ID, p.Status)
	}
	return nil
}

// grantName says which grant a proposal id names, for messages.
func grantName(proposalID string) string {
	if proposalID == "" {
		return "standing proxy"
	}
	return "proxy for proposal " + proposalID
}

// CheckProxyVote returns why the proxy may not cast the grantor's stance on
// the proposal, given s, the state just before the vote; nil when the rule
// of docs/RULES.md allows it: the rule voting opened under has max_proxies ≥ 1;
// a grant from the grantor to the proxy, for this proposal or standing, is
// in force (recorded and not revoked since); both are eligible; and the
// proxy has cast for at most max_proxies distinct grantors on it, this one
// included. A grant cannot be passed on: only a grant from the grantor
// itself counts. It returns NotFound for no such proposal, Conflict when it
// is not being voted on or a limit of the rule forbids the vote, and
// Forbidden when the proxy holds no grant or either member is not eligible.
// The decider and the offline verifier both judge proxy votes with it.
func CheckProxyVote(s Alliance, proposalID, grantorID, proxyID string) error {
	p, ok := s.Proposal(proposalID)
	if !ok {
		return Errorf(NotFound, "no proposal %s in alliance %s", proposalID, s.ID)
	}
	if p.Status != StatusVoting || p.Voting == nil {
		return p.notVoting()
	}
	limit := p.Voting.Rule.MaxProxies.N()
	if limit < 1 {
		return Errorf(Conflict, "voting on proposal %s opened under a rule that allows no proxies (max_proxies %d)", p.ID, limit)
	}
	for _, id := range []string{grantorID, proxyID} {
		if !p.Voting.IsEligible(id) {
			return Errorf(Forbidden, "member %s is not eligible to vote on proposal %s, so no proxy vote can be cast between %s and %s", id, p.ID, grantorID, proxyID)
		}
	}
	if _, ok := s.proxyGrant(grantorID, proxyID, p.ID); !ok {
		return Errorf(Forbidden, "member %s holds no proxy from member %s for proposal %s, nor a standing one", proxyID, grantorID, p.ID)
	}
	cast := p.ProxyCasts[proxyID]
	if !slices.Contains(cast, grantorID) && len(cast) >= limit {
		return Errorf(Conflict, "member %s has already cast for %s on proposal %s, the most its rule allows (max_proxies %d)", proxyID, members(len(cast)), p.ID, limit)
	}
	return nil
}

// proxyGrant returns the grant in force that lets proxy cast for grantor on
// the proposal: the one for it, else the standing one.
func (a Alliance) proxyGrant(grantorID, proxyID, proposalID string) (ProxyGrant, bool) {
	if g, ok := a.Grant(grantorID, proxyID, proposalID); ok {
		return g, true
	}
	return a.Grant(grantorID, proxyID, "")
}

func (a *Alliance) grantProxy(e Event, d ProxyGranted) {
	if _, dup := a.Grant(d.GrantorID, d.ProxyID, d.ProposalID); dup {
		return
	}
	a.Proxies = append(a.Proxies, ProxyGrant{GrantorID: d.GrantorID, ProxyID: d.ProxyID, ProposalID: d.ProposalID, Seq: e.Seq, At: e.At})
}

func (a *Alliance) revokeProxy(d ProxyRevoked) {
	a.Proxies = slices.DeleteFunc(a.Proxies, func(g ProxyGrant) bool {
		return g.GrantorID == d.GrantorID && g.ProxyID == d.ProxyID && g.ProposalID == d.ProposalID
	})
}

// recordProxyCast notes that the proxy cast for the grantor, once per
// grantor: what max_proxies counts, and who cast for whom.
func (p *Proposal) recordProxyCast(proxyID, grantorID string) {
	if p.ProxyCasts == nil {
		p.ProxyCasts = map[string][]string{}
	}
	if !slices.Contains(p.ProxyCasts[proxyID], grantorID) {
		p.ProxyCasts[proxyID] = append(p.ProxyCasts[proxyID], grantorID)
	}
}
