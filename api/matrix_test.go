package api_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/transparency"
)

// matrix is the whole permission policy: for each route of docs/API.md (and
// the token routes), the status each kind of caller gets. Callers, in the
// order each row runs them (those that must be refused first, the owner of
// the row's target last: it may withdraw itself or revoke its own token):
//
//	none  no credentials at all
//	malf  an Authorization header that is not "Bearer <token>"
//	unkn  a well-formed token nobody was given
//	revk  a member's token, revoked
//	outs  a member of another alliance
//	obsv  the alliance's observer
//	wdrn  a member who has withdrawn
//	peer  an active member who does not own the row's target
//	admn  the admin token
//	conv  the alliance's convener
//	memb  the member who owns the row's target (author, maker, self)
//
// README.md's "Who may do what" shows the same table (TestMatrixIsInREADME).
const matrix = `
                                                                    none malf unkn revk outs obsv wdrn peer admn conv memb
POST   /v1/alliances                                                 401  401  401  401  403  403  403  403  201  403  403
GET    /v1/alliances                                                 401  401  401  401  200  200  200  200  200  200  200
GET    /v1/alliances/{aid}                                           401  401  401  401  403  200  200  200  200  200  200
POST   /v1/alliances/{aid}/members                                   401  401  401  401  403  403  403  403  201  201  403
DELETE /v1/alliances/{aid}/members/{mid}                             401  401  401  401  403  403  403  403  403  200  200
PUT    /v1/alliances/{aid}/members/{mid}/key                         401  401  401  401  403  403  403  403  403  403  200
POST   /v1/alliances/{aid}/observers                                 401  401  401  401  403  403  403  403  201  201  403
POST   /v1/alliances/{aid}/workgroups                                401  401  401  401  403  403  403  403  403  201  403
GET    /v1/alliances/{aid}/workgroups                                401  401  401  401  403  200  200  200  200  200  200
GET    /v1/alliances/{aid}/workgroups/{wid}                          401  401  401  401  403  200  200  200  200  200  200
POST   /v1/alliances/{aid}/workgroups/{wid}/members                  401  401  401  401  403  403  403  403  403  200  403
POST   /v1/alliances/{aid}/workgroups/{wid}/progress                 401  401  401  401  403  403  403  403  403  200  200
POST   /v1/alliances/{aid}/workgroups/{wid}/close                    401  401  401  401  403  403  403  403  403  200  403
POST   /v1/alliances/{aid}/conclude                                  401  401  401  401  403  403  403  403  403  200  403
POST   /v1/alliances/{aid}/proxies                                   401  401  401  401  403  403  403  201  403  201  201
POST   /v1/alliances/{aid}/proxies/revoke                            401  401  401  401  403  403  403  404  403  404  200
GET    /v1/alliances/{aid}/scorecard                                 401  401  401  401  403  200  200  200  200  200  200
DELETE /v1/alliances/{aid}/tokens/{party_id}                         401  401  401  401  403  403  403  403  200  200  200
POST   /v1/alliances/{aid}/tokens/{party_id}                         401  401  401  401  403  403  403  403  201  201  201
POST   /v1/alliances/{aid}/proposals                                 401  401  401  401  403  403  403  201  403  201  201
GET    /v1/alliances/{aid}/proposals                                 401  401  401  401  403  200  200  200  200  200  200
GET    /v1/alliances/{aid}/proposals/{pid}                           401  401  401  401  403  200  200  200  200  200  200
POST   /v1/alliances/{aid}/proposals/{pid}/amendments                401  401  401  401  403  403  403  201  403  201  201
POST   /v1/alliances/{aid}/proposals/{pid}/amendments/{amid}/accept  401  401  401  401  403  403  403  403  403  403  200
POST   /v1/alliances/{aid}/proposals/{pid}/amendments/{amid}/reject  401  401  401  401  403  403  403  403  403  403  200
POST   /v1/alliances/{aid}/proposals/{pid}/withdraw                  401  401  401  401  403  403  403  403  403  403  200
POST   /v1/alliances/{aid}/proposals/{pid}/voting                    401  401  401  401  403  403  403  403  403  200  403
PUT    /v1/alliances/{aid}/proposals/{pid}/vote                      401  401  401  401  403  403  403  200  403  200  200
POST   /v1/alliances/{aid}/proposals/{pid}/close                     401  401  401  401  403  403  403  403  403  200  403
GET    /v1/alliances/{aid}/proposals/{pid}/record                    401  401  401  401  403  200  200  200  200  200  200
POST   /v1/alliances/{aid}/commitments                               401  401  401  401  403  403  403  201  403  201  201
POST   /v1/alliances/{aid}/commitments/{cid}/progress                401  401  401  401  403  403  403  403  403  403  200
POST   /v1/alliances/{aid}/commitments/{cid}/fulfil                  401  401  401  401  403  403  403  403  403  403  200
POST   /v1/alliances/{aid}/commitments/{cid}/withdraw                401  401  401  401  403  403  403  403  403  403  200
GET    /v1/alliances/{aid}/audit                                     401  401  401  401  403  200  200  200  200  200  200
GET    /v1/alliances/{aid}/audit/export                              401  401  401  401  403  200  200  200  200  200  200
GET    /v1/alliances/{aid}/audit/head                                401  401  401  401  403  200  200  200  200  200  200
GET    /v1/alliances/{aid}/audit/verify                              401  401  401  401  403  200  200  200  200  200  200
GET    /v1/alliances/{aid}/checkpoint                                401  401  401  401  403  200  200  200  200  200  200
GET    /v1/alliances/{aid}/checkpoint/cosigned                       401  401  401  401  403  200  200  200  200  200  200
POST   /v1/alliances/{aid}/checkpoint/cosignatures                   401  401  401  401  403  403  403  403  403  403  201
GET    /v1/alliances/{aid}/log-key                                   401  401  401  401  403  200  200  200  200  200  200
GET    /v1/alliances/{aid}/proofs/inclusion                          401  401  401  401  403  200  200  200  200  200  200
GET    /v1/alliances/{aid}/proofs/consistency                        401  401  401  401  403  200  200  200  200  200  200
POST   /v1/alliances/{aid}/witnesses                                 401  401  401  401  403  201  403  201  403  201  201
GET    /v1/alliances/{aid}/events                                    401  401  401  401  403  200  200  200  200  200  200
GET    /v1/events                                                    401  401  401  401  403  403  403  403  200  403  403
POST   /v1/session                                                   401  401  401  401  200  200  200  200  200  200  200
DELETE /v1/session                                                   204  204  204  204  204  204  204  204  204  204  204
GET    /                                                             200  200  200  200  200  200  200  200  200  200  200
GET    /v1/openapi.json                                              200  200  200  200  200  200  200  200  200  200  200
GET    /healthz                                                      200  200  200  200  200  200  200  200  200  200  200
GET    /metrics                                                      200  200  200  200  200  200  200  200  200  200  200
`

// The callers, as the columns of matrix.
const (
	callNone = iota
	callMalformed
	callUnknown
	callRevoked
	callOutsider
	callObserver
	callWithdrawn
	callPeer
	callAdmin
	callConvener
	callMember
	callers
)

var callerNames = [callers]string{
	"none", "malformed", "unknown", "revoked", "outsider", "observer", "withdrawn", "peer", "admin", "convener", "member",
}

// rule is how to exercise one route of the matrix.
type rule struct {
	// req builds caller c's request; it may set up a fresh target first
	// (before the ledger is measured).
	req func(f *fixture, c int) call
	// writes says the route appends to the ledger when it succeeds. Every
	// refusal, and every answer of a route that does not write, must leave
	// the ledger exactly as it was.
	writes bool
	stream bool
}

// call is one request of the matrix.
type call struct {
	path string
	body any
	// after checks, once the call was refused, that it changed nothing
	// beyond the ledger either (a token still works).
	after func()
}

// row is one parsed line of matrix.
type row struct {
	route  string
	expect [callers]int
}

// parseMatrix returns the rows of matrix.
func parseMatrix(t *testing.T) []row {
	t.Helper()
	var rows []row
	for i, line := range strings.Split(strings.TrimSpace(matrix), "\n")[1:] {
		fields := strings.Fields(line)
		require.Len(t, fields, 2+callers, "matrix line %d: %q", i+2, line)
		r := row{route: fields[0] + " " + fields[1]}
		for c, f := range fields[2:] {
			n, err := strconv.Atoi(f)
			require.NoError(t, err, "matrix line %d", i+2)
			r.expect[c] = n
		}
		rows = append(rows, r)
	}
	return rows
}

// rules says how to exercise each route of the matrix.
func rules() map[string]rule {
	A := func(f *fixture, rest string) string { return "/v1/alliances/" + f.aid + rest }
	P := func(f *fixture, pid, rest string) string { return A(f, "/proposals/"+pid+rest) }
	C := func(f *fixture, cid, rest string) string { return A(f, "/commitments/"+cid+rest) }
	fixed := func(path string) func(*fixture, int) call {
		return func(*fixture, int) call { return call{path: path} }
	}
	in := func(rest string) func(*fixture, int) call {
		return func(f *fixture, _ int) call { return call{path: A(f, rest)} }
	}
	proposal := map[string]any{"kind": "resolution", "title": "Shared recall notices", "body": "Notify every member within 24 hours."}
	reason := map[string]any{"reason": "matrix"}
	note := map[string]any{"note": "matrix"}
	rows := map[string]rule{
		"POST /v1/alliances": {writes: true, req: func(f *fixture, c int) call {
			return call{"/v1/alliances", map[string]any{"name": "Matrix", "purpose": "p", "charter": consensus}, nil}
		}},
		"GET /v1/alliances":       {req: fixed("/v1/alliances")},
		"GET /v1/alliances/{aid}": {req: in("")},
		"POST /v1/alliances/{aid}/members": {writes: true, req: func(f *fixture, c int) call {
			return call{A(f, "/members"), map[string]any{"name": "Payer " + strconv.Itoa(c), "sector": "payer", "role": "member"}, nil}
		}},
		"DELETE /v1/alliances/{aid}/members/{mid}": {writes: true, req: func(f *fixture, c int) call {
			return call{A(f, "/members/"+f.targetMember(c).ID), reason, nil}
		}},
		"PUT /v1/alliances/{aid}/members/{mid}/key": {writes: true, req: func(f *fixture, c int) call {
			// Always the owner's key, with a valid proof: only the owner may register it.
			reg := domain.NewKeyRegistration(f.aid, f.member.ID, ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)))
			return call{A(f, "/members/"+f.member.ID+"/key"), map[string]any{"public_key": reg.PublicKey, "proof": reg.Proof}, nil}
		}},
		"POST /v1/alliances/{aid}/observers": {writes: true, req: func(f *fixture, c int) call {
			return call{A(f, "/observers"), map[string]any{"name": "Regulator"}, nil}
		}},
		"POST /v1/alliances/{aid}/workgroups": {writes: true, req: func(f *fixture, c int) call {
			return call{A(f, "/workgroups"), map[string]any{"name": "Data", "aim": "a", "metric": "sites", "target": 3, "due": "2027-06-30", "member_ids": []string{f.member.ID}}, nil}
		}},
		"DELETE /v1/alliances/{aid}/tokens/{party_id}": {req: (*fixture).tokenCall},
		"POST /v1/alliances/{aid}/tokens/{party_id}":   {req: (*fixture).tokenCall},
		"POST /v1/alliances/{aid}/proposals": {writes: true, req: func(f *fixture, c int) call {
			return call{A(f, "/proposals"), proposal, nil}
		}},
		"GET /v1/alliances/{aid}/proposals": {req: in("/proposals")},
		"GET /v1/alliances/{aid}/proposals/{pid}": {req: func(f *fixture, c int) call {
			return call{path: P(f, f.openProposal(), "")}
		}},
		"POST /v1/alliances/{aid}/proposals/{pid}/amendments": {writes: true, req: func(f *fixture, c int) call {
			return call{P(f, f.openProposal(), "/amendments"), map[string]any{"body": "Within 12 hours.", "rationale": "faster"}, nil}
		}},
		"POST /v1/alliances/{aid}/proposals/{pid}/amendments/{amid}/accept": {writes: true, req: func(f *fixture, c int) call {
			pid := f.openProposal()
			return call{path: P(f, pid, "/amendments/"+f.amend(pid)+"/accept")}
		}},
		"POST /v1/alliances/{aid}/proposals/{pid}/amendments/{amid}/reject": {writes: true, req: func(f *fixture, c int) call {
			pid := f.openProposal()
			return call{path: P(f, pid, "/amendments/"+f.amend(pid)+"/reject")}
		}},
		"POST /v1/alliances/{aid}/proposals/{pid}/withdraw": {writes: true, req: func(f *fixture, c int) call {
			return call{P(f, f.submit(), "/withdraw"), reason, nil}
		}},
		"POST /v1/alliances/{aid}/proposals/{pid}/voting": {writes: true, req: func(f *fixture, c int) call {
			return call{P(f, f.submit(), "/voting"), map[string]any{}, nil}
		}},
		"PUT /v1/alliances/{aid}/proposals/{pid}/vote": {writes: true, req: func(f *fixture, c int) call {
			return call{P(f, f.votingProposal(), "/vote"), map[string]any{"stance": "agree", "reason": "matrix"}, nil}
		}},
		"POST /v1/alliances/{aid}/proposals/{pid}/close": {writes: true, req: func(f *fixture, c int) call {
			return call{path: P(f, f.voteOn(f.submit()), "/close")}
		}},
		"GET /v1/alliances/{aid}/proposals/{pid}/record": {req: func(f *fixture, c int) call {
			return call{path: P(f, f.votingProposal(), "/record")}
		}},
		"POST /v1/alliances/{aid}/commitments": {writes: true, req: func(f *fixture, c int) call {
			return call{A(f, "/commitments"), map[string]any{"proposal_id": f.adoptedProposal(), "description": "Publish", "metric": "sites", "target": 4, "due": "2027-06-30"}, nil}
		}},
		"POST /v1/alliances/{aid}/commitments/{cid}/progress": {writes: true, req: func(f *fixture, c int) call {
			return call{C(f, f.commitment(), "/progress"), map[string]any{"value": 1, "note": "matrix"}, nil}
		}},
		"POST /v1/alliances/{aid}/commitments/{cid}/fulfil": {writes: true, req: func(f *fixture, c int) call {
			return call{C(f, f.commit(), "/fulfil"), note, nil}
		}},
		"POST /v1/alliances/{aid}/commitments/{cid}/withdraw": {writes: true, req: func(f *fixture, c int) call {
			return call{C(f, f.commit(), "/withdraw"), note, nil}
		}},
		"GET /v1/alliances/{aid}/audit":        {req: in("/audit?from_seq=1&limit=5")},
		"GET /v1/alliances/{aid}/audit/export": {req: in("/audit/export")},
		"GET /v1/alliances/{aid}/audit/head":   {req: in("/audit/head")},
		"GET /v1/alliances/{aid}/audit/verify": {req: in("/audit/verify")},
		"GET /v1/alliances/{aid}/checkpoint":   {req: in("/checkpoint")},
		"GET /v1/alliances/{aid}/checkpoint/cosigned": {req: func(f *fixture, c int) call {
			f.cosigned()
			return call{path: A(f, "/checkpoint/cosigned")}
		}},
		"POST /v1/alliances/{aid}/checkpoint/cosignatures": {req: func(f *fixture, c int) call {
			return call{A(f, "/checkpoint/cosignatures"), f.cosignatureBody(), nil}
		}},
		"GET /v1/alliances/{aid}/log-key":            {req: in("/log-key")},
		"GET /v1/alliances/{aid}/proofs/inclusion":   {req: in("/proofs/inclusion?seq=1")},
		"GET /v1/alliances/{aid}/proofs/consistency": {req: in("/proofs/consistency?from=1&to=2")},
		"POST /v1/alliances/{aid}/witnesses": {writes: true, req: func(f *fixture, c int) call {
			return call{A(f, "/witnesses"), f.witnessBody(c), nil}
		}},
		"GET /v1/alliances/{aid}/events": {stream: true, req: in("/events")},
		"GET /v1/events":                 {stream: true, req: fixed("/v1/events")},
		"POST /v1/session":               {req: fixed("/v1/session")},
		"DELETE /v1/session":             {req: fixed("/v1/session")},
		"GET /":                          {req: fixed("/")},
		"GET /v1/openapi.json":           {req: fixed("/v1/openapi.json")},
		"GET /healthz":                   {req: fixed("/healthz")},
		"GET /metrics":                   {req: fixed("/metrics")},
	}
	maps.Copy(rows, lifeRules(A))
	return rows
}

// TestPermissionMatrix runs every route of the matrix as every kind of
// caller against a fresh alliance per route, and requires the matrix's
// status, in the documented error shape when it is one. No refused request,
// and no request to a route that does not write, may move the ledger: the
// stream's last sequence is compared around each call.
func TestPermissionMatrix(t *testing.T) {
	e := newGuardEnv(t)
	other := e.formAlliance(consensus, 1)
	how := rules()
	for _, r := range parseMatrix(t) {
		method, _, _ := strings.Cut(r.route, " ")
		rl := how[r.route]
		require.NotNil(t, rl.req, "no rule for %s", r.route)
		t.Run(r.route, func(t *testing.T) {
			e := e.withT(t)
			f := newFixture(e, other)
			for c := range callers {
				cl := rl.req(f, c)
				before := e.lastWrite()
				ans := f.send(method, cl, c, rl.stream)
				require.Equal(t, r.expect[c], ans.Status, "%s as %s: %s", r.route, callerNames[c], ans.Body)
				if ans.Status >= 400 {
					errorAnswer(t, ans, ans.Status, codeOf(ans.Status))
				}
				after := e.lastWrite()
				if ans.Status >= 300 || !rl.writes {
					require.Equal(t, before, after, "%s as %s (%d) moved the ledger", r.route, callerNames[c], ans.Status)
				} else {
					require.Greater(t, after, before, "%s as %s succeeded but wrote nothing", r.route, callerNames[c])
				}
				if cl.after != nil && ans.Status >= 300 {
					cl.after()
				}
			}
		})
	}
	requireNoTokenLogged(t, e)
}

// TestMatrixCoversEveryRoute fails when a route is registered that the
// matrix does not cover, or the matrix or its rules name one that is not
// registered.
func TestMatrixCoversEveryRoute(t *testing.T) {
	covered := map[string]bool{}
	for _, r := range parseMatrix(t) {
		require.False(t, covered[r.route], "%s appears twice in the matrix", r.route)
		covered[r.route] = true
	}
	how := rules()
	require.Len(t, how, len(covered), "every route of the matrix has one rule")
	for route := range how {
		require.True(t, covered[route], "rule for %s, which is not in the matrix", route)
	}
	for _, route := range registeredRoutes(t) {
		if route == "GET /assets/{asset}" {
			continue // static files of the dashboard page, public like GET /
		}
		require.True(t, covered[route], "route %s has no row in the permission matrix", route)
		delete(covered, route)
	}
	require.Empty(t, covered, "the matrix covers routes that are not registered")
}

// TestMatrixIsInREADME keeps the README's table equal to the matrix.
func TestMatrixIsInREADME(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	table := matrixMarkdown(t)
	require.Contains(t, string(raw), table, "README.md's \"Who may do what\" table is not the tested matrix; it should read:\n%s", table)
}

// matrixMarkdown renders the matrix as README.md shows it.
func matrixMarkdown(t *testing.T) string {
	var b strings.Builder
	b.WriteString("| route | " + strings.Join(callerNames[:], " | ") + " |\n")
	b.WriteString("|---|" + strings.Repeat("---|", callers) + "\n")
	for _, r := range parseMatrix(t) {
		b.WriteString("| `" + r.route + "` |")
		for _, status := range r.expect {
			b.WriteString(" " + strconv.Itoa(status) + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func codeOf(status int) string {
	return map[int]string{400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
		405: "method_not_allowed", 413: "too_large", 429: "rate_limited"}[status]
}

// requireNoTokenLogged checks that no token ever issued in the test, nor the
// admin token, appears in the logs.
func requireNoTokenLogged(t *testing.T, e *guardEnv) {
	t.Helper()
	logs := e.Logs.String()
	require.NotEmpty(t, logs)
	require.NotContains(t, logs, adminToken)
	require.NotContains(t, logs, "acc_", "a member's or observer's token is in the logs")
}

// --- the fixture of one row ---

// fixture is a fresh alliance with a party for each caller of the matrix.
type fixture struct {
	e        *guardEnv
	aid      string
	tokens   [callers]string
	convener party
	member   party
	peer     party
	observer party

	proposal, voting, adopted, cmt string
	witness                        *transparency.WitnessSigner
	hasCosigned                    bool

	wg      string // the row's open workgroup
	granted bool   // whether the owner's proxy to the peer is granted
	as      string // a token the next call is sent with instead of its caller's
}

func newFixture(e *guardEnv, other alliance) *fixture {
	e.t.Helper()
	a := e.formAlliance(consensus, 4)
	f := &fixture{e: e, aid: a.ID, convener: a.Convener, member: a.Members[0], peer: a.Members[1], observer: a.Observer}
	withdrawn, revoked := a.Members[2], a.Members[3]
	e.must(200, "DELETE", "/v1/alliances/"+a.ID+"/members/"+withdrawn.ID, withdrawn.Token, map[string]any{"reason": "merged"})
	e.must(200, "DELETE", "/v1/alliances/"+a.ID+"/tokens/"+revoked.ID, adminToken, nil)
	f.tokens = [callers]string{
		callUnknown: "acc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", callRevoked: revoked.Token,
		callOutsider: other.Members[0].Token, callObserver: a.Observer.Token, callWithdrawn: withdrawn.Token,
		callPeer: f.peer.Token, callAdmin: adminToken, callConvener: f.convener.Token, callMember: f.member.Token,
	}
	return f
}

// send makes the call as caller c.
func (f *fixture) send(method string, cl call, c int, stream bool) answer {
	f.e.t.Helper()
	var headers []string
	if c == callMalformed {
		headers = []string{"Authorization", "Basic YWRtaW46YWRtaW4="}
	}
	token := f.tokens[c]
	if f.as != "" { // the caller's counterpart in a fresh alliance (see concludeCall)
		token, f.as = f.as, ""
	}
	if stream {
		return f.streamStatus(cl.path, token, headers...)
	}
	return f.e.do(method, cl.path, token, cl.body, headers...)
}

// streamStatus opens a live stream, reads its status (and an error's
// body), and hangs up.
func (f *fixture) streamStatus(path, token string, headers ...string) answer {
	t := f.e.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", f.e.URL+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	ans := answer{Status: resp.StatusCode, Header: resp.Header}
	if resp.StatusCode != http.StatusOK {
		ans.Body, err = io.ReadAll(resp.Body)
		require.NoError(t, err)
	}
	return ans
}

func (f *fixture) path(rest string) string { return "/v1/alliances/" + f.aid + rest }

// freshMember admits a new member (by the admin) with its token.
func (f *fixture) freshMember() party {
	m := f.e.must(201, "POST", f.path("/members"), adminToken, map[string]any{"name": "Target", "sector": "payer", "role": "member"})
	return party{ID: m["id"].(string), Token: m["token"].(string)}
}

// targetMember is whom caller c withdraws: itself when it is the owner,
// else a fresh member.
func (f *fixture) targetMember(c int) party {
	if c == callMember {
		return f.member
	}
	return f.freshMember()
}

// tokenCall is a call on the token of a fresh member (the member's own
// token for the owner). Once refused, that token must still work.
func (f *fixture) tokenCall(c int) call {
	target := f.targetMember(c)
	return call{path: f.path("/tokens/" + target.ID), after: func() {
		f.e.must(200, "GET", f.path(""), target.Token, nil)
	}}
}

// submit makes a new open proposal by the owner.
func (f *fixture) submit() string {
	p := f.e.must(201, "POST", f.path("/proposals"), f.member.Token, map[string]any{"kind": "resolution", "title": "T", "body": "B"})
	return p["id"].(string)
}

// openProposal is the row's open proposal by the owner.
func (f *fixture) openProposal() string {
	if f.proposal == "" {
		f.proposal = f.submit()
	}
	return f.proposal
}

// amend proposes a new amendment to pid by the peer.
func (f *fixture) amend(pid string) string {
	am := f.e.must(201, "POST", f.path("/proposals/"+pid+"/amendments"), f.peer.Token, map[string]any{"body": "B2", "rationale": "R"})
	return am["id"].(string)
}

// voteOn opens voting on pid (by the convener).
func (f *fixture) voteOn(pid string) string {
	f.e.must(200, "POST", f.path("/proposals/"+pid+"/voting"), f.convener.Token, map[string]any{})
	return pid
}

// votingProposal is the row's proposal being voted on.
func (f *fixture) votingProposal() string {
	if f.voting == "" {
		f.voting = f.voteOn(f.submit())
	}
	return f.voting
}

// adoptedProposal is the row's adopted proposal.
func (f *fixture) adoptedProposal() string {
	if f.adopted == "" {
		pid := f.voteOn(f.submit())
		for _, tok := range []string{f.convener.Token, f.member.Token, f.peer.Token} {
			f.e.must(200, "PUT", f.path("/proposals/"+pid+"/vote"), tok, map[string]any{"stance": "agree", "reason": ""})
		}
		closed := f.e.must(200, "POST", f.path("/proposals/"+pid+"/close"), f.convener.Token, nil)
		require.Equal(f.e.t, "adopted", closed["result"], fmt.Sprint(closed))
		f.adopted = pid
	}
	return f.adopted
}

// commit makes a new commitment by the owner on the adopted proposal.
func (f *fixture) commit() string {
	c := f.e.must(201, "POST", f.path("/commitments"), f.member.Token, map[string]any{
		"proposal_id": f.adoptedProposal(), "description": "Publish", "metric": "sites", "target": 4, "due": "2027-06-30"})
	return c["id"].(string)
}

// commitment is the row's open commitment by the owner.
func (f *fixture) commitment() string {
	if f.cmt == "" {
		f.cmt = f.commit()
	}
	return f.cmt
}
