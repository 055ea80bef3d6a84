package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/api"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
	"accord/projections"
)

const adminToken = "test-admin-token"

// testEnv is a real accord API over an embedded JetStream in a temp dir,
// served on a loopback port.
type testEnv struct {
	t     *testing.T
	URL   string
	Store *eventstore.Store
	Proj  *projections.Projection
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	return newEnvWithLog(t, io.Discard)
}

// newEnvWithLog is newEnv with the server's log written to w.
func newEnvWithLog(t *testing.T, w io.Writer) *testEnv {
	t.Helper()
	s, store, proj := newAPI(t, w)
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		// Live streams never finish by themselves; cut them so Close returns.
		hs.CloseClientConnections()
		hs.Close()
	})
	return &testEnv{t: t, URL: hs.URL, Store: store, Proj: proj}
}

// newAPI builds a real accord API over an embedded JetStream in a temporary
// directory, logging to w; everything stops when the test or benchmark ends.
func newAPI(tb testing.TB, w io.Writer) (*api.Server, *eventstore.Store, *projections.Projection) {
	tb.Helper()
	ctx, nc := tb.Context(), eventstoretest.StartNATS(tb, tb.TempDir()).Conn
	s, store, proj, _ := api.BuildTestAPI(tb, ctx, nc, adminToken, slog.New(slog.NewTextHandler(w, nil)))
	return s, store, proj
}

// answer is a decoded HTTP answer.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the answer's body into a map.
func (a answer) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.Body, &m), "body: %s", a.Body)
	return m
}

// ErrorCode returns error.code of an error answer.
func (a answer) ErrorCode(t *testing.T) string {
	t.Helper()
	e, ok := a.JSON(t)["error"].(map[string]any)
	require.True(t, ok, "not an error answer: %s", a.Body)
	return e["code"].(string)
}

// do sends a request with token (if any) and a JSON body (if not nil; a
// []byte or string is sent as is).
func (e *testEnv) do(method, path, token string, body any, headers ...string) answer {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		require.NoError(e.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	require.NoError(e.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// must sends a request and requires the status.
func (e *testEnv) must(status int, method, path, token string, body any, headers ...string) map[string]any {
	e.t.Helper()
	a := e.do(method, path, token, body, headers...)
	require.Equal(e.t, status, a.Status, "%s %s: %s", method, path, a.Body)
	if len(a.Body) == 0 || a.Body[0] != '{' {
		return nil
	}
	return a.JSON(e.t)
}

// alliance is a formed alliance with a convener, members and an observer.
type alliance struct {
	ID        string
	Convener  party
	Members   []party
	Observer  party
	TokenByID map[string]string
}

type party struct {
	ID    string
	Token string
}

// formAlliance forms an alliance under charter with a convener and n
// ordinary members and one observer.
func (e *testEnv) formAlliance(charter map[string]any, n int) alliance {
	e.t.Helper()
	out := e.must(201, "POST", "/v1/alliances", adminToken, map[string]any{
		"name": "Pharmaceutical Distribution Security Alliance", "purpose": "Traceability of medicines", "charter": charter,
	})
	a := alliance{ID: out["id"].(string), TokenByID: map[string]string{}}
	admit := func(name, role string) party {
		m := e.must(201, "POST", "/v1/alliances/"+a.ID+"/members", adminToken, map[string]any{"name": name, "sector": "health system", "role": role})
		p := party{ID: m["id"].(string), Token: m["token"].(string)}
		a.TokenByID[p.ID] = p.Token
		return p
	}
	a.Convener = admit("Intermountain Health", "convener")
	for i := 0; i < n; i++ {
		a.Members = append(a.Members, admit("Member "+string(rune('A'+i)), "member"))
	}
	o := e.must(201, "POST", "/v1/alliances/"+a.ID+"/observers", adminToken, map[string]any{"name": "Food and Drug Administration"})
	a.Observer = party{ID: o["id"].(string), Token: o["token"].(string)}
	return a
}

// head returns the alliance's audit head seq.
func (e *testEnv) head(aid string) float64 {
	e.t.Helper()
	return e.must(200, "GET", "/v1/alliances/"+aid+"/audit/head", adminToken, nil)["seq"].(float64)
}
