package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"accord/eventstore"
)

const externalAdminToken = "acc_admin_external-nats-test-token"

// syncBuffer is a log sink tests read while accord writes to it.
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

// newExternalMain parses the flags of an accord serve on the external NATS
// at natsURL, logging to logs.
func newExternalMain(t *testing.T, natsURL string, logs io.Writer, extra ...string) *Main {
	t.Helper()
	t.Setenv("ACCORD_ADMIN_TOKEN", externalAdminToken)
	m := NewMain()
	m.Log = slog.New(slog.NewTextHandler(logs, nil))
	args := append([]string{"--http", "127.0.0.1:0", "--data-dir", t.TempDir(), "--nats-url", natsURL,
		"--token-secret-file", filepath.Join(t.TempDir(), "token.secret"), "--log-key-file", filepath.Join(t.TempDir(), "log.key"), "--replicas", "1"}, extra...)
	require.NoError(t, m.ParseFlags(args, io.Discard))
	return m
}

// freeLoopbackPort returns a port nothing listens on, for a server the test
// starts later. Another process could take it meanwhile; on loopback, in a
// test's few seconds, that is unlikely.
func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// getJSON answers a GET's status, its Retry-After and its decoded body.
func getJSON(t *testing.T, base, path string) (int, string, map[string]any) {
	t.Helper()
	resp, err := http.Get(base + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, resp.Header.Get("Retry-After"), body
}

// TestServeWaitsForNATS starts accord serve on a NATS URL where nothing
// listens yet, as when a cluster is still forming. Its HTTP port answers at
// once, 503 not ready, while it keeps trying; once the NATS server is
// started on that port, accord becomes ready and takes writes.
func TestServeWaitsForNATS(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", freeLoopbackPort(t))
	const password = "wait-test-password"
	logs := &syncBuffer{}
	m := newExternalMain(t, "nats://accord:"+password+"@"+addr, logs, "--nats-wait", "5m")
	ran := make(chan error, 1)
	go func() { ran <- m.Run(context.Background()) }()
	var srv *eventstore.Server
	t.Cleanup(func() {
		_ = m.Close()
		if srv != nil {
			srv.Shutdown()
			srv.WaitForShutdown()
		}
	})
	<-m.Listening()

	for _, path := range []string{"/healthz", "/v1/alliances"} {
		status, retry, body := getJSON(t, m.URL(), path)
		require.Equal(t, http.StatusServiceUnavailable, status, path)
		require.Equal(t, "1", retry, path)
		require.Equal(t, "unavailable", body["error"].(map[string]any)["code"], path)
		require.Contains(t, body["error"].(map[string]any)["message"], "accord is starting", path)
	}
	require.Eventually(t, func() bool { return strings.Count(logs.String(), "trying again") >= 2 },
		time.Minute, 20*time.Millisecond, "no retries logged")
	require.NotContains(t, logs.String(), password, "a log line shows the NATS password")

	var err error
	srv, err = eventstore.StartServer(eventstore.ServerConfig{Dir: t.TempDir(), Listen: addr, AccordPassword: password})
	require.NoError(t, err)
	start := time.Now()
	select {
	case err := <-ran:
		require.NoError(t, err)
	case <-time.After(2 * time.Minute):
		t.Fatal("accord serve did not become ready")
	}
	t.Logf("ready %s after the NATS server started, after %d attempts", time.Since(start).Round(time.Millisecond), strings.Count(logs.String(), "trying again")+1)

	status, _, body := getJSON(t, m.URL(), "/healthz")
	require.Equal(t, http.StatusOK, status, "%v", body)
	newLedgerHTTP(m.URL()).must(t, http.MethodPost, "/v1/alliances", externalAdminToken, map[string]any{
		"name": "Late Cluster Coalition", "purpose": "Patience", "charter": map[string]any{"decision_rule": "majority"},
	})
}

// TestServeGivesUpWaitingForNATS checks the wait is bounded: with nothing
// to connect to, Run fails once --nats-wait has passed, naming the last
// error without the password.
func TestServeGivesUpWaitingForNATS(t *testing.T) {
	const password = "give-up-test-password"
	m := newExternalMain(t, fmt.Sprintf("nats://accord:%s@127.0.0.1:%d", password, freeLoopbackPort(t)), io.Discard, "--nats-wait", "1s")
	start := time.Now()
	err := m.Run(context.Background())
	t.Logf("gave up after %s: %v", time.Since(start).Round(time.Millisecond), err)
	require.ErrorIs(t, err, eventstore.ErrUnavailable)
	require.ErrorContains(t, err, "attempt")
	require.NotContains(t, err.Error(), password)
	require.NoError(t, m.Close())
}

// TestServeDoesNotWaitOnRefusedCredentials checks that a wrong password
// ends the start at once, however long --nats-wait is: no retry cures it.
func TestServeDoesNotWaitOnRefusedCredentials(t *testing.T) {
	srv, err := eventstore.StartServer(eventstore.ServerConfig{Dir: t.TempDir(), Listen: "127.0.0.1:0"})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	u, err := url.Parse(srv.ClientURL())
	require.NoError(t, err)
	u.User = url.UserPassword(eventstore.AccordUser, "not-the-password")
	m := newExternalMain(t, u.String(), io.Discard, "--nats-wait", "10m")
	start := time.Now()
	err = m.Run(context.Background())
	t.Logf("refused after %s: %v", time.Since(start).Round(time.Millisecond), err)
	require.ErrorIs(t, err, nats.ErrAuthorization)
	require.ErrorContains(t, err, "attempt 1")
	require.NotContains(t, err.Error(), "not-the-password")
	require.NoError(t, m.Close())
}

// violationLog is a nats-server logger that keeps the server's errors.
type violationLog struct {
	mu     sync.Mutex
	errors []string
}

func (l *violationLog) Noticef(string, ...any) {}
func (l *violationLog) Warnf(string, ...any)   {}
func (l *violationLog) Debugf(string, ...any)  {}
func (l *violationLog) Tracef(string, ...any)  {}
func (l *violationLog) Fatalf(format string, v ...any) {
	l.Errorf(format, v...)
}

func (l *violationLog) Errorf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errors = append(l.errors, fmt.Sprintf(format, v...))
}

func (l *violationLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.errors...)
}

// documentedConfig is the nats-server configuration of docs/OPERATIONS.md.
var documentedConfig = regexp.MustCompile("(?s)```\n(# nats-server\\.conf.*?)```")

// startDocumentedNATS runs a nats-server from docs/OPERATIONS.md's
// configuration, alone on a loopback port and a temporary store, and
// returns it with the log of its errors and accord's URL on it.
func startDocumentedNATS(t *testing.T) (*server.Server, *violationLog, string) {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "OPERATIONS.md"))
	require.NoError(t, err)
	block := documentedConfig.FindSubmatch(doc)
	require.NotNil(t, block, "docs/OPERATIONS.md has no block starting with # nats-server.conf")
	path := filepath.Join(t.TempDir(), "nats-server.conf")
	require.NoError(t, os.WriteFile(path, block[1], 0o600))
	t.Setenv("NATS_ACCORD_PASSWORD", "documented-accord-password")
	t.Setenv("NATS_READER_PASSWORD", "documented-reader-password")
	opts, err := server.ProcessConfigFile(path)
	require.NoError(t, err)
	opts.Host, opts.Port, opts.StoreDir, opts.NoSigs = "127.0.0.1", server.RANDOM_PORT, t.TempDir(), true
	opts.Cluster, opts.Routes = server.ClusterOpts{}, nil
	srv, err := server.NewServer(opts)
	require.NoError(t, err)
	errs := &violationLog{}
	srv.SetLoggerV2(errs, false, false, false)
	srv.Start()
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	require.True(t, srv.ReadyForConnections(30*time.Second))
	u, err := url.Parse(srv.ClientURL())
	require.NoError(t, err)
	u.User = url.UserPassword(eventstore.AccordUser, "documented-accord-password")
	return srv, errs, u.String()
}

// TestServeOnTheDocumentedNATSConfig runs accord serve as user accord of
// the configuration docs/OPERATIONS.md gives operators: it forms an
// alliance, admits members, takes a proposal and a vote, exports, stops
// with a snapshot and starts again from it, and the server refused it
// nothing on the way.
func TestServeOnTheDocumentedNATSConfig(t *testing.T) {
	_, errs, natsURL := startDocumentedNATS(t)
	secret := filepath.Join(t.TempDir(), "token.secret")
	m := newExternalMain(t, natsURL, io.Discard, "--token-secret-file", secret)
	require.NoError(t, m.Run(context.Background()))
	api := newLedgerHTTP(m.URL())
	aid := api.must(t, http.MethodPost, "/v1/alliances", externalAdminToken, map[string]any{
		"name": "Documented Alliance", "purpose": "Permissions", "charter": map[string]any{"decision_rule": "majority"},
	})["id"].(string)
	convener := api.must(t, http.MethodPost, "/v1/alliances/"+aid+"/members", externalAdminToken, map[string]any{"name": "Convener", "sector": "agency", "role": "convener"})["token"].(string)
	pid := api.must(t, http.MethodPost, "/v1/alliances/"+aid+"/proposals", convener, map[string]any{"kind": "resolution", "title": "Least privilege", "body": "Each user gets what it needs."})["id"].(string)
	api.must(t, http.MethodPost, "/v1/alliances/"+aid+"/proposals/"+pid+"/voting", convener, map[string]any{})
	api.must(t, http.MethodPut, "/v1/alliances/"+aid+"/proposals/"+pid+"/vote", convener, map[string]any{"stance": "agree"})
	status, export, err := api.raw(http.MethodGet, "/v1/alliances/"+aid+"/audit/export", convener)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, 5, countLines(export))
	require.NoError(t, m.Close())

	m = newExternalMain(t, natsURL, io.Discard, "--token-secret-file", secret)
	require.NoError(t, m.Run(context.Background()))
	defer m.Close()
	status, _, err = newLedgerHTTP(m.URL()).raw(http.MethodGet, "/v1/alliances/"+aid+"/proposals/"+pid, convener)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	require.Empty(t, errs.all(), "the server refused accord")
}

func countLines(raw []byte) int {
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		n++
	}
	return n
}

// slogLine is a line of log/slog's text handler, the only kind accord
// serve may print.
var slogLine = regexp.MustCompile(`^time=\S+ level=(DEBUG|INFO|WARN|ERROR) msg=`)

var natsListenLine = regexp.MustCompile(`embedded NATS started.* nats_listen=(\S+)`)

// TestServeLogsOnlySlog runs accord serve as a process twice on one data
// dir (the second start resumes from snapshots), with its NATS port open and
// an anonymous client refused there, and checks every line it printed is a
// log/slog line.
func TestServeLogsOnlySlog(t *testing.T) {
	dir := t.TempDir()
	var logs []byte
	for range 2 {
		p := startServeProcess(t, dir, "--nats-listen", "127.0.0.1:0")
		raw, err := os.ReadFile(p.log)
		require.NoError(t, err)
		m := natsListenLine.FindSubmatch(raw)
		require.NotNil(t, m, "no NATS address logged")
		_, err = nats.Connect("nats://" + string(m[1]))
		require.ErrorIs(t, err, nats.ErrAuthorization)
		p.stop(t)
		raw, err = os.ReadFile(p.log)
		require.NoError(t, err)
		logs = append(logs, raw...)
	}
	require.Contains(t, string(logs), "directory restored")
	require.Contains(t, string(logs), "authentication error")
	for line := range strings.Lines(string(logs)) {
		require.Regexp(t, slogLine, line)
	}
}
