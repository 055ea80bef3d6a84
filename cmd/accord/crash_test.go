package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/verify"
)

// crashChildEnv carries, JSON-encoded, the arguments of `accord serve` to a
// copy of the test binary that TestCrashServeProcess turns into the server.
const crashChildEnv = "ACCORD_TEST_SERVE_ARGS"

const crashAdminToken = "acc_admin_crash-test-token"

// TestCrashServeProcess is not a test: run by TestCrashLosesNothing as a
// separate process, it is `accord serve`, so that it can be killed.
func TestCrashServeProcess(t *testing.T) {
	raw := os.Getenv(crashChildEnv)
	if raw == "" {
		t.Skip("the server process of TestCrashLosesNothing")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(serve(args, os.Stderr))
}

// listeningLine finds the address accord serve logs once its API listens.
var listeningLine = regexp.MustCompile(`accord listening.* http=(http://[0-9.:]+)`)

// serveProcess is `accord serve` running as a child process.
type serveProcess struct {
	cmd  *exec.Cmd
	api  *ledgerHTTP
	exit chan error
	log  string // the file its stdout and stderr go to
}

// startServeProcess starts accord serve on dataDir in a child process and
// waits until its API answers.
func startServeProcess(t *testing.T, dataDir string, extra ...string) *serveProcess {
	t.Helper()
	// The child binds a port the kernel gives it and logs its address.
	args, err := json.Marshal(append([]string{"--http", "127.0.0.1:0", "--data-dir", dataDir, "--nats-listen", "none"}, extra...))
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashServeProcess$", "-test.count=1")
	// Only the flags above and the admin token configure it, whatever
	// ACCORD_ variables the test runs with.
	cmd.Env = []string{crashChildEnv + "=" + string(args), "ACCORD_ADMIN_TOKEN=" + crashAdminToken}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ACCORD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	logFile, err := os.OpenFile(filepath.Join(t.TempDir(), "serve.log"), os.O_CREATE|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	t.Cleanup(func() { logFile.Close() })
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start())
	p := &serveProcess{cmd: cmd, exit: make(chan error, 1), log: logFile.Name()}
	go func() { p.exit <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exit
		if t.Failed() {
			logs, _ := os.ReadFile(logFile.Name())
			t.Logf("accord serve (pid %d) logged:\n%s", cmd.Process.Pid, lastLines(logs, 40))
		}
	})
	require.Eventually(t, func() bool {
		logs, _ := os.ReadFile(logFile.Name())
		m := listeningLine.FindSubmatch(logs)
		if m == nil {
			return false
		}
		p.api = newLedgerHTTP(string(m[1]))
		return true
	}, 60*time.Second, 50*time.Millisecond, "accord serve did not log its address")
	status, _, err := p.api.do(http.MethodGet, "/healthz", "", "", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	return p
}

// kill sends SIGKILL: no shutdown code runs, nothing is flushed or
// checkpointed.
func (p *serveProcess) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	err := <-p.exit
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	require.Equal(t, syscall.SIGKILL, exitErr.Sys().(syscall.WaitStatus).Signal())
	p.exit <- err // for the cleanup
}

// stop sends SIGTERM and expects a clean exit.
func (p *serveProcess) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-p.exit:
		require.NoError(t, err)
		p.exit <- err
	case <-time.After(60 * time.Second):
		t.Fatal("accord serve did not stop on SIGTERM")
	}
}

// crashBallot is the alliance, members and open vote the storm votes on.
type crashBallot struct {
	aid, pid string
	members  []string // tokens; the first is the convener
}

// stormVote is one PUT …/vote with its Idempotency-Key, and what it answered.
type stormVote struct {
	key, token, stance string
	acked              bool    // answered 200 before the kill
	seq                float64 // as answered, before the kill or to the retry
	hash               string
}

// TestCrashLosesNothing drives concurrent votes with idempotency keys into a
// separate accord serve process, kills it with SIGKILL mid-storm (twice),
// restarts it on the same data dir each time and retries every vote that
// was not acknowledged with the same key. Then every acknowledged vote is in
// the ledger exactly once, at the seq and with the hash it was acknowledged
// with, no command appears twice, the chain and every outcome verify, and
// voting goes on.
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills accord serve processes")
	}
	dir := t.TempDir()
	p := startServeProcess(t, dir)
	b := setUpCrashBallot(t, p.api, 16)
	// A clean stop writes a snapshot checkpoint; the restarts after each
	// kill resume from it and replay the rest of the log.
	p.stop(t)
	p = startServeProcess(t, dir)

	var votes []*stormVote
	landedUnacked := 0
	for round := range 2 {
		votes = append(votes, storm(t, p, b, round)...)
		p = startServeProcess(t, dir)
		landedUnacked += retryUnacknowledged(t, p.api, b, votes)
	}
	acked := 0
	for _, v := range votes {
		if v.acked {
			acked++
		}
	}
	t.Logf("%d votes sent, %d acknowledged before the kills; of the %d retried after, %d had landed without an answer",
		len(votes), acked, len(votes)-acked, landedUnacked)

	lines := exportLedger(t, p.api, b.aid, crashAdminToken)
	checkChain(t, lines)
	byKey := map[string][]domain.Event{}
	for _, line := range lines {
		e, err := domain.Decode(line)
		require.NoError(t, err)
		byKey[e.CommandID] = append(byKey[e.CommandID], e)
	}
	for key, events := range byKey {
		require.Len(t, events, 1, "command %s is in the ledger more than once", key)
	}
	for _, v := range votes {
		events := byKey[v.key]
		require.Len(t, events, 1, "vote %s (acknowledged: %v) is not in the ledger exactly once", v.key, v.acked)
		require.Equal(t, domain.TypeVoteCast, events[0].Type)
		require.Equal(t, domain.Stance(v.stance), events[0].Data.(domain.VoteCast).Stance)
		require.Equal(t, uint64(v.seq), events[0].Seq, "vote %s moved", v.key)
		require.Equal(t, v.hash, domain.Hash(lines[events[0].Seq-1]), "vote %s changed", v.key)
	}
	require.Len(t, lines, 1+len(b.members)+2+len(votes), "setup, one event per vote, nothing else")

	// Voting goes on, and the vote closes on the ledger it left.
	status, out, err := p.api.do(http.MethodPut, "/v1/alliances/"+b.aid+"/proposals/"+b.pid+"/vote", b.members[3], "after-the-crash", map[string]any{"stance": "agree", "reason": "still here"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, "%v", out)
	status, out, err = p.api.do(http.MethodPost, "/v1/alliances/"+b.aid+"/proposals/"+b.pid+"/close", b.members[0], "", map[string]any{})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, "%v", out)
	checkChain(t, exportLedger(t, p.api, b.aid, crashAdminToken))
}

// setUpCrashBallot forms an alliance with n members (the first a convener)
// and opens a vote.
func setUpCrashBallot(t testing.TB, api *ledgerHTTP, n int) crashBallot {
	t.Helper()
	var b crashBallot
	b.aid = api.must(t, http.MethodPost, "/v1/alliances", crashAdminToken, map[string]any{
		"name": "Opioid Response Consortium", "purpose": "Shared treatment capacity",
		"charter": map[string]any{"decision_rule": "majority"},
	})["id"].(string)
	for i := range n {
		role := "member"
		if i == 0 {
			role = "convener"
		}
		m := api.must(t, http.MethodPost, "/v1/alliances/"+b.aid+"/members", crashAdminToken, map[string]any{"name": fmt.Sprintf("Member %02d", i), "sector": "health system", "role": role})
		b.members = append(b.members, m["token"].(string))
	}
	b.pid = api.must(t, http.MethodPost, "/v1/alliances/"+b.aid+"/proposals", b.members[1], map[string]any{"kind": "resolution", "title": "Pool naloxone stock", "body": "b"})["id"].(string)
	api.must(t, http.MethodPost, "/v1/alliances/"+b.aid+"/proposals/"+b.pid+"/voting", b.members[0], map[string]any{})
	return b
}

// storm has every member vote over and over, each vote with its own key,
// and kills the server with SIGKILL once enough have been acknowledged. It
// returns every vote sent, acknowledged or not.
func storm(t *testing.T, p *serveProcess, b crashBallot, round int) []*stormVote {
	t.Helper()
	stances := []string{"agree", "disagree", "abstain", "block"}
	var (
		mu     sync.Mutex
		votes  []*stormVote
		acked  atomic.Int64
		killed atomic.Bool
		wg     sync.WaitGroup
	)
	for g, token := range b.members {
		wg.Go(func() {
			for i := 0; !killed.Load(); i++ {
				v := &stormVote{key: fmt.Sprintf("crash-%d-%02d-%05d", round, g, i), token: token, stance: stances[(g+i)%len(stances)]}
				mu.Lock()
				votes = append(votes, v)
				mu.Unlock()
				status, out, err := p.api.do(http.MethodPut, "/v1/alliances/"+b.aid+"/proposals/"+b.pid+"/vote", token, v.key, map[string]any{"stance": v.stance, "reason": v.key})
				if err == nil && status == http.StatusOK {
					v.acked, v.seq, v.hash = true, out["seq"].(float64), out["hash"].(string)
					acked.Add(1)
				}
			}
		})
	}
	// Kill mid-storm: after at least a second and 200 acknowledged votes.
	start := time.Now()
	for time.Since(start) < time.Second || acked.Load() < 200 {
		if time.Since(start) > 20*time.Second {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	killed.Store(true) // each voter stops after the request it has in flight
	p.kill(t)
	wg.Wait()
	require.Positive(t, acked.Load(), "no vote was acknowledged before the kill")
	return votes
}

// retryUnacknowledged sends again every vote that was not acknowledged, with
// its key: whether or not it landed before the kill, it must be recorded
// once. Each member's last acknowledged vote is retried too, as by a client
// that lost the answer: it answers as the first time did. It returns how
// many of the unacknowledged votes had landed before the kill.
func retryUnacknowledged(t *testing.T, api *ledgerHTTP, b crashBallot, votes []*stormVote) int {
	t.Helper()
	head := api.must(t, http.MethodGet, "/v1/alliances/"+b.aid+"/audit/head", crashAdminToken, nil)["seq"].(float64)
	landed := 0
	lastAcked := map[string]*stormVote{}
	for _, v := range votes {
		if v.acked {
			lastAcked[v.token] = v
		}
	}
	for _, v := range votes {
		older := v.acked && lastAcked[v.token] != v
		retriedBefore := !v.acked && v.hash != "" // after an earlier kill
		if older || retriedBefore {
			continue
		}
		out := api.must(t, http.MethodPut, "/v1/alliances/"+b.aid+"/proposals/"+b.pid+"/vote", v.token, map[string]any{"stance": v.stance, "reason": v.key}, v.key)
		if v.acked {
			require.Equal(t, v.seq, out["seq"], "a retried vote answers as the first time")
			require.Equal(t, v.hash, out["hash"])
			continue
		}
		v.seq, v.hash = out["seq"].(float64), out["hash"].(string)
		if v.seq <= head {
			landed++
		}
	}
	return landed
}

// exportLedger returns the alliance's export, one stored event per line.
func exportLedger(t *testing.T, api *ledgerHTTP, aid, token string) [][]byte {
	t.Helper()
	status, raw, err := api.raw(http.MethodGet, "/v1/alliances/"+aid+"/audit/export", token)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, "%s", raw)
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, verify.MaxLineSize)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	require.NoError(t, sc.Err())
	return lines
}

// checkChain checks an export with nothing but SHA-256 and a JSON parser
// (seqs 1, 2, 3… and each prev_hash the hash of the line before), then with
// the offline verifier, which also re-derives every outcome.
func checkChain(t *testing.T, lines [][]byte) {
	t.Helper()
	prev := strings.Repeat("0", 64)
	for i, line := range lines {
		var e struct {
			Seq      uint64 `json:"seq"`
			PrevHash string `json:"prev_hash"`
		}
		require.NoError(t, json.Unmarshal(line, &e), "line %d", i+1)
		require.Equal(t, uint64(i+1), e.Seq, "line %d", i+1)
		require.Equal(t, prev, e.PrevHash, "seq %d does not chain", e.Seq)
		sum := sha256.Sum256(line)
		prev = hex.EncodeToString(sum[:])
	}
	export := append(bytes.Join(lines, []byte("\n")), '\n')
	v, err := verify.Verify(bytes.NewReader(export), verify.Options{Anchors: []string{prev}})
	require.NoError(t, err)
	require.Equal(t, len(lines), v.Events)
}

// ledgerHTTP is a small client of the HTTP API for tests that run accord
// out of reach of a *Main.
type ledgerHTTP struct {
	base string
	c    *http.Client
}

func newLedgerHTTP(base string) *ledgerHTTP {
	return &ledgerHTTP{base: base, c: &http.Client{Timeout: 30 * time.Second}}
}

// raw sends a request without a body and returns the answer's bytes.
func (h *ledgerHTTP) raw(method, path, token string) (int, []byte, error) {
	req, err := http.NewRequest(method, h.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := h.c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// do sends body as JSON with the Idempotency-Key key (none when "") and
// decodes the answer.
func (h *ledgerHTTP) do(method, path, token, key string, body any) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := h.c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("decode the answer (status %d): %w", resp.StatusCode, err)
	}
	return resp.StatusCode, out, nil
}

// must sends a command and fails the test unless it answers 2xx. keyOpt is
// the Idempotency-Key, if any.
func (h *ledgerHTTP) must(t testing.TB, method, path, token string, body any, keyOpt ...string) map[string]any {
	t.Helper()
	key := ""
	if len(keyOpt) > 0 {
		key = keyOpt[0]
	}
	status, out, err := h.do(method, path, token, key, body)
	require.NoError(t, err, "%s %s", method, path)
	require.True(t, status >= 200 && status < 300, "%s %s: %d %v", method, path, status, out)
	return out
}

func lastLines(raw []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// BenchmarkAcknowledgedVote measures what --sync always costs: votes through
// the HTTP API of an in-process accord serve, acknowledged only once stored,
// one writer at a time (each vote waits for its own fsync) and from 16
// members at once (group commit shares an fsync among the votes that arrive
// together). The figures are in docs/OPERATIONS.md.
func BenchmarkAcknowledgedVote(b *testing.B) {
	for _, mode := range []string{"default", "always"} {
		for _, writers := range []int{1, 16} {
			b.Run(fmt.Sprintf("sync=%s/writers=%d", mode, writers), func(b *testing.B) {
				benchmarkVotes(b, mode, writers)
			})
		}
	}
}

func benchmarkVotes(b *testing.B, mode string, writers int) {
	b.Setenv("ACCORD_ADMIN_TOKEN", crashAdminToken)
	m := NewMain()
	m.Log = slog.New(slog.DiscardHandler)
	require.NoError(b, m.ParseFlags([]string{"--http", "127.0.0.1:0", "--data-dir", b.TempDir(), "--nats-listen", "none", "--sync", mode}, io.Discard))
	require.NoError(b, m.Run(context.Background()))
	b.Cleanup(func() { _ = m.Close() })
	api := newLedgerHTTP(m.URL())
	api.c.Transport = &http.Transport{MaxIdleConnsPerHost: writers}
	bl := setUpCrashBallot(b, api, max(writers, 2))

	var next atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	for _, token := range bl.members[:writers] {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				status, out, err := api.do(http.MethodPut, "/v1/alliances/"+bl.aid+"/proposals/"+bl.pid+"/vote", token, "", map[string]any{"stance": "agree", "reason": "r"})
				if err != nil || status != http.StatusOK {
					b.Errorf("vote: %d %v %v", status, out, err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "votes/s")
}
