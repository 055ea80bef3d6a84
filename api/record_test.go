package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"accord/api"
	"accord/domain"
)

// decided is an alliance whose proposal went through amendment, a change of
// stance and a withdrawal mid-vote to an adoption:
//
//	1–6   formed; convener; members A, B, C; observer
//	7     A submits; 8 B amends; 9 A accepts (version 2)
//	10    voting opens: convener, A, B, C eligible
//	11–14 A agree, B block, B agree, C disagree
//	15    C withdraws (their stance is dropped); 16 convener agree
//	17    closed: adopted, 3 agree of 3 eligible
type decided struct {
	alliance
	base, pid string
	states    map[int]map[string]any // the state as read right after seq N
}

const hostileTitle = `Traceability <script>alert("x")</script> & more`

func decide(t *testing.T, e *testEnv) decided {
	t.Helper()
	return decideWithBlock(t, e, "because block")
}

// decideWithBlock is decide with blockReason as the reason of Member B's
// block at seq 12.
func decideWithBlock(t *testing.T, e *testEnv, blockReason string) decided {
	t.Helper()
	d := decided{alliance: e.formAlliance(consensus, 3), states: map[int]map[string]any{}}
	d.base = "/v1/alliances/" + d.ID
	a, b, c := d.Members[0], d.Members[1], d.Members[2]
	snap := func() { d.states[int(e.head(d.ID))] = e.must(200, "GET", d.base, d.Observer.Token, nil) }
	snap()
	p := e.must(201, "POST", d.base+"/proposals", a.Token, map[string]any{"kind": "resolution", "title": hostileTitle, "body": "Serialise every unit."})
	d.pid = p["id"].(string)
	prop := d.base + "/proposals/" + d.pid
	am := e.must(201, "POST", prop+"/amendments", b.Token, map[string]any{"body": "Serialise every unit, with a waiver.", "rationale": "Small pharmacies."})
	e.must(200, "POST", prop+"/amendments/"+am["id"].(string)+"/accept", a.Token, nil)
	snap()
	e.must(200, "POST", prop+"/voting", d.Convener.Token, map[string]any{})
	snap()
	vote := func(p party, stance string) {
		e.must(200, "PUT", prop+"/vote", p.Token, map[string]any{"stance": stance, "reason": "because " + stance})
	}
	vote(a, "agree")
	e.must(200, "PUT", prop+"/vote", b.Token, map[string]any{"stance": "block", "reason": blockReason})
	snap()
	vote(b, "agree")
	vote(c, "disagree")
	e.must(200, "DELETE", d.base+"/members/"+c.ID, c.Token, map[string]any{"reason": "merged"})
	vote(d.Convener, "agree")
	e.must(200, "POST", prop+"/close", d.Convener.Token, nil)
	snap()
	require.Equal(t, 17.0, e.head(d.ID))
	return d
}

func TestRecordRoute(t *testing.T) {
	e := newEnv(t)
	d := decide(t, e)
	ans := e.do("GET", d.base+"/proposals/"+d.pid+"/record", d.Observer.Token, nil)
	require.Equal(t, 200, ans.Status, "%s", ans.Body)
	require.Equal(t, "application/json", ans.Header.Get("Content-Type"))
	rec := ans.JSON(t)
	conformsTo(t, "DecisionRecord", rec)

	require.Equal(t, 17.0, rec["as_of"].(map[string]any)["seq"])
	require.Equal(t, e.must(200, "GET", d.base+"/audit/head", d.Observer.Token, nil)["hash"], rec["as_of"].(map[string]any)["hash"])
	proposal := rec["proposal"].(map[string]any)
	require.Equal(t, hostileTitle, proposal["title"])
	require.Equal(t, "adopted", proposal["status"])

	versions := rec["versions"].([]any)
	require.Len(t, versions, 2)
	require.Equal(t, "Serialise every unit, with a waiver.", versions[1].(map[string]any)["body"])
	require.Equal(t, "Member A", versions[1].(map[string]any)["by"])
	amendment := rec["amendments"].([]any)[0].(map[string]any)
	require.Equal(t, "accepted", amendment["status"])
	require.Equal(t, "Member B", amendment["author"].(map[string]any)["name"])
	require.Equal(t, 9.0, amendment["settled"].(map[string]any)["seq"])

	voting := rec["voting"].(map[string]any)
	require.Equal(t, map[string]any{"decision_rule": "consensus", "quorum": "1/2", "threshold": "3/4", "signatures": "optional", "max_proxies": 0.0}, voting["rule"],
		"the whole rule, defaults filled in")
	require.Len(t, voting["eligible"], 4)
	withdrew := voting["eligible"].([]any)[3].(map[string]any)["withdrew"].(map[string]any)
	require.Equal(t, 15.0, withdrew["seq"])

	stances := map[string]map[string]any{}
	for _, s := range rec["stances"].([]any) {
		st := s.(map[string]any)
		stances[st["name"].(string)] = st
	}
	require.Len(t, stances["Member B"]["history"], 2)
	require.Equal(t, "agree", stances["Member B"]["final"])
	require.Equal(t, true, stances["Member C"]["dropped"])
	require.Nil(t, stances["Member C"]["final"])

	outcome := rec["outcome"].(map[string]any)
	require.Equal(t, "adopted", outcome["result"])
	require.Equal(t, 3.0, outcome["eligible_count"])
	require.Equal(t, map[string]any{"agree": 3.0, "disagree": 0.0, "abstain": 0.0, "block": 0.0}, outcome["tally"])
	require.Contains(t, outcome["explanation"], "Adopted under consensus")

	// Every event it rests on, with the hash the audit trail shows for it.
	audit := e.must(200, "GET", d.base+"/audit?from_seq=1&limit=100", d.Observer.Token, nil)["events"].([]any)
	var seqs []float64
	for _, ref := range rec["events"].([]any) {
		r := ref.(map[string]any)
		seq := r["seq"].(float64)
		seqs = append(seqs, seq)
		entry := audit[int(seq)-1].(map[string]any)
		require.Equal(t, entry["hash"], r["hash"], "seq %v", seq)
		require.Equal(t, entry["event"].(map[string]any)["type"], r["type"])
	}
	require.Equal(t, []float64{7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}, seqs)

	e.must(404, "GET", d.base+"/proposals/0190a0a0-0000-7000-8000-000000000000/record", d.Observer.Token, nil)
	e.must(400, "GET", d.base+"/proposals/nope/record", d.Observer.Token, nil)
	other := e.formAlliance(consensus, 1)
	e.must(403, "GET", d.base+"/proposals/"+d.pid+"/record", other.Observer.Token, nil)
}

// longBlockReason is a block reason in paragraphs, near the length limit,
// whose numbered grounds let a test see that none of it was cut. It holds
// nothing that HTML escapes, so the page carries it byte for byte.
func longBlockReason(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("We block this resolution as amended.")
	for i := 1; i <= 16; i++ {
		fmt.Fprintf(&b, "\n\nGround %d: the waiver leaves dispensers in region %d without serialised units, so a recall cannot reach them.", i, i)
	}
	b.WriteString("\n\nEnd of the reasons of Member B.")
	reason := b.String()
	require.Greater(t, utf8.RuneCountInString(reason), 1500)
	require.LessOrEqual(t, utf8.RuneCountInString(reason), domain.MaxTextRunes)
	return reason
}

// submitAfterClose appends one more event to d's alliance after the close
// (seq 18: another proposal), so that its head is past the decision.
func submitAfterClose(t *testing.T, e *testEnv, d decided) {
	t.Helper()
	e.must(201, "POST", d.base+"/proposals", d.Members[0].Token, map[string]any{"kind": "position", "title": "Next business", "body": "Later."})
	require.Equal(t, 18.0, e.head(d.ID))
}

// requireInOrder requires each of wants in s, each after the one before.
func requireInOrder(t *testing.T, s string, wants ...string) {
	t.Helper()
	at := 0
	for _, want := range wants {
		i := strings.Index(s[at:], want)
		require.GreaterOrEqual(t, i, 0, "%q is missing after byte %d (or comes before what it should follow)", want, at)
		at += i + len(want)
	}
}

func TestRecordPage(t *testing.T) {
	e := newEnv(t)
	reason := longBlockReason(t)
	d := decideWithBlock(t, e, reason)
	path := d.base + "/proposals/" + d.pid + "/record"
	browser := e.do("GET", path, d.Observer.Token, nil, "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	require.Equal(t, 200, browser.Status, "%s", browser.Body)
	require.Equal(t, "text/html; charset=utf-8", browser.Header.Get("Content-Type"))
	require.Contains(t, browser.Header.Get("Content-Security-Policy"), "default-src 'none'")
	page := string(browser.Body)
	for _, want := range []string{
		"<!doctype html>", "@media print", "@page",
		"Traceability &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more",
		"Adopted under consensus", "Serialise every unit, with a waiver.", "Small pharmacies.",
		"Member C", "Withdrew at seq 15", "dropped (withdrew)", "because agree",
		"Events this record rests on", "VotingClosed",
		"Pharmaceutical Distribution Security Alliance", "As of seq 17, when voting closed",
		`<span class="unsigned">Unsigned</span>`,
	} {
		require.Contains(t, page, want)
	}
	require.NotContains(t, page, "<script>")
	require.Contains(t, page, `<div class="reason">`+reason+`</div>`, "the block reason, in full")

	// A summary first (the result, who took part and how it was signed),
	// then the record in full, then the appendix of hashes and the rule.
	requireInOrder(t, page, `<section id="summary">`, "Adopted under consensus", "<h3>The rule</h3>",
		"<h3>Who took part</h3>", "<h3>Signatures</h3>",
		`<section id="detail">`, "<h3>Versions</h3>", "<h3>Amendments</h3>", "<h3>Stances</h3>", "<h3>Outcome</h3>",
		`<section id="appendix">`, "Events this record rests on", "<h3>The rule as recorded</h3>",
		`&#34;decision_rule&#34;: &#34;consensus&#34;`, "</section>\n</body>")
	appendix := strings.Index(page, `<section id="appendix">`)
	rec := e.must(200, "GET", path, d.Observer.Token, nil)
	for _, ref := range rec["events"].([]any) {
		ref := ref.(map[string]any)
		hash := ref["hash"].(string)
		if ref["seq"] == 17.0 { // the close, which the header names as the point of the record
			require.Contains(t, page, "its hash is <code>"+hash+"</code>")
			hash = `<td class="hash">` + hash
		}
		require.Greater(t, strings.Index(page, hash), appendix, "the hash of seq %v is in the appendix", ref["seq"])
	}

	byQuery := e.do("GET", path+"?format=html", d.Observer.Token, nil)
	require.Equal(t, browser.Body, byQuery.Body)
	asJSON := e.do("GET", path+"?format=json", d.Observer.Token, nil, "Accept", "text/html")
	require.Equal(t, "application/json", asJSON.Header.Get("Content-Type"))
	e.must(400, "GET", path+"?format=pdf", d.Observer.Token, nil)

	// As of a seq mid-vote, the page says what closing then would give.
	mid := e.do("GET", path+"?at_seq=12&format=html", d.Observer.Token, nil)
	require.Equal(t, 200, mid.Status)
	require.Contains(t, string(mid.Body), "Voting is still open")
	require.Contains(t, string(mid.Body), "blocked by 1 member")
	require.Contains(t, string(mid.Body), "As of seq 12, the latest event this record reflects")

	// Once the ledger moves on, the record still speaks as of its close,
	// on the page and in each printed page's running header.
	submitAfterClose(t, e, d)
	later := string(e.do("GET", path+"?format=html", d.Observer.Token, nil).Body)
	require.Contains(t, later, "As of seq 17, when voting closed")
	require.Contains(t, later, `@top-left { content: "Pharmaceutical Distribution Security Alliance";`)
	require.Contains(t, later, `@top-right { content: "Decision record, as of seq 17";`)
	require.Contains(t, later, `counter(page) " of " counter(pages)`)
	require.NotContains(t, later, "seq 18")
	require.Equal(t, 18.0, e.must(200, "GET", path, d.Observer.Token, nil)["as_of"].(map[string]any)["seq"],
		"the JSON record is as of the head it was read at")
}

func TestRecordTimeTravel(t *testing.T) {
	e := newEnv(t)
	d := decide(t, e)
	path := d.base + "/proposals/" + d.pid + "/record"
	tok := d.Observer.Token

	before := e.must(200, "GET", path+"?at_seq=9", tok, nil)
	require.Equal(t, "open", before["proposal"].(map[string]any)["status"])
	require.Nil(t, before["voting"])
	require.Nil(t, before["outcome"])

	mid := e.must(200, "GET", path+"?at_seq=12", tok, nil)
	conformsTo(t, "DecisionRecord", mid)
	provisional := mid["provisional"].(map[string]any)
	require.Equal(t, "rejected", provisional["result"])
	require.Equal(t, 1.0, provisional["tally"].(map[string]any)["block"])

	at := eventTime(t, e, d, 12)
	byTime := e.must(200, "GET", path+"?at="+url.QueryEscape(at), tok, nil)
	require.Equal(t, mid, byTime)

	require.Equal(t, "invalid", e.do("GET", path+"?at_seq=18", tok, nil).ErrorCode(t))
	require.Equal(t, "not_found", e.do("GET", path+"?at_seq=6", tok, nil).ErrorCode(t), "not submitted yet")
	require.Equal(t, "not_found", e.do("GET", path+"?at=2001-01-01T00:00:00Z", tok, nil).ErrorCode(t))
	e.must(400, "GET", path+"?at_seq=3&at="+url.QueryEscape(at), tok, nil)
	e.must(400, "GET", path+"?at=yesterday", tok, nil)
}

func TestAllianceTimeTravel(t *testing.T) {
	e := newEnv(t)
	d := decide(t, e)
	tok := d.Observer.Token
	require.NotEmpty(t, d.states)
	for seq, then := range d.states {
		got := e.must(200, "GET", d.base+"?at_seq="+strconv.Itoa(seq), tok, nil)
		require.Equal(t, then, got, "state as of seq %d", seq)
		conformsTo(t, "Alliance", got)
	}
	// By instant: the time of seq 10 gives the state right after it.
	got := e.must(200, "GET", d.base+"?at="+url.QueryEscape(eventTime(t, e, d, 10)), tok, nil)
	require.Equal(t, d.states[10], got)
	proposal := e.must(200, "GET", d.base+"/proposals/"+d.pid+"?at_seq=12", tok, nil)
	require.Equal(t, "voting", proposal["status"])
	require.Len(t, proposal["stances"], 2)
	list := e.must(200, "GET", d.base+"/proposals?at_seq=8", tok, nil)
	require.Equal(t, 8.0, list["seq"])

	past := e.do("GET", d.base+"?at_seq=18", tok, nil)
	require.Equal(t, 400, past.Status)
	require.Contains(t, string(past.Body), "seqs 1 to 17")
	e.must(400, "GET", d.base+"?at_seq=0", tok, nil)
	e.must(400, "GET", d.base+"?at_seq=-1", tok, nil)
	early := e.do("GET", d.base+"?at=2001-01-01T00:00:00Z", tok, nil)
	require.Equal(t, 404, early.Status)
	require.Contains(t, string(early.Body), "did not exist yet")
}

// eventTime returns the at of the alliance's event seq, from the audit trail.
func eventTime(t *testing.T, e *testEnv, d decided, seq int) string {
	t.Helper()
	page := e.must(200, "GET", fmt.Sprintf("%s/audit?from_seq=%d&limit=1", d.base, seq), d.Observer.Token, nil)
	return page["events"].([]any)[0].(map[string]any)["event"].(map[string]any)["at"].(string)
}

func TestAuditVerify(t *testing.T) {
	e := newEnv(t)
	d := decide(t, e)
	got := e.must(200, "GET", d.base+"/audit/verify", d.Observer.Token, nil)
	conformsTo(t, "Verification", got)
	head := e.must(200, "GET", d.base+"/audit/head", d.Observer.Token, nil)
	require.Equal(t, true, got["ok"], "%v", got)
	require.Equal(t, 17.0, got["events"])
	require.Equal(t, 1.0, got["decisions"])
	require.Equal(t, head, got["head"])
	e.must(404, "GET", "/v1/alliances/0190a0a0-0000-7000-8000-000000000000/audit/verify", adminToken, nil)
}

// TestAuditVerifyCatchesForgedOutcome writes an outcome the votes do not
// give straight to the log, properly chained, as someone with write access
// to the stream could: the chain holds, the re-derivation does not.
func TestAuditVerifyCatchesForgedOutcome(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 2)
	base := "/v1/alliances/" + a.ID
	p := e.must(201, "POST", base+"/proposals", a.Members[0].Token, map[string]any{"kind": "position", "title": "Joint statement", "body": "We state."})
	pid := p["id"].(string)
	e.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
	e.must(200, "PUT", base+"/proposals/"+pid+"/vote", a.Members[0].Token, map[string]any{"stance": "block", "reason": "no"})
	require.Equal(t, true, e.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)["ok"])

	ctx := context.Background()
	at, err := e.Store.Head(ctx, a.ID)
	require.NoError(t, err)
	forged := domain.NewEvent(domain.Meta{
		AllianceID: a.ID, CommandID: "forged-close", At: time.Now().UTC(),
		Actor: domain.Actor{ID: a.Convener.ID, Role: domain.RoleConvener, MemberID: a.Convener.ID},
	}, domain.VotingClosed{
		ProposalID: pid, Tally: domain.Tally{Agree: 3}, Participation: 3, EligibleCount: 3, QuorumRequired: 2,
		QuorumMet: true, Result: "adopted", Explanation: "Adopted under consensus (3/4, quorum 1/2): 3 of 3 eligible took part (quorum 2); 3 agree, 0 disagree, 0 abstain, 0 block; 3/3 ≥ 3/4 and no block.",
	})
	res, err := e.Store.Append(ctx, a.ID, at, []domain.Event{forged})
	require.NoError(t, err)
	forgedSeq := res.Records[0].Event.Seq
	require.NoError(t, e.Proj.WaitFor(ctx, a.ID, res.Records[0].Position()))

	got := e.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)
	conformsTo(t, "Verification", got)
	require.Equal(t, false, got["ok"])
	require.Equal(t, float64(forgedSeq), got["seq"])
	require.Contains(t, got["error"], "result recorded adopted, re-derived rejected")
}

// --- the OpenAPI document ---

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc := openAPIDoc(t)
	require.Equal(t, "3.1.0", doc["openapi"])
	paths := doc["paths"].(map[string]any)

	registered := registeredRoutes(t)
	require.Greater(t, len(registered), 30, "routes.go should register the whole API")
	documented := map[string]bool{}
	for path, item := range paths {
		for method := range item.(map[string]any) {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	for _, route := range registered {
		require.True(t, documented[route], "route %s is registered in routes.go but missing from the OpenAPI document", route)
	}
	for route := range documented {
		require.True(t, slices.Contains(registered, route), "the OpenAPI document describes %s, which routes.go does not register", route)
	}

	// Path parameters are declared, and every $ref resolves.
	for path, item := range paths {
		for method, o := range item.(map[string]any) {
			declared := map[string]bool{}
			for _, p := range asSlice(o.(map[string]any)["parameters"]) {
				p = resolve(t, doc, p)
				if p.(map[string]any)["in"] == "path" {
					declared[p.(map[string]any)["name"].(string)] = true
				}
			}
			for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(path, -1) {
				require.True(t, declared[m[1]], "%s %s does not declare path parameter %s", method, path, m[1])
			}
			require.NotEmpty(t, o.(map[string]any)["responses"], "%s %s", method, path)
		}
	}
	walkRefs(doc, func(ref string) { resolve(t, doc, map[string]any{"$ref": ref}) })
}

func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t)
	ans := e.do("GET", "/v1/openapi.json", "", nil)
	require.Equal(t, 200, ans.Status)
	require.Equal(t, "application/json", ans.Header.Get("Content-Type"))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(ans.Body, &doc))
	require.Equal(t, openAPIDoc(t), doc)
}

// TestOpenAPIMatchesAnswers checks real answers against the document's
// schemas, whose objects are closed: a field the handlers add and the
// document does not name fails here.
func TestOpenAPIMatchesAnswers(t *testing.T) {
	e := newEnv(t)
	d := decide(t, e)
	tok := d.Observer.Token
	conformsTo(t, "Alliance", e.must(200, "GET", d.base, tok, nil))
	conformsTo(t, "Proposal", e.must(200, "GET", d.base+"/proposals/"+d.pid, tok, nil))
	conformsTo(t, "Error", e.do("POST", d.base+"/proposals/"+d.pid+"/close", d.Convener.Token, nil).JSON(t))
	conformsTo(t, "DecisionRecord", e.must(200, "GET", d.base+"/proposals/"+d.pid+"/record?at_seq=10", tok, nil))
	conformsTo(t, "Credential", e.must(201, "POST", d.base+"/observers", adminToken, map[string]any{"name": "Auditor"}))

	doc := openAPIDoc(t)
	answers := map[string]any{
		"GET /v1/alliances/{aid}/audit":      e.must(200, "GET", d.base+"/audit?limit=3", tok, nil),
		"GET /v1/alliances/{aid}/audit/head": e.must(200, "GET", d.base+"/audit/head", tok, nil),
		"GET /v1/alliances/{aid}/proposals":  e.must(200, "GET", d.base+"/proposals", tok, nil),
		"GET /v1/alliances":                  e.must(200, "GET", "/v1/alliances", tok, nil),
		"GET /healthz":                       e.must(200, "GET", "/healthz", "", nil),
	}
	for route, answer := range answers {
		method, path, _ := strings.Cut(route, " ")
		o := doc["paths"].(map[string]any)[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
		schema := o["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
		require.NoError(t, validate(doc, schema, answer, route), "%s: %v", route, answer)
	}
}

func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	raw, err := json.Marshal(api.OpenAPI())
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	return doc
}

// registeredRoutes parses routes.go and returns each pattern registered on
// the mux as "METHOD /openapi/path": {$} dropped, a trailing-slash prefix
// given its {asset} parameter. The bare "/" catch-all is the 404 answer, not
// a route.
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "routes.go", nil, 0)
	require.NoError(t, err)
	var routes []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		pattern, err := strconv.Unquote(lit.Value)
		require.NoError(t, err)
		method, path, hasMethod := strings.Cut(pattern, " ")
		if !hasMethod {
			require.Equal(t, "/", pattern, "every route but the 404 catch-all names its method")
			return true
		}
		path = strings.TrimSuffix(path, "{$}")
		if strings.HasSuffix(path, "/") && path != "/" {
			path += "{asset}"
		}
		routes = append(routes, method+" "+path)
		return true
	})
	return routes
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// resolve follows a $ref within the document.
func resolve(t *testing.T, doc map[string]any, v any) any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	ref, ok := m["$ref"].(string)
	if !ok {
		return v
	}
	target, err := lookupRef(doc, ref)
	require.NoError(t, err)
	return resolve(t, doc, target)
}

func lookupRef(doc map[string]any, ref string) (any, error) {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok || m[part] == nil {
			return nil, fmt.Errorf("$ref %s does not resolve", ref)
		}
		cur = m[part]
	}
	return cur, nil
}

func walkRefs(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			fn(ref)
		}
		for _, c := range v {
			walkRefs(c, fn)
		}
	case []any:
		for _, c := range v {
			walkRefs(c, fn)
		}
	}
}

// conformsTo requires v to match the named component schema.
func conformsTo(t *testing.T, schema string, v any) {
	t.Helper()
	doc := openAPIDoc(t)
	require.NoError(t, validate(doc, map[string]any{"$ref": "#/components/schemas/" + schema}, v, schema), "%v", v)
}

// validate checks v against the subset of JSON Schema the document uses:
// $ref, oneOf, allOf, const, type, enum, pattern, required, properties,
// additionalProperties and items.
func validate(doc map[string]any, schema, v any, at string) error {
	s, _ := schema.(map[string]any)
	if ref, ok := s["$ref"].(string); ok {
		target, err := lookupRef(doc, ref)
		if err != nil {
			return err
		}
		return validate(doc, target, v, at)
	}
	if alts, ok := s["oneOf"].([]any); ok {
		var errs []string
		for _, alt := range alts {
			err := validate(doc, alt, v, at)
			if err == nil {
				return nil
			}
			errs = append(errs, err.Error())
		}
		return fmt.Errorf("%s: matches no alternative: %s", at, strings.Join(errs, " | "))
	}
	for _, all := range asSlice(s["allOf"]) {
		if err := validate(doc, all, v, at); err != nil {
			return err
		}
	}
	if c, ok := s["const"]; ok && c != v {
		return fmt.Errorf("%s: %v is not %v", at, v, c)
	}
	if err := checkType(s["type"], v, at); err != nil {
		return err
	}
	if enum := asSlice(s["enum"]); enum != nil && !slices.Contains(enum, v) {
		return fmt.Errorf("%s: %v is not one of %v", at, v, enum)
	}
	if p, ok := s["pattern"].(string); ok {
		if str, isStr := v.(string); isStr && !regexp.MustCompile(p).MatchString(str) {
			return fmt.Errorf("%s: %q does not match %s", at, str, p)
		}
	}
	switch v := v.(type) {
	case map[string]any:
		return validateObject(doc, s, v, at)
	case []any:
		for i, item := range v {
			if err := validate(doc, s["items"], item, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func validateObject(doc map[string]any, s map[string]any, v map[string]any, at string) error {
	for _, r := range asSlice(s["required"]) {
		if _, ok := v[r.(string)]; !ok {
			return fmt.Errorf("%s: required field %s is missing", at, r)
		}
	}
	props, _ := s["properties"].(map[string]any)
	for k, val := range v {
		sub, declared := props[k]
		switch extra := s["additionalProperties"].(type) {
		case bool:
			if !declared && !extra {
				return fmt.Errorf("%s: field %s is not in the document", at, k)
			}
		case map[string]any:
			if !declared {
				sub = extra
			}
		}
		if sub != nil {
			if err := validate(doc, sub, val, at+"."+k); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkType(want, v any, at string) error {
	if want == nil {
		return nil
	}
	types := asSlice(want)
	if types == nil {
		types = []any{want}
	}
	var got string
	switch x := v.(type) {
	case nil:
		got = "null"
	case map[string]any:
		got = "object"
	case []any:
		got = "array"
	case string:
		got = "string"
	case bool:
		got = "boolean"
	case float64:
		got = "number"
		if x == float64(int64(x)) && slices.Contains(types, any("integer")) {
			got = "integer"
		}
	}
	if !slices.Contains(types, any(got)) {
		return fmt.Errorf("%s: %v is a %s, not %v", at, v, got, want)
	}
	return nil
}
