package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// startMain runs accord serve on dir with ":0" ports, as a user would.
func startMain(t *testing.T, dir string) *Main {
	t.Helper()
	m := NewMain()
	m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	require.NoError(t, m.ParseFlags([]string{"--http", "127.0.0.1:0", "--data-dir", dir, "--nats-listen", "none"}, io.Discard))
	require.NoError(t, m.Run(context.Background()))
	return m
}

func call(t *testing.T, m *Main, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, m.URL()+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestServeRestart starts accord on a data dir, writes, stops it cleanly,
// starts it again on the same dir and finds every event, the same admin
// token and working member tokens.
func TestServeRestart(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ACCORD_ADMIN_TOKEN", "")
	m := startMain(t, dir)
	raw, err := os.ReadFile(filepath.Join(dir, "admin.token"))
	require.NoError(t, err)
	info, err := os.Stat(filepath.Join(dir, "admin.token"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	admin := string(bytes.TrimSpace(raw))

	status, a := call(t, m, "POST", "/v1/alliances", admin, map[string]any{"name": "Dual Eligible Coalition", "purpose": "Integrated care", "charter": map[string]any{"decision_rule": "consensus"}})
	require.Equal(t, 201, status, "%v", a)
	aid := a["id"].(string)
	status, member := call(t, m, "POST", "/v1/alliances/"+aid+"/members", admin, map[string]any{"name": "Payer", "sector": "payer", "role": "convener"})
	require.Equal(t, 201, status, "%v", member)
	status, prop := call(t, m, "POST", "/v1/alliances/"+aid+"/proposals", member["token"].(string), map[string]any{"kind": "position", "title": "Integrated enrolment", "body": "b"})
	require.Equal(t, 201, status, "%v", prop)
	_, head := call(t, m, "GET", "/v1/alliances/"+aid+"/audit/head", admin, nil)
	require.NoError(t, m.Close())

	m2 := startMain(t, dir)
	defer m2.Close()
	require.Equal(t, admin, m2.AdminToken)
	_, head2 := call(t, m2, "GET", "/v1/alliances/"+aid+"/audit/head", admin, nil)
	require.Equal(t, head, head2)
	status, state := call(t, m2, "GET", "/v1/alliances/"+aid, member["token"].(string), nil)
	require.Equal(t, 200, status, "%v", state)
	require.Equal(t, "Dual Eligible Coalition", state["name"])
	require.Len(t, state["proposals"], 1)
	// The listing comes from the directory the first run stored.
	listed := func(token string) []any {
		t.Helper()
		status, out := call(t, m2, "GET", "/v1/alliances", token, nil)
		require.Equal(t, 200, status, "%v", out)
		return out["alliances"].([]any)
	}
	want := map[string]any{"id": aid, "name": "Dual Eligible Coalition", "purpose": "Integrated care", "seq": head["seq"]}
	require.Equal(t, []any{want}, listed(admin))
	require.Equal(t, []any{want}, listed(member["token"].(string)))
	// Writes go on after the restart, chained to the old head, and the
	// listing follows them.
	status, _ = call(t, m2, "POST", "/v1/alliances/"+aid+"/proposals", member["token"].(string), map[string]any{"kind": "position", "title": "Second", "body": "b"})
	require.Equal(t, 201, status)
	want["seq"] = head["seq"].(float64) + 1
	require.Equal(t, []any{want}, listed(admin))
	require.Equal(t, []any{want}, listed(member["token"].(string)))
}

// TestServeFlags checks the flags and their environment variables.
func TestServeFlags(t *testing.T) {
	t.Setenv("ACCORD_HTTP", "127.0.0.1:9999")
	m := NewMain()
	require.NoError(t, m.ParseFlags(nil, io.Discard))
	require.Equal(t, "127.0.0.1:9999", m.HTTPAddr)
	require.Equal(t, 1, m.Replicas)
	require.Equal(t, time.Minute, m.NatsWait)
	m = NewMain()
	require.NoError(t, m.ParseFlags([]string{"--nats-url", "nats://a:4222,nats://b:4222", "--token-secret-file", "/etc/accord/token.secret", "--log-key-file", "/etc/accord/log.key", "--nats-wait", "90s"}, io.Discard))
	require.Equal(t, 3, m.Replicas)
	require.Equal(t, 90*time.Second, m.NatsWait)
	t.Setenv("ACCORD_TOKEN_SECRET_FILE", "/etc/accord/token.secret")
	t.Setenv("ACCORD_LOG_KEY_FILE", "/etc/accord/log.key")
	t.Setenv("ACCORD_NATS_WAIT", "2m")
	m = NewMain()
	require.NoError(t, m.ParseFlags([]string{"--nats-url", "nats://a:4222"}, io.Discard))
	require.Equal(t, "/etc/accord/token.secret", m.TokenSecretFile)
	require.Equal(t, "/etc/accord/log.key", m.LogKeyFile)
	require.Equal(t, 2*time.Minute, m.NatsWait)
	t.Setenv("ACCORD_LOG_KEY_FILE", "")
	require.ErrorContains(t, NewMain().ParseFlags([]string{"--nats-url", "nats://a:4222"}, io.Discard), "--log-key-file")
	t.Setenv("ACCORD_TOKEN_SECRET_FILE", "")
	require.ErrorContains(t, NewMain().ParseFlags([]string{"--nats-url", "nats://a:4222"}, io.Discard), "--token-secret-file")
	require.Error(t, NewMain().ParseFlags([]string{"--replicas", "0"}, io.Discard))
	require.Error(t, NewMain().ParseFlags([]string{"--sync", "sometimes"}, io.Discard))
	require.ErrorContains(t, NewMain().ParseFlags([]string{"--nats-wait", "soon"}, io.Discard), "--nats-wait")
	var help bytes.Buffer
	require.Equal(t, 0, run([]string{"serve", "--help"}, nil, io.Discard, &help))
	for _, flag := range []string{"-http", "-data-dir", "-nats-url", "-nats-listen", "-nats-wait", "-replicas", "-sync", "-token-secret-file", "-log-key-file"} {
		require.Contains(t, help.String(), flag)
	}
}

// The soft memory limit follows --cache-mb, and stays unset when the
// operator set GOMEMLIMIT or the cache is unbounded.
func TestMemoryLimitFollowsTheCache(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	t.Setenv("GOMEMLIMIT", "")
	require.Equal(t, int64(256+memoryHeadroomMB), setMemoryLimit(256))
	require.Equal(t, int64(256+memoryHeadroomMB)<<20, debug.SetMemoryLimit(-1))
	require.Zero(t, setMemoryLimit(0))
	t.Setenv("GOMEMLIMIT", "1GiB")
	require.Zero(t, setMemoryLimit(256))
}
