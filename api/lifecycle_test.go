package api_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/api"
)

var consensus = map[string]any{"decision_rule": "consensus", "quorum": "1/2", "threshold": "3/4"}

// TestLifecycle runs an alliance from formation to a fulfilled commitment
// through the real HTTP API.
func TestLifecycle(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 3)
	base := "/v1/alliances/" + a.ID
	m1, m2, m3 := a.Members[0], a.Members[1], a.Members[2]

	p := e.must(201, "POST", base+"/proposals", m1.Token, map[string]any{
		"kind": "resolution", "title": "Unit-level traceability", "body": "Serialise every unit by 2027.",
	})
	pid := p["id"].(string)
	require.Equal(t, float64(1), p["version"])
	require.Equal(t, "open", p["status"])

	am := e.must(201, "POST", base+"/proposals/"+pid+"/amendments", m2.Token, map[string]any{
		"body": "Serialise every unit by 2027, with a waiver for small pharmacies.", "rationale": "Small pharmacies need time.",
	})
	// Only the author accepts.
	e.must(403, "POST", base+"/proposals/"+pid+"/amendments/"+am["id"].(string)+"/accept", m2.Token, nil)
	p = e.must(200, "POST", base+"/proposals/"+pid+"/amendments/"+am["id"].(string)+"/accept", m1.Token, nil)
	require.Equal(t, float64(2), p["version"])
	require.Contains(t, p["body"], "waiver")

	// Members do not open voting; the convener does.
	e.must(403, "POST", base+"/proposals/"+pid+"/voting", m1.Token, map[string]any{})
	p = e.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
	require.Equal(t, "voting", p["status"])

	// No amendments once voting is open.
	e.must(409, "POST", base+"/proposals/"+pid+"/amendments", m3.Token, map[string]any{"body": "x", "rationale": "y"})

	e.must(200, "PUT", base+"/proposals/"+pid+"/vote", m1.Token, map[string]any{"stance": "agree", "reason": "ready"})
	e.must(200, "PUT", base+"/proposals/"+pid+"/vote", m2.Token, map[string]any{"stance": "block", "reason": "not yet"})
	// m2 changes their mind before the close.
	v := e.must(200, "PUT", base+"/proposals/"+pid+"/vote", m2.Token, map[string]any{"stance": "agree", "reason": "waiver convinced us"})
	require.Equal(t, "agree", v["stance"])
	e.must(200, "PUT", base+"/proposals/"+pid+"/vote", m3.Token, map[string]any{"stance": "disagree", "reason": "cost"})
	e.must(200, "PUT", base+"/proposals/"+pid+"/vote", a.Convener.Token, map[string]any{"stance": "agree", "reason": ""})
	// Observers never vote.
	e.must(403, "PUT", base+"/proposals/"+pid+"/vote", a.Observer.Token, map[string]any{"stance": "agree", "reason": ""})

	closed := e.must(200, "POST", base+"/proposals/"+pid+"/close", a.Convener.Token, nil)
	require.Equal(t, "adopted", closed["result"], "%v", closed)
	require.Equal(t, map[string]any{"agree": 3.0, "disagree": 1.0, "abstain": 0.0, "block": 0.0}, closed["tally"])
	require.Equal(t, 4.0, closed["participation"])
	require.Equal(t, 4.0, closed["eligible_count"])
	require.Equal(t, 2.0, closed["quorum_required"])
	require.Contains(t, closed["explanation"], "Adopted under consensus")

	// A vote after the close is refused and writes nothing.
	head := e.head(a.ID)
	e.must(409, "PUT", base+"/proposals/"+pid+"/vote", m3.Token, map[string]any{"stance": "agree", "reason": "late"})
	require.Equal(t, head, e.head(a.ID))

	c := e.must(201, "POST", base+"/commitments", m3.Token, map[string]any{
		"proposal_id": pid, "description": "Serialise our own label", "metric": "percent of units serialised", "target": 100, "due": "2027-06-30",
	})
	cid := c["id"].(string)
	e.must(403, "POST", base+"/commitments/"+cid+"/progress", m1.Token, map[string]any{"value": 10, "note": "not mine"})
	c = e.must(200, "POST", base+"/commitments/"+cid+"/progress", m3.Token, map[string]any{"value": 40, "note": "first plant"})
	require.Len(t, c["progress"], 1)
	c = e.must(200, "POST", base+"/commitments/"+cid+"/fulfil", m3.Token, map[string]any{"note": "done"})
	require.Equal(t, "fulfilled", c["status"])

	state := e.must(200, "GET", base, a.Observer.Token, nil)
	require.Equal(t, a.ID, state["id"])
	require.Len(t, state["members"], 4)
	props := state["proposals"].([]any)
	require.Equal(t, "adopted", props[0].(map[string]any)["status"])
	require.Equal(t, "fulfilled", state["commitments"].([]any)[0].(map[string]any)["status"])

	// Time travel: before voting opened the proposal was open at version 2.
	past := e.must(200, "GET", base+"/proposals/"+pid+"?at_seq=9", a.Observer.Token, nil)
	require.Equal(t, "open", past["status"])
	require.Equal(t, 2.0, past["version"])

	audit := e.must(200, "GET", base+"/audit?from_seq=1&limit=5", a.Observer.Token, nil)
	require.Len(t, audit["events"], 5)
	require.Equal(t, 6.0, audit["next_seq"])
}

// TestIdempotencyKey shows a retried command is recorded once and answers as
// the first call did.
func TestIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 1)
	base := "/v1/alliances/" + a.ID
	body := map[string]any{"kind": "position", "title": "Shared data standard", "body": "Adopt one standard."}
	first := e.must(201, "POST", base+"/proposals", a.Members[0].Token, body, "Idempotency-Key", "submit-42")
	head := e.head(a.ID)
	again := e.must(201, "POST", base+"/proposals", a.Members[0].Token, body, "Idempotency-Key", "submit-42")
	require.Equal(t, first["id"], again["id"])
	require.Equal(t, head, e.head(a.ID))

	// Admitting again with the same key answers the same member and token.
	m1 := e.must(201, "POST", base+"/members", adminToken, map[string]any{"name": "Payer", "sector": "payer", "role": "member"}, "Idempotency-Key", "admit-payer")
	m2 := e.must(201, "POST", base+"/members", adminToken, map[string]any{"name": "Payer", "sector": "payer", "role": "member"}, "Idempotency-Key", "admit-payer")
	require.Equal(t, m1["id"], m2["id"])
	require.Equal(t, m1["token"], m2["token"])
	e.must(200, "GET", base, m1["token"].(string), nil)
}

// TestRolesAcrossAlliances checks that a party of one alliance can neither
// read nor write another, and that bad tokens answer 401.
func TestRolesAcrossAlliances(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 1)
	b := e.formAlliance(consensus, 1)
	e.must(403, "GET", "/v1/alliances/"+b.ID, a.Members[0].Token, nil)
	e.must(403, "POST", "/v1/alliances/"+b.ID+"/proposals", a.Members[0].Token, map[string]any{"kind": "position", "title": "t", "body": "b"})
	e.must(401, "GET", "/v1/alliances/"+a.ID, "not-a-token", nil)
	e.must(401, "GET", "/v1/alliances/"+a.ID, "", nil)
	e.must(403, "POST", "/v1/alliances", a.Convener.Token, map[string]any{"name": "x", "purpose": "y", "charter": consensus})

	list := e.must(200, "GET", "/v1/alliances", a.Members[0].Token, nil)
	require.Len(t, list["alliances"], 1)
	list = e.must(200, "GET", "/v1/alliances", adminToken, nil)
	require.Len(t, list["alliances"], 2)
}

// TestBadInput checks malformed bodies answer 400 or 413 in the documented
// shape and write nothing.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 1)
	base := "/v1/alliances/" + a.ID
	tok := a.Members[0].Token
	head := e.head(a.ID)
	cases := []struct {
		body   any
		status int
		code   string
	}{
		{`{"kind":"position","title":"t"`, 400, "invalid"},
		{`[1,2]`, 400, "invalid"},
		{`{"kind":"position","title":"t","body":"b","extra":1}`, 400, "invalid"},
		{`{"kind":"position","title":5,"body":"b"}`, 400, "invalid"},
		{`{"kind":"position","title":"t","title":"u","body":"b"}`, 400, "invalid"},
		{"{\"kind\":\"position\",\"title\":\"\xff\",\"body\":\"b\"}", 400, "invalid"},
		{`{"kind":"poem","title":"t","body":"b"}`, 400, "invalid"},
		{`{"kind":"position","title":"","body":"b"}`, 400, "invalid"},
		{fmt.Sprintf(`{"kind":"position","title":"t","body":"%s"}`, make([]byte, 0)), 400, "invalid"},
	}
	big := make([]byte, (1<<20)+10)
	for i := range big {
		big[i] = 'a'
	}
	cases = append(cases, struct {
		body   any
		status int
		code   string
	}{`{"kind":"position","title":"t","body":"` + string(big) + `"}`, 413, "too_large"})
	for i, c := range cases {
		ans := e.do("POST", base+"/proposals", tok, c.body)
		require.Equal(t, c.status, ans.Status, "case %d: %s", i, ans.Body)
		require.Equal(t, c.code, ans.ErrorCode(t), "case %d", i)
	}
	e.must(400, "GET", "/v1/alliances/not-a-uuid", tok, nil)
	e.must(404, "GET", base+"/proposals/0190a0a0-0000-7000-8000-000000000000", tok, nil)
	require.Equal(t, head, e.head(a.ID))
}

// TestMetrics checks /metrics counts requests by route and status, appends,
// the append latency histogram, the read models' lag and their cache.
func TestMetrics(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 1)
	e.must(403, "POST", "/v1/alliances", a.Members[0].Token, map[string]any{"name": "x", "purpose": "y", "charter": consensus})
	ans := e.do("GET", "/metrics", "", nil)
	require.Equal(t, 200, ans.Status)
	body := string(ans.Body)
	for _, want := range []string{
		`accord_http_requests_total{route="POST /v1/alliances/{aid}/members",status="201"} 2`,
		`accord_http_requests_total{route="POST /v1/alliances",status="403"} 1`,
		`accord_commands_total{outcome="appended"} 4`,
		`accord_append_seconds_count 4`,
		`accord_append_batches_total 4`,
		`accord_append_conflicts_total 0`,
		`accord_projection_lag_events 0`,
		"accord_alliances 1\n",
		"accord_alliances_loaded 1\n",
		fmt.Sprintf("accord_cache_budget_bytes %d\n", api.TestCacheBytes),
	} {
		require.Contains(t, body, want)
	}
	require.Regexp(t, `accord_cache_bytes [1-9]\d*\n`, body)
	e.must(200, "GET", "/healthz", "", nil)
}

// TestRequestLogNamesTheActor checks the one line per request carries the
// route, status and the caller's id, and never the token.
func TestRequestLogNamesTheActor(t *testing.T) {
	var buf syncBuffer
	e := newEnvWithLog(t, &buf)
	a := e.formAlliance(consensus, 1)
	e.must(200, "GET", "/v1/alliances/"+a.ID, a.Members[0].Token, nil)
	logged := buf.String()
	require.Contains(t, logged, `route="GET /v1/alliances/{aid}" status=200`)
	require.Contains(t, logged, "actor="+a.Members[0].ID)
	require.NotContains(t, logged, a.Members[0].Token)
	require.NotContains(t, logged, adminToken)
}

// TestReservedIdempotencyKey checks a client cannot take the command id the
// ledger uses to close a vote at its deadline.
func TestReservedIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 1)
	head := e.head(a.ID)
	ans := e.do("POST", "/v1/alliances/"+a.ID+"/proposals", a.Members[0].Token,
		map[string]any{"kind": "position", "title": "t", "body": "b"}, "Idempotency-Key", "close:0190a0a0-0000-7000-8000-000000000000")
	require.Equal(t, 400, ans.Status, "%s", ans.Body)
	require.Contains(t, string(ans.Body), "the ledger uses it")
	require.Equal(t, head, e.head(a.ID))
}

// TestWriteAnswersWhenReadModelsLag checks a stored write answers success
// from the write side even when the read models cannot catch up in time,
// rather than a 503 that would invite a retry of a command already stored.
func TestWriteAnswersWhenReadModelsLag(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 1)
	base := "/v1/alliances/" + a.ID
	e.Proj.Close() // the read models stop following the log
	p := e.must(201, "POST", base+"/proposals", a.Members[0].Token, map[string]any{"kind": "position", "title": "Lagging", "body": "b"})
	require.Equal(t, "Lagging", p["title"])
	require.Equal(t, "open", p["status"])
	head, err := e.Store.Head(t.Context(), a.ID)
	require.NoError(t, err)
	require.Equal(t, uint64(5), head.Seq, "the proposal is stored")
}
