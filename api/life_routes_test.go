package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/api"
	"accord/eventstore/eventstoretest"
)

// The routes of an alliance's life beyond one vote, each with its
// refusals; a refusal answers the documented error and writes nothing.

// Set moves a fakeClock (ratelimit_test.go) to t.
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// newEnvWithClock is newEnv with a ledger whose clock is clock.
func newEnvWithClock(t *testing.T, clock *fakeClock) *testEnv {
	t.Helper()
	ctx, nc := t.Context(), eventstoretest.StartNATS(t, t.TempDir()).Conn
	s, store, proj, _ := api.BuildTestAPIWithClock(t, ctx, nc, adminToken, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Now)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &testEnv{t: t, URL: hs.URL, Store: store, Proj: proj}
}

// refused sends a request that must be refused with status and code (the
// message holding each fragment) and must write nothing.
func (e *testEnv) refused(aid string, status int, code, method, path, token string, body any, fragments ...string) {
	e.t.Helper()
	before := e.head(aid)
	errorAnswer(e.t, e.do(method, path, token, body), status, code, fragments...)
	require.Equal(e.t, before, e.head(aid), "%s %s wrote something", method, path)
}

func TestConcludeAllianceRoute(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 2)
	base := "/v1/alliances/" + a.ID
	pid := e.must(201, "POST", base+"/proposals", a.Members[0].Token, map[string]any{"kind": "resolution", "title": "T", "body": "B"})["id"].(string)
	e.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})

	e.refused(a.ID, 409, "conflict", "POST", base+"/conclude", a.Convener.Token, map[string]any{"reason": "done"}, pid, "close it before concluding")
	e.must(200, "POST", base+"/proposals/"+pid+"/close", a.Convener.Token, nil)
	e.refused(a.ID, 400, "invalid", "POST", base+"/conclude", a.Convener.Token, map[string]any{}, "reason")
	e.refused(a.ID, 400, "invalid", "POST", base+"/conclude", a.Convener.Token, map[string]any{"reason": "x", "why": "y"}, "why")
	e.refused(a.ID, 403, "forbidden", "POST", base+"/conclude", a.Members[0].Token, map[string]any{"reason": "done"}, "only a convener")
	e.refused(a.ID, 403, "forbidden", "POST", base+"/conclude", a.Observer.Token, map[string]any{"reason": "done"})
	e.refused(a.ID, 403, "forbidden", "POST", base+"/conclude", adminToken, map[string]any{"reason": "done"})

	out := e.must(200, "POST", base+"/conclude", a.Convener.Token, map[string]any{"reason": "Mandate fulfilled."}, "Idempotency-Key", "conclude-1")
	require.Equal(t, true, out["concluded"])
	require.Equal(t, "Mandate fulfilled.", out["conclusion"].(map[string]any)["reason"])
	seq := out["seq"].(float64)
	again := e.must(200, "POST", base+"/conclude", a.Convener.Token, map[string]any{"reason": "other"}, "Idempotency-Key", "conclude-1")
	require.Equal(t, out, again, "a retry answers the first answer")

	st := e.must(200, "GET", base, a.Observer.Token, nil)
	require.Equal(t, true, st["concluded"])
	require.Equal(t, seq, st["conclusion"].(map[string]any)["seq"])
	before := e.must(200, "GET", fmt.Sprintf("%s?at_seq=%d", base, int(seq)-1), a.Observer.Token, nil)
	require.Equal(t, false, before["concluded"])

	e.refused(a.ID, 409, "conflict", "POST", base+"/proposals", a.Members[0].Token, map[string]any{"kind": "resolution", "title": "T", "body": "B"}, "concluded")
	e.refused(a.ID, 409, "conflict", "POST", base+"/members", adminToken, map[string]any{"name": "Late", "sector": "payer", "role": "member"}, "concluded")
	e.refused(a.ID, 409, "conflict", "POST", base+"/conclude", a.Convener.Token, map[string]any{"reason": "again"}, "concluded")
	e.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)
}

func TestWorkgroupRoutes(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 3)
	base := "/v1/alliances/" + a.ID
	m0, m1, m2 := a.Members[0], a.Members[1], a.Members[2]
	formed := e.must(201, "POST", base+"/workgroups", a.Convener.Token, map[string]any{
		"name": "Pilots", "aim": "Serialise units at pilot sites", "metric": "sites", "target": 12, "due": "2099-03-31", "member_ids": []string{m0.ID, m1.ID},
	})
	wid := formed["id"].(string)
	wg := base + "/workgroups/" + wid
	formedSeq := formed["seq"].(float64)

	list := e.must(200, "GET", base+"/workgroups", a.Observer.Token, nil)
	require.Len(t, list["workgroups"], 1)
	require.Equal(t, formedSeq, list["seq"])
	one := e.must(200, "GET", wg, a.Observer.Token, nil)
	require.Equal(t, "open", one["status"])
	require.Nil(t, one["latest"])
	require.Equal(t, false, one["overdue"])
	require.ElementsMatch(t, []any{m0.ID, m1.ID}, one["member_ids"])

	// Members: a convener adds and removes; refusals name what is wrong.
	e.refused(a.ID, 403, "forbidden", "POST", wg+"/members", m0.Token, map[string]any{"add": []string{m2.ID}}, "only a convener")
	e.refused(a.ID, 400, "invalid", "POST", wg+"/members", a.Convener.Token, map[string]any{}, "add or remove is required")
	e.refused(a.ID, 400, "invalid", "POST", wg+"/members", a.Convener.Token, map[string]any{"add": []string{m2.ID}, "remove": []string{m2.ID}}, "both added and removed")
	e.refused(a.ID, 409, "conflict", "POST", wg+"/members", a.Convener.Token, map[string]any{"add": []string{m0.ID}}, "already in workgroup")
	e.refused(a.ID, 404, "not_found", "POST", wg+"/members", a.Convener.Token, map[string]any{"add": []string{a.Observer.ID}})
	e.refused(a.ID, 404, "not_found", "POST", base+"/workgroups/0190c0de-0000-7000-8000-000000000000/members", a.Convener.Token, map[string]any{"add": []string{m2.ID}}, "no workgroup")
	e.refused(a.ID, 400, "invalid", "POST", base+"/workgroups/nope/members", a.Convener.Token, map[string]any{"add": []string{m2.ID}})
	changed := e.must(200, "POST", wg+"/members", a.Convener.Token, map[string]any{"add": []string{m2.ID}, "remove": []string{m0.ID}})
	require.ElementsMatch(t, []any{m1.ID, m2.ID}, changed["member_ids"])

	// Progress: a convener or a member of the workgroup.
	e.refused(a.ID, 403, "forbidden", "POST", wg+"/progress", m0.Token, map[string]any{"value": 1, "note": "n"}, "only a convener or a member of workgroup")
	e.refused(a.ID, 400, "invalid", "POST", wg+"/progress", m1.Token, map[string]any{"value": "three"})
	p1 := e.must(200, "POST", wg+"/progress", m1.Token, map[string]any{"value": 3, "note": "three sites live"})
	require.Equal(t, 3.0, p1["latest"])
	p2 := e.must(200, "POST", wg+"/progress", a.Convener.Token, map[string]any{"value": 5, "note": "five"})
	require.Len(t, p2["progress"], 2)

	// Close: a convener, with an outcome.
	e.refused(a.ID, 403, "forbidden", "POST", wg+"/close", m1.Token, map[string]any{"outcome": "met"})
	e.refused(a.ID, 400, "invalid", "POST", wg+"/close", a.Convener.Token, map[string]any{"outcome": "won"}, "outcome")
	closed := e.must(200, "POST", wg+"/close", a.Convener.Token, map[string]any{"outcome": "missed", "note": "five of twelve"})
	require.Equal(t, "missed", closed["status"])
	require.Equal(t, "five of twelve", closed["closure"].(map[string]any)["note"])
	e.refused(a.ID, 409, "conflict", "POST", wg+"/close", a.Convener.Token, map[string]any{"outcome": "met"}, "closed as missed")
	e.refused(a.ID, 409, "conflict", "POST", wg+"/progress", m1.Token, map[string]any{"value": 6}, "closed as missed")
	e.refused(a.ID, 409, "conflict", "POST", wg+"/members", a.Convener.Token, map[string]any{"add": []string{m0.ID}}, "closed as missed")

	// Time travel: the workgroup as it was when formed; bounds are refused.
	then := e.must(200, "GET", fmt.Sprintf("%s?at_seq=%d", wg, int(formedSeq)), m2.Token, nil)
	require.Equal(t, "open", then["status"])
	require.ElementsMatch(t, []any{m0.ID, m1.ID}, then["member_ids"])
	errorAnswer(t, e.do("GET", fmt.Sprintf("%s?at_seq=%d", wg, int(formedSeq)-1), m2.Token, nil), 404, "not_found", "no workgroup")
	errorAnswer(t, e.do("GET", wg+"?at_seq=9999", m2.Token, nil), 400, "invalid", "outside")
	errorAnswer(t, e.do("GET", wg+"?at_seq=1&at=2026-01-01T00:00:00Z", m2.Token, nil), 400, "invalid", "not both")
	errorAnswer(t, e.do("GET", base+"/workgroups/0190c0de-0000-7000-8000-000000000000", m2.Token, nil), 404, "not_found")
	errorAnswer(t, e.do("GET", base+"/workgroups", "", nil), 401, "unauthorized")
}

// A workgroup past its due date is overdue while open, judged on the
// ledger's clock now and on the event's time as of a seq.
func TestWorkgroupOverdue(t *testing.T) {
	clock := &fakeClock{now: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)}
	e := newEnvWithClock(t, clock)
	a := e.formAlliance(consensus, 1)
	base := "/v1/alliances/" + a.ID
	formed := e.must(201, "POST", base+"/workgroups", a.Convener.Token, map[string]any{
		"name": "Data", "aim": "A shared format", "metric": "drafts", "target": 1, "due": "2027-03-31", "member_ids": []string{a.Members[0].ID},
	})
	wg := base + "/workgroups/" + formed["id"].(string)
	require.Equal(t, false, e.must(200, "GET", wg, a.Observer.Token, nil)["overdue"])

	clock.Set(time.Date(2027, 4, 2, 9, 0, 0, 0, time.UTC))
	now := e.must(200, "GET", base+"/workgroups", a.Observer.Token, nil)
	require.Equal(t, "2027-04-02", now["today"])
	require.Equal(t, true, now["workgroups"].([]any)[0].(map[string]any)["overdue"])
	asFormed := e.must(200, "GET", fmt.Sprintf("%s?at_seq=%d", wg, int(formed["seq"].(float64))), a.Observer.Token, nil)
	require.Equal(t, false, asFormed["overdue"], "as of its formation (2027-03-01) it was not overdue")
	at := e.must(200, "GET", base+"/workgroups?at=2027-04-01T00:00:00Z", a.Observer.Token, nil)
	require.Equal(t, "2027-04-01", at["today"])
	require.Equal(t, true, at["workgroups"].([]any)[0].(map[string]any)["overdue"])

	closed := e.must(200, "POST", wg+"/close", a.Convener.Token, map[string]any{"outcome": "dissolved"})
	require.Equal(t, false, closed["overdue"], "a closed workgroup is never overdue")
}

func TestProxyRoutes(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(map[string]any{"decision_rule": "majority", "max_proxies": 1}, 3)
	base := "/v1/alliances/" + a.ID
	m0, m1, m2 := a.Members[0], a.Members[1], a.Members[2]
	pid := e.must(201, "POST", base+"/proposals", m0.Token, map[string]any{"kind": "resolution", "title": "Recall", "body": "b"})["id"].(string)

	e.refused(a.ID, 400, "invalid", "POST", base+"/proxies", m0.Token, map[string]any{"proxy_id": m0.ID}, "the grantor itself")
	e.refused(a.ID, 400, "invalid", "POST", base+"/proxies", m0.Token, map[string]any{}, "proxy_id is required")
	e.refused(a.ID, 404, "not_found", "POST", base+"/proxies", m0.Token, map[string]any{"proxy_id": a.Observer.ID})
	e.refused(a.ID, 404, "not_found", "POST", base+"/proxies", m0.Token, map[string]any{"proxy_id": m1.ID, "proposal_id": "0190c0de-0000-7000-8000-000000000000"})
	e.refused(a.ID, 403, "forbidden", "POST", base+"/proxies", a.Observer.Token, map[string]any{"proxy_id": m1.ID})
	e.refused(a.ID, 403, "forbidden", "POST", base+"/proxies", adminToken, map[string]any{"proxy_id": m1.ID})

	g := e.must(201, "POST", base+"/proxies", m0.Token, map[string]any{"proxy_id": m1.ID, "proposal_id": pid})
	require.Equal(t, map[string]any{"grantor_id": m0.ID, "proxy_id": m1.ID, "proposal_id": pid, "in_force": true, "seq": g["seq"], "at": g["at"]}, g)
	e.refused(a.ID, 409, "conflict", "POST", base+"/proxies", m0.Token, map[string]any{"proxy_id": m1.ID, "proposal_id": pid}, "already holds")
	standing := e.must(201, "POST", base+"/proxies", m2.Token, map[string]any{"proxy_id": m1.ID})
	require.Equal(t, "", standing["proposal_id"])
	grants := e.must(200, "GET", base, a.Observer.Token, nil)["proxies"].([]any)
	require.Len(t, grants, 2)

	// A vote for the grantor, then the proxy's limit (max_proxies 1).
	e.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
	v := e.must(200, "PUT", base+"/proposals/"+pid+"/vote", m1.Token, map[string]any{"stance": "agree", "reason": "for m0", "on_behalf_of": m0.ID})
	require.Equal(t, m0.ID, v["member_id"])
	require.Equal(t, m1.ID, v["cast_by"])
	e.refused(a.ID, 409, "conflict", "PUT", base+"/proposals/"+pid+"/vote", m1.Token, map[string]any{"stance": "agree", "on_behalf_of": m2.ID}, "max_proxies 1")
	e.refused(a.ID, 403, "forbidden", "PUT", base+"/proposals/"+pid+"/vote", m2.Token, map[string]any{"stance": "agree", "on_behalf_of": m0.ID}, "holds no proxy")
	own := e.must(200, "PUT", base+"/proposals/"+pid+"/vote", m2.Token, map[string]any{"stance": "disagree"})
	require.NotContains(t, own, "cast_by")

	// Revoking: only the grantor's own grant, once.
	e.refused(a.ID, 404, "not_found", "POST", base+"/proxies/revoke", m1.Token, map[string]any{"proxy_id": m0.ID, "proposal_id": pid}, "to revoke")
	e.refused(a.ID, 404, "not_found", "POST", base+"/proxies/revoke", m0.Token, map[string]any{"proxy_id": m1.ID}, "standing proxy")
	r := e.must(200, "POST", base+"/proxies/revoke", m0.Token, map[string]any{"proxy_id": m1.ID, "proposal_id": pid})
	require.Equal(t, false, r["in_force"])
	e.refused(a.ID, 404, "not_found", "POST", base+"/proxies/revoke", m0.Token, map[string]any{"proxy_id": m1.ID, "proposal_id": pid})
	require.Len(t, e.must(200, "GET", base, a.Observer.Token, nil)["proxies"], 1)

	// The decision record names the proxy vote; it counts for the grantor.
	e.must(200, "POST", base+"/proposals/"+pid+"/close", a.Convener.Token, nil)
	rec := e.must(200, "GET", base+"/proposals/"+pid+"/record", a.Observer.Token, nil)
	used := rec["proxies"].([]any)
	require.Len(t, used, 1)
	u := used[0].(map[string]any)
	require.Equal(t, m1.ID, u["proxy"].(map[string]any)["id"])
	require.Equal(t, m0.ID, u["grantor"].(map[string]any)["id"])
	require.Equal(t, true, u["counted"])
	require.Equal(t, g["seq"], u["grant"].(map[string]any)["seq"])

	// The printable record shows them too.
	page := e.do("GET", base+"/proposals/"+pid+"/record?format=html", a.Observer.Token, nil)
	require.Equal(t, 200, page.Status)
	html := string(page.Body)
	require.Contains(t, html, "<h3>Proxies used</h3>")
	require.Contains(t, html, "<tr><td>Member B</td><td>Member A</td><td>agree")
	require.Contains(t, html, "for this proposal")
	require.Contains(t, html, ", cast by Member B as proxy")
}

func TestSuccessionRoutes(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 1)
	head := e.must(200, "GET", "/v1/alliances/"+a.ID+"/audit/head", adminToken, nil)
	e.must(200, "POST", "/v1/alliances/"+a.ID+"/conclude", a.Convener.Token, map[string]any{"reason": "Renewed under a new charter."})
	concluded := e.must(200, "GET", "/v1/alliances/"+a.ID+"/audit/head", adminToken, nil)
	require.Greater(t, concluded["seq"], head["seq"])

	form := func(pred string) map[string]any {
		return map[string]any{"name": "Alliance II", "purpose": "The next term", "charter": consensus, "predecessor": pred}
	}
	before := e.lastStreamSeq()
	errorAnswer(t, e.do("POST", "/v1/alliances", adminToken, form("0190c0de-0000-7000-8000-000000000000")), 404, "not_found", "predecessor")
	errorAnswer(t, e.do("POST", "/v1/alliances", adminToken, form("not-an-id")), 400, "invalid", "predecessor")
	errorAnswer(t, e.do("POST", "/v1/alliances", a.Convener.Token, form(a.ID)), 403, "forbidden")
	errorAnswer(t, e.do("POST", "/v1/alliances", adminToken, map[string]any{"name": "X", "predecessor": 7}), 400, "invalid")
	require.Equal(t, before, e.lastStreamSeq(), "no refusal wrote anything")

	b := e.must(201, "POST", "/v1/alliances", adminToken, form(a.ID), "Idempotency-Key", "successor-1")
	pred := b["predecessor"].(map[string]any)
	require.Equal(t, a.ID, pred["alliance_id"])
	require.Equal(t, concluded["seq"], pred["seq"])
	require.Equal(t, concluded["hash"], pred["hash"])
	require.Equal(t, []any{}, b["successors"])
	again := e.must(201, "POST", "/v1/alliances", adminToken, form(a.ID), "Idempotency-Key", "successor-1")
	require.Equal(t, b["id"], again["id"])

	st := e.must(200, "GET", "/v1/alliances/"+a.ID, a.Observer.Token, nil)
	succ := st["successors"].([]any)
	require.Len(t, succ, 1)
	require.Equal(t, b["id"], succ[0].(map[string]any)["alliance_id"])
	require.Equal(t, "Alliance II", succ[0].(map[string]any)["name"])
	require.Equal(t, concluded["seq"], succ[0].(map[string]any)["seq"])
	earlier := e.must(200, "GET", fmt.Sprintf("/v1/alliances/%s?at_seq=%d", a.ID, int(head["seq"].(float64))), a.Observer.Token, nil)
	require.Equal(t, []any{}, earlier["successors"], "before the head it recorded, no successor")
	require.Nil(t, st["predecessor"])
	bst := e.must(200, "GET", "/v1/alliances/"+b["id"].(string), adminToken, nil)
	require.Equal(t, pred, bst["predecessor"])
}

// lastStreamSeq is the seq of the log's last message, across alliances.
func (e *testEnv) lastStreamSeq() uint64 {
	e.t.Helper()
	seq, err := e.Store.LastStreamSeq(e.t.Context())
	require.NoError(e.t, err)
	return seq
}

// routeAnswer is an answer of a route with a status.
type routeAnswer struct {
	route  string
	status string
	body   map[string]any
}

// TestOpenAPIMatchesLifeAnswers checks the answers of the routes of an
// alliance's life against the OpenAPI document's schemas for them.
func TestOpenAPIMatchesLifeAnswers(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(map[string]any{"decision_rule": "majority", "max_proxies": 1}, 2)
	base := "/v1/alliances/" + a.ID
	m0, m1 := a.Members[0], a.Members[1]
	wid := e.must(201, "POST", base+"/workgroups", a.Convener.Token, map[string]any{
		"name": "Data", "aim": "a", "metric": "sites", "target": 3, "due": "2027-06-30", "member_ids": []string{m0.ID},
	})["id"].(string)
	wg := base + "/workgroups/" + wid
	pid := e.must(201, "POST", base+"/proposals", m0.Token, map[string]any{"kind": "resolution", "title": "T", "body": "B"})["id"].(string)
	answers := []routeAnswer{
		{"POST /v1/alliances/{aid}/workgroups/{wid}/members", "200", e.must(200, "POST", wg+"/members", a.Convener.Token, map[string]any{"add": []string{m1.ID}})},
		{"POST /v1/alliances/{aid}/workgroups/{wid}/progress", "200", e.must(200, "POST", wg+"/progress", m0.Token, map[string]any{"value": 1, "note": "n"})},
		{"POST /v1/alliances/{aid}/workgroups/{wid}/close", "200", e.must(200, "POST", wg+"/close", a.Convener.Token, map[string]any{"outcome": "met"})},
		{"GET /v1/alliances/{aid}/workgroups", "200", e.must(200, "GET", base+"/workgroups", a.Observer.Token, nil)},
		{"GET /v1/alliances/{aid}/workgroups/{wid}", "200", e.must(200, "GET", wg+"?at_seq=8", a.Observer.Token, nil)},
		{"POST /v1/alliances/{aid}/proxies", "201", e.must(201, "POST", base+"/proxies", m0.Token, map[string]any{"proxy_id": m1.ID, "proposal_id": pid})},
		{"POST /v1/alliances/{aid}/proxies/revoke", "200", e.must(200, "POST", base+"/proxies/revoke", m0.Token, map[string]any{"proxy_id": m1.ID, "proposal_id": pid})},
		{"POST /v1/alliances/{aid}/proxies", "201", e.must(201, "POST", base+"/proxies", m0.Token, map[string]any{"proxy_id": m1.ID})},
	}
	e.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
	answers = append(answers, routeAnswer{"PUT /v1/alliances/{aid}/proposals/{pid}/vote", "200", e.must(200, "PUT", base+"/proposals/"+pid+"/vote", m1.Token, map[string]any{"stance": "agree", "on_behalf_of": m0.ID})})
	e.must(200, "POST", base+"/proposals/"+pid+"/close", a.Convener.Token, nil)
	conformsTo(t, "DecisionRecord", e.must(200, "GET", base+"/proposals/"+pid+"/record", a.Observer.Token, nil))
	conformsTo(t, "Scorecard", e.must(200, "GET", base+"/scorecard", a.Observer.Token, nil))
	conformsTo(t, "Alliance", e.must(200, "GET", base, a.Observer.Token, nil))
	answers = append(answers, routeAnswer{"POST /v1/alliances/{aid}/conclude", "200", e.must(200, "POST", base+"/conclude", a.Convener.Token, map[string]any{"reason": "done"})})
	succ := e.must(201, "POST", "/v1/alliances", adminToken, map[string]any{"name": "Next", "predecessor": a.ID})
	conformsTo(t, "Alliance", succ)
	conformsTo(t, "Alliance", e.must(200, "GET", base, a.Observer.Token, nil))

	doc := openAPIDoc(t)
	for _, ans := range answers {
		method, path, _ := strings.Cut(ans.route, " ")
		o := doc["paths"].(map[string]any)[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
		schema := o["responses"].(map[string]any)[ans.status].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
		require.NoError(t, validate(doc, schema, ans.body, ans.route), "%s: %v", ans.route, ans.body)
	}
}

// The scorecard refuses a bad point of time, and answers as of an instant
// with the day of that instant.
func TestScorecardRoute(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 1)
	base := "/v1/alliances/" + a.ID + "/scorecard"
	before := time.Now().UTC().Format(time.DateOnly)
	now := e.must(200, "GET", base, a.Observer.Token, nil)
	after := time.Now().UTC().Format(time.DateOnly)
	require.Len(t, now["members"], 2)
	require.Contains(t, []any{before, after}, now["today"], "judged on the ledger's clock")
	errorAnswer(t, e.do("GET", base+"?at_seq=0", a.Observer.Token, nil), 400, "invalid", "at_seq")
	errorAnswer(t, e.do("GET", base+"?at_seq=999", a.Observer.Token, nil), 400, "invalid", "outside")
	errorAnswer(t, e.do("GET", base+"?at=yesterday", a.Observer.Token, nil), 400, "invalid", "RFC 3339")
	errorAnswer(t, e.do("GET", base+"?at=2001-01-01T00:00:00Z", a.Observer.Token, nil), 404, "not_found", "did not exist yet")
	errorAnswer(t, e.do("GET", "/v1/alliances/0190c0de-0000-7000-8000-000000000000/scorecard", adminToken, nil), 404, "not_found")
	at := e.must(200, "GET", base+"?at=2999-01-01T00:00:00Z", a.Observer.Token, nil)
	require.Equal(t, "2999-01-01", at["today"])
	require.Equal(t, now["seq"], at["seq"])
	first := e.must(200, "GET", base+"?at_seq=1", a.Observer.Token, nil)
	require.Empty(t, first["members"], "as formed, before any admission")
}
