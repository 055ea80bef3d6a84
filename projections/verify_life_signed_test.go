package projections

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
)

// signedLifeLines is a ledger under a charter requiring signatures and
// allowing one proxy, seqs 1–14: conv, m1, m2 admitted and keyed (2–7); a
// workgroup of m1 (8) toward which m1 commits, signed (9); m1 submits p1,
// signed (10); m2 grants m1 a proxy for it (11); voting opens (12); m1
// casts m2's stance, signed for m2 (13); m1 its own, signed (14).
func signedLifeLines(t *testing.T) (story, [][]byte, map[string]ed25519.PrivateKey) {
	t.Helper()
	s := newStory(3000)
	l := &memLedger{t: t, aid: s.aid, clock: t0}
	keys := map[string]ed25519.PrivateKey{}
	charter := domain.Charter{DecisionRule: domain.RuleConsensus, Signatures: domain.SignaturesRequired, MaxProxies: domain.Proxies(1)}
	l.run(admin, domain.FormAlliance{Name: "Signed Alliance II", Purpose: "p", Charter: charter})
	l.run(admin, domain.AdmitMember{MemberID: s.conv, Name: "Northside Health", Sector: "health system", Role: domain.RoleConvener})
	l.run(admin, domain.AdmitMember{MemberID: s.m1, Name: "Member A", Sector: "payer", Role: domain.RoleMember})
	l.run(admin, domain.AdmitMember{MemberID: s.m2, Name: "Member B", Sector: "payer", Role: domain.RoleMember})
	for _, m := range []string{s.conv, s.m1, s.m2} {
		key := signingKey("life " + m)
		keys[m] = key
		l.run(member(m), domain.NewKeyRegistration(s.aid, m, key))
	}
	conv, m1, m2 := member(s.conv), member(s.m1), member(s.m2)
	wg := testID(3060)
	l.run(conv, domain.FormWorkgroup{WorkgroupID: wg, Name: "Data", Aim: "Share", Metric: "sites", Target: 3, Due: "2027-03-31", MemberIDs: []string{s.m1}})
	l.run(m1, domain.MakeCommitment{CommitmentID: testID(3050), WorkgroupID: wg, Description: "Connect", Metric: "sites", Target: 1, Due: "2027-03-31",
		Signing: signing(keys[s.m1], domain.CommitStatement(l.header(s.m1), "", wg, "Connect", "sites", 1, "2027-03-31"))})
	l.run(m1, domain.SubmitProposal{ProposalID: s.p1, Kind: domain.KindResolution, Title: "Shared formulary", Body: "One list.",
		Signing: signing(keys[s.m1], domain.ProposeStatement(l.header(s.m1), domain.KindResolution, "Shared formulary", "One list."))})
	l.run(m2, domain.GrantProxy{ProxyID: s.m1, ProposalID: s.p1})
	l.run(conv, domain.OpenVoting{ProposalID: s.p1})
	l.run(m1, domain.CastVote{ProposalID: s.p1, Stance: domain.StanceAgree, OnBehalfOf: s.m2,
		Signing: signing(keys[s.m1], domain.VoteStatement(l.header(s.m1), s.p1, 1, domain.StanceAgree, "", s.m2))})
	l.run(m1, domain.CastVote{ProposalID: s.p1, Stance: domain.StanceAgree,
		Signing: signing(keys[s.m1], domain.VoteStatement(l.header(s.m1), s.p1, 1, domain.StanceAgree, "", ""))})
	require.Len(t, l.lines, 14)
	return s, l.lines, keys
}

func TestVerifySignedAllianceLife(t *testing.T) {
	s, lines, keys := signedLifeLines(t)
	got, err := Verify(bytes.NewReader(export(lines)), VerifyOptions{})
	require.NoError(t, err)
	require.Equal(t, 4, got.Signatures, "the commitment toward the workgroup, the proposal and both votes")
	require.Contains(t, statementOfLine(t, lines[12]), "\nfor "+s.m2+"\n")
	require.Contains(t, statementOfLine(t, lines[8]), "\nworkgroup "+testID(3060)+"\n")

	// The proxy re-signs its vote without naming the grantor; the chain is
	// recomputed, so only the statement shows it.
	st := statementOfLine(t, lines[12])
	bare := strings.Replace(st, "for "+s.m2+"\n", "", 1)
	kid := domain.KeyID(keys[s.m1].Public().(ed25519.PublicKey))
	forged := reseal(edit(lines, 13, func(b []byte) []byte {
		b = replace(`for `+s.m2+`\n`, "")(b)
		return resign(keys[s.m1], bare, kid)(b)
	}), 13)
	require.NotContains(t, statementOfLine(t, forged[12]), "for ")
	_, err = Verify(bytes.NewReader(export(forged)), VerifyOptions{})
	requireChainError(t, err, 13, "for "+s.m2)
}
