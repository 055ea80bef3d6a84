package api_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// liveCharter is the charter most tests form their alliance under.
var liveCharter = map[string]any{"decision_rule": "consensus", "quorum": "1/2", "threshold": "3/4"}

// sseEvent is one server-sent event as a client parses it.
type sseEvent struct {
	ID   string
	Type string
	Data []byte
}

// entry decodes data as {"event":{…},"hash":"…"}.
func (ev sseEvent) entry(t testing.TB) (raw json.RawMessage, seq uint64, hash string) {
	t.Helper()
	var e struct {
		Event json.RawMessage `json:"event"`
		Hash  string          `json:"hash"`
	}
	require.NoError(t, json.Unmarshal(ev.Data, &e), "data: %s", ev.Data)
	var env struct {
		Seq uint64 `json:"seq"`
	}
	require.NoError(t, json.Unmarshal(e.Event, &env))
	return e.Event, env.Seq, e.Hash
}

// sseStream is an open live stream read on its own goroutine.
type sseStream struct {
	resp     *http.Response
	events   chan sseEvent
	comments chan string
	done     chan struct{}
	cancel   context.CancelFunc
}

// openStream opens a live stream without requiring anything; the caller
// checks the status. headers are name, value pairs ("Cookie" included).
func openStream(t testing.TB, url, token string, headers ...string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	s := &sseStream{resp: resp, events: make(chan sseEvent, 4096), comments: make(chan string, 64), done: make(chan struct{}), cancel: cancel}
	t.Cleanup(s.close)
	if resp.StatusCode != http.StatusOK {
		close(s.done)
		return s
	}
	go s.read()
	return s
}

// stream opens a live stream and requires it to be answered 200.
func (e *testEnv) stream(path, token string, headers ...string) *sseStream {
	e.t.Helper()
	s := openStream(e.t, e.URL+path, token, headers...)
	if s.resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(s.resp.Body)
		require.Equal(e.t, http.StatusOK, s.resp.StatusCode, "GET %s: %s", path, body)
	}
	require.Contains(e.t, s.resp.Header.Get("Content-Type"), "text/event-stream")
	return s
}

// read parses the text/event-stream format until the body ends.
func (s *sseStream) read() {
	defer close(s.done)
	br := bufio.NewReader(s.resp.Body)
	var ev sseEvent
	var data [][]byte
	for {
		line, err := br.ReadBytes('\n')
		if err != nil {
			return
		}
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) == 0:
			if data != nil {
				ev.Data = bytes.Join(data, []byte("\n"))
				s.events <- ev
			}
			ev, data = sseEvent{}, nil
		case line[0] == ':':
			select {
			case s.comments <- string(line[1:]):
			default:
			}
		default:
			field, value, _ := bytes.Cut(line, []byte(":"))
			value = bytes.TrimPrefix(value, []byte(" "))
			switch string(field) {
			case "id":
				ev.ID = string(value)
			case "event":
				ev.Type = string(value)
			case "data":
				data = append(data, append([]byte(nil), value...))
			}
		}
	}
}

// next returns the next event, or false if none came within d.
func (s *sseStream) next(d time.Duration) (sseEvent, bool) {
	select {
	case ev := <-s.events:
		return ev, true
	case <-time.After(d):
		return sseEvent{}, false
	}
}

// must returns the next event, failing the test if none comes soon.
func (s *sseStream) must(t testing.TB) sseEvent {
	t.Helper()
	ev, ok := s.next(10 * time.Second)
	require.True(t, ok, "no event within 10s")
	return ev
}

func (s *sseStream) close() {
	s.cancel()
	_ = s.resp.Body.Close()
	<-s.done
}

// exportLines returns the alliance's stored lines by seq (index 0 = seq 1).
func (e *testEnv) exportLines(aid string) [][]byte {
	e.t.Helper()
	a := e.do("GET", "/v1/alliances/"+aid+"/audit/export", adminToken, nil)
	require.Equal(e.t, 200, a.Status, "%s", a.Body)
	return bytes.Split(bytes.TrimSuffix(a.Body, []byte("\n")), []byte("\n"))
}

// tryDo is do for goroutines other than the test's: it returns the status
// (0 when the request failed) instead of failing the test.
func tryDo(url, method, path, token string, body any) int {
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(method, url+path, bytes.NewReader(raw))
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// submitResolution submits a resolution as token and returns its id.
func (e *testEnv) submitResolution(aid, token, title string) string {
	e.t.Helper()
	p := e.must(201, "POST", "/v1/alliances/"+aid+"/proposals", token, map[string]any{"kind": "resolution", "title": title, "body": "The alliance resolves: " + title + "."})
	return p["id"].(string)
}

// checkRun requires evs to be exactly the stored events from seq first on,
// each with id = seq, event = type and data = the stored bytes and hash.
func checkRun(t *testing.T, lines [][]byte, first uint64, evs []sseEvent) {
	t.Helper()
	for i, ev := range evs {
		want := first + uint64(i)
		raw, seq, hash := ev.entry(t)
		require.Equal(t, want, seq, "event %d of the run: gap or repeat", i)
		require.Equal(t, strconv.FormatUint(want, 10), ev.ID)
		require.Equal(t, string(lines[want-1]), string(raw), "seq %d differs from the log", want)
		sum := sha256.Sum256(raw)
		require.Equal(t, hex.EncodeToString(sum[:]), hash, "seq %d: hash", want)
		var env struct {
			Type string `json:"type"`
		}
		require.NoError(t, json.Unmarshal(raw, &env))
		require.Equal(t, env.Type, ev.Type)
	}
}

// TestEventsResumeSeamUnderConcurrentAppends subscribes, from many places
// in the log, while members append concurrently, and also drops and resumes
// streams with Last-Event-ID mid-flight: every stream must see each seq from
// its start to the head exactly once, in order, byte for byte as stored.
func TestEventsResumeSeamUnderConcurrentAppends(t *testing.T) {
	env := newEnv(t)
	a := env.formAlliance(liveCharter, 4)
	base := uint64(env.head(a.ID))

	const perWriter = 15
	var wg sync.WaitGroup
	writers := append([]party{a.Convener}, a.Members...)
	for w, p := range writers {
		wg.Go(func() {
			for i := range perWriter {
				tryDo(env.URL, "POST", "/v1/alliances/"+a.ID+"/proposals", p.Token,
					map[string]any{"kind": "resolution", "title": fmt.Sprintf("Writer %d proposal %d", w, i), "body": "text"})
			}
		})
	}

	type sub struct {
		from uint64
		s    *sseStream
		got  []sseEvent
	}
	var subs []*sub
	path := "/v1/alliances/" + a.ID + "/events"
	for i := range 12 {
		head := uint64(env.head(a.ID))
		from := 1 + head*uint64(i%4)/3 // from the start, mid-log, the head, past it
		var s *sseStream
		switch i % 3 {
		case 0:
			s = env.stream(fmt.Sprintf("%s?from_seq=%d", path, from), a.Observer.Token)
		case 1:
			s = env.stream(path, a.Members[0].Token, "Last-Event-ID", strconv.FormatUint(from-1, 10))
		default:
			s = env.stream(fmt.Sprintf("%s?from_seq=1", path), adminToken, "Last-Event-ID", strconv.FormatUint(from-1, 10))
		}
		subs = append(subs, &sub{from: from, s: s})
		time.Sleep(15 * time.Millisecond)
	}
	// Two readers drop their stream mid-flight and resume where they were.
	resumed := 0
	for _, sb := range subs[:2] {
		for range 5 {
			sb.got = append(sb.got, sb.s.must(t))
		}
		sb.s.close()
		last := sb.got[len(sb.got)-1].ID
		sb.s = env.stream(path+"?from_seq=1", a.Convener.Token, "Last-Event-ID", last)
		resumed++
	}
	wg.Wait()

	head := uint64(env.head(a.ID))
	require.Greater(t, head, base+perWriter, "the writers appended")
	lines := env.exportLines(a.ID)
	require.Len(t, lines, int(head))
	for i, sb := range subs {
		for uint64(len(sb.got)) < head-sb.from+1 {
			sb.got = append(sb.got, sb.s.must(t))
		}
		checkRun(t, lines, sb.from, sb.got)
		if extra, ok := sb.s.next(50 * time.Millisecond); ok {
			t.Fatalf("stream %d: event after the head: %s", i, extra.ID)
		}
	}
	require.Equal(t, 2, resumed)
}

// TestEventsLiveOnlyAndLastEventIDWins checks the three ways to start: with
// nothing (from the head on), ?from_seq=, and Last-Event-ID, which wins over
// the query a browser repeats when it reconnects.
func TestEventsLiveOnlyAndLastEventIDWins(t *testing.T) {
	env := newEnv(t)
	a := env.formAlliance(liveCharter, 2)
	path := "/v1/alliances/" + a.ID + "/events"
	head := uint64(env.head(a.ID))

	live := env.stream(path, a.Members[0].Token)
	both := env.stream(path+"?from_seq=1", a.Members[0].Token, "Last-Event-ID", strconv.FormatUint(head-1, 10))
	pid := env.submitResolution(a.ID, a.Members[0].Token, "Serialize every carton")

	_, seq, _ := live.must(t).entry(t)
	require.Equal(t, head+1, seq, "a stream with no resume point starts after the head")
	for _, want := range []uint64{head, head + 1} {
		_, seq, _ := both.must(t).entry(t)
		require.Equal(t, want, seq)
	}
	raw, _, _ := env.stream(path+"?from_seq=0", a.Members[0].Token).must(t).entry(t)
	require.Contains(t, string(raw), `"seq":1,`, "from_seq=0 means from the start")
	require.NotEmpty(t, pid)

	for _, h := range []string{"x", "-1", "1.5"} {
		s := openStream(t, env.URL+path, a.Members[0].Token, "Last-Event-ID", h)
		require.Equal(t, 400, s.resp.StatusCode, "Last-Event-ID %q", h)
	}
	s := openStream(t, env.URL+path+"?from_seq=abc", a.Members[0].Token)
	require.Equal(t, 400, s.resp.StatusCode)
	s = openStream(t, env.URL+"/v1/alliances/0190a8c2-7c1e-7000-8000-000000000000/events", adminToken)
	require.Equal(t, 404, s.resp.StatusCode)
}

// TestEventsFilters checks ?types= and ?proposal_id=, during the replay and
// live: the filtered stream holds exactly the matching events, in order.
func TestEventsFilters(t *testing.T) {
	env := newEnv(t)
	a := env.formAlliance(liveCharter, 3)
	aid := a.ID
	p1 := env.submitResolution(aid, a.Members[0].Token, "Adopt serialized tracking")
	p2 := env.submitResolution(aid, a.Members[1].Token, "Share recall notices within a day")
	for _, p := range []string{p1, p2} {
		env.must(200, "POST", "/v1/alliances/"+aid+"/proposals/"+p+"/voting", a.Convener.Token, map[string]any{})
	}
	vote := func(p string, m party, stance string) {
		env.must(200, "PUT", "/v1/alliances/"+aid+"/proposals/"+p+"/vote", m.Token, map[string]any{"stance": stance, "reason": "considered"})
	}
	vote(p1, a.Members[0], "agree")
	vote(p2, a.Members[1], "disagree")
	vote(p1, a.Members[1], "agree")
	env.must(200, "POST", "/v1/alliances/"+aid+"/proposals/"+p1+"/close", a.Convener.Token, map[string]any{})

	path := "/v1/alliances/" + aid + "/events?from_seq=1"
	byType := env.stream(path+"&types=VoteCast,VotingClosed", a.Observer.Token)
	byProposal := env.stream(path+"&proposal_id="+p2, a.Observer.Token)
	both := env.stream(path+"&types=VoteCast&types=VotingOpened&proposal_id="+p1, a.Observer.Token)

	// Live: a filtered-out event, then one each stream wants, so that an
	// event wrongly let through would arrive before the expected one.
	env.submitResolution(aid, a.Members[2].Token, "Unrelated")
	vote(p2, a.Members[2], "agree")
	vote(p2, a.Members[0], "abstain")

	lines := env.exportLines(aid)
	expect := func(s *sseStream, keep func(typ, pid string) bool) {
		t.Helper()
		var want []uint64
		for _, l := range lines {
			var e struct {
				Seq  uint64 `json:"seq"`
				Type string `json:"type"`
				Data struct {
					ProposalID string `json:"proposal_id"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal(l, &e))
			if keep(e.Type, e.Data.ProposalID) {
				want = append(want, e.Seq)
			}
		}
		require.NotEmpty(t, want)
		for _, w := range want {
			ev := s.must(t)
			raw, seq, _ := ev.entry(t)
			require.Equal(t, w, seq)
			require.Equal(t, string(lines[w-1]), string(raw))
		}
		if extra, ok := s.next(50 * time.Millisecond); ok {
			t.Fatalf("unexpected event %s %s", extra.ID, extra.Type)
		}
	}
	expect(byType, func(typ, _ string) bool { return typ == "VoteCast" || typ == "VotingClosed" })
	expect(byProposal, func(_, pid string) bool { return pid == p2 })
	expect(both, func(typ, pid string) bool { return pid == p1 && (typ == "VoteCast" || typ == "VotingOpened") })

	for _, q := range []string{"types=VoteCasted", "types=VoteCast,,Nope", "proposal_id=42"} {
		s := openStream(t, env.URL+"/v1/alliances/"+aid+"/events?"+q, a.Observer.Token)
		require.Equal(t, 400, s.resp.StatusCode, q)
	}
}

// TestEventsAuth checks who may follow: by header, by session cookie, and
// that the cookie neither writes nor reaches another alliance.
func TestEventsAuth(t *testing.T) {
	env := newEnv(t)
	a := env.formAlliance(liveCharter, 1)
	other := env.formAlliance(liveCharter, 1)
	path := "/v1/alliances/" + a.ID + "/events"

	for _, c := range []struct {
		token  string
		status int
	}{{"", 401}, {"acc_nope", 401}, {other.Members[0].Token, 403}, {other.Observer.Token, 403}} {
		s := openStream(t, env.URL+path, c.token)
		require.Equal(t, c.status, s.resp.StatusCode, "token %q", c.token)
	}
	for _, tok := range []string{a.Observer.Token, a.Members[0].Token, adminToken} {
		env.stream(path, tok)
	}

	// A session: the cookie stands for the member, on GET routes only.
	resp := env.do("POST", "/v1/session", a.Members[0].Token, nil)
	require.Equal(t, 200, resp.Status, "%s", resp.Body)
	who := resp.JSON(t)
	require.Equal(t, a.Members[0].ID, who["id"])
	require.Equal(t, "member", who["role"])
	require.Equal(t, a.ID, who["alliance_id"])
	require.Equal(t, "Member A", who["name"])
	cookie := sessionCookieOf(t, resp.Header)
	require.True(t, cookie.HttpOnly)
	require.Equal(t, http.SameSiteStrictMode, cookie.SameSite)
	require.Equal(t, "/", cookie.Path)
	require.False(t, cookie.Secure, "not over TLS")
	require.Equal(t, a.Members[0].Token, cookie.Value)
	jar := "accord_session=" + cookie.Value

	s := env.stream(path+"?types=ProposalSubmitted", "", "Cookie", jar)
	require.Equal(t, 200, env.do("GET", "/v1/alliances/"+a.ID, "", nil, "Cookie", jar).Status)
	write := env.do("POST", "/v1/alliances/"+a.ID+"/proposals", "", map[string]any{"kind": "resolution", "title": "By cookie", "body": "x"}, "Cookie", jar)
	require.Equal(t, 401, write.Status, "a cookie never writes: %s", write.Body)
	require.Equal(t, 401, env.do("POST", "/v1/session", "", nil, "Cookie", jar).Status)
	require.Equal(t, 403, openStream(t, env.URL+"/v1/alliances/"+other.ID+"/events", "", "Cookie", jar).resp.StatusCode)
	require.Equal(t, 401, env.do("POST", "/v1/session", "", nil).Status)

	env.submitResolution(a.ID, a.Members[0].Token, "Followed by cookie")
	require.Equal(t, "ProposalSubmitted", s.must(t).Type)

	bye := env.do("DELETE", "/v1/session", "", nil, "Cookie", jar)
	require.Equal(t, 204, bye.Status)
	gone := sessionCookieOf(t, bye.Header)
	require.Empty(t, gone.Value)
	require.Less(t, gone.MaxAge, 0, "the cookie is cleared")
	require.Equal(t, 401, env.do("GET", "/v1/alliances/"+a.ID, "", nil, "Cookie", "accord_session=acc_revoked").Status)
}

func sessionCookieOf(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "accord_session" {
			return c
		}
	}
	t.Fatalf("no accord_session cookie in %v", h.Values("Set-Cookie"))
	return nil
}

// TestAllEventsForAdmin follows every alliance: admin only, in log order,
// resumable with the "<stream seq>:<alliance seq>" ids it sends.
func TestAllEventsForAdmin(t *testing.T) {
	env := newEnv(t)
	a := env.formAlliance(liveCharter, 1)
	require.Equal(t, 403, openStream(t, env.URL+"/v1/events", a.Members[0].Token).resp.StatusCode)
	require.Equal(t, 403, openStream(t, env.URL+"/v1/events", a.Observer.Token).resp.StatusCode)

	baseA := uint64(env.head(a.ID))
	all := env.stream("/v1/events", adminToken)
	b := env.formAlliance(liveCharter, 1)
	env.submitResolution(a.ID, a.Members[0].Token, "In the first alliance")

	// Only what was appended after subscribing: b's four events and a's one.
	seen := map[string]uint64{a.ID: baseA}
	var ids []string
	for seen[a.ID] == baseA || seen[b.ID] < 4 {
		ev := all.must(t)
		var e struct {
			AllianceID string `json:"alliance_id"`
			Seq        uint64 `json:"seq"`
		}
		raw, _, _ := ev.entry(t)
		require.NoError(t, json.Unmarshal(raw, &e))
		require.Equal(t, seen[e.AllianceID]+1, e.Seq, "alliance %s", e.AllianceID)
		seen[e.AllianceID] = e.Seq
		stream, seq, ok := strings.Cut(ev.ID, ":")
		require.True(t, ok, "id %q", ev.ID)
		require.NotEmpty(t, stream)
		require.Equal(t, strconv.FormatUint(e.Seq, 10), seq)
		ids = append(ids, ev.ID)
	}
	require.Len(t, ids, 5)

	// Resume after the second event: the rest again, exactly.
	again := env.stream("/v1/events", adminToken, "Last-Event-ID", ids[1])
	for _, want := range ids[2:] {
		require.Equal(t, want, again.must(t).ID)
	}
	from := env.stream("/v1/events?from_stream_seq=1&types=AllianceFormed", adminToken)
	for _, aid := range []string{a.ID, b.ID} {
		raw, seq, _ := from.must(t).entry(t)
		require.Equal(t, uint64(1), seq)
		require.Contains(t, string(raw), aid)
	}
	require.Equal(t, 400, openStream(t, env.URL+"/v1/events", adminToken, "Last-Event-ID", "12").resp.StatusCode)
}

// TestEventsOutliveTheReadTimeout serves streams as accord serve does, with
// a read timeout: a stream stays open past it, and a shutdown ends it
// rather than waiting for it.
func TestEventsOutliveTheReadTimeout(t *testing.T) {
	url, srv := liveServer(t, func(s *http.Server) { s.ReadTimeout = 300 * time.Millisecond })
	a := benchCall(t, url, 201, "POST", "/v1/alliances", adminToken, map[string]any{"name": "Timeouts", "purpose": "p", "charter": liveCharter})
	aid := a["id"].(string)
	s := openStream(t, url+"/v1/alliances/"+aid+"/events", adminToken)
	require.Equal(t, 200, s.resp.StatusCode)

	time.Sleep(time.Second)
	benchCall(t, url, 201, "POST", "/v1/alliances/"+aid+"/members", adminToken, map[string]any{"name": "Late", "sector": "s", "role": "member"})
	require.Equal(t, "MemberAdmitted", s.must(t).Type, "the stream outlived the read timeout")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx), "the open stream did not hold the shutdown")
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream is still open after the shutdown")
	}
}
