package verify

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
)

// signedLifeLines is a ledger under a charter requiring signatures and
// allowing one proxy, seqs 1–14: conv, m1, m2 admitted and keyed (2–7); a
// workgroup of m1 (8) toward which m1 commits, signed (9); m1 submits p1,
// signed (10); m2 grants m1 a proxy for it (11); voting opens (12); m1
// casts m2's stance, signed for m2 (13); m1 its own, signed (14).
func signedLifeLines(t *testing.T) (domaintest.Story, [][]byte, map[string]ed25519.PrivateKey) {
	t.Helper()
	s := domaintest.NewStory(3000)
	l := &domaintest.MemLog{T: t, AID: s.AID, Clock: domaintest.T0}
	keys := map[string]ed25519.PrivateKey{}
	charter := domain.Charter{DecisionRule: domain.RuleConsensus, Signatures: domain.SignaturesRequired, MaxProxies: domain.Proxies(1)}
	l.Run(domaintest.Admin, domain.FormAlliance{Name: "Signed Alliance II", Purpose: "p", Charter: charter})
	l.Run(domaintest.Admin, domain.AdmitMember{MemberID: s.Conv, Name: "Northside Health", Sector: "health system", Role: domain.RoleConvener})
	l.Run(domaintest.Admin, domain.AdmitMember{MemberID: s.M1, Name: "Member A", Sector: "payer", Role: domain.RoleMember})
	l.Run(domaintest.Admin, domain.AdmitMember{MemberID: s.M2, Name: "Member B", Sector: "payer", Role: domain.RoleMember})
	for _, m := range []string{s.Conv, s.M1, s.M2} {
		key := domaintest.SigningKey("life " + m)
		keys[m] = key
		l.Run(domaintest.Member(m), domain.NewKeyRegistration(s.AID, m, key))
	}
	conv, m1, m2 := domaintest.Member(s.Conv), domaintest.Member(s.M1), domaintest.Member(s.M2)
	wg := domaintest.TestID(3060)
	l.Run(conv, domain.FormWorkgroup{WorkgroupID: wg, Name: "Data", Aim: "Share", Metric: "sites", Target: 3, Due: "2027-03-31", MemberIDs: []string{s.M1}})
	l.Run(m1, domain.MakeCommitment{CommitmentID: domaintest.TestID(3050), WorkgroupID: wg, Description: "Connect", Metric: "sites", Target: 1, Due: "2027-03-31",
		Signing: domaintest.Signing(keys[s.M1], domain.CommitStatement(l.Header(s.M1), "", wg, "Connect", "sites", 1, "2027-03-31"))})
	l.Run(m1, domain.SubmitProposal{ProposalID: s.P1, Kind: domain.KindResolution, Title: "Shared formulary", Body: "One list.",
		Signing: domaintest.Signing(keys[s.M1], domain.ProposeStatement(l.Header(s.M1), domain.KindResolution, "Shared formulary", "One list."))})
	l.Run(m2, domain.GrantProxy{ProxyID: s.M1, ProposalID: s.P1})
	l.Run(conv, domain.OpenVoting{ProposalID: s.P1})
	l.Run(m1, domain.CastVote{ProposalID: s.P1, Stance: domain.StanceAgree, OnBehalfOf: s.M2,
		Signing: domaintest.Signing(keys[s.M1], domain.VoteStatement(l.Header(s.M1), s.P1, 1, domain.StanceAgree, "", s.M2))})
	l.Run(m1, domain.CastVote{ProposalID: s.P1, Stance: domain.StanceAgree,
		Signing: domaintest.Signing(keys[s.M1], domain.VoteStatement(l.Header(s.M1), s.P1, 1, domain.StanceAgree, "", ""))})
	require.Len(t, l.Lines, 14)
	return s, l.Lines, keys
}

func TestVerifySignedAllianceLife(t *testing.T) {
	s, lines, keys := signedLifeLines(t)
	got, err := Verify(bytes.NewReader(export(lines)), Options{})
	require.NoError(t, err)
	require.Equal(t, 4, got.Signatures, "the commitment toward the workgroup, the proposal and both votes")
	require.Contains(t, statementOfLine(t, lines[12]), "\nfor "+s.M2+"\n")
	require.Contains(t, statementOfLine(t, lines[8]), "\nworkgroup "+domaintest.TestID(3060)+"\n")

	// The proxy re-signs its vote without naming the grantor; the chain is
	// recomputed, so only the statement shows it.
	st := statementOfLine(t, lines[12])
	bare := strings.Replace(st, "for "+s.M2+"\n", "", 1)
	kid := domain.KeyID(keys[s.M1].Public().(ed25519.PublicKey))
	forged := reseal(edit(lines, 13, func(b []byte) []byte {
		b = replace(`for `+s.M2+`\n`, "")(b)
		return resign(keys[s.M1], bare, kid)(b)
	}), 13)
	require.NotContains(t, statementOfLine(t, forged[12]), "for ")
	_, err = Verify(bytes.NewReader(export(forged)), Options{})
	requireChainError(t, err, 13, "for "+s.M2)
}
