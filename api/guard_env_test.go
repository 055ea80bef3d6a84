package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/api"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// guardEnv is testEnv with what the hardening tests also need: the handler
// (to serve it with other timeouts), the token store (to tune its limiter),
// every log line, and the stream itself, whose last sequence proves that a
// refused request wrote nothing anywhere.
type guardEnv struct {
	*testEnv
	Handler http.Handler
	API     *api.Server
	Logs    *syncBuffer
	js      jetstream.JetStream
	ctx     context.Context
	// second builds another instance over the same NATS, as a scaled-out
	// deployment runs them.
	second func() *api.Server
}

// newGuardEnv starts an API like newEnv does, logging at debug level into
// Logs. Its failed-authentication limit is high enough for the tests that
// make many refused requests; the rate-limit tests set their own.
func newGuardEnv(t *testing.T) *guardEnv {
	t.Helper()
	ctx, nc := t.Context(), eventstoretest.StartNATS(t, t.TempDir()).Conn
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	build := func() *api.Server {
		s, _, _, _ := api.BuildTestAPI(t, ctx, nc, adminToken, log)
		api.SetAuthFailureLimit(s, 1_000_000, time.Minute)
		return s
	}
	s := build()
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &guardEnv{
		testEnv: &testEnv{t: t, URL: hs.URL},
		Handler: s, API: s, Logs: logs, js: js, ctx: ctx, second: build,
	}
}

// withT returns the same environment reporting to t, for a subtest.
func (e *guardEnv) withT(t *testing.T) *guardEnv {
	c, te := *e, *e.testEnv
	te.t = t
	c.testEnv = &te
	return &c
}

// lastWrite returns the stream's last sequence: any event appended to any
// alliance moves it.
func (e *guardEnv) lastWrite() uint64 {
	e.t.Helper()
	stream, err := e.js.Stream(e.ctx, eventstore.StreamName)
	require.NoError(e.t, err)
	info, err := stream.Info(e.ctx)
	require.NoError(e.t, err)
	return info.State.LastSeq
}

// unmoved runs fn and requires that it wrote nothing to the ledger.
func (e *guardEnv) unmoved(what string, fn func()) {
	e.t.Helper()
	before := e.lastWrite()
	fn()
	require.Equal(e.t, before, e.lastWrite(), "%s moved the ledger", what)
}

// errorAnswer requires ans to be an error in the documented shape, with
// status and code, whose message contains each fragment.
func errorAnswer(t *testing.T, ans answer, status int, code string, fragments ...string) {
	t.Helper()
	require.Equal(t, status, ans.Status, "body: %s", ans.Body)
	require.Equal(t, "application/json", ans.Header.Get("Content-Type"), "body: %s", ans.Body)
	body := ans.JSON(t)
	require.Len(t, body, 1, "only \"error\": %s", ans.Body)
	e, ok := body["error"].(map[string]any)
	require.True(t, ok, "not an error answer: %s", ans.Body)
	require.Len(t, e, 2, "code and message: %s", ans.Body)
	require.Equal(t, code, e["code"], "body: %s", ans.Body)
	msg, _ := e["message"].(string)
	require.NotEmpty(t, msg)
	for _, f := range fragments {
		require.Contains(t, msg, f, "body: %s", ans.Body)
	}
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the log lines that contain every fragment.
func (b *syncBuffer) lines(fragments ...string) []string {
	var out []string
	for _, l := range strings.Split(b.String(), "\n") {
		ok := l != ""
		for _, f := range fragments {
			ok = ok && strings.Contains(l, f)
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}
