package domaintest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
)

// SigningKey returns a fixed Ed25519 key for name.
func SigningKey(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(name))
	return ed25519.NewKeyFromSeed(seed[:])
}

// Header is the statement header of the next command l runs for member.
func (l *MemLog) Header(member string) domain.StatementHeader {
	return domain.StatementHeader{AllianceID: l.AID, MemberID: member, SignedAt: l.Clock.Add(time.Minute), CommandID: fmt.Sprintf("cmd-%d", len(l.Lines)+1)}
}

// Signing signs st with key, as a member's client sends it.
func Signing(key ed25519.PrivateKey, st domain.Statement) domain.Signing {
	s := domain.SignStatement(key, st.String())
	return domain.Signing{Signature: &s}
}

// SignedStory is a ledger under a charter that requires signatures, seqs 1–25:
//
//	1     AllianceFormed (consensus, signatures required)
//	2–5   conv, m1, m2, m3 admitted; 6–9 each registers a key
//	10    m1 submits p1 (signed); 11 m2 amends (signed); 12 m1 accepts (signed)
//	13    voting opens; 14–16 m1, m2, m3 vote (signed)
//	17    m2 registers a new key; 18 m2 changes its vote, signed with it
//	19    conv votes (signed); 20 the vote closes: adopted
//	21    m1 commits (signed); 22 reports progress (signed); 23 fulfils (signed)
//	24    m3 registers a new key; 25 m3 submits p2, signed with it
type SignedStory struct {
	Story
	Keys    map[string]ed25519.PrivateKey
	Rotated map[string]ed25519.PrivateKey
}

// SignedStoryLines returns the signed story's 25 stored lines for an
// alliance numbered base.
func SignedStoryLines(t testing.TB, base int) (SignedStory, [][]byte) {
	t.Helper()
	s := NewSignedStory(base)
	l := &MemLog{T: t, AID: s.AID, Clock: T0}
	s.Tell(l.Run, l.Header)
	require.Len(t, l.Lines, 25)
	return s, l.Lines
}

// NewSignedStory returns the signed story with ids numbered from base.
func NewSignedStory(base int) SignedStory {
	return SignedStory{Story: NewStory(base), Keys: map[string]ed25519.PrivateKey{}, Rotated: map[string]ed25519.PrivateKey{}}
}

// Tell runs the signed story's commands through run; next returns the
// statement header of the next command run will decide, for a member.
func (s SignedStory) Tell(run func(domain.Actor, domain.Command), next func(member string) domain.StatementHeader) {
	required := domain.Charter{DecisionRule: domain.RuleConsensus, Signatures: domain.SignaturesRequired}
	run(Admin, domain.FormAlliance{Name: "Signed Alliance", Purpose: "Decide in ink", Charter: required})
	run(Admin, domain.AdmitMember{MemberID: s.Conv, Name: "Northside Health", Sector: "health system", Role: domain.RoleConvener})
	for i, m := range []string{s.M1, s.M2, s.M3} {
		run(Admin, domain.AdmitMember{MemberID: m, Name: "Member " + string(rune('A'+i)), Sector: "payer", Role: domain.RoleMember})
	}
	for _, m := range []string{s.Conv, s.M1, s.M2, s.M3} {
		s.Keys[m] = SigningKey("first " + m)
		s.Rotated[m] = SigningKey("second " + m)
		run(Member(m), domain.NewKeyRegistration(s.AID, m, s.Keys[m]))
	}
	conv, m1, m2, m3 := Member(s.Conv), Member(s.M1), Member(s.M2), Member(s.M3)
	run(m1, domain.SubmitProposal{ProposalID: s.P1, Kind: domain.KindResolution, Title: "Shared formulary", Body: "One list.",
		Signing: Signing(s.Keys[s.M1], domain.ProposeStatement(next(s.M1), domain.KindResolution, "Shared formulary", "One list."))})
	run(m2, domain.ProposeAmendment{ProposalID: s.P1, AmendmentID: s.Am1, Body: "One list, yearly.", Rationale: "Drugs change.",
		Signing: Signing(s.Keys[s.M2], domain.AmendStatement(next(s.M2), s.P1, "One list, yearly.", "Drugs change."))})
	run(m1, domain.AcceptAmendment{ProposalID: s.P1, AmendmentID: s.Am1,
		Signing: Signing(s.Keys[s.M1], domain.AcceptAmendmentStatement(next(s.M1), s.P1, s.Am1))})
	run(conv, domain.OpenVoting{ProposalID: s.P1})
	vote := func(a domain.Actor, key ed25519.PrivateKey, stance domain.Stance) {
		reason := string(stance) + ", for the record"
		run(a, domain.CastVote{ProposalID: s.P1, Stance: stance, Reason: reason,
			Signing: Signing(key, domain.VoteStatement(next(a.MemberID), s.P1, 2, stance, reason, ""))})
	}
	vote(m1, s.Keys[s.M1], "agree")
	vote(m2, s.Keys[s.M2], "block")
	vote(m3, s.Keys[s.M3], "abstain")
	run(m2, domain.NewKeyRegistration(s.AID, s.M2, s.Rotated[s.M2]))
	vote(m2, s.Rotated[s.M2], "agree")
	vote(conv, s.Keys[s.Conv], "agree")
	run(conv, domain.CloseVoting{ProposalID: s.P1})
	cid := TestID(9050)
	run(m1, domain.MakeCommitment{CommitmentID: cid, ProposalID: s.P1, Description: "Publish the list", Metric: "sites", Target: 12, Due: "2027-06-30",
		Signing: Signing(s.Keys[s.M1], domain.CommitStatement(next(s.M1), s.P1, "", "Publish the list", "sites", 12, "2027-06-30"))})
	run(m1, domain.ReportProgress{CommitmentID: cid, Value: 7.5, Note: "seven and a half",
		Signing: Signing(s.Keys[s.M1], domain.ReportProgressStatement(next(s.M1), cid, 7.5, "seven and a half"))})
	run(m1, domain.FulfilCommitment{CommitmentID: cid, Note: "done",
		Signing: Signing(s.Keys[s.M1], domain.FulfilStatement(next(s.M1), cid, 7.5, "done"))})
	run(m3, domain.NewKeyRegistration(s.AID, s.M3, s.Rotated[s.M3]))
	run(m3, domain.SubmitProposal{ProposalID: s.P2, Kind: domain.KindPosition, Title: "Joint position", Body: "We state.",
		Signing: Signing(s.Rotated[s.M3], domain.ProposeStatement(next(s.M3), domain.KindPosition, "Joint position", "We state."))})
}
