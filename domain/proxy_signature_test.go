package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A proxy signs the vote it casts with its own key, and its statement names
// the grantor on the line `for <grantor id>`.
func TestSignedProxyVote(t *testing.T) {
	given := keyed(proxyVoting(1, granted(m2, m1, prop))) // m1, m2 keyed at seqs 9, 10
	forM2 := VoteStatement(hdr(m1), prop, 1, StanceAgree, "for m2", m2)
	cast := func(s Signing) CastVote {
		return CastVote{ProposalID: prop, Stance: StanceAgree, Reason: "for m2", OnBehalfOf: m2, Signing: s}
	}
	required := proxyRule(1)
	required.Signatures = SignaturesRequired
	run(t, []scenario{
		{name: "signed by the proxy, for the grantor", given: given, as: asMember(m1), when: cast(signedBy(keyOf(m1), forM2)),
			then: then(VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAgree, Reason: "for m2", CastBy: m1, Signed: stored(keyOf(m1), forM2)})},

		{name: "without the for line", given: given, as: asMember(m1), when: cast(signedBy(keyOf(m1), VoteStatement(hdr(m1), prop, 1, StanceAgree, "for m2", ""))),
			err: Invalid, msg: "for " + m2},
		{name: "for another grantor", given: given, as: asMember(m1), when: cast(signedBy(keyOf(m1), VoteStatement(hdr(m1), prop, 1, StanceAgree, "for m2", m3))),
			err: Invalid, msg: `"for ` + m3 + `"; it must be "for ` + m2 + `"`},
		{name: "signed as the grantor", given: given, as: asMember(m1), when: cast(signedBy(keyOf(m2), VoteStatement(hdr(m2), prop, 1, StanceAgree, "for m2", ""))),
			err: Invalid, msg: `"member ` + m2 + `"; it must be "member ` + m1 + `"`},
		{name: "with the grantor's key", given: given, as: asMember(m1), when: cast(signedBy(keyOf(m2), forM2)),
			err: Invalid, msg: "the signature does not verify with member " + m1},
		{name: "unsigned where the rule requires signatures", as: asMember(m1), when: cast(Signing{}),
			given: keyed(append(proposed(), opened(prop, required, nil), granted(m2, m1, prop))),
			err:   Forbidden, msg: "must be signed"},
	})
}

// A vote the proxy cast and signed checks as the verifier checks it, and
// one whose statement leaves out the grantor does not.
func TestCheckSignedProxyVote(t *testing.T) {
	s := fold(t, keyed(proxyVoting(1, granted(m2, m1, prop))))
	st := VoteStatement(hdr(m1), prop, 1, StanceAgree, "", m2)
	e := NewEvent(asMember(m1), VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAgree, CastBy: m1, Signed: stored(keyOf(m1), st)})
	require.NoError(t, CheckEventSignature(s, e))
	bare := VoteStatement(hdr(m1), prop, 1, StanceAgree, "", "")
	e.Data = VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAgree, CastBy: m1, Signed: stored(keyOf(m1), bare)}
	require.Equal(t, Invalid, KindOf(CheckEventSignature(s, e)))
}
