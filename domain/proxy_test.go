package domain

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// proxyRule is consensusCharter allowing n proxies per member.
func proxyRule(n int) Charter {
	c := consensusCharter
	c.MaxProxies = Proxies(n)
	return c
}

// proxyVoting opens the vote on prop under a rule allowing n proxies
// (seq 7), then adds more.
func proxyVoting(n int, more ...EventData) []EventData {
	return append(append(proposed(), opened(prop, proxyRule(n), nil)), more...)
}

func granted(grantor, proxy, pid string) ProxyGranted {
	return ProxyGranted{GrantorID: grantor, ProxyID: proxy, ProposalID: pid}
}

func revoked(grantor, proxy, pid string) ProxyRevoked {
	return ProxyRevoked{GrantorID: grantor, ProxyID: proxy, ProposalID: pid}
}

func castFor(grantor, proxy string, stance Stance) VoteCast {
	return VoteCast{ProposalID: prop, MemberID: grantor, Stance: stance, CastBy: proxy}
}

func TestGrantProxy(t *testing.T) {
	run(t, []scenario{
		{name: "standing", given: formed(), as: asMember(m2), when: GrantProxy{ProxyID: m1}, then: then(granted(m2, m1, ""))},
		{name: "for an open proposal", given: proposed(), as: asMember(m2), when: GrantProxy{ProxyID: m1, ProposalID: prop}, then: then(granted(m2, m1, prop))},
		{name: "for a proposal being voted on", given: proxyVoting(1), as: asMember(m2), when: GrantProxy{ProxyID: m1, ProposalID: prop}, then: then(granted(m2, m1, prop))},
		{name: "whatever the charter says", given: voting(), as: asMember(m2), when: GrantProxy{ProxyID: m1, ProposalID: prop}, then: then(granted(m2, m1, prop))},
		{name: "a second proxy", given: formedThen(granted(m2, m1, "")), as: asMember(m2), when: GrantProxy{ProxyID: m3}, then: then(granted(m2, m3, ""))},
		{name: "for a proposal beside a standing one", given: append(proposed(), granted(m2, m1, "")), as: asMember(m2), when: GrantProxy{ProxyID: m1, ProposalID: prop},
			then: then(granted(m2, m1, prop))},
		{name: "again after a revocation", given: formedThen(granted(m2, m1, ""), revoked(m2, m1, "")), as: asMember(m2), when: GrantProxy{ProxyID: m1},
			then: then(granted(m2, m1, ""))},
		{name: "by a convener", given: formed(), as: asConvener(), when: GrantProxy{ProxyID: m3}, then: then(granted(conv, m3, ""))},

		{name: "twice", given: formedThen(granted(m2, m1, "")), as: asMember(m2), when: GrantProxy{ProxyID: m1}, err: Conflict,
			msg: "member " + m1 + " already holds a standing proxy from member " + m2 + ", granted at seq 6"},
		{name: "twice for a proposal", given: append(proposed(), granted(m2, m1, prop)), as: asMember(m2), when: GrantProxy{ProxyID: m1, ProposalID: prop}, err: Conflict,
			msg: "already holds a proxy for proposal " + prop + " from member " + m2},
		{name: "to oneself", given: formed(), as: asMember(m2), when: GrantProxy{ProxyID: m2}, err: Invalid, msg: "proxy_id " + m2 + " is the grantor itself"},
		{name: "no proxy", given: formed(), as: asMember(m2), when: GrantProxy{}, err: Invalid, msg: "proxy_id is required"},
		{name: "bad proposal id", given: formed(), as: asMember(m2), when: GrantProxy{ProxyID: m1, ProposalID: "p"}, err: Invalid, msg: `proposal_id "p" is not a uuid`},
		{name: "to a stranger", given: formed(), as: asMember(m2), when: GrantProxy{ProxyID: stranger}, err: NotFound, msg: "no member " + stranger},
		{name: "to a withdrawn member", given: formedThen(MemberWithdrew{MemberID: m1}), as: asMember(m2), when: GrantProxy{ProxyID: m1}, err: Conflict,
			msg: "member " + m1 + " (Payer One) has withdrawn and cannot hold a proxy"},
		{name: "for no such proposal", given: formed(), as: asMember(m2), when: GrantProxy{ProxyID: m1, ProposalID: prop}, err: NotFound, msg: "no proposal " + prop},
		{name: "for a decided proposal", given: closedAs(ResultAdopted), as: asMember(m2), when: GrantProxy{ProxyID: m1, ProposalID: prop}, err: Conflict,
			msg: "proposal " + prop + " will not be voted on (it is adopted)"},
		{name: "for a withdrawn proposal", given: append(proposed(), ProposalWithdrawn{ProposalID: prop}), as: asMember(m2), when: GrantProxy{ProxyID: m1, ProposalID: prop},
			err: Conflict, msg: "(it is withdrawn)"},
		{name: "by the admin", given: formed(), as: asAdmin(), when: GrantProxy{ProxyID: m1}, err: Forbidden, msg: "only a member can grant a proxy"},
		{name: "by an observer", given: formed(), as: asObserver(), when: GrantProxy{ProxyID: m1}, err: Forbidden, msg: "observers"},
		{name: "by a withdrawn member", given: formedThen(MemberWithdrew{MemberID: m2}), as: asMember(m2), when: GrantProxy{ProxyID: m1}, err: Forbidden, msg: "has withdrawn"},
	})
}

func TestRevokeProxy(t *testing.T) {
	both := append(proposed(), granted(m2, m1, ""), granted(m2, m1, prop))
	run(t, []scenario{
		{name: "standing", given: both, as: asMember(m2), when: RevokeProxy{ProxyID: m1}, then: then(revoked(m2, m1, ""))},
		{name: "for a proposal", given: both, as: asMember(m2), when: RevokeProxy{ProxyID: m1, ProposalID: prop}, then: then(revoked(m2, m1, prop))},
		{name: "from a proxy who has since withdrawn", given: append(both, MemberWithdrew{MemberID: m1}), as: asMember(m2), when: RevokeProxy{ProxyID: m1},
			then: then(revoked(m2, m1, ""))},
		{name: "during the vote", given: proxyVoting(1, granted(m2, m1, prop), castFor(m2, m1, StanceAgree)), as: asMember(m2),
			when: RevokeProxy{ProxyID: m1, ProposalID: prop}, then: then(revoked(m2, m1, prop))},

		{name: "never granted", given: formed(), as: asMember(m2), when: RevokeProxy{ProxyID: m1}, err: NotFound,
			msg: "member " + m1 + " holds no standing proxy from member " + m2 + " to revoke"},
		{name: "already revoked", given: formedThen(granted(m2, m1, ""), revoked(m2, m1, "")), as: asMember(m2), when: RevokeProxy{ProxyID: m1}, err: NotFound, msg: "holds no standing proxy"},
		{name: "the standing one when only one for a proposal is held", given: append(proposed(), granted(m2, m1, prop)), as: asMember(m2),
			when: RevokeProxy{ProxyID: m1}, err: NotFound, msg: "holds no standing proxy"},
		{name: "by the proxy", given: both, as: asMember(m1), when: RevokeProxy{ProxyID: m2}, err: NotFound,
			msg: "member " + m2 + " holds no standing proxy from member " + m1},
		{name: "by someone else", given: both, as: asMember(m3), when: RevokeProxy{ProxyID: m1}, err: NotFound, msg: "from member " + m3},
		{name: "oneself", given: both, as: asMember(m2), when: RevokeProxy{ProxyID: m2}, err: Invalid, msg: "is the grantor itself"},
		{name: "bad proxy id", given: both, as: asMember(m2), when: RevokeProxy{ProxyID: "m1"}, err: Invalid, msg: `proxy_id "m1" is not a uuid`},
		{name: "by the admin", given: both, as: asAdmin(), when: RevokeProxy{ProxyID: m1}, err: Forbidden, msg: "only a member can revoke a proxy"},
	})
}

func TestCastVoteAsAProxy(t *testing.T) {
	deadline := now.Add(time.Hour)
	cast := func(grantor string, stance Stance) CastVote {
		return CastVote{ProposalID: prop, Stance: stance, OnBehalfOf: grantor}
	}
	lateAdmission := MemberAdmitted{MemberID: late, Name: "Latecomer", Sector: "agency", Role: RoleMember}
	run(t, []scenario{
		{name: "with a grant for the proposal", given: proxyVoting(1, granted(m2, m1, prop)), as: asMember(m1), when: cast(m2, StanceAgree),
			then: then(castFor(m2, m1, StanceAgree))},
		{name: "with a standing grant", given: proxyVoting(1, granted(m2, m1, "")), as: asMember(m1), when: cast(m2, StanceBlock),
			then: then(castFor(m2, m1, StanceBlock))},
		{name: "with a grant made before the opening", given: append(proposed(), granted(m2, m1, prop), opened(prop, proxyRule(1), nil)), as: asMember(m1),
			when: cast(m2, StanceDisagree), then: then(castFor(m2, m1, StanceDisagree))},
		{name: "with a reason", given: proxyVoting(1, granted(m2, m1, prop)), as: asMember(m1), when: CastVote{ProposalID: prop, Stance: StanceAbstain, Reason: "as instructed", OnBehalfOf: m2},
			then: then(VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAbstain, Reason: "as instructed", CastBy: m1})},
		{name: "changing the grantor's stance again", given: proxyVoting(1, granted(m2, m1, prop), castFor(m2, m1, StanceAgree)), as: asMember(m1),
			when: cast(m2, StanceDisagree), then: then(castFor(m2, m1, StanceDisagree))},
		{name: "after the grantor voted", given: proxyVoting(1, granted(m2, m1, prop), vote(m2, StanceAgree)), as: asMember(m1),
			when: cast(m2, StanceBlock), then: then(castFor(m2, m1, StanceBlock))},
		{name: "for a second grantor within the limit", given: proxyVoting(2, granted(m2, m1, ""), granted(m3, m1, ""), castFor(m2, m1, StanceAgree)), as: asMember(m1),
			when: cast(m3, StanceAgree), then: then(castFor(m3, m1, StanceAgree))},
		{name: "the proxy's own vote beside", given: proxyVoting(1, granted(m2, m1, prop), castFor(m2, m1, StanceAgree)), as: asMember(m1),
			when: CastVote{ProposalID: prop, Stance: StanceDisagree}, then: then(vote(m1, StanceDisagree))},
		{name: "by a convener for a member", given: proxyVoting(1, granted(m3, conv, "")), as: asConvener(), when: cast(m3, StanceAgree),
			then: then(castFor(m3, conv, StanceAgree))},

		{name: "under a rule allowing no proxies", given: voting(granted(m2, m1, prop)), as: asMember(m1), when: cast(m2, StanceAgree), err: Conflict,
			msg: "voting on proposal " + prop + " opened under a rule that allows no proxies (max_proxies 0)"},
		{name: "a rule allowing proxies amended in after the opening", given: voting(granted(m2, m1, prop), CharterAmended{Charter: proxyRule(3), ProposalID: prop2}),
			as: asMember(m1), when: cast(m2, StanceAgree), err: Conflict, msg: "allows no proxies"},
		{name: "without a grant", given: proxyVoting(1), as: asMember(m1), when: cast(m2, StanceAgree), err: Forbidden,
			msg: "member " + m1 + " holds no proxy from member " + m2 + " for proposal " + prop + ", nor a standing one"},
		{name: "with a grant for another proposal", given: proxyVoting(1, submitted(prop2, KindPosition, nil), granted(m2, m1, prop2)), as: asMember(m1),
			when: cast(m2, StanceAgree), err: Forbidden, msg: "holds no proxy"},
		{name: "with a grant to someone else", given: proxyVoting(1, granted(m2, m3, "")), as: asMember(m1), when: cast(m2, StanceAgree), err: Forbidden, msg: "holds no proxy"},
		{name: "with a grant the other way", given: proxyVoting(1, granted(m1, m2, "")), as: asMember(m1), when: cast(m2, StanceAgree), err: Forbidden, msg: "holds no proxy"},
		{name: "after the grant was revoked", given: proxyVoting(1, granted(m2, m1, prop), castFor(m2, m1, StanceAgree), revoked(m2, m1, prop)), as: asMember(m1),
			when: cast(m2, StanceBlock), err: Forbidden, msg: "holds no proxy"},
		{name: "after the standing grant was revoked", given: proxyVoting(1, granted(m2, m1, ""), revoked(m2, m1, "")), as: asMember(m1),
			when: cast(m2, StanceAgree), err: Forbidden, msg: "holds no proxy"},
		{name: "passing a grant on", given: proxyVoting(2, granted(m2, m1, ""), granted(m1, m3, "")), as: asMember(m3), when: cast(m2, StanceAgree), err: Forbidden,
			msg: "member " + m3 + " holds no proxy from member " + m2},
		{name: "over the limit", given: proxyVoting(1, granted(m2, m1, ""), granted(m3, m1, ""), castFor(m2, m1, StanceAgree)), as: asMember(m1),
			when: cast(m3, StanceAgree), err: Conflict, msg: "member " + m1 + " has already cast for 1 member on proposal " + prop + ", the most its rule allows (max_proxies 1)"},
		{name: "over the limit after the grantor replaced the proxy's vote", as: asMember(m1), when: cast(m3, StanceAgree), err: Conflict,
			given: proxyVoting(1, granted(m2, m1, ""), granted(m3, m1, ""), castFor(m2, m1, StanceAgree), vote(m2, StanceDisagree)),
			msg:   "has already cast for 1 member"},
		{name: "for a grantor admitted after the opening", given: proxyVoting(1, lateAdmission, granted(late, m1, "")), as: asMember(m1),
			when: cast(late, StanceAgree), err: Forbidden, msg: "member " + late + " is not eligible to vote on proposal " + prop},
		{name: "for a grantor who withdrew", given: proxyVoting(1, granted(m2, m1, ""), MemberWithdrew{MemberID: m2}), as: asMember(m1),
			when: cast(m2, StanceAgree), err: Forbidden, msg: "member " + m2 + " is not eligible"},
		{name: "by a proxy admitted after the opening", given: proxyVoting(1, lateAdmission, granted(m2, late, "")), as: asMember(late),
			when: cast(m2, StanceAgree), err: Forbidden, msg: "was admitted at seq 8, after voting on proposal " + prop + " opened at seq 7"},
		{name: "for a stranger", given: proxyVoting(1), as: asMember(m1), when: cast(stranger, StanceAgree), err: Forbidden, msg: "member " + stranger + " is not eligible"},
		{name: "for oneself", given: proxyVoting(1), as: asMember(m1), when: cast(m1, StanceAgree), err: Invalid, msg: "on_behalf_of " + m1 + " is the voter itself"},
		{name: "for a bad id", given: proxyVoting(1), as: asMember(m1), when: cast("m2", StanceAgree), err: Invalid, msg: `on_behalf_of "m2" is not a uuid`},
		{name: "at the deadline", given: append(proposed(), opened(prop, proxyRule(1), &deadline), granted(m2, m1, prop)), as: when(asMember(m1), deadline),
			when: cast(m2, StanceAgree), err: Conflict, msg: "closed at its deadline"},
		{name: "after the close", given: proxyVoting(1, granted(m2, m1, prop), VotingClosed{ProposalID: prop, Result: ResultRejected}), as: asMember(m1),
			when: cast(m2, StanceAgree), err: Conflict, msg: "closed at seq 9"},
		{name: "by the admin", given: proxyVoting(1, granted(m2, m1, prop)), as: asAdmin(), when: cast(m2, StanceAgree), err: Forbidden, msg: "only a member can vote"},
	})
}

// A proxy's vote is the grantor's stance: it counts in the tally as the
// grantor's, and the latest VoteCast for a member wins, whoever cast it.
func TestProxyStanceCountsAsTheGrantors(t *testing.T) {
	base := proxyVoting(2, granted(m2, m1, ""), granted(m3, m1, prop), vote(m1, StanceAgree), vote(conv, StanceAgree))
	cases := []struct {
		name  string
		votes []EventData
		tally Tally
		by    map[string]string // member → who cast its stance ("" for itself)
	}{
		{"the proxy's vote counts for the grantor", []EventData{castFor(m2, m1, StanceAgree)}, Tally{Agree: 3}, map[string]string{m2: m1}},
		{"the grantor's own vote replaces the proxy's", []EventData{castFor(m2, m1, StanceAgree), vote(m2, StanceBlock)}, Tally{Agree: 2, Block: 1}, map[string]string{m2: ""}},
		{"the proxy's later vote replaces the grantor's", []EventData{vote(m2, StanceBlock), castFor(m2, m1, StanceAbstain)}, Tally{Agree: 2, Abstain: 1}, map[string]string{m2: m1}},
		{"one proxy for two grantors", []EventData{castFor(m2, m1, StanceDisagree), castFor(m3, m1, StanceDisagree)}, Tally{Agree: 2, Disagree: 2}, map[string]string{m2: m1, m3: m1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := fold(t, append(append([]EventData{}, base...), c.votes...))
			out, err := DeriveOutcome(s, prop)
			require.NoError(t, err)
			require.Equal(t, c.tally, out.Tally)
			p, _ := s.Proposal(prop)
			for member, by := range c.by {
				require.Equal(t, by, p.Stances[member].CastBy, member)
			}
			require.Empty(t, p.Stances[m1].CastBy, "the proxy's own stance is its own")
		})
	}
}

func TestEvolveKeepsGrantsAndProxyCasts(t *testing.T) {
	s := fold(t, proxyVoting(2,
		granted(m2, m1, ""), granted(m3, m1, prop), granted(m2, m3, prop),
		castFor(m2, m1, StanceAgree), castFor(m2, m1, StanceBlock), castFor(m3, m1, StanceAgree),
		revoked(m2, m1, ""), revoked(m2, m3, stranger), granted(m2, m1, ""),
	))
	require.Equal(t, []ProxyGrant{
		{GrantorID: m3, ProxyID: m1, ProposalID: prop, Seq: 9, At: t0.Add(8 * time.Minute)},
		{GrantorID: m2, ProxyID: m3, ProposalID: prop, Seq: 10, At: t0.Add(9 * time.Minute)},
		{GrantorID: m2, ProxyID: m1, ProposalID: "", Seq: 16, At: t0.Add(15 * time.Minute)},
	}, s.Proxies, "grants in force, in the order granted; a revocation names its grant exactly")
	p, _ := s.Proposal(prop)
	require.Equal(t, map[string][]string{m1: {m2, m3}}, p.ProxyCasts, "each grantor once, in order")

	c := s.Clone()
	c = Evolve(c, at(event(castFor(m1, m3, StanceAgree)), 17))
	c.Proxies[0].ProxyID = stranger
	p, _ = s.Proposal(prop)
	require.Equal(t, map[string][]string{m1: {m2, m3}}, p.ProxyCasts, "a clone shares no proxy casts")
	require.Equal(t, m1, s.Proxies[0].ProxyID, "nor grants")

	s = Evolve(s, at(event(opened(prop, proxyRule(2), nil)), 17))
	p, _ = s.Proposal(prop)
	require.Nil(t, p.ProxyCasts, "a new opening starts afresh")
}

// formedThen is formed() followed by more (from seq 6).
func formedThen(more ...EventData) []EventData { return append(formed(), more...) }
