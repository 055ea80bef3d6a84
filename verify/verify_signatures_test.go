package verify

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
)

func TestVerifySignedLedger(t *testing.T) {
	_, lines := domaintest.SignedStoryLines(t, 0)
	got, err := Verify(bytes.NewReader(export(lines)), Options{})
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
	s, lines := domaintest.SignedStoryLines(t, 0)
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
		{"a signature forged with the operator's own key", reseal(edit(lines, 15, resign(domaintest.SigningKey("operator"), m2Vote, kid(s.Keys[s.M2]))), 15), 15,
			"the signature does not verify with member " + s.M2},
		{"a forged signature naming the forger's key", reseal(edit(lines, 15, resign(domaintest.SigningKey("operator"), m2Vote, kid(domaintest.SigningKey("operator")))), 15), 15,
			`the signature names key "` + kid(domaintest.SigningKey("operator")) + `", but member ` + s.M2},
		{"signed with a key rotated out", reseal(edit(lines, 18, resign(s.Keys[s.M2], statementOfLine(t, lines[17]), kid(s.Keys[s.M2]))), 18), 18,
			"key in force is " + kid(s.Rotated[s.M2]) + " (registered at seq 17)"},
		{"a signature stripped under a requiring charter", reseal(edit(lines, 14, strip), 14), 14,
			"VoteCast must be signed: voting on proposal " + s.P1 + " opened under a rule with signatures required, but this VoteCast carries no signature"},
		{"a signed proposal stripped", reseal(edit(lines, 10, strip), 10), 10,
			"ProposalSubmitted must be signed: the charter of alliance " + s.AID + " has signatures required"},
		{"a signed action moved in time", reseal(edit(lines, 22, replace(`"at":"2026-11-22T10:22:00Z"`, `"at":"2026-11-22T10:40:00Z"`)), 22), 22,
			"18m0s from the time the action is recorded"},
		{"a signed statement given to another member", reseal(edit(lines, 16, func(b []byte) []byte {
			return bytes.ReplaceAll(b, []byte(`"member_id":"`+s.M3+`"`), []byte(`"member_id":"`+s.M1+`"`))
		}), 16), 16, "the signature names key"},
		{"a key registered by someone else", reseal(edit(lines, 7, replace(`"actor":{"id":"`+s.M1+`","role":"member","member_id":"`+s.M1+`"}`,
			`"actor":{"id":"`+s.Conv+`","role":"member","member_id":"`+s.Conv+`"}`)), 7), 7,
			"the key of member " + s.M1 + " (Member A) was registered by actor \"" + s.Conv + "\", not by the member itself"},
		{"a key swapped in its registration", reseal(edit(lines, 7, replace(`"public_key":"`, `"public_key":"A`)), 7), 7,
			"the key registration of member " + s.M1 + " (Member A) does not hold: public_key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Verify(bytes.NewReader(export(c.lines)), Options{})
			requireChainError(t, err, c.seq, c.reason)
		})
	}
}

// An unsigned ledger under an optional charter verifies as before, and a
// VotingOpened recorded before signatures and proxies existed still
// matches the charter in force.
func TestVerifyOldRuleSpelling(t *testing.T) {
	_, lines := domaintest.StoryLines(t, 0)
	old := reseal(edit(lines, 12, replace(`,"signatures":"optional","max_proxies":0`, ``)), 12)
	_, err := Verify(bytes.NewReader(export(old)), Options{})
	require.NoError(t, err)
	forged := reseal(edit(lines, 12, replace(`"signatures":"optional"`, `"signatures":"required"`)), 12)
	_, err = Verify(bytes.NewReader(export(forged)), Options{})
	requireChainError(t, err, 12, "but the charter in force was")
}

// signedVotes returns the lines of a ledger of votes, every one signed by
// its member: the alliance, five members and their keys, a signed proposal
// and the opening of its vote (seqs 1–13), then the votes, one a second.
func signedVotes(tb testing.TB, votes int) [][]byte {
	tb.Helper()
	s := domaintest.NewStory(7000)
	l := &domaintest.MemLog{T: tb, AID: s.AID, Clock: domaintest.T0}
	l.Run(domaintest.Admin, domain.FormAlliance{Name: "Signed votes", Purpose: "measure", Charter: domain.Charter{DecisionRule: domain.RuleMajority, Signatures: domain.SignaturesRequired}})
	members := []string{s.Conv, s.M1, s.M2, s.M3, s.M4}
	keys := map[string]ed25519.PrivateKey{}
	for i, m := range members {
		role := domain.RoleMember
		if i == 0 {
			role = domain.RoleConvener
		}
		l.Run(domaintest.Admin, domain.AdmitMember{MemberID: m, Name: "M" + fmt.Sprint(i), Sector: "payer", Role: role})
		keys[m] = domaintest.SigningKey(m)
		l.Run(domaintest.Member(m), domain.NewKeyRegistration(s.AID, m, keys[m]))
	}
	l.Run(domaintest.Member(s.M1), domain.SubmitProposal{ProposalID: s.P1, Kind: domain.KindResolution, Title: "T", Body: "B",
		Signing: domaintest.Signing(keys[s.M1], domain.ProposeStatement(l.Header(s.M1), domain.KindResolution, "T", "B"))})
	l.Run(domaintest.Member(s.Conv), domain.OpenVoting{ProposalID: s.P1})
	stances := []domain.Stance{"agree", "disagree", "abstain", "block"}
	reason := "a considered reason, given in full"
	for i := range votes {
		m, stance := members[i%len(members)], stances[i%len(stances)]
		l.Clock = l.Clock.Add(-time.Minute + time.Second) // run adds a minute: one vote a second
		l.Run(domaintest.Member(m), domain.CastVote{ProposalID: s.P1, Stance: stance, Reason: reason,
			Signing: domaintest.Signing(keys[m], domain.VoteStatement(l.Header(m), s.P1, 1, stance, reason, ""))})
	}
	return l.Lines
}

// BenchmarkVerifySignedVotes measures offline verification of an export
// whose votes are all signed: every signature is checked with Ed25519.
func BenchmarkVerifySignedVotes(b *testing.B) {
	lines := signedVotes(b, 5000)
	raw := export(lines)
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Verify(bytes.NewReader(raw), Options{}); err != nil {
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
		if _, err := Verify(bytes.NewReader(raw), Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(events*b.N)/b.Elapsed().Seconds(), "events/s")
}

// Signatures are verified in batches, yet the first line that fails is the
// one named, whichever check catches it and however late.
func TestVerifyNamesTheFirstBadSignature(t *testing.T) {
	s, lines := domaintest.SignedStoryLines(t, 0)
	forged := edit(lines, 15, resign(domaintest.SigningKey("operator"), statementOfLine(t, lines[14]), domain.KeyID(s.Keys[s.M2].Public().(ed25519.PublicKey))))
	later := edit(forged, 19, replace(`"stance":"agree"`, `"stance":"block"`))
	_, err := Verify(bytes.NewReader(export(reseal(later, 15))), Options{})
	requireChainError(t, err, 15, "the signature does not verify")
	var ce *ChainError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 15, ce.Line)

	many := signedVotes(t, 2*signatureBatchSize+10)
	bad := 12 + signatureBatchSize/2 // a vote in the first batch
	e, err := domain.Decode(many[bad-1])
	require.NoError(t, err)
	require.Equal(t, domain.TypeVoteCast, e.Type)
	v := NewVerifier(Options{})
	broken := reseal(edit(many, bad, resign(domaintest.SigningKey("operator"), statementOfLine(t, many[bad-1]), e.Data.(domain.VoteCast).Signature.KeyID)), bad)
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

	_, err = Verify(bytes.NewReader(export(many)), Options{})
	require.NoError(t, err)
}
