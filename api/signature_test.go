package api_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/verify"
)

func testKey(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(name))
	return ed25519.NewKeyFromSeed(seed[:])
}

func keyIDOf(k ed25519.PrivateKey) string { return domain.KeyID(k.Public().(ed25519.PublicKey)) }

// registerKey registers key as member p's signing key.
func (e *testEnv) registerKey(aid string, p party, key ed25519.PrivateKey) map[string]any {
	e.t.Helper()
	reg := domain.NewKeyRegistration(aid, p.ID, key)
	return e.must(200, "PUT", "/v1/alliances/"+aid+"/members/"+p.ID+"/key", p.Token, map[string]any{"public_key": reg.PublicKey, "proof": reg.Proof})
}

// signer signs statements for one member of one alliance, each under a
// fresh command id that the request then sends as its Idempotency-Key.
type signer struct {
	aid, member string
	key         ed25519.PrivateKey
}

// header returns the header of a statement signed now under a new command id.
func (s signer) header() domain.StatementHeader {
	return domain.StatementHeader{AllianceID: s.aid, MemberID: s.member, SignedAt: time.Now().UTC(), CommandID: uuid.NewString()}
}

// body adds st, signed, to fields, and returns the body with the headers
// carrying its command id.
func (s signer) body(st domain.Statement, fields map[string]any) (map[string]any, []string) {
	signed := domain.SignStatement(s.key, st.String())
	out := map[string]any{"signature": map[string]any{"statement": signed.Statement, "sig": signed.Sig}}
	for k, v := range fields {
		out[k] = v
	}
	return out, []string{"Idempotency-Key", st.CommandID}
}

func (s signer) vote(pid string, version int, stance domain.Stance, reason string) (map[string]any, []string) {
	return s.body(domain.VoteStatement(s.header(), pid, version, stance, reason, ""), map[string]any{"stance": stance, "reason": reason})
}

// openVote forms an alliance under charter with a convener and two members,
// submits and opens a proposal, and returns it with its path.
func openVote(e *testEnv, charter map[string]any) (alliance, string) {
	e.t.Helper()
	a := e.formAlliance(charter, 2)
	base := "/v1/alliances/" + a.ID
	s := signer{a.ID, a.Members[0].ID, testKey("A " + a.ID)}
	e.registerKey(a.ID, a.Members[0], s.key)
	body, h := s.body(domain.ProposeStatement(s.header(), "resolution", "Shared recall notices", "Notify within 24 hours."),
		map[string]any{"kind": "resolution", "title": "Shared recall notices", "body": "Notify within 24 hours."})
	pid := e.must(201, "POST", base+"/proposals", a.Members[0].Token, body, h...)["id"].(string)
	e.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
	return a, pid
}

func TestRegisterKeyRoute(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 2)
	base := "/v1/alliances/" + a.ID
	first, second := testKey("first"), testKey("second")
	got := e.registerKey(a.ID, a.Members[0], first)
	require.Equal(t, keyIDOf(first), got["key_id"])
	require.Equal(t, a.Members[0].ID, got["member_id"])
	state := e.must(200, "GET", base, a.Observer.Token, nil)
	conformsTo(t, "Alliance", state)
	key := state["members"].([]any)[1].(map[string]any)["key"].(map[string]any)
	require.Equal(t, map[string]any{"key_id": keyIDOf(first), "public_key": got["public_key"], "seq": got["seq"]}, key)

	rotated := e.registerKey(a.ID, a.Members[0], second)
	require.Equal(t, keyIDOf(second), rotated["key_id"])
	require.Greater(t, rotated["seq"], got["seq"])

	reg := domain.NewKeyRegistration(a.ID, a.Members[0].ID, first)
	path := base + "/members/" + a.Members[0].ID + "/key"
	e.unmoved("a key registered for another member", func() {
		errorAnswer(t, e.do("PUT", path, a.Members[1].Token, map[string]any{"public_key": reg.PublicKey, "proof": reg.Proof}), 403, "forbidden",
			"only member "+a.Members[0].ID+" (Member A) itself can register its signing key")
	})
	e.unmoved("a proof by another key", func() {
		other := domain.NewKeyRegistration(a.ID, a.Members[0].ID, second)
		errorAnswer(t, e.do("PUT", path, a.Members[0].Token, map[string]any{"public_key": reg.PublicKey, "proof": other.Proof}), 400, "invalid",
			"proof does not verify")
	})
	e.unmoved("a key that is no key", func() {
		errorAnswer(t, e.do("PUT", path, a.Members[0].Token, map[string]any{"public_key": "AAAA", "proof": reg.Proof}), 400, "invalid",
			`public_key "AAAA" is not the standard base64 of a 32-byte Ed25519 public key`)
	})
	e.unmoved("an unknown field", func() {
		errorAnswer(t, e.do("PUT", path, a.Members[0].Token, map[string]any{"public_key": reg.PublicKey, "proof": reg.Proof, "key_id": "x"}), 400, "invalid")
	})
}

func TestSignedVoteIsStored(t *testing.T) {
	e := newGuardEnv(t)
	a, pid := openVote(e.testEnv, consensus)
	base := "/v1/alliances/" + a.ID
	s := signer{a.ID, a.Members[0].ID, testKey("A " + a.ID)}
	body, h := s.vote(pid, 1, "agree", "Faster recalls save lives.")
	got := e.must(200, "PUT", base+"/proposals/"+pid+"/vote", a.Members[0].Token, body, h...)
	sig := got["signature"].(map[string]any)
	require.Equal(t, keyIDOf(s.key), sig["key_id"])
	require.Equal(t, body["signature"].(map[string]any)["statement"], sig["statement"])
	require.Equal(t, body["signature"].(map[string]any)["sig"], sig["sig"])

	page := e.must(200, "GET", fmt.Sprintf("%s/audit?from_seq=%v&limit=1", base, got["seq"]), a.Observer.Token, nil)
	stored := page["events"].([]any)[0].(map[string]any)["event"].(map[string]any)
	require.Equal(t, h[1], stored["command_id"])
	require.Equal(t, sig, stored["data"].(map[string]any)["signature"], "the event stores {key_id, statement, sig} in its data")
	require.Equal(t, true, e.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)["ok"])

	e.unmoved("the same signed request again", func() {
		again := e.must(200, "PUT", base+"/proposals/"+pid+"/vote", a.Members[0].Token, body, h...)
		require.Equal(t, got["seq"], again["seq"], "a retry answers as the first call did")
	})
	unsigned := e.must(200, "PUT", base+"/proposals/"+pid+"/vote", a.Members[1].Token, map[string]any{"stance": "agree"})
	require.NotContains(t, unsigned, "signature")
	lines := e.exportLines(a.ID)
	require.NotContains(t, string(lines[len(lines)-1]), "signature", "absent, not empty, when unsigned")
}

// Every refusal of a signed vote answers 400 (403 where a signature is
// required and missing) naming what fails, and writes nothing.
func TestSignedVoteRefusals(t *testing.T) {
	e := newGuardEnv(t)
	a, pid := openVote(e.testEnv, consensus)
	path := "/v1/alliances/" + a.ID + "/proposals/" + pid + "/vote"
	s := signer{a.ID, a.Members[0].ID, testKey("A " + a.ID)}
	tok := a.Members[0].Token
	signWith := func(key ed25519.PrivateKey, st domain.Statement) (map[string]any, []string) {
		return signer{s.aid, s.member, key}.body(st, map[string]any{"stance": "agree", "reason": "yes"})
	}
	vote := func(edit func(*domain.StatementHeader)) domain.Statement {
		h := s.header()
		edit(&h)
		return domain.VoteStatement(h, pid, 1, "agree", "yes", "")
	}
	same := func(*domain.StatementHeader) {}
	good, goodHeaders := signWith(s.key, vote(same))
	cases := []struct {
		name    string
		body    map[string]any
		headers []string
		status  int
		msg     string
	}{
		{"signed with another key", func() map[string]any {
			b, _ := signWith(testKey("operator"), vote(func(h *domain.StatementHeader) { h.CommandID = goodHeaders[1] }))
			return b
		}(), goodHeaders, 400,
			"the signature does not verify with member " + s.member},
		{"a line that does not match", func() map[string]any {
			b, _ := s.body(domain.VoteStatement(domain.StatementHeader{AllianceID: s.aid, MemberID: s.member, SignedAt: time.Now().UTC(), CommandID: goodHeaders[1]}, pid, 1, "block", "yes", ""),
				map[string]any{"stance": "agree", "reason": "yes"})
			return b
		}(), goodHeaders, 400, `signed statement line 5 is "meaning block"; it must be "meaning approval"`},
		{"signed-at too far off", func() map[string]any {
			b, _ := signWith(s.key, vote(func(h *domain.StatementHeader) {
				h.SignedAt = h.SignedAt.Add(-10 * time.Minute)
				h.CommandID = goodHeaders[1]
			}))
			return b
		}(), goodHeaders, 400, "signed statement line 6"},
		{"the Idempotency-Key is not the statement's command", good, []string{"Idempotency-Key", "another-key"}, 400,
			`signed statement line 7 is "command ` + goodHeaders[1] + `"; it must be "command another-key"`},
		{"no Idempotency-Key", good, nil, 400, "a signed request must carry its statement's command id as its Idempotency-Key header"},
		{"another alliance", func() map[string]any {
			b, _ := signWith(s.key, vote(func(h *domain.StatementHeader) { h.AllianceID = uuid.NewString(); h.CommandID = goodHeaders[1] }))
			return b
		}(), goodHeaders, 400, `signed statement line 2 is "alliance `},
		{"a member without a key", func() map[string]any {
			b, _ := signer{s.aid, a.Members[1].ID, testKey("B")}.body(domain.VoteStatement(domain.StatementHeader{AllianceID: s.aid, MemberID: a.Members[1].ID, SignedAt: time.Now().UTC(), CommandID: goodHeaders[1]}, pid, 1, "agree", "yes", ""),
				map[string]any{"stance": "agree", "reason": "yes"})
			return b
		}(), goodHeaders, 400, "has no signing key registered"},
		{"sig not base64", map[string]any{"stance": "agree", "reason": "yes", "signature": map[string]any{"statement": good["signature"].(map[string]any)["statement"], "sig": "???"}},
			goodHeaders, 400, `sig "???" is not the standard base64 of a 64-byte Ed25519 signature`},
		{"an unknown field in the signature", map[string]any{"stance": "agree", "signature": map[string]any{"statement": "x", "sig": "y", "key_id": "z"}},
			goodHeaders, 400, "key_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := e.withT(t)
			token := tok
			if c.name == "a member without a key" {
				token = a.Members[1].Token
			}
			e.unmoved(c.name, func() {
				errorAnswer(t, e.do("PUT", path, token, c.body, c.headers...), c.status, codeOf(c.status), c.msg)
			})
		})
	}

	// A key rotated out no longer signs.
	e.registerKey(a.ID, a.Members[0], testKey("rotated"))
	stale, staleHeaders := signWith(s.key, vote(same))
	e.unmoved("a stale key", func() {
		errorAnswer(t, e.do("PUT", path, tok, stale, staleHeaders...), 400, "invalid", "key in force "+keyIDOf(testKey("rotated")))
	})
	fresh, freshHeaders := signWith(testKey("rotated"), vote(same))
	e.must(200, "PUT", path, tok, fresh, freshHeaders...)
}

// Under a charter with signatures required, every member's own action is
// signed, and an unsigned one is refused with 403; the whole life of a
// proposal, signed through every signable route, verifies.
func TestRequiredSignatures(t *testing.T) {
	e := newGuardEnv(t)
	required := map[string]any{"decision_rule": "consensus", "signatures": "required"}
	a := e.formAlliance(required, 2)
	base := "/v1/alliances/" + a.ID
	state := e.must(200, "GET", base, a.Observer.Token, nil)
	require.Equal(t, map[string]any{"decision_rule": "consensus", "quorum": "1/2", "threshold": "3/4", "signatures": "required", "max_proxies": 0.0}, state["charter"])
	signers := map[string]signer{}
	for i, p := range append([]party{a.Convener}, a.Members...) {
		signers[p.ID] = signer{a.ID, p.ID, testKey(fmt.Sprint("member ", i, a.ID))}
		e.registerKey(a.ID, p, signers[p.ID].key)
	}
	m1, m2, conv := a.Members[0], a.Members[1], a.Convener
	s1, s2 := signers[m1.ID], signers[m2.ID]

	proposal := map[string]any{"kind": "charter", "title": "Proxies allowed", "body": "Two proxies each.",
		"charter": map[string]any{"decision_rule": "majority", "signatures": "required", "max_proxies": 2}}
	e.unmoved("an unsigned proposal", func() {
		errorAnswer(t, e.do("POST", base+"/proposals", m1.Token, proposal), 403, "forbidden",
			"ProposalSubmitted must be signed: the charter of alliance "+a.ID+" has signatures required")
	})
	body, h := s1.body(domain.ProposeStatement(s1.header(), "charter", "Proxies allowed", "Two proxies each."), proposal)
	p := e.must(201, "POST", base+"/proposals", m1.Token, body, h...)
	pid := p["id"].(string)
	require.Equal(t, map[string]any{"decision_rule": "majority", "quorum": "1/2", "threshold": "1/2", "signatures": "required", "max_proxies": 2.0}, p["charter"])

	body, h = s2.body(domain.AmendStatement(s2.header(), pid, "Two proxies each, per proposal.", "Clearer."),
		map[string]any{"body": "Two proxies each, per proposal.", "rationale": "Clearer."})
	amid := e.must(201, "POST", base+"/proposals/"+pid+"/amendments", m2.Token, body, h...)["id"].(string)
	e.unmoved("an unsigned acceptance", func() {
		errorAnswer(t, e.do("POST", base+"/proposals/"+pid+"/amendments/"+amid+"/accept", m1.Token, nil), 403, "forbidden", "AmendmentAccepted must be signed")
	})
	body, h = s1.body(domain.AcceptAmendmentStatement(s1.header(), pid, amid), nil)
	require.Equal(t, 2.0, e.must(200, "POST", base+"/proposals/"+pid+"/amendments/"+amid+"/accept", m1.Token, body, h...)["version"])
	e.must(200, "POST", base+"/proposals/"+pid+"/voting", conv.Token, map[string]any{})

	e.unmoved("an unsigned vote", func() {
		errorAnswer(t, e.do("PUT", base+"/proposals/"+pid+"/vote", m1.Token, map[string]any{"stance": "agree"}), 403, "forbidden",
			"VoteCast must be signed: voting on proposal "+pid+" opened under a rule with signatures required")
	})
	for _, p := range []party{m1, m2, conv} {
		body, h := signers[p.ID].vote(pid, 2, "agree", "")
		e.must(200, "PUT", base+"/proposals/"+pid+"/vote", p.Token, body, h...)
	}
	require.Equal(t, "adopted", e.must(200, "POST", base+"/proposals/"+pid+"/close", conv.Token, nil)["result"])
	state = e.must(200, "GET", base, a.Observer.Token, nil)
	require.Equal(t, map[string]any{"decision_rule": "majority", "quorum": "1/2", "threshold": "1/2", "signatures": "required", "max_proxies": 2.0}, state["charter"])

	commit := map[string]any{"proposal_id": pid, "description": "Publish the proxy form", "metric": "forms", "target": 1, "due": "2027-06-30"}
	body, h = s1.body(domain.CommitStatement(s1.header(), pid, "", "Publish the proxy form", "forms", 1, "2027-06-30"), commit)
	cid := e.must(201, "POST", base+"/commitments", m1.Token, body, h...)["id"].(string)
	e.unmoved("unsigned progress", func() {
		errorAnswer(t, e.do("POST", base+"/commitments/"+cid+"/progress", m1.Token, map[string]any{"value": 0.5}), 403, "forbidden", "ProgressReported must be signed")
	})
	body, h = s1.body(domain.ReportProgressStatement(s1.header(), cid, 0.5, "drafted"), map[string]any{"value": 0.5, "note": "drafted"})
	e.must(200, "POST", base+"/commitments/"+cid+"/progress", m1.Token, body, h...)
	body, h = s1.body(domain.FulfilStatement(s1.header(), cid, 0.5, "published"), map[string]any{"note": "published"})
	require.Equal(t, "fulfilled", e.must(200, "POST", base+"/commitments/"+cid+"/fulfil", m1.Token, body, h...)["status"])

	verdict := e.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)
	require.Equal(t, true, verdict["ok"], "%v", verdict)
	require.Equal(t, 9.0, verdict["signatures"], "a proposal, an amendment, its acceptance, three votes, a commitment, its progress and fulfilment")
	got, err := verify.Verify(bytes.NewReader(bytes.Join(append(e.exportLines(a.ID), nil), []byte("\n"))), verify.Options{})
	require.NoError(t, err)
	require.Equal(t, 1, got.Decisions)
}

func TestCharterPolicyInput(t *testing.T) {
	e := newGuardEnv(t)
	for _, c := range []struct {
		charter map[string]any
		msg     string
	}{
		{map[string]any{"signatures": "always"}, `charter signatures "always" is not one of optional, required`},
		{map[string]any{"max_proxies": -1}, "charter max_proxies -1 is not from 0 to 1000"},
		{map[string]any{"max_proxies": 1.5}, "max_proxies must be a whole number from 0 to 1000, not 1.5"},
		{map[string]any{"max_proxies": "2"}, `max_proxies must be a whole number from 0 to 1000, not "2"`},
	} {
		e.unmoved(fmt.Sprint(c.charter), func() {
			errorAnswer(t, e.do("POST", "/v1/alliances", adminToken, map[string]any{"name": "n", "charter": c.charter}), 400, "invalid", c.msg)
		})
	}
	a := e.formAlliance(map[string]any{"decision_rule": "supermajority", "max_proxies": 3}, 1)
	require.Equal(t, map[string]any{"decision_rule": "supermajority", "quorum": "1/2", "threshold": "2/3", "signatures": "optional", "max_proxies": 3.0},
		e.must(200, "GET", "/v1/alliances/"+a.ID, adminToken, nil)["charter"])
	e.unmoved("a bad charter proposed", func() {
		errorAnswer(t, e.do("POST", "/v1/alliances/"+a.ID+"/proposals", a.Members[0].Token, map[string]any{
			"kind": "charter", "title": "t", "body": "b", "charter": map[string]any{"signatures": "sometimes"}}), 400, "invalid", "charter signatures")
	})
}

// Someone who can write to the stream appends a vote with a forged
// signature, properly chained: the chain holds; the signature does not.
func TestAuditVerifyCatchesForgedSignature(t *testing.T) {
	e := newEnv(t)
	a, pid := openVote(e, consensus)
	base := "/v1/alliances/" + a.ID
	s := signer{a.ID, a.Members[0].ID, testKey("A " + a.ID)}
	body, h := s.vote(pid, 1, "block", "Unsafe.")
	e.must(200, "PUT", base+"/proposals/"+pid+"/vote", a.Members[0].Token, body, h...)
	require.Equal(t, true, e.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)["ok"])

	forgedAt := time.Now().UTC()
	st := domain.VoteStatement(domain.StatementHeader{AllianceID: a.ID, MemberID: s.member, SignedAt: forgedAt, CommandID: "forged-vote"}, pid, 1, "agree", "Safe.", "")
	operator := domain.SignStatement(testKey("operator"), st.String())
	forged := domain.NewEvent(domain.Meta{
		AllianceID: a.ID, CommandID: "forged-vote", At: forgedAt,
		Actor: domain.Actor{ID: s.member, Role: domain.RoleMember, MemberID: s.member},
	}, domain.VoteCast{ProposalID: pid, MemberID: s.member, Stance: "agree", Reason: "Safe.",
		Signed: domain.Signed{Signature: &domain.Signature{KeyID: keyIDOf(s.key), Statement: operator.Statement, Sig: operator.Sig}}})
	ctx := context.Background()
	at, err := e.Store.Head(ctx, a.ID)
	require.NoError(t, err)
	res, err := e.Store.Append(ctx, a.ID, at, []domain.Event{forged})
	require.NoError(t, err)
	seq := res.Records[0].Event.Seq
	require.NoError(t, e.Proj.WaitFor(ctx, a.ID, res.Records[0].Position()))

	got := e.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)
	conformsTo(t, "Verification", got)
	require.Equal(t, false, got["ok"])
	require.Equal(t, float64(seq), got["seq"])
	require.Contains(t, got["error"], "the signature of this VoteCast does not hold: the signature does not verify with member "+s.member)

	_, err = verify.Verify(bytes.NewReader(append(bytes.Join(e.exportLines(a.ID), []byte("\n")), '\n')), verify.Options{})
	var ce *verify.ChainError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, seq, ce.Seq, "%v", err)
	require.Contains(t, ce.Reason, "does not verify")
}

// The decision record shows each signature as §11.50 asks: the signer's
// printed name, when it signed, what it means, and the key; an unsigned
// stance says it is unsigned.
func TestDecisionRecordShowsSignatures(t *testing.T) {
	e := newEnv(t)
	a, pid := openVote(e, consensus)
	base := "/v1/alliances/" + a.ID
	s := signer{a.ID, a.Members[0].ID, testKey("A " + a.ID)}
	body, h := s.vote(pid, 1, "agree", "Faster recalls save lives.")
	vote := e.must(200, "PUT", base+"/proposals/"+pid+"/vote", a.Members[0].Token, body, h...)
	e.must(200, "PUT", base+"/proposals/"+pid+"/vote", a.Members[1].Token, map[string]any{"stance": "disagree"})

	rec := e.must(200, "GET", base+"/proposals/"+pid+"/record", a.Observer.Token, nil)
	conformsTo(t, "DecisionRecord", rec)
	sigs := rec["signatures"].([]any)
	require.Len(t, sigs, 2, "the proposal and the vote")
	v := sigs[1].(map[string]any)
	require.Equal(t, map[string]any{"id": s.member, "name": "Member A"}, v["signer"])
	require.Equal(t, "approval", v["meaning"])
	require.Equal(t, "vote", v["action"])
	require.Equal(t, keyIDOf(s.key), v["key_id"])
	require.Equal(t, vote["seq"], v["seq"])
	signedAt, err := time.Parse(time.RFC3339Nano, v["signed_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), signedAt, time.Hour)
	require.Equal(t, "authorship", sigs[0].(map[string]any)["meaning"])
	for _, st := range rec["stances"].([]any) {
		st := st.(map[string]any)
		for _, h := range st["history"].([]any) {
			sig := h.(map[string]any)["signature"]
			if st["member_id"] == s.member {
				require.NotNil(t, sig)
			} else {
				require.Nil(t, sig, "%s's vote was not signed", st["name"])
			}
		}
	}

	page := e.do("GET", base+"/proposals/"+pid+"/record?format=html", a.Observer.Token, nil)
	require.Equal(t, 200, page.Status)
	html := string(page.Body)
	require.Contains(t, html, "Signed by <strong>Member A</strong> on "+signedAt.UTC().Format("2 Jan 2006, 15:04:05 UTC")+" — meaning: approval — key <code>"+keyIDOf(s.key)+"</code>")
	require.Contains(t, html, `<span class="meta">Unsigned</span>`)
	require.Contains(t, html, "<h3>Signatures</h3>")
	require.Contains(t, html, "<tr><td><strong>Member A</strong></td><td>"+signedAt.UTC().Format("2 Jan 2006, 15:04:05 UTC")+"</td><td>approval</td><td>vote</td>",
		"§11.50's order: printed name, time of signing, meaning")
	require.Contains(t, html, "<td>authorship</td><td>propose</td>")
	// The summary gives the stance that counts with its signature, or marks it unsigned.
	require.Contains(t, html, "<strong>Member A</strong>, "+signedAt.UTC().Format("2 Jan 2006, 15:04:05 UTC")+", meaning approval, key <code>"+keyIDOf(s.key)+"</code>")
	require.Contains(t, html, `<td><strong>disagree</strong></td>`+"\n"+`<td><span class="unsigned">Unsigned</span></td>`)
}
