package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRevokedTokenAnswers401AtOnce revokes a member's token as the convener:
// the very next request with it answers 401, the revocation wrote nothing
// to the ledger, and the member's history is untouched.
func TestRevokedTokenAnswers401AtOnce(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 2)
	base := "/v1/alliances/" + a.ID
	m := a.Members[0]
	p := e.must(201, "POST", base+"/proposals", m.Token, map[string]any{"kind": "position", "title": "Open data", "body": "Publish it."})

	var out map[string]any
	e.unmoved("a revocation", func() {
		out = e.must(200, "DELETE", base+"/tokens/"+m.ID, a.Convener.Token, nil)
	})
	require.Equal(t, map[string]any{"id": m.ID, "alliance_id": a.ID, "name": "Member A", "role": "member", "generation": 0.0, "revoked": true}, out)
	errorAnswer(t, e.do("GET", base, m.Token, nil), 401, "unauthorized", "the token was revoked")
	e.unmoved("a revoked token's write", func() {
		errorAnswer(t, e.do("POST", base+"/proposals", m.Token, map[string]any{"kind": "position", "title": "t", "body": "b"}), 401, "unauthorized")
	})
	// Revoking again answers the same.
	require.Equal(t, out, e.must(200, "DELETE", base+"/tokens/"+m.ID, a.Convener.Token, nil))

	// The member is still a member, and what it did is still there.
	state := e.must(200, "GET", base, adminToken, nil)
	require.Equal(t, "active", memberByID(t, state, m.ID)["status"])
	got := e.must(200, "GET", base+"/proposals/"+p["id"].(string), a.Observer.Token, nil)
	require.Equal(t, m.ID, got["author_id"])

	lines := e.Logs.lines("token revoked", "party="+m.ID, "by="+a.Convener.ID)
	require.Len(t, lines, 2)
	requireNoTokenLogged(t, e)
}

// TestReissuedTokenDiffers issues new tokens: each differs from the ones
// before, which stop working, and a retried admission never brings the
// first one back.
func TestReissuedTokenDiffers(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 0)
	base := "/v1/alliances/" + a.ID
	admit := map[string]any{"name": "Payer", "sector": "payer", "role": "member"}
	first := e.must(201, "POST", base+"/members", a.Convener.Token, admit, "Idempotency-Key", "admit-payer")
	id, t0 := first["id"].(string), first["token"].(string)

	var second map[string]any
	e.unmoved("a re-issue", func() {
		second = e.must(201, "POST", base+"/tokens/"+id, a.Convener.Token, nil)
	})
	t1 := second["token"].(string)
	require.NotEqual(t, t0, t1)
	require.Equal(t, 1.0, second["generation"])
	require.True(t, strings.HasPrefix(t1, "acc_"))
	errorAnswer(t, e.do("GET", base, t0, nil), 401, "unauthorized", "revoked")
	e.must(200, "GET", base, t1, nil)

	// The party rotates its own token.
	third := e.must(201, "POST", base+"/tokens/"+id, t1, nil)
	t2 := third["token"].(string)
	require.NotContains(t, []string{t0, t1}, t2)
	require.Equal(t, 2.0, third["generation"])
	errorAnswer(t, e.do("GET", base, t1, nil), 401, "unauthorized")
	e.must(200, "GET", base, t2, nil)

	// The retried admission is recorded once and does not revive t0.
	e.unmoved("a retried admission", func() {
		errorAnswer(t, e.do("POST", base+"/members", a.Convener.Token, admit, "Idempotency-Key", "admit-payer"),
			409, "conflict", "was admitted, but its first token has since been revoked or replaced", "/tokens/"+id)
	})
	errorAnswer(t, e.do("GET", base, t0, nil), 401, "unauthorized")
	e.must(200, "GET", base, t2, nil)
	requireNoTokenLogged(t, e)
}

// TestRetriedAdmissionAfterRevocation: the first token, revoked, stays
// revoked when the admission is retried.
func TestRetriedAdmissionAfterRevocation(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 0)
	base := "/v1/alliances/" + a.ID
	o := e.must(201, "POST", base+"/observers", adminToken, map[string]any{"name": "Regulator"}, "Idempotency-Key", "add-regulator")
	e.must(200, "DELETE", base+"/tokens/"+o["id"].(string), adminToken, nil)
	e.unmoved("a retried admission", func() {
		errorAnswer(t, e.do("POST", base+"/observers", adminToken, map[string]any{"name": "Regulator"}, "Idempotency-Key", "add-regulator"), 409, "conflict")
	})
	errorAnswer(t, e.do("GET", base, o["token"].(string), nil), 401, "unauthorized")
}

// TestWhoManagesTokens covers the cases of the token routes beyond the
// matrix: conveners, observers, unknown parties and bad ids.
func TestWhoManagesTokens(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 1)
	base := "/v1/alliances/" + a.ID
	conv2 := e.must(201, "POST", base+"/members", adminToken, map[string]any{"name": "Second convener", "sector": "agency", "role": "convener"})
	conv2ID, conv2Token := conv2["id"].(string), conv2["token"].(string)

	e.unmoved("refused token calls", func() {
		errorAnswer(t, e.do("DELETE", base+"/tokens/"+conv2ID, a.Convener.Token, nil), 403, "forbidden", "is a convener")
		errorAnswer(t, e.do("DELETE", base+"/tokens/"+a.Convener.ID, a.Observer.Token, nil), 403, "forbidden")
		errorAnswer(t, e.do("DELETE", base+"/tokens/"+a.Observer.ID, a.Members[0].Token, nil), 403, "forbidden")
		errorAnswer(t, e.do("DELETE", base+"/tokens/0190a0a0-0000-7000-8000-000000000000", adminToken, nil), 404, "not_found", "no member or observer")
		errorAnswer(t, e.do("DELETE", base+"/tokens/"+a.ID, adminToken, nil), 404, "not_found")
		errorAnswer(t, e.do("DELETE", base+"/tokens/not-a-uuid", adminToken, nil), 400, "invalid", "party_id", "not a uuid")
		errorAnswer(t, e.do("DELETE", "/v1/alliances/0190a0a0-0000-7000-8000-000000000000/tokens/"+a.Observer.ID, adminToken, nil), 404, "not_found")
		errorAnswer(t, e.do("DELETE", base+"/tokens/"+a.Observer.ID, adminToken, `{"why":"x"}`), 400, "invalid", "unknown field")
		errorAnswer(t, e.do("POST", base+"/tokens/"+a.Observer.ID, adminToken, `[]`), 400, "invalid", "JSON object")
	})
	for _, tok := range []string{conv2Token, a.Convener.Token, a.Members[0].Token, a.Observer.Token} {
		e.must(200, "GET", base, tok, nil)
	}
	// The admin manages any token; an observer its own.
	e.must(200, "DELETE", base+"/tokens/"+conv2ID, adminToken, nil)
	e.must(200, "DELETE", base+"/tokens/"+a.Observer.ID, a.Observer.Token, nil)
	errorAnswer(t, e.do("GET", base, conv2Token, nil), 401, "unauthorized")
	errorAnswer(t, e.do("GET", base, a.Observer.Token, nil), 401, "unauthorized")
	// A convener who withdrew manages no one's token.
	e.must(200, "DELETE", base+"/members/"+a.Convener.ID, a.Convener.Token, map[string]any{"reason": "term ended"})
	errorAnswer(t, e.do("DELETE", base+"/tokens/"+a.Members[0].ID, a.Convener.Token, nil), 403, "forbidden")
}

// TestRevocationReachesOtherInstances revokes on one instance and watches
// another, sharing the same NATS, refuse the token too.
func TestRevocationReachesOtherInstances(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 1)
	s2 := e.second()
	hs2 := httptest.NewServer(s2)
	t.Cleanup(hs2.Close)
	other := &testEnv{t: t, URL: hs2.URL}
	base := "/v1/alliances/" + a.ID
	m := a.Members[0]
	require.Eventually(t, func() bool { return other.do("GET", base, m.Token, nil).Status == 200 }, 10*time.Second, 10*time.Millisecond)

	e.must(200, "DELETE", base+"/tokens/"+m.ID, a.Convener.Token, nil)
	require.Eventually(t, func() bool { return other.do("GET", base, m.Token, nil).Status == 401 }, 10*time.Second, 5*time.Millisecond)

	fresh := e.must(201, "POST", base+"/tokens/"+m.ID, a.Convener.Token, nil)["token"].(string)
	require.Eventually(t, func() bool { return other.do("GET", base, fresh, nil).Status == 200 }, 10*time.Second, 5*time.Millisecond)
	require.Equal(t, 401, other.do("GET", base, m.Token, nil).Status)
}

// TestRevokedAndWithdrawnKeepTheirHistory: a member votes, its proposal is
// adopted, then it withdraws and its token is revoked. Its events stay in
// the export, its stance and authorship in the record, and the chain and
// every outcome still verify.
func TestRevokedAndWithdrawnKeepTheirHistory(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 2)
	base := "/v1/alliances/" + a.ID
	m := a.Members[0]
	pid := e.must(201, "POST", base+"/proposals", m.Token, map[string]any{"kind": "resolution", "title": "Recall notices", "body": "Within a day."})["id"].(string)
	e.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
	for _, tok := range []string{m.Token, a.Members[1].Token, a.Convener.Token} {
		e.must(200, "PUT", base+"/proposals/"+pid+"/vote", tok, map[string]any{"stance": "agree", "reason": "yes"})
	}
	e.must(200, "POST", base+"/proposals/"+pid+"/close", a.Convener.Token, nil)
	e.must(200, "DELETE", base+"/members/"+m.ID, m.Token, map[string]any{"reason": "merged"})
	e.must(200, "DELETE", base+"/tokens/"+m.ID, a.Convener.Token, nil)
	errorAnswer(t, e.do("GET", base, m.Token, nil), 401, "unauthorized")

	rec := e.must(200, "GET", base+"/proposals/"+pid+"/record", a.Observer.Token, nil)
	require.Contains(t, string(e.do("GET", base+"/proposals/"+pid+"/record", a.Observer.Token, nil).Body), m.ID)
	require.Equal(t, "adopted", rec["outcome"].(map[string]any)["result"], "%v", rec)
	state := e.must(200, "GET", base, a.Observer.Token, nil)
	require.Equal(t, "withdrawn", memberByID(t, state, m.ID)["status"])
	prop := e.must(200, "GET", base+"/proposals/"+pid, a.Observer.Token, nil)
	require.Equal(t, m.ID, prop["author_id"])

	export := string(e.do("GET", base+"/audit/export", a.Observer.Token, nil).Body)
	require.Equal(t, 6, strings.Count(export, `"member_id":"`+m.ID+`"`), "admission; proposal actor; vote actor and data; withdrawal actor and data:\n%s", export)
	v := e.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)
	require.Equal(t, true, v["ok"], "%v", v)
}

func memberByID(t *testing.T, state map[string]any, id string) map[string]any {
	t.Helper()
	for _, m := range state["members"].([]any) {
		if m.(map[string]any)["id"] == id {
			return m.(map[string]any)
		}
	}
	t.Fatalf("no member %s in %v", id, state["members"])
	return nil
}
