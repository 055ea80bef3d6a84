package api_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// badInput is one malformed request: where it goes, as whom, what it
// sends, and the error it must get (status, code, fragments of the message).
type badInput struct {
	name    string
	method  string
	path    string // relative to the alliance, unless it starts with /v1
	token   string // "member" (default), "convener", "admin"
	body    any
	headers []string
	status  int
	want    []string
}

// TestInputBattery sends malformed, truncated, mistyped, oversized and
// hostile input to the write routes. Each answers in the documented error
// shape with a message naming what is wrong, and none writes anything.
func TestInputBattery(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 2)
	pid := e.must(201, "POST", "/v1/alliances/"+a.ID+"/proposals", a.Members[0].Token, map[string]any{"kind": "resolution", "title": "T", "body": "B"})["id"].(string)
	prop := func(body string) string { return `{"kind":"position","title":"t","body":"b"` + body + `}` }
	long := func(n int) string { return strings.Repeat("é", n) }
	cases := []badInput{
		// Malformed and truncated JSON.
		{name: "truncated object", body: `{"kind":"position","title":"t"`, status: 400, want: []string{"malformed JSON", "ends too early"}},
		{name: "truncated string", body: `{"kind":"posi`, status: 400, want: []string{"malformed JSON"}},
		{name: "missing colon", body: `{"kind" "position"}`, status: 400, want: []string{"malformed JSON at byte 8"}},
		{name: "trailing comma", body: `{"kind":"position",}`, status: 400, want: []string{"malformed JSON"}},
		{name: "single quotes", body: `{'kind':'position'}`, status: 400, want: []string{"malformed JSON"}},
		{name: "two objects", body: prop("") + `{"kind":"x"}`, status: 400, want: []string{"data after its JSON object"}},
		{name: "garbage after", body: prop("") + `xyz`, status: 400, want: []string{"data after its JSON object"}},
		// JSON that is not an object.
		{name: "array", body: `[1,2]`, status: 400, want: []string{"must be a JSON object"}},
		{name: "string", body: `"position"`, status: 400, want: []string{"must be a JSON object"}},
		{name: "number", body: `42`, status: 400, want: []string{"must be a JSON object"}},
		{name: "null", body: `null`, status: 400, want: []string{"must be a JSON object"}},
		{name: "byte order mark", body: "\xef\xbb\xbf" + prop(""), status: 400, want: []string{"must be a JSON object"}},
		{name: "non-breaking space only", body: "\u00a0", status: 400, want: []string{"must be a JSON object"}},
		// Duplicate and unknown fields.
		{name: "duplicate key", body: `{"kind":"position","title":"t","title":"u","body":"b"}`, status: 400, want: []string{`field "title" appears twice`}},
		{name: "duplicate nested key", path: "/v1/alliances", token: "admin",
			body: `{"name":"n","charter":{"quorum":"1/2","quorum":"1/3"}}`, status: 400, want: []string{`field "quorum" appears twice`}},
		{name: "unknown field", body: prop(`,"extra":1`), status: 400, want: []string{`unknown field "extra"`}},
		{name: "actor in body", body: prop(`,"author_id":"` + a.Members[1].ID + `"`), status: 400, want: []string{`unknown field "author_id"`}},
		{name: "unknown nested field", path: "/v1/alliances", token: "admin",
			body: `{"name":"n","charter":{"rule":"majority"}}`, status: 400, want: []string{`unknown field "rule"`}},
		// Wrong types.
		{name: "title a number", body: `{"kind":"position","title":5,"body":"b"}`, status: 400, want: []string{`field "title" must be a string, not number`}},
		{name: "kind an array", body: `{"kind":["position"],"title":"t","body":"b"}`, status: 400, want: []string{`field "kind" must be a string, not array`}},
		{name: "charter a string", path: "/v1/alliances", token: "admin", body: `{"name":"n","charter":"consensus"}`,
			status: 400, want: []string{`field "charter" must be an object, not string`}},
		{name: "quorum a number", path: "/v1/alliances", token: "admin", body: `{"name":"n","charter":{"quorum":0.5}}`,
			status: 400, want: []string{`field "charter.quorum" must be a string, not number`}},
		{name: "stance a bool", method: "PUT", path: "/proposals/" + pid + "/vote", body: `{"stance":true,"reason":""}`,
			status: 400, want: []string{`field "stance" must be a string, not bool`}},
		{name: "member_ids a string", path: "/workgroups", token: "convener",
			body:   `{"name":"n","aim":"a","metric":"m","target":1,"due":"2027-01-01","member_ids":"` + a.Members[0].ID + `"}`,
			status: 400, want: []string{`field "member_ids" must be an array, not string`}},
		{name: "target a string", path: "/workgroups", token: "convener",
			body:   `{"name":"n","aim":"a","metric":"m","target":"ten","due":"2027-01-01","member_ids":[]}`,
			status: 400, want: []string{`field "target" must be a number, not string`}},
		{name: "closes_at not a time", path: "/proposals/" + pid + "/voting", token: "convener", body: `{"closes_at":"tomorrow"}`,
			status: 400, want: []string{"RFC 3339", `"tomorrow"`}},
		// Numbers out of range.
		{name: "target too large", path: "/workgroups", token: "convener",
			body:   `{"name":"n","aim":"a","metric":"m","target":1e400,"due":"2027-01-01","member_ids":[]}`,
			status: 400, want: []string{`field "target" is a number out of range (1e400)`}},
		{name: "target too small", path: "/workgroups", token: "convener",
			body:   `{"name":"n","aim":"a","metric":"m","target":-1e309,"due":"2027-01-01","member_ids":[]}`,
			status: 400, want: []string{`field "target" is a number out of range`}},
		{name: "denominator too large", path: "/v1/alliances", token: "admin", body: map[string]any{"name": "n", "charter": map[string]any{"quorum": "1/1000001"}},
			status: 400, want: []string{"charter quorum", "denominator from 1 to 1000000"}},
		{name: "numerator overflows", path: "/v1/alliances", token: "admin", body: map[string]any{"name": "n", "charter": map[string]any{"threshold": "99999999999999999999/1"}},
			status: 400, want: []string{"charter threshold"}},
		{name: "fraction over 1", path: "/v1/alliances", token: "admin", body: map[string]any{"name": "n", "charter": map[string]any{"quorum": "3/2"}},
			status: 400, want: []string{"charter quorum", "more than 1"}},
		{name: "fraction of zero", path: "/v1/alliances", token: "admin", body: map[string]any{"name": "n", "charter": map[string]any{"quorum": "1/0"}},
			status: 400, want: []string{"charter quorum", "denominator"}},
		{name: "negative fraction", path: "/v1/alliances", token: "admin", body: map[string]any{"name": "n", "charter": map[string]any{"quorum": "-1/2"}},
			status: 400, want: []string{"charter quorum", "digits only"}},
		// Empty strings.
		{name: "empty body", body: ``, status: 400, want: []string{"kind is required"}},
		{name: "empty title", body: `{"kind":"position","title":"","body":"b"}`, status: 400, want: []string{"title is required"}},
		{name: "blank title", body: `{"kind":"position","title":"   ","body":"b"}`, status: 400, want: []string{"title is required"}},
		{name: "blank body", body: `{"kind":"position","title":"t","body":" \n\t "}`, status: 400, want: []string{"body is required"}},
		{name: "empty name", path: "/members", token: "admin", body: map[string]any{"name": "", "sector": "s", "role": "member"}, status: 400, want: []string{"name is required"}},
		{name: "empty stance", method: "PUT", path: "/proposals/" + pid + "/vote", body: map[string]any{"stance": "", "reason": ""},
			status: 400, want: []string{"stance is required"}},
		{name: "empty due", path: "/workgroups", token: "convener", body: map[string]any{"name": "n", "aim": "a", "metric": "m", "target": 1, "due": "", "member_ids": []string{}},
			status: 400, want: []string{"due is required"}},
		// Oversized strings.
		{name: "title over 200", body: map[string]any{"kind": "position", "title": long(201), "body": "b"}, status: 400,
			want: []string{"title is 201 characters, over the limit of 200"}},
		{name: "name over 200", path: "/members", token: "admin", body: map[string]any{"name": long(201), "sector": "s", "role": "member"},
			status: 400, want: []string{"name is 201 characters, over the limit of 200"}},
		{name: "sector over 200", path: "/members", token: "admin", body: map[string]any{"name": "n", "sector": long(201), "role": "member"},
			status: 400, want: []string{"sector is 201 characters, over the limit of 200"}},
		{name: "purpose over 2000", path: "/v1/alliances", token: "admin", body: map[string]any{"name": "n", "purpose": long(2001)},
			status: 400, want: []string{"purpose is 2001 characters, over the limit of 2000"}},
		{name: "reason over 2000", method: "PUT", path: "/proposals/" + pid + "/vote", body: map[string]any{"stance": "agree", "reason": long(2001)},
			status: 400, want: []string{"reason is 2001 characters, over the limit of 2000"}},
		{name: "rationale over 2000", path: "/proposals/" + pid + "/amendments", body: map[string]any{"body": "b", "rationale": long(2001)},
			status: 400, want: []string{"rationale is 2001 characters, over the limit of 2000"}},
		{name: "body over 64 KiB", body: map[string]any{"kind": "position", "title": "t", "body": strings.Repeat("b", 65537)},
			status: 400, want: []string{"body is 65537 bytes, over the limit of 65536"}},
		{name: "too many workgroup members", path: "/workgroups", token: "convener",
			body:   map[string]any{"name": "n", "aim": "a", "metric": "m", "target": 1, "due": "2027-01-01", "member_ids": manyIDs(1001)},
			status: 400, want: []string{"member_ids has 1001 ids, over the limit of 1000"}},
		// Invalid UTF-8 and control characters.
		{name: "invalid UTF-8", body: "{\"kind\":\"position\",\"title\":\"\xff\xfe\",\"body\":\"b\"}", status: 400, want: []string{"not valid UTF-8"}},
		{name: "overlong UTF-8", body: "{\"kind\":\"position\",\"title\":\"\xc0\xaf\",\"body\":\"b\"}", status: 400, want: []string{"not valid UTF-8"}},
		{name: "lone surrogate", body: `{"kind":"position","title":"\ud800","body":"b"}`, status: 400, want: []string{`lone UTF-16 surrogate \uD800`}},
		{name: "reversed surrogates", body: `{"kind":"position","title":"\udc00\ud800","body":"b"}`, status: 400, want: []string{"lone UTF-16 surrogate"}},
		{name: "NUL in title", body: `{"kind":"position","title":"a\u0000b","body":"b"}`, status: 400, want: []string{"title contains a control character (U+0000)"}},
		{name: "bell in title", body: "{\"kind\":\"position\",\"title\":\"a\\u0007\",\"body\":\"b\"}", status: 400, want: []string{"(U+0007)"}},
		{name: "newline in title", body: `{"kind":"position","title":"a\nb","body":"b"}`, status: 400, want: []string{"title contains a control character (U+000A)"}},
		{name: "escape in body", body: `{"kind":"position","title":"t","body":"\u001b[31mred"}`, status: 400, want: []string{"body contains a control character (U+001B)"}},
		{name: "carriage return in reason", method: "PUT", path: "/proposals/" + pid + "/vote", body: map[string]any{"stance": "agree", "reason": "a\r\nb"},
			status: 400, want: []string{"reason contains a control character (U+000D)"}},
		{name: "C1 control in name", path: "/observers", token: "admin", body: map[string]any{"name": "a\u0085b"},
			status: 400, want: []string{"name contains a control character (U+0085)"}},
		{name: "raw control byte", body: "{\"kind\":\"position\",\"title\":\"a\x01b\",\"body\":\"b\"}", status: 400, want: []string{"malformed JSON", "invalid character"}},
		// Ids that are not uuids.
		{name: "path id not a uuid", path: "/proposals/42/withdraw", body: `{}`, status: 400, want: []string{`pid "42" is not a uuid`}},
		{name: "alliance id not a uuid", path: "/v1/alliances/care/proposals", body: prop(""), status: 400, want: []string{`aid "care" is not a uuid`}},
		{name: "body id not a uuid", path: "/commitments", body: map[string]any{"proposal_id": "p-1", "description": "d", "metric": "m", "target": 1, "due": "2027-01-01"},
			status: 400, want: []string{`proposal_id "p-1" is not a uuid`}},
		{name: "body id in capitals", path: "/commitments", body: map[string]any{"proposal_id": strings.ToUpper(pid), "description": "d", "metric": "m", "target": 1, "due": "2027-01-01"},
			status: 400, want: []string{"is not a uuid (lowercase"}},
		{name: "workgroup member not a uuid", path: "/workgroups", token: "convener",
			body:   map[string]any{"name": "n", "aim": "a", "metric": "m", "target": 1, "due": "2027-01-01", "member_ids": []string{"alice"}},
			status: 400, want: []string{`"alice" is not a uuid`}},
		{name: "date not a date", path: "/workgroups", token: "convener", body: map[string]any{"name": "n", "aim": "a", "metric": "m", "target": 1, "due": "2027-02-30", "member_ids": []string{}},
			status: 400, want: []string{`due "2027-02-30" is not a date (YYYY-MM-DD)`}},
		// Enumerations.
		{name: "unknown kind", body: `{"kind":"poem","title":"t","body":"b"}`, status: 400, want: []string{`kind "poem" is not one of resolution, charter, operating_agreement, position`}},
		{name: "unknown stance", method: "PUT", path: "/proposals/" + pid + "/vote", body: map[string]any{"stance": "yes", "reason": ""},
			status: 400, want: []string{`stance "yes" is not one of`}},
		{name: "unknown role", path: "/members", token: "admin", body: map[string]any{"name": "n", "sector": "s", "role": "admin"},
			status: 400, want: []string{`role "admin" is not one of convener, member`}},
		// Structure.
		{name: "nested too deep", path: "/v1/alliances", token: "admin", body: `{"name":"n","charter":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`,
			status: 400, want: []string{"nests objects and arrays more than 32 deep"}},
		{name: "a million brackets", path: "/v1/alliances", token: "admin", body: `{"name":` + strings.Repeat("[", 1<<20-20) + `}`,
			status: 400, want: []string{"nests objects and arrays more than 32 deep"}},
		{name: "body over 1 MiB", body: `{"kind":"position","title":"t","body":"` + strings.Repeat("a", 1<<20) + `"}`, status: 413,
			want: []string{fmt.Sprintf("the body is %d bytes; the limit is 1048576", len(`{"kind":"position","title":"t","body":""}`)+1<<20)}},
		{name: "bad Idempotency-Key", body: prop(""), headers: []string{"Idempotency-Key", "has spaces in it"}, status: 400,
			want: []string{"Idempotency-Key must be 1 to 128"}},
		{name: "Idempotency-Key too long", body: prop(""), headers: []string{"Idempotency-Key", strings.Repeat("k", 129)}, status: 400,
			want: []string{"Idempotency-Key must be 1 to 128"}},
	}
	tokens := map[string]string{"": a.Members[0].Token, "member": a.Members[0].Token, "convener": a.Convener.Token, "admin": adminToken}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method, path := c.method, c.path
			if method == "" {
				method = "POST"
			}
			if path == "" {
				path = "/proposals"
			}
			if !strings.HasPrefix(path, "/v1/") {
				path = "/v1/alliances/" + a.ID + path
			}
			e := e.withT(t)
			e.unmoved(c.name, func() {
				errorAnswer(t, e.do(method, path, tokens[c.token], c.body, c.headers...), c.status, codeOf(c.status), c.want...)
			})
		})
	}
}

func manyIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("0190a0a0-0000-7000-8000-%012d", i)
	}
	return ids
}

// TestChunkedBodyOverLimit sends more than 1 MiB without a Content-Length:
// the server stops reading at the limit and answers 413.
func TestChunkedBodyOverLimit(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 1)
	e.unmoved("a chunked body over 1 MiB", func() {
		pr, pw := io.Pipe()
		go func() {
			_, _ = io.WriteString(pw, `{"kind":"position","title":"t","body":"`)
			chunk := strings.Repeat("a", 64<<10)
			for range 40 {
				if _, err := io.WriteString(pw, chunk); err != nil {
					return
				}
			}
			_, _ = io.WriteString(pw, `"}`)
			pw.Close()
		}()
		req, err := http.NewRequest("POST", e.URL+"/v1/alliances/"+a.ID+"/proposals", pr)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+a.Members[0].Token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		pr.CloseWithError(io.ErrClosedPipe)
		errorAnswer(t, answer{Status: resp.StatusCode, Header: resp.Header, Body: body}, 413, "too_large", "over the limit of 1048576 bytes")
	})
}

// TestPathTricks sends paths that try to escape their route: none answers
// 500 or writes: each answers 400 or 404 in the documented shape, including
// paths with . or .. segments or repeated slashes, which are refused rather
// than redirected to their clean form.
func TestPathTricks(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 1)
	pid := e.must(201, "POST", "/v1/alliances/"+a.ID+"/proposals", a.Members[0].Token, map[string]any{"kind": "position", "title": "T", "body": "B"})["id"].(string)
	base := "/v1/alliances/" + a.ID
	cases := []struct {
		method, target string
		status         int
		want           string
	}{
		{"GET", "/v1/alliances/a%2Fb", 400, `aid "a/b" is not a uuid`},
		{"POST", base + "/proposals/" + pid + "%2Fwithdraw", 405, pid + "%2Fwithdraw: this path takes GET, HEAD"},
		{"GET", "/v1/alliances/%2e%2e/", 400, "has empty, . or .. segments"},
		{"GET", "/v1/alliances/%2e%2e%2fv1%2falliances", 400, "has empty, . or .. segments"},
		{"GET", base + "%00", 400, `\x00" is not a uuid`},
		{"GET", "/v1/alliances/%00/audit", 400, "is not a uuid"},
		{"GET", "/v1/alliances/" + strings.Repeat("a", 10000), 400, "is not a uuid"},
		{"POST", base + "/proposals/" + strings.Repeat("9", 5000) + "/withdraw", 400, "pid"},
		{"GET", "/v1/alliances/" + strings.ToUpper(a.ID) + "x", 400, "is not a uuid"},
		{"PUT", base + "/proposals/" + pid + "/vote/again", 404, "no route PUT"},
		{"PATCH", "/v1/alliances", 405, "PATCH /v1/alliances: this path takes GET, HEAD, POST"},
		{"POST", "/V1/ALLIANCES", 404, "no route"},
		{"GET", "/v1/alliances/" + a.ID + "/../" + a.ID, 400, "has empty, . or .. segments"},
		{"POST", base + "/proposals/" + pid + "/../" + pid + "/withdraw", 400, "has empty, . or .. segments"},
		{"POST", "//v1/alliances", 400, "has empty, . or .. segments"},
		{"GET", base + "/./audit/head", 400, "has empty, . or .. segments"},
		{"GET", "/v1/alliances/%2e%2e/" + a.ID, 400, "has empty, . or .. segments"},
	}
	for _, c := range cases {
		e.unmoved(c.target, func() {
			ans := rawRequest(t, e.URL, c.method, c.target, a.Members[0].Token)
			require.NotEqual(t, 500, ans.Status, "%s %s", c.method, c.target)
			errorAnswer(t, ans, c.status, codeOf(c.status), c.want)
		})
	}
}

// rawRequest sends target exactly as written (no client-side cleaning or
// escaping) with a {} body, and reads the answer.
func rawRequest(t *testing.T, url, method, target, token string) answer {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: accord\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", method, target, token)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// TestQueryParameters sends query parameters out of range.
func TestQueryParameters(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 1)
	base := "/v1/alliances/" + a.ID
	pid := e.must(201, "POST", base+"/proposals", a.Members[0].Token, map[string]any{"kind": "position", "title": "T", "body": "B"})["id"].(string)
	cases := []struct {
		path   string
		status int
		want   string
	}{
		{base + "?at_seq=0", 400, "at_seq must be a positive integer"},
		{base + "?at_seq=-1", 400, "at_seq must be a positive integer"},
		{base + "?at_seq=abc", 400, `not "abc"`},
		{base + "?at_seq=1e3", 400, "at_seq must be a positive integer"},
		{base + "?at_seq=99999999999999999999", 400, "at_seq must be a positive integer"},
		{base + "?at_seq=999", 400, "at_seq 999 is outside"},
		{base + "?at=yesterday", 400, "at must be an RFC 3339 time"},
		{base + "?at=2026-13-01T00:00:00Z", 400, "at must be an RFC 3339 time"},
		{base + "?at=1999-01-01T00:00:00Z", 404, "did not exist yet"},
		{base + "?at_seq=1&at=2026-11-22T10:00:00Z", 400, "give at_seq or at, not both"},
		{base + "/proposals/" + pid + "?at_seq=" + strings.Repeat("9", 5000), 400, "at_seq must be a positive integer"},
		{base + "/proposals/" + pid + "/record?at_seq=0", 400, "at_seq"},
		{base + "/audit?limit=1001", 400, "limit must be an integer from 0 to 1000"},
		{base + "/audit?limit=-5", 400, "limit must be an integer from 0 to 1000"},
		{base + "/audit?limit=ten", 400, `not "ten"`},
		{base + "/audit?from_seq=-1", 400, "from_seq must be an integer"},
		{base + "/audit?from_seq=9007199254740993", 400, "from_seq must be an integer from 0 to 9007199254740992"},
		{base + "/audit?from_seq=999", 400, "seq 999 is past the head"},
		{base + "/events?from_seq=abc", 400, "from_seq"},
	}
	for _, c := range cases {
		e.unmoved(c.path, func() {
			errorAnswer(t, e.do("GET", c.path, a.Observer.Token, nil), c.status, codeOf(c.status), c.want)
		})
	}
	// A limit of 0 means the largest page.
	page := e.must(200, "GET", base+"/audit?limit=0", a.Observer.Token, nil)
	require.Len(t, page["events"], int(e.head(a.ID)))
}

// TestAuthorizationHeaders sends malformed credentials: each answers 401 in
// the documented shape and writes nothing.
func TestAuthorizationHeaders(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 1)
	path := "/v1/alliances/" + a.ID + "/proposals"
	body := map[string]any{"kind": "position", "title": "t", "body": "b"}
	for _, h := range []struct{ value, want string }{
		{"Bearer", `must be "Bearer <token>"`},
		{"Bearer    ", `must be "Bearer <token>"`},
		{"Basic YWRtaW46YWRtaW4=", `must be "Bearer <token>"`},
		{"Token " + a.Members[0].Token, `must be "Bearer <token>"`},
		{a.Members[0].Token, `must be "Bearer <token>"`},
		{"Bearer " + a.Members[0].Token + "x", "the token is not valid"},
		{"Bearer " + a.Members[0].Token[:len(a.Members[0].Token)-1], "the token is not valid"},
		{"Bearer " + strings.ToUpper(a.Members[0].Token), "the token is not valid"},
		{"Bearer " + a.Members[0].Token + " " + a.Members[0].Token, "the token is not valid"},
		{"Bearer " + strings.Repeat("x", 32<<10), "the token is not valid"},
		{"Bearer é", "the token is not valid"},
	} {
		e.unmoved(h.value, func() {
			errorAnswer(t, e.do("POST", path, "", body, "Authorization", h.value), 401, "unauthorized", h.want)
		})
	}
	// A session cookie never writes, and a bad one reads nothing.
	e.unmoved("a cookie", func() {
		errorAnswer(t, e.do("POST", path, "", body, "Cookie", "accord_session="+a.Members[0].Token), 401, "unauthorized", "a bearer token is required")
	})
	errorAnswer(t, e.do("GET", "/v1/alliances/"+a.ID, "", nil, "Cookie", "accord_session=acc_forged"), 401, "unauthorized", "the token is not valid")
	requireNoTokenLogged(t, e)
}

// TestSlowClients: a client that never finishes its headers, or its body,
// is cut off by the server's timeouts (set as accord serve sets them, only
// shorter) and writes nothing.
func TestSlowClients(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 1)
	hs := httptest.NewUnstartedServer(e.Handler)
	hs.Config.ReadHeaderTimeout = 300 * time.Millisecond
	hs.Config.ReadTimeout = 600 * time.Millisecond
	hs.Config.IdleTimeout = time.Second
	hs.Start()
	t.Cleanup(hs.Close)
	addr := strings.TrimPrefix(hs.URL, "http://")
	path := "/v1/alliances/" + a.ID + "/proposals"

	t.Run("headers never end", func(t *testing.T) {
		e.unmoved("a slow header", func() {
			conn := dial(t, addr)
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: accord\r\nAuthorization: Bearer %s\r\n", path, a.Members[0].Token)
			got, closed := readUntilClosed(t, conn, 5*time.Second)
			require.True(t, closed, "the server keeps a connection whose headers never end")
			require.NotContains(t, got, "201")
		})
	})
	t.Run("body never ends", func(t *testing.T) {
		e.unmoved("a slow body", func() {
			conn := dial(t, addr)
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: accord\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"kind\":\"position\",", path, a.Members[0].Token)
			got, closed := readUntilClosed(t, conn, 5*time.Second)
			require.True(t, closed, "the server keeps a connection whose body never ends")
			t.Logf("before hanging up the server sent %q", strings.SplitN(got, "\r\n", 2)[0])
			if got != "" { // the server may still answer before it hangs up
				resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(got)), nil)
				require.NoError(t, err)
				body, _ := io.ReadAll(resp.Body)
				errorAnswer(t, answer{Status: resp.StatusCode, Header: resp.Header, Body: body}, 400, "invalid", "the body did not arrive in time")
			}
		})
	})
	t.Run("body shorter than its length", func(t *testing.T) {
		e.unmoved("a short body", func() {
			conn := dial(t, addr)
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: accord\r\nAuthorization: Bearer %s\r\nContent-Length: 100\r\n\r\n{\"kind\":\"position\",\"title\":\"t\",\"body\":\"b\"}", path, a.Members[0].Token)
			require.NoError(t, conn.(*net.TCPConn).CloseWrite())
			got, _ := readUntilClosed(t, conn, 5*time.Second)
			require.NotContains(t, got, "201")
		})
	})
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

// readUntilClosed reads what the server sends until it closes the
// connection or the wait runs out; closed says which.
func readUntilClosed(t *testing.T, conn net.Conn, wait time.Duration) (string, bool) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(wait)))
	got, err := io.ReadAll(conn)
	var ne net.Error
	if err != nil && (!errors.As(err, &ne) || !ne.Timeout()) {
		return string(got), true // reset by the server
	}
	return string(got), err == nil
}
