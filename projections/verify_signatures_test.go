package projections

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
)

func signingKey(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(name))
	return ed25519.NewKeyFromSeed(seed[:])
}

// header is the statement header of the next command l runs for member.
func (l *memLedger) header(member string) domain.StatementHeader {
	return domain.StatementHeader{AllianceID: l.aid, MemberID: member, SignedAt: l.clock.Add(time.Minute), CommandID: fmt.Sprintf("cmd-%d", len(l.lines)+1)}
}

// signing signs st with key, as a member's client sends it.
func signing(key ed25519.PrivateKey, st domain.Statement) domain.Signing {
	s := domain.SignStatement(key, st.String())
	return domain.Signing{Signature: &s}
}

// signedStory is a ledger under a charter that requires signatures, seqs 1–25:
//
//	1     AllianceFormed (consensus, signatures required)
//	2–5   conv, m1, m2, m3 admitted; 6–9 each registers a key
//	10    m1 submits p1 (signed); 11 m2 amends (signed); 12 m1 accepts (signed)
//	13    voting opens; 14–16 m1, m2, m3 vote (signed)
//	17    m2 registers a new key; 18 m2 changes its vote, signed with it
//	19    conv votes (signed); 20 the vote closes: adopted
//	21    m1 commits (signed); 22 reports progress (signed); 23 fulfils (signed)
//	24    m3 registers a new key; 25 m3 submits p2, signed with it
type signedStory struct {
	story
	keys    map[string]ed25519.PrivateKey
	rotated map[string]ed25519.PrivateKey
}

func signedStoryLines(t testing.TB, base int) (signedStory, [][]byte) {
	t.Helper()
	s := newSignedStory(base)
	l := &memLedger{t: t, aid: s.aid, clock: t0}
	s.tell(l.run, l.header)
	require.Len(t, l.lines, 25)
	return s, l.lines
}

func newSignedStory(base int) signedStory {
	return signedStory{story: newStory(base), keys: map[string]ed25519.PrivateKey{}, rotated: map[string]ed25519.PrivateKey{}}
}

// tell runs the signed story's commands through run; next returns the
// statement header of the next command run will decide, for a member.
func (s signedStory) tell(run func(domain.Actor, domain.Command), next func(member string) domain.StatementHeader) {
	required := domain.Charter{DecisionRule: domain.RuleConsensus, Signatures: domain.SignaturesRequired}
	run(admin, domain.FormAlliance{Name: "Signed Alliance", Purpose: "Decide in ink", Charter: required})
	run(admin, domain.AdmitMember{MemberID: s.conv, Name: "Northside Health", Sector: "health system", Role: domain.RoleConvener})
	for i, m := range []string{s.m1, s.m2, s.m3} {
		run(admin, domain.AdmitMember{MemberID: m, Name: "Member " + string(rune('A'+i)), Sector: "payer", Role: domain.RoleMember})
	}
	for _, m := range []string{s.conv, s.m1, s.m2, s.m3} {
		s.keys[m] = signingKey("first " + m)
		s.rotated[m] = signingKey("second " + m)
		run(member(m), domain.NewKeyRegistration(s.aid, m, s.keys[m]))
	}
	conv, m1, m2, m3 := member(s.conv), member(s.m1), member(s.m2), member(s.m3)
	run(m1, domain.SubmitProposal{ProposalID: s.p1, Kind: domain.KindResolution, Title: "Shared formulary", Body: "One list.",
		Signing: signing(s.keys[s.m1], domain.ProposeStatement(next(s.m1), domain.KindResolution, "Shared formulary", "One list."))})
	run(m2, domain.ProposeAmendment{ProposalID: s.p1, AmendmentID: s.am1, Body: "One list, yearly.", Rationale: "Drugs change.",
		Signing: signing(s.keys[s.m2], domain.AmendStatement(next(s.m2), s.p1, "One list, yearly.", "Drugs change."))})
	run(m1, domain.AcceptAmendment{ProposalID: s.p1, AmendmentID: s.am1,
		Signing: signing(s.keys[s.m1], domain.AcceptAmendmentStatement(next(s.m1), s.p1, s.am1))})
	run(conv, domain.OpenVoting{ProposalID: s.p1})
	vote := func(a domain.Actor, key ed25519.PrivateKey, stance string) {
		reason := stance + ", for the record"
		run(a, domain.CastVote{ProposalID: s.p1, Stance: stance, Reason: reason,
			Signing: signing(key, domain.VoteStatement(next(a.MemberID), s.p1, 2, stance, reason, ""))})
	}
	vote(m1, s.keys[s.m1], "agree")
	vote(m2, s.keys[s.m2], "block")
	vote(m3, s.keys[s.m3], "abstain")
	run(m2, domain.NewKeyRegistration(s.aid, s.m2, s.rotated[s.m2]))
	vote(m2, s.rotated[s.m2], "agree")
	vote(conv, s.keys[s.conv], "agree")
	run(conv, domain.CloseVoting{ProposalID: s.p1})
	cid := testID(9050)
	run(m1, domain.MakeCommitment{CommitmentID: cid, ProposalID: s.p1, Description: "Publish the list", Metric: "sites", Target: 12, Due: "2027-06-30",
		Signing: signing(s.keys[s.m1], domain.CommitStatement(next(s.m1), s.p1, "", "Publish the list", "sites", 12, "2027-06-30"))})
	run(m1, domain.ReportProgress{CommitmentID: cid, Value: 7.5, Note: "seven and a half",
		Signing: signing(s.keys[s.m1], domain.ReportProgressStatement(next(s.m1), cid, 7.5, "seven and a half"))})
	run(m1, domain.FulfilCommitment{CommitmentID: cid, Note: "done",
		Signing: signing(s.keys[s.m1], domain.FulfilStatement(next(s.m1), cid, 7.5, "done"))})
	run(m3, domain.NewKeyRegistration(s.aid, s.m3, s.rotated[s.m3]))
	run(m3, domain.SubmitProposal{ProposalID: s.p2, Kind: domain.KindPosition, Title: "Joint position", Body: "We state.",
		Signing: signing(s.rotated[s.m3], domain.ProposeStatement(next(s.m3), domain.KindPosition, "Joint position", "We state."))})
}

func TestVerifySignedLedger(t *testing.T) {
	_, lines := signedStoryLines(t, 0)
	got, err := Verify(bytes.NewReader(export(lines)), VerifyOptions{})
	require.NoError(t, err)
	require.Equal(t, 25, got.Events)
	require.Equal(t, 1, got.Decisions)
	require.Equal(t, 12, got.Signatures, "seqs 10–12, 14–16, 18, 19, 21–23 and 25")
	require.Contains(t, string(lines[14]), `"signature":{"key_id":"`, "seq 15 is a signed vote")
}

var sigField = regexp.MustCompile(`"sig":"[^"]*"`)

// resign replaces the sig of a line with key's signature of its statement
// as stored, with key id kid: what a forger holding key could do.
func resign(key ed25519.PrivateKey, statement, kid string) func([]byte) []byte {
	return func(b []byte) []byte {
		sig := base64.StdEncoding.EncodeToString(ed25519.Sign(key, []byte(statement)))
		b = sigField.ReplaceAll(b, []byte(`"sig":"`+sig+`"`))
		return regexp.MustCompile(`"key_id":"[0-9a-f]*"`).ReplaceAll(b, []byte(`"key_id":"`+kid+`"`))
	}
}

func statementOfLine(t *testing.T, line []byte) string {
	t.Helper()
	e, err := domain.Decode(line)
	require.NoError(t, err)
	sig, _ := domain.SignatureOf(e.Data)
	require.NotNil(t, sig)
	return sig.Statement
}

func TestVerifyCatchesForgedSignatures(t *testing.T) {
	s, lines := signedStoryLines(t, 0)
	kid := func(k ed25519.PrivateKey) string { return domain.KeyID(k.Public().(ed25519.PublicKey)) }
	stripped := regexp.MustCompile(`,"signature":\{[^}]*\}`)
	strip := func(b []byte) []byte {
		require.True(t, stripped.Match(b))
		return stripped.ReplaceAll(b, nil)
	}
	m2Vote := statementOfLine(t, lines[14]) // m2's block, signed with its first key
	cases := []struct {
		name   string
		lines  [][]byte
		seq    uint64
		reason string
	}{
		{"a signed stance changed", reseal(edit(lines, 15, replace(`"stance":"block"`, `"stance":"agree"`)), 15), 15,
			`the signature of this VoteCast does not hold: signed statement line 5 is "meaning block"; it must be "meaning approval"`},
		{"a signed reason changed", reseal(edit(lines, 14, replace(`"reason":"agree, for the record"`, `"reason":"agree, reluctantly"`)), 14), 14,
			`signed statement line 11 is "reason sha256:`},
		{"a signature forged with the operator's own key", reseal(edit(lines, 15, resign(signingKey("operator"), m2Vote, kid(s.keys[s.m2]))), 15), 15,
			"the signature does not verify with member " + s.m2},
		{"a forged signature naming the forger's key", reseal(edit(lines, 15, resign(signingKey("operator"), m2Vote, kid(signingKey("operator")))), 15), 15,
			`the signature names key "` + kid(signingKey("operator")) + `", but member ` + s.m2},
		{"signed with a key rotated out", reseal(edit(lines, 18, resign(s.keys[s.m2], statementOfLine(t, lines[17]), kid(s.keys[s.m2]))), 18), 18,
			"key in force is " + kid(s.rotated[s.m2]) + " (registered at seq 17)"},
		{"a signature stripped under a requiring charter", reseal(edit(lines, 14, strip), 14), 14,
			"VoteCast must be signed: voting on proposal " + s.p1 + " opened under a rule with signatures required, but this VoteCast carries no signature"},
		{"a signed proposal stripped", reseal(edit(lines, 10, strip), 10), 10,
			"ProposalSubmitted must be signed: the charter of alliance " + s.aid + " has signatures required"},
		{"a signed action moved in time", reseal(edit(lines, 22, replace(`"at":"2026-11-22T10:22:00Z"`, `"at":"2026-11-22T10:40:00Z"`)), 22), 22,
			"18m0s from the time the action is recorded"},
		{"a signed statement given to another member", reseal(edit(lines, 16, func(b []byte) []byte {
			return bytes.ReplaceAll(b, []byte(`"member_id":"`+s.m3+`"`), []byte(`"member_id":"`+s.m1+`"`))
		}), 16), 16, "the signature names key"},
		{"a key registered by someone else", reseal(edit(lines, 7, replace(`"actor":{"id":"`+s.m1+`","role":"member","member_id":"`+s.m1+`"}`,
			`"actor":{"id":"`+s.conv+`","role":"member","member_id":"`+s.conv+`"}`)), 7), 7,
			"the key of member " + s.m1 + " (Member A) was registered by actor \"" + s.conv + "\", not by the member itself"},
		{"a key swapped in its registration", reseal(edit(lines, 7, replace(`"public_key":"`, `"public_key":"A`)), 7), 7,
			"the key registration of member " + s.m1 + " (Member A) does not hold: public_key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Verify(bytes.NewReader(export(c.lines)), VerifyOptions{})
			requireChainError(t, err, c.seq, c.reason)
		})
	}
}

// An unsigned ledger under an optional charter verifies as before, and a
// VotingOpened recorded before signatures and proxies existed still
// matches the charter in force.
func TestVerifyOldRuleSpelling(t *testing.T) {
	_, lines := storyLines(t, 0)
	old := reseal(edit(lines, 12, replace(`,"signatures":"optional","max_proxies":0`, ``)), 12)
	_, err := Verify(bytes.NewReader(export(old)), VerifyOptions{})
	require.NoError(t, err)
	forged := reseal(edit(lines, 12, replace(`"signatures":"optional"`, `"signatures":"required"`)), 12)
	_, err = Verify(bytes.NewReader(export(forged)), VerifyOptions{})
	requireChainError(t, err, 12, "but the charter in force was")
}

// signedVotes returns the lines of a ledger of votes, every one signed by
// its member: the alliance, five members and their keys, a signed proposal
// and the opening of its vote (seqs 1–13), then the votes, one a second.
func signedVotes(tb testing.TB, votes int) [][]byte {
	tb.Helper()
	s := newStory(7000)
	l := &memLedger{t: tb, aid: s.aid, clock: t0}
	l.run(admin, domain.FormAlliance{Name: "Signed votes", Purpose: "measure", Charter: domain.Charter{DecisionRule: domain.RuleMajority, Signatures: domain.SignaturesRequired}})
	members := []string{s.conv, s.m1, s.m2, s.m3, s.m4}
	keys := map[string]ed25519.PrivateKey{}
	for i, m := range members {
		role := domain.RoleMember
		if i == 0 {
			role = domain.RoleConvener
		}
		l.run(admin, domain.AdmitMember{MemberID: m, Name: "M" + fmt.Sprint(i), Sector: "payer", Role: role})
		keys[m] = signingKey(m)
		l.run(member(m), domain.NewKeyRegistration(s.aid, m, keys[m]))
	}
	l.run(member(s.m1), domain.SubmitProposal{ProposalID: s.p1, Kind: domain.KindResolution, Title: "T", Body: "B",
		Signing: signing(keys[s.m1], domain.ProposeStatement(l.header(s.m1), domain.KindResolution, "T", "B"))})
	l.run(member(s.conv), domain.OpenVoting{ProposalID: s.p1})
	stances := []string{"agree", "disagree", "abstain", "block"}
	reason := "a considered reason, given in full"
	for i := range votes {
		m, stance := members[i%len(members)], stances[i%len(stances)]
		l.clock = l.clock.Add(-time.Minute + time.Second) // run adds a minute: one vote a second
		l.run(member(m), domain.CastVote{ProposalID: s.p1, Stance: stance, Reason: reason,
			Signing: signing(keys[m], domain.VoteStatement(l.header(m), s.p1, 1, stance, reason, ""))})
	}
	return l.lines
}

// BenchmarkVerifySignedVotes measures offline verification of an export
// whose votes are all signed: every signature is checked with Ed25519.
func BenchmarkVerifySignedVotes(b *testing.B) {
	lines := signedVotes(b, 5000)
	raw := export(lines)
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Verify(bytes.NewReader(raw), VerifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(lines)*b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkVerifyUnsignedVotes is the same ledger's shape unsigned, for
// comparison.
func BenchmarkVerifyUnsignedVotes(b *testing.B) {
	pr := &bytes.Buffer{}
	require.NoError(b, writeVotes(pr, 5000))
	raw := pr.Bytes()
	events := bytes.Count(raw, []byte("\n"))
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Verify(bytes.NewReader(raw), VerifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(events*b.N)/b.Elapsed().Seconds(), "events/s")
}

// Signatures are verified in batches, yet the first line that fails is the
// one named, whichever check catches it and however late.
func TestVerifyNamesTheFirstBadSignature(t *testing.T) {
	s, lines := signedStoryLines(t, 0)
	forged := edit(lines, 15, resign(signingKey("operator"), statementOfLine(t, lines[14]), domain.KeyID(s.keys[s.m2].Public().(ed25519.PublicKey))))
	later := edit(forged, 19, replace(`"stance":"agree"`, `"stance":"block"`))
	_, err := Verify(bytes.NewReader(export(reseal(later, 15))), VerifyOptions{})
	requireChainError(t, err, 15, "the signature does not verify")
	var ce *ChainError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 15, ce.Line)

	many := signedVotes(t, 2*signatureBatchSize+10)
	bad := 12 + signatureBatchSize/2 // a vote in the first batch
	e, err := domain.Decode(many[bad-1])
	require.NoError(t, err)
	require.Equal(t, domain.TypeVoteCast, e.Type)
	v := NewVerifier(VerifyOptions{})
	broken := reseal(edit(many, bad, resign(signingKey("operator"), statementOfLine(t, many[bad-1]), e.Data.(domain.VoteCast).Signature.KeyID)), bad)
	var first error
	var at int
	for i, line := range broken {
		if err := v.Check(line); err != nil {
			first, at = err, i+1
			break
		}
	}
	requireChainError(t, first, uint64(bad), "the signature does not verify")
	require.Greater(t, at, bad, "found when its batch was verified, at line %d", at)
	_, err = v.Finish()
	require.Equal(t, first, err)

	_, err = Verify(bytes.NewReader(export(many)), VerifyOptions{})
	require.NoError(t, err)
}
