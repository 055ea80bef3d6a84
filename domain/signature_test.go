package domain

import (
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// hdr is the header a member's client writes for a command decided as
// as(…) decides it: command cmd-1, signed at now.
func hdr(member string) StatementHeader {
	return StatementHeader{AllianceID: aid, MemberID: member, SignedAt: now, CommandID: "cmd-1"}
}

// signedBy is what a client sends: st's text signed with key.
func signedBy(key ed25519.PrivateKey, st Statement) Signing {
	return signedText(key, st.String())
}

func signedText(key ed25519.PrivateKey, text string) Signing {
	s := SignStatement(key, text)
	return Signing{Signature: &s}
}

// stored is what the event then carries.
func stored(key ed25519.PrivateKey, st Statement) Signed {
	s := SignStatement(key, st.String())
	return Signed{Signature: &Signature{KeyID: KeyID(key.Public().(ed25519.PublicKey)), Statement: s.Statement, Sig: s.Sig}}
}

// keyed adds m1's and m2's keys (two events) to a history.
func keyed(given []EventData, more ...EventData) []EventData {
	return append(append(given, registered(m1, keyOf(m1)), registered(m2, keyOf(m2))), more...)
}

// votingKeyed is a vote open on prop (seq 7) with m1 and m2 keyed (8, 9).
func votingKeyed(more ...EventData) []EventData { return keyed(voting(), more...) }

func TestStatementText(t *testing.T) {
	st := VoteStatement(StatementHeader{AllianceID: aid, MemberID: m2, SignedAt: time.Date(2026, 11, 22, 10, 0, 0, 500, time.UTC), CommandID: "k-1"},
		prop, 2, StanceBlock, "unsafe", "")
	require.Equal(t, "accord-statement/v1\n"+
		"alliance "+aid+"\n"+
		"member "+m2+"\n"+
		"action vote\n"+
		"meaning block\n"+
		"signed-at 2026-11-22T10:00:00.0000005Z\n"+
		"command k-1\n"+
		"proposal "+prop+"\n"+
		"version 2\n"+
		"stance block\n"+
		"reason sha256:629e3fc948fb5ca55eb9f2cc1cd815703841a4f6be23b038925fbe56bdc19c24\n", st.String())
	require.Equal(t, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", TextDigest(""))
	proxy := VoteStatement(hdr(m2), prop, 1, StanceAgree, "", m3)
	require.True(t, strings.HasSuffix(proxy.String(), "\nfor "+m3+"\n"), "a proxy names its grantor last")
	commit := CommitStatement(hdr(m1), prop, "", "Publish", "sites", 12.5, "2027-06-30").String()
	require.Contains(t, commit, "\naction commit\nmeaning commitment\n")
	require.Contains(t, commit, "\nproposal "+prop+"\ndescription "+TextDigest("Publish")+"\nmetric "+TextDigest("sites")+"\ntarget 12.5\ndue 2027-06-30\n")
	require.Contains(t, CommitStatement(hdr(m1), "", wg, "d", "m", 1, "2027-06-30").String(), "\nworkgroup "+wg+"\n")
}

func TestParseStatement(t *testing.T) {
	st := VoteStatement(hdr(m2), prop, 1, StanceAgree, "fine", "")
	back, err := ParseStatement(st.String())
	require.NoError(t, err)
	require.Equal(t, hdr(m2), back.StatementHeader)
	require.Equal(t, ActionVote, back.Action)
	require.Equal(t, MeaningApproval, back.Meaning)
	require.Equal(t, []StatementLine{{Name: "proposal", Value: prop}, {Name: "version", Value: "1"}, {Name: "stance", Value: "agree"}, {Name: "reason", Value: TextDigest("fine")}}, back.Fields)
	for text, msg := range map[string]string{
		"":                      "must end with a newline",
		"accord-statement/v1":   "must end with a newline",
		"accord-statement/v1\n": "a statement starts with",
		strings.Replace(st.String(), "meaning approval", "meanings approval", 1): `statement line 5 is "meanings approval"; it must be the meaning line`,
		strings.Replace(st.String(), "Z\n", "+00:00\n", 1):                       "signed-at must be an RFC 3339 UTC instant",
		"accord-statement/v1\n\xff\n":                                            "not valid UTF-8",
	} {
		_, err := ParseStatement(text)
		require.Equal(t, Invalid, KindOf(err), text)
		require.ErrorContains(t, err, msg, text)
	}
}

func TestSignedActionsAreRecorded(t *testing.T) {
	voteSt := VoteStatement(hdr(m2), prop, 1, StanceAgree, "fine", "")
	propose := ProposeStatement(hdr(m1), KindResolution, "Shared formulary", "One list.")
	amendSt := AmendStatement(hdr(m2), prop, "v2", "clearer")
	accept := AcceptAmendmentStatement(hdr(m1), prop, amend)
	reject := RejectAmendmentStatement(hdr(m1), prop, amend)
	commit := CommitStatement(hdr(m1), prop, "", "Publish data", "sites", 10, "2027-06-30")
	report := ReportProgressStatement(hdr(m1), cmt, 4, "four live")
	fulfil := FulfilStatement(hdr(m1), cmt, 4, "done")
	reported := ProgressReported{CommitmentID: cmt, Value: 4, Note: "n"}
	run(t, []scenario{
		{name: "vote", given: votingKeyed(), as: asMember(m2),
			when: CastVote{ProposalID: prop, Stance: StanceAgree, Reason: "fine", Signing: signedBy(keyOf(m2), voteSt)},
			then: then(VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAgree, Reason: "fine", Signed: stored(keyOf(m2), voteSt)})},
		{name: "propose, title as recorded (trimmed)", given: keyed(formed()), as: asMember(m1),
			when: SubmitProposal{ProposalID: prop, Kind: KindResolution, Title: "  Shared formulary ", Body: "One list.", Signing: signedBy(keyOf(m1), propose)},
			then: then(ProposalSubmitted{ProposalID: prop, Kind: KindResolution, Title: "Shared formulary", Body: "One list.", AuthorID: m1, Signed: stored(keyOf(m1), propose)})},
		{name: "amend", given: keyed(proposed()), as: asMember(m2),
			when: ProposeAmendment{ProposalID: prop, AmendmentID: amend, Body: "v2", Rationale: "clearer", Signing: signedBy(keyOf(m2), amendSt)},
			then: then(AmendmentProposed{ProposalID: prop, AmendmentID: amend, Body: "v2", Rationale: "clearer", AuthorID: m2, Signed: stored(keyOf(m2), amendSt)})},
		{name: "accept an amendment", given: keyed(withAmendment()), as: asMember(m1),
			when: AcceptAmendment{ProposalID: prop, AmendmentID: amend, Signing: signedBy(keyOf(m1), accept)},
			then: then(AmendmentAccepted{ProposalID: prop, AmendmentID: amend, Version: 2, Signed: stored(keyOf(m1), accept)})},
		{name: "reject an amendment", given: keyed(withAmendment()), as: asMember(m1),
			when: RejectAmendment{ProposalID: prop, AmendmentID: amend, Signing: signedBy(keyOf(m1), reject)},
			then: then(AmendmentRejected{ProposalID: prop, AmendmentID: amend, Version: 1, Signed: stored(keyOf(m1), reject)})},
		{name: "commit", given: keyed(closedAs(ResultAdopted)), as: asMember(m1),
			when: MakeCommitment{CommitmentID: cmt, ProposalID: prop, Description: "Publish data", Metric: "sites", Target: 10, Due: "2027-06-30", Signing: signedBy(keyOf(m1), commit)},
			then: then(CommitmentMade{CommitmentID: cmt, MemberID: m1, ProposalID: prop, Description: "Publish data", Metric: "sites", Target: 10, Due: "2027-06-30", Signed: stored(keyOf(m1), commit)})},
		{name: "report progress", given: keyed(committed()), as: asMember(m1),
			when: ReportProgress{CommitmentID: cmt, Value: 4, Note: "four live", Signing: signedBy(keyOf(m1), report)},
			then: then(ProgressReported{CommitmentID: cmt, Value: 4, Note: "four live", Signed: stored(keyOf(m1), report)})},
		{name: "fulfil, attesting the last value reported", given: keyed(committed(reported)), as: asMember(m1),
			when: FulfilCommitment{CommitmentID: cmt, Note: "done", Signing: signedBy(keyOf(m1), fulfil)},
			then: then(CommitmentFulfilled{CommitmentID: cmt, Note: "done", Value: ptr(4.0), Signed: stored(keyOf(m1), fulfil)})},
		{name: "unsigned, where signatures are optional", given: votingKeyed(), as: asMember(m2),
			when: CastVote{ProposalID: prop, Stance: StanceAgree}, then: then(vote(m2, StanceAgree))},
	})
}

// A number may be written as any decimal of the same float64; signed-at
// may be anywhere within five minutes of the command's time.
func TestSignedLinesThatMatchOtherwise(t *testing.T) {
	commit := CommitStatement(hdr(m1), prop, "", "Publish data", "sites", 10, "2027-06-30").String()
	when := func(text string) Command {
		return MakeCommitment{CommitmentID: cmt, ProposalID: prop, Description: "Publish data", Metric: "sites", Target: 10, Due: "2027-06-30", Signing: signedText(keyOf(m1), text)}
	}
	for _, sc := range []struct{ name, from, to string }{
		{"target 10.0", "\ntarget 10\n", "\ntarget 10.0\n"},
		{"target 1e1", "\ntarget 10\n", "\ntarget 1e1\n"},
		{"target 1.000E+01", "\ntarget 10\n", "\ntarget 1.000E+01\n"},
		{"signed 4m59s before", "signed-at 2026-11-23T10:00:00Z", "signed-at 2026-11-23T09:55:01Z"},
		{"signed 5m after", "signed-at 2026-11-23T10:00:00Z", "signed-at 2026-11-23T10:05:00Z"},
		{"signed-at with nanoseconds", "signed-at 2026-11-23T10:00:00Z", "signed-at 2026-11-23T10:00:00.123456789Z"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			text := strings.Replace(commit, sc.from, sc.to, 1)
			require.NotEqual(t, commit, text)
			events, err := Decide(fold(t, keyed(closedAs(ResultAdopted))), asMember(m1), when(text))
			require.NoError(t, err)
			require.Equal(t, text, events[0].Data.(CommitmentMade).Signature.Statement, "stored as signed")
		})
	}
}

// Every refusal of a signed statement: a 400 naming what fails, or a 403
// where a signature is required and missing; nothing is recorded.
func TestSignatureRefusals(t *testing.T) {
	good := VoteStatement(hdr(m2), prop, 1, StanceAgree, "fine", "").String()
	castWith := func(s Signing) CastVote {
		return CastVote{ProposalID: prop, Stance: StanceAgree, Reason: "fine", Signing: s}
	}
	// line replaces line n (1-based) of the good statement and signs it with m2's key.
	line := func(n int, with string) CastVote {
		lines := strings.Split(good, "\n")
		lines[n-1] = with
		return castWith(signedText(keyOf(m2), strings.Join(lines, "\n")))
	}
	old := StatementHeader{AllianceID: aid, MemberID: m2, SignedAt: t0.Add(7 * time.Minute), CommandID: "given"}
	replayed := VoteStatement(old, prop, 1, StanceAgree, "fine", "")
	required := Charter{DecisionRule: RuleConsensus, Signatures: SignaturesRequired}
	requiredVote := keyed(append(formedWith(full(required)), submitted(prop, KindResolution, nil), opened(prop, full(required), nil)))
	optionalVoteRequiredCharter := keyed(voting(CharterAmended{Charter: full(required), ProposalID: prop2}))
	requiredVoteOptionalCharter := append(requiredVote, CharterAmended{Charter: full(consensusCharter), ProposalID: prop2})
	run(t, []scenario{
		{name: "signed with another member's key", given: votingKeyed(), as: asMember(m2), when: castWith(signedText(keyOf(m1), good)),
			err: Invalid, msg: "the signature does not verify with member " + m2 + " (MedCo)'s key in force " + registered(m2, keyOf(m2)).KeyID + " (registered at seq 9)"},
		{name: "signature not base64", given: votingKeyed(), as: asMember(m2), when: castWith(Signing{&SignedStatement{Statement: good, Sig: "%%%"}}),
			err: Invalid, msg: `sig "%%%" is not the standard base64 of a 64-byte Ed25519 signature`},
		{name: "no key registered", given: voting(), as: asMember(m2), when: castWith(signedText(keyOf(m2), good)),
			err: Invalid, msg: "member " + m2 + " (MedCo) has no signing key registered, so its signature cannot be checked"},
		{name: "a stale key after rotation", given: votingKeyed(registered(m2, rotated(m2))), as: asMember(m2), when: castWith(signedText(keyOf(m2), good)),
			err: Invalid, msg: "does not verify with member " + m2 + " (MedCo)'s key in force " + registered(m2, rotated(m2)).KeyID + " (registered at seq 10)"},
		{name: "the version line", given: votingKeyed(), as: asMember(m2), when: line(1, "accord-statement/v2"),
			err: Invalid, msg: `signed statement line 1 is "accord-statement/v2"; it must be "accord-statement/v1"`},
		{name: "another alliance", given: votingKeyed(), as: asMember(m2), when: line(2, "alliance "+id(2)),
			err: Invalid, msg: `signed statement line 2 is "alliance ` + id(2) + `"; it must be "alliance ` + aid + `"`},
		{name: "another member", given: votingKeyed(), as: asMember(m2), when: line(3, "member "+m1),
			err: Invalid, msg: `signed statement line 3 is "member ` + m1 + `"; it must be "member ` + m2 + `"`},
		{name: "another action", given: votingKeyed(), as: asMember(m2), when: line(4, "action propose"),
			err: Invalid, msg: `signed statement line 4 is "action propose"; it must be "action vote"`},
		{name: "another meaning", given: votingKeyed(), as: asMember(m2), when: line(5, "meaning objection"),
			err: Invalid, msg: `signed statement line 5 is "meaning objection"; it must be "meaning approval"`},
		{name: "signed-at too early", given: votingKeyed(), as: asMember(m2), when: line(6, "signed-at 2026-11-23T09:54:59Z"),
			err: Invalid, msg: `signed statement line 6 is "signed-at 2026-11-23T09:54:59Z", 5m1s from the time the action is recorded (2026-11-23T10:00:00Z); at most 5m0s either way is allowed`},
		{name: "signed-at too late", given: votingKeyed(), as: asMember(m2), when: line(6, "signed-at 2026-11-23T10:06:00Z"),
			err: Invalid, msg: "6m0s from the time the action is recorded"},
		{name: "signed-at not UTC", given: votingKeyed(), as: asMember(m2), when: line(6, "signed-at 2026-11-23T11:00:00+01:00"),
			err: Invalid, msg: "signed-at must be an RFC 3339 UTC instant"},
		{name: "another command id", given: votingKeyed(), as: asMember(m2), when: line(7, "command cmd-2"),
			err: Invalid, msg: `signed statement line 7 is "command cmd-2"; it must be "command cmd-1", the command id (the request's Idempotency-Key)`},
		{name: "a statement replayed under a new command id", given: votingKeyed(VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAgree, Reason: "fine", Signed: stored(keyOf(m2), replayed)}),
			as: asMember(m2), when: castWith(signedBy(keyOf(m2), replayed)), err: Invalid, msg: `signed statement line 6 is "signed-at 2026-11-22T10:07:00Z"`},
		{name: "a statement replayed, signed-at still fresh", given: votingKeyed(), as: asMember(m2),
			when: castWith(signedBy(keyOf(m2), VoteStatement(StatementHeader{AllianceID: aid, MemberID: m2, SignedAt: now, CommandID: "given"}, prop, 1, StanceAgree, "fine", ""))),
			err:  Invalid, msg: `signed statement line 7 is "command given"; it must be "command cmd-1"`},
		{name: "another proposal", given: votingKeyed(), as: asMember(m2), when: line(8, "proposal "+prop2),
			err: Invalid, msg: `signed statement line 8 is "proposal ` + prop2 + `"`},
		{name: "another version", given: votingKeyed(), as: asMember(m2), when: line(9, "version 2"),
			err: Invalid, msg: `signed statement line 9 is "version 2"; it must be "version 1"`},
		{name: "another stance", given: votingKeyed(), as: asMember(m2), when: line(10, "stance block"),
			err: Invalid, msg: `signed statement line 10 is "stance block"; it must be "stance agree"`},
		{name: "the reason in clear", given: votingKeyed(), as: asMember(m2), when: line(11, "reason fine"),
			err: Invalid, msg: `signed statement line 11 is "reason fine"; it must be "reason ` + TextDigest("fine") + `"`},
		{name: "another reason", given: votingKeyed(), as: asMember(m2), when: line(11, "reason "+TextDigest("fine ")),
			err: Invalid, msg: `signed statement line 11 is "reason ` + TextDigest("fine ") + `"`},
		{name: "a line too many", given: votingKeyed(), as: asMember(m2), when: castWith(signedText(keyOf(m2), good+"for "+m3+"\n")),
			err: Invalid, msg: `signed statement line 12 "for ` + m3 + `" is one too many: the statement ends after line 11`},
		{name: "a line short", given: votingKeyed(), as: asMember(m2), when: castWith(signedText(keyOf(m2), strings.TrimSuffix(good, "reason "+TextDigest("fine")+"\n"))),
			err: Invalid, msg: `the signed statement ends after line 10; line 11 must be "reason ` + TextDigest("fine") + `"`},
		{name: "no final newline", given: votingKeyed(), as: asMember(m2), when: castWith(signedText(keyOf(m2), strings.TrimSuffix(good, "\n"))),
			err: Invalid, msg: "the signed statement must end with a newline"},
		{name: "CRLF line ends", given: votingKeyed(), as: asMember(m2), when: castWith(signedText(keyOf(m2), strings.ReplaceAll(good, "\n", "\r\n"))),
			err: Invalid, msg: `signed statement line 1 is "accord-statement/v1\r"`},
		{name: "a number that is not a decimal", given: keyed(closedAs(ResultAdopted)), as: asMember(m1),
			when: MakeCommitment{CommitmentID: cmt, ProposalID: prop, Description: "d", Metric: "m", Target: 16, Due: "2027-06-30",
				Signing: signedText(keyOf(m1), strings.Replace(CommitStatement(hdr(m1), prop, "", "d", "m", 16, "2027-06-30").String(), "target 16", "target 0x10", 1))},
			err: Invalid, msg: `signed statement line 11 is "target 0x10"; it must be "target 16" (or another decimal of the same number)`},
		{name: "a fulfilment attesting another value", given: keyed(committed(ProgressReported{CommitmentID: cmt, Value: 4})), as: asMember(m1),
			when: FulfilCommitment{CommitmentID: cmt, Note: "done", Signing: signedBy(keyOf(m1), FulfilStatement(hdr(m1), cmt, 10, "done"))},
			err:  Invalid, msg: `signed statement line 9 is "value 10"; it must be "value 4"`},
		{name: "another amendment", given: keyed(withAmendment()), as: asMember(m1),
			when: AcceptAmendment{ProposalID: prop, AmendmentID: amend, Signing: signedBy(keyOf(m1), AcceptAmendmentStatement(hdr(m1), prop, amend2))},
			err:  Invalid, msg: `signed statement line 9 is "amendment ` + amend2 + `"; it must be "amendment ` + amend + `"`},
		{name: "acceptance signed as a rejection", given: keyed(withAmendment()), as: asMember(m1),
			when: AcceptAmendment{ProposalID: prop, AmendmentID: amend, Signing: signedBy(keyOf(m1), RejectAmendmentStatement(hdr(m1), prop, amend))},
			err:  Invalid, msg: `signed statement line 4 is "action reject-amendment"; it must be "action accept-amendment"`},

		{name: "required by the vote's rule, unsigned", given: requiredVote, as: asMember(m2), when: CastVote{ProposalID: prop, Stance: StanceAgree},
			err: Forbidden, msg: "VoteCast must be signed: voting on proposal " + prop + " opened under a rule with signatures required"},
		{name: "required by the vote's rule though the charter no longer does", given: requiredVoteOptionalCharter, as: asMember(m2),
			when: CastVote{ProposalID: prop, Stance: StanceAgree}, err: Forbidden, msg: "VoteCast must be signed"},
		{name: "required by the charter, unsigned proposal", given: keyed(formedWith(required)), as: asMember(m1),
			when: SubmitProposal{ProposalID: prop, Kind: KindResolution, Title: "t", Body: "b"},
			err:  Forbidden, msg: "ProposalSubmitted must be signed: the charter of alliance " + aid + " has signatures required"},
		{name: "required by the charter, unsigned progress", given: append(committed(), CharterAmended{Charter: full(required), ProposalID: prop2}), as: asMember(m1),
			when: ReportProgress{CommitmentID: cmt, Value: 1}, err: Forbidden, msg: "ProgressReported must be signed"},
		{name: "required, but the signature is bad", given: requiredVote, as: asMember(m2), when: castWith(signedText(keyOf(m1), good)),
			err: Invalid, msg: "the signature does not verify"},
		{name: "a domain refusal comes first", given: requiredVote, as: asMember(m2), when: CastVote{ProposalID: prop, Stance: "yes"},
			err: Invalid, msg: `stance "yes" is not one of`},
	})
	// The charter a vote opened under governs it, not the charter since.
	run(t, []scenario{
		{name: "optional by the vote's rule though the charter now requires", given: optionalVoteRequiredCharter, as: asMember(m2),
			when: CastVote{ProposalID: prop, Stance: StanceAgree}, then: then(vote(m2, StanceAgree))},
		{name: "required, signed", given: requiredVote, as: asMember(m2), when: castWith(signedText(keyOf(m2), good)),
			then: then(VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAgree, Reason: "fine", Signed: stored(keyOf(m2), VoteStatement(hdr(m2), prop, 1, StanceAgree, "fine", ""))})},
		{name: "a rotated key signs from its seq on", given: votingKeyed(registered(m2, rotated(m2))), as: asMember(m2), when: castWith(signedText(rotated(m2), good)),
			then: then(VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAgree, Reason: "fine", Signed: stored(rotated(m2), VoteStatement(hdr(m2), prop, 1, StanceAgree, "fine", ""))})},
	})
}

// The checks the ledger makes before recording a signed action are the
// ones the verifier makes after: CheckEventSignature on the state before.
func TestCheckEventSignature(t *testing.T) {
	s := fold(t, votingKeyed())
	st := VoteStatement(hdr(m2), prop, 1, StanceAgree, "fine", "")
	e := NewEvent(asMember(m2), VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAgree, Reason: "fine", Signed: stored(keyOf(m2), st)})
	require.NoError(t, CheckEventSignature(s, e))

	forged := e
	d := e.Data.(VoteCast)
	d.Stance = StanceBlock // the operator changes the stance but cannot re-sign
	forged.Data = d
	require.ErrorContains(t, CheckEventSignature(s, forged), `signed statement line 5 is "meaning approval"; it must be "meaning block"`)

	wrongKeyID := e
	d = e.Data.(VoteCast)
	sig := *d.Signature
	sig.KeyID = registered(m1, keyOf(m1)).KeyID
	d.Signature = &sig
	wrongKeyID.Data = d
	require.ErrorContains(t, CheckEventSignature(s, wrongKeyID), "the signature names key "+`"`+sig.KeyID+`", but member `+m2)

	otherActor := e
	otherActor.Actor = asMember(m1).Actor
	require.ErrorContains(t, CheckEventSignature(s, otherActor), "the signature names key")

	late := e
	late.At = now.Add(6 * time.Minute)
	require.ErrorContains(t, CheckEventSignature(s, late), "6m0s from the time the action is recorded")

	require.NoError(t, CheckEventSignature(s, NewEvent(asConvener(), VotingClosed{ProposalID: prop})), "not a member action")
}

func TestCharterPolicy(t *testing.T) {
	c, err := NormalizeCharter(Charter{Signatures: SignaturesRequired, MaxProxies: Proxies(2)})
	require.NoError(t, err)
	require.Equal(t, Charter{DecisionRule: RuleConsensus, Quorum: "1/2", Threshold: "3/4", Signatures: SignaturesRequired, MaxProxies: Proxies(2)}, c)
	require.True(t, c.SignaturesRequired())
	for _, bad := range []struct {
		c   Charter
		msg string
	}{
		{Charter{Signatures: "always"}, `charter signatures "always" is not one of optional, required`},
		{Charter{MaxProxies: Proxies(-1)}, "charter max_proxies -1 is not from 0 to 1000"},
		{Charter{MaxProxies: Proxies(1001)}, "charter max_proxies 1001 is not from 0 to 1000"},
	} {
		_, err := NormalizeCharter(bad.c)
		require.Equal(t, Invalid, KindOf(err))
		require.ErrorContains(t, err, bad.msg)
	}
	require.True(t, SameRule(consensusCharter, full(consensusCharter)), "absent means the defaults")
	require.False(t, SameRule(consensusCharter, Charter{DecisionRule: RuleConsensus, Quorum: "1/2", Threshold: "3/4", MaxProxies: Proxies(1)}))
}

// Lines stored before signatures and proxies existed keep their bytes and
// their meaning; new ones spell the whole rule out.
func TestOldChartersKeepTheirBytes(t *testing.T) {
	old := `{"id":"` + id(7) + `","alliance_id":"` + aid + `","seq":7,"type":"VotingOpened","v":1,"at":"2026-11-22T10:00:00Z",` +
		`"actor":{"id":"` + conv + `","role":"member","member_id":"` + conv + `"},"command_id":"c","prev_hash":"` + ZeroHash + `",` +
		`"data":{"proposal_id":"` + prop + `","version":1,"rule":{"decision_rule":"consensus","quorum":"1/2","threshold":"3/4"},"eligible":["` + m1 + `"]}}`
	e, err := Decode([]byte(old))
	require.NoError(t, err)
	again, err := Encode(e)
	require.NoError(t, err)
	require.Equal(t, old, string(again))
	rule := e.Data.(VotingOpened).Rule
	require.False(t, rule.SignaturesRequired())
	require.Equal(t, 0, rule.MaxProxies.N())

	e.Data = VotingOpened{ProposalID: prop, Version: 1, Rule: full(consensusCharter), Eligible: []string{m1}}
	line, err := Encode(e)
	require.NoError(t, err)
	require.Contains(t, string(line), `"rule":{"decision_rule":"consensus","quorum":"1/2","threshold":"3/4","signatures":"optional","max_proxies":0}`)

	var c Charter
	require.ErrorContains(t, jsonUnmarshal(`{"max_proxies":1.5}`, &c), "max_proxies must be a whole number from 0 to 1000, not 1.5")
	require.NoError(t, jsonUnmarshal(`{"max_proxies":null}`, &c))
	require.True(t, c.MaxProxies.IsZero())
}

// A signed vote takes the fast paths both ways, and they agree with
// encoding/json to the byte.
func TestSignedVoteFastPath(t *testing.T) {
	st := VoteStatement(hdr(m2), prop, 1, StanceAgree, "fine", "")
	line := sampleLine(t, VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAgree, Reason: "fine", Signed: stored(keyOf(m2), st)})
	_, ok := decodeFast(line)
	require.True(t, ok, "a signed vote takes the fast path: %s", line)
	requireSameDecode(t, line)
	e, err := Decode(line)
	require.NoError(t, err)
	require.Equal(t, st.String(), e.Data.(VoteCast).Signature.Statement)
	requireSameEncoding(t, e)

	odd := VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAgree, Signed: Signed{&Signature{KeyID: "<k>", Statement: "a\\b\n\"c\"\t\u2028", Sig: "x&y"}}}
	requireSameDecode(t, sampleLine(t, odd))
	oddEvent := at(event(odd), 3)
	requireSameEncoding(t, oddEvent)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// PreverifySignature lets the writer skip only the Ed25519 verification,
// and only while the key it was verified with is still in force and the
// statement and sig are what it verified.
func TestPreverifiedSignature(t *testing.T) {
	st := VoteStatement(hdr(m2), prop, 1, StanceAgree, "fine", "")
	cast := func(key ed25519.PrivateKey) CastVote {
		return CastVote{ProposalID: prop, Stance: StanceAgree, Reason: "fine", Signing: signedBy(key, st)}
	}
	inForce := func(given []EventData) *MemberKey { m, _ := fold(t, given).Member(m2); return m.Key }

	c := cast(keyOf(m2))
	PreverifySignature(c, inForce(votingKeyed()))
	require.NotZero(t, c.Signature.verified, "marked once verified")
	events, err := Decide(fold(t, votingKeyed()), asMember(m2), c)
	require.NoError(t, err)
	require.Equal(t, stored(keyOf(m2), st), events[0].Data.(VoteCast).Signed)

	forged := cast(keyOf(m1))
	PreverifySignature(forged, inForce(votingKeyed()))
	require.Zero(t, forged.Signature.verified, "a signature that does not verify is not marked")

	// White-box: a mark is trusted only for the key in force and the exact
	// statement and sig it names.
	bad := cast(keyOf(m1))
	key := inForce(votingKeyed())
	bad.Signature.verified = verifiedSignature{publicKey: key.PublicKey, statement: bad.Signature.Statement, sig: bad.Signature.Sig}
	_, err = Decide(fold(t, votingKeyed()), asMember(m2), bad)
	require.NoError(t, err, "the verification is left out when marked")
	_, err = Decide(fold(t, votingKeyed(registered(m2, rotated(m2)))), asMember(m2), bad)
	require.ErrorContains(t, err, "does not verify", "the key changed since: verified again")
	bad.Signature.Sig = SignStatement(keyOf(m3), st.String()).Sig
	_, err = Decide(fold(t, votingKeyed()), asMember(m2), bad)
	require.ErrorContains(t, err, "does not verify", "the sig changed since: verified again")
	PreverifySignature(CastVote{ProposalID: prop, Stance: StanceAgree}, key) // unsigned: nothing to do
}
