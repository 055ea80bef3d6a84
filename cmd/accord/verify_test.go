package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
)

const verifyAdmin = "verify-test-admin-token"

// ledgerExport is a real export taken from `accord serve` through the API.
type ledgerExport struct {
	raw      []byte
	lines    [][]byte
	aid      string
	headHash string
	headSeq  int
}

// seqOf returns the 1-based line (= seq) of the first line containing all of
// parts.
func (x ledgerExport) seqOf(t *testing.T, parts ...string) int {
	t.Helper()
outer:
	for i, l := range x.lines {
		for _, p := range parts {
			if !bytes.Contains(l, []byte(p)) {
				continue outer
			}
		}
		return i + 1
	}
	t.Fatalf("no line contains %q", parts)
	return 0
}

// exportFromServer starts accord serve in a temp dir, runs a proposal
// through amendment, a change of stance and a withdrawal to adoption, a
// charter change to majority and a vote under it that is rejected, then
// exports the alliance. A second, smaller alliance is exported as well.
func exportFromServer(t *testing.T) (ledgerExport, ledgerExport) {
	t.Helper()
	t.Setenv("ACCORD_ADMIN_TOKEN", verifyAdmin)
	m := startMain(t, t.TempDir())
	t.Cleanup(func() { _ = m.Close() })
	h := &verifyClient{t: t, base: m.URL()}

	a := h.form("Drug Supply Chain Alliance", "convener", "Member A", "Member B", "Member C")
	conv, ma, mb, mc := a.tokens[0], a.tokens[1], a.tokens[2], a.tokens[3]
	p1 := h.propose(a, ma, map[string]any{"kind": "resolution", "title": "Unit-level traceability", "body": "Serialise every unit."})
	am := h.must(201, "POST", a.path+"/proposals/"+p1+"/amendments", mb, map[string]any{"body": "Serialise every unit, with a waiver.", "rationale": "Small pharmacies."})
	h.must(200, "POST", a.path+"/proposals/"+p1+"/amendments/"+am["id"].(string)+"/accept", ma, nil)
	h.open(a, conv, p1)
	h.vote(a, ma, p1, "agree")
	h.vote(a, mb, p1, "block")
	h.vote(a, mb, p1, "agree")
	h.vote(a, mc, p1, "disagree")
	h.must(200, "DELETE", a.path+"/members/"+a.ids[3], mc, map[string]any{"reason": "merged"})
	h.vote(a, conv, p1, "agree")
	require.Equal(t, "adopted", h.close(a, conv, p1))

	p2 := h.propose(a, ma, map[string]any{"kind": "charter", "title": "Decide by majority", "body": "Majority rule.",
		"charter": map[string]any{"decision_rule": "majority", "quorum": "1/2"}})
	h.open(a, conv, p2)
	h.vote(a, ma, p2, "agree")
	h.vote(a, mb, p2, "agree")
	require.Equal(t, "adopted", h.close(a, conv, p2))

	p3 := h.propose(a, mb, map[string]any{"kind": "position", "title": "Joint statement", "body": "We state."})
	h.open(a, conv, p3)
	h.vote(a, ma, p3, "agree")
	h.vote(a, mb, p3, "disagree")
	require.Equal(t, "rejected", h.close(a, conv, p3))

	b := h.form("Second Alliance", "convener", "Member Z")
	p := h.propose(b, b.tokens[1], map[string]any{"kind": "position", "title": "Hello", "body": "World."})
	h.open(b, b.tokens[0], p)
	h.vote(b, b.tokens[1], p, "agree")
	require.Equal(t, "adopted", h.close(b, b.tokens[0], p))
	return h.export(a), h.export(b)
}

// verifyClient drives the API for exportFromServer.
type verifyClient struct {
	t    *testing.T
	base string
}

type verifyAlliance struct {
	path   string
	ids    []string
	tokens []string
}

func (h *verifyClient) do(method, path, token string, body any) (int, []byte, http.Header) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(h.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.base+path, rd)
	require.NoError(h.t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	return resp.StatusCode, raw, resp.Header
}

func (h *verifyClient) must(status int, method, path, token string, body any) map[string]any {
	h.t.Helper()
	got, raw, _ := h.do(method, path, token, body)
	require.Equal(h.t, status, got, "%s %s: %s", method, path, raw)
	var out map[string]any
	require.NoError(h.t, json.Unmarshal(raw, &out))
	return out
}

// form forms an alliance under consensus 3/4 and admits the first name as
// convener, the others as members.
func (h *verifyClient) form(name string, members ...string) verifyAlliance {
	h.t.Helper()
	out := h.must(201, "POST", "/v1/alliances", verifyAdmin, map[string]any{"name": name, "purpose": "Testing",
		"charter": map[string]any{"decision_rule": "consensus", "quorum": "1/2", "threshold": "3/4"}})
	a := verifyAlliance{path: "/v1/alliances/" + out["id"].(string)}
	for i, n := range members {
		role := "member"
		if i == 0 {
			role = "convener"
		}
		m := h.must(201, "POST", a.path+"/members", verifyAdmin, map[string]any{"name": n, "sector": "payer", "role": role})
		a.ids = append(a.ids, m["id"].(string))
		a.tokens = append(a.tokens, m["token"].(string))
	}
	return a
}

func (h *verifyClient) propose(a verifyAlliance, token string, body map[string]any) string {
	h.t.Helper()
	return h.must(201, "POST", a.path+"/proposals", token, body)["id"].(string)
}

func (h *verifyClient) open(a verifyAlliance, token, pid string) {
	h.t.Helper()
	h.must(200, "POST", a.path+"/proposals/"+pid+"/voting", token, map[string]any{})
}

func (h *verifyClient) vote(a verifyAlliance, token, pid, stance string) {
	h.t.Helper()
	h.must(200, "PUT", a.path+"/proposals/"+pid+"/vote", token, map[string]any{"stance": stance, "reason": "because " + stance})
}

func (h *verifyClient) close(a verifyAlliance, token, pid string) string {
	h.t.Helper()
	return h.must(200, "POST", a.path+"/proposals/"+pid+"/close", token, nil)["result"].(string)
}

func (h *verifyClient) export(a verifyAlliance) ledgerExport {
	h.t.Helper()
	status, raw, header := h.do("GET", a.path+"/audit/export", verifyAdmin, nil)
	require.Equal(h.t, 200, status, "%s", raw)
	head := h.must(200, "GET", a.path+"/audit/head", verifyAdmin, nil)
	require.Equal(h.t, head["hash"], header.Get("Accord-Head-Hash"))
	x := ledgerExport{raw: raw, aid: strings.TrimPrefix(a.path, "/v1/alliances/"), headHash: head["hash"].(string), headSeq: int(head["seq"].(float64))}
	x.lines = bytes.Split(bytes.TrimSuffix(raw, []byte("\n")), []byte("\n"))
	require.Len(h.t, x.lines, x.headSeq)
	return x
}

// --- tampering, as a forger would ---

var (
	envelopeSeq  = regexp.MustCompile(`"seq":\d+`)
	envelopePrev = regexp.MustCompile(`"prev_hash":"[0-9a-f]*"`)
)

// rechain renumbers lines[from:] and recomputes their prev_hash, leaving
// every other byte alone: a forger who rewrote history and covered it.
func rechain(lines [][]byte, from int) [][]byte {
	out := append([][]byte{}, lines...)
	for i := from; i < len(out); i++ {
		prev := domain.ZeroHash
		if i > 0 {
			prev = domain.Hash(out[i-1])
		}
		head, data, _ := bytes.Cut(out[i], []byte(`"data":`))
		head = envelopeSeq.ReplaceAll(head, fmt.Appendf(nil, `"seq":%d`, i+1))
		head = envelopePrev.ReplaceAll(head, fmt.Appendf(nil, `"prev_hash":"%s"`, prev))
		out[i] = append(append(head, `"data":`...), data...)
	}
	return out
}

func frame(lines [][]byte) []byte {
	return append(bytes.Join(lines, []byte("\n")), '\n')
}

// runVerify runs `accord verify` on input written to a file.
func runVerify(t *testing.T, input []byte, flags ...string) (int, string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "export.ndjson")
	require.NoError(t, os.WriteFile(path, input, 0o600))
	var stdout, stderr bytes.Buffer
	code := run(append(append([]string{"verify"}, flags...), path), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestVerifyCommand(t *testing.T) {
	x, y := exportFromServer(t)

	code, out, errOut := runVerify(t, x.raw)
	require.Equal(t, 0, code, "stdout: %s\nstderr: %s", out, errOut)
	require.Contains(t, out, fmt.Sprintf("OK: %d events in 1 alliance; 3 decisions re-derived", x.headSeq))
	require.Contains(t, out, fmt.Sprintf("head seq %d hash %s", x.headSeq, x.headHash))
	require.Contains(t, out, `"Drug Supply Chain Alliance"`)
	require.Empty(t, errOut, "no progress bar when stderr is not a terminal")

	// From standard input.
	var stdout bytes.Buffer
	require.Equal(t, 0, run([]string{"verify", "-"}, bytes.NewReader(x.raw), &stdout, io.Discard))
	require.Contains(t, stdout.String(), x.headHash)

	// Two alliances in one file, one after the other or interleaved.
	code, out, _ = runVerify(t, append(append([]byte{}, x.raw...), y.raw...))
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "in 2 alliances; 4 decisions re-derived")
	mixed := append([][]byte{}, y.lines[:3]...)
	mixed = append(append(mixed, x.lines...), y.lines[3:]...)
	code, out, _ = runVerify(t, frame(mixed))
	require.Equal(t, 0, code, out)

	// Anchored to the head: a file cut short no longer passes.
	code, _, _ = runVerify(t, x.raw, "--head", x.headHash)
	require.Equal(t, 0, code)
	code, out, _ = runVerify(t, frame(x.lines[:len(x.lines)-1]))
	require.Equal(t, 0, code, "without an anchor a truncated file chains")
	code, out, _ = runVerify(t, frame(x.lines[:len(x.lines)-1]), "--head", x.headHash)
	require.Equal(t, 1, code)
	require.Contains(t, out, "FAIL: ")
	require.Contains(t, out, "no event has the expected hash "+x.headHash)
}

// tampering is an export altered as someone rewriting history would: seq
// is where accord verify must say the ledger stops holding, why what it says.
type tampering struct {
	name  string
	lines [][]byte
	seq   int
	why   string
	// rechained is set when the forger recomputed the chain after the change,
	// so that only re-deriving the outcome (or a head held from before)
	// shows it.
	rechained bool
}

// tamperings returns the four kinds the issue names, made from x.
func tamperings(t *testing.T, x ledgerExport) []tampering {
	t.Helper()
	admitted := x.seqOf(t, `"type":"MemberAdmitted"`, `"Member A"`)
	rejected := x.seqOf(t, `"type":"VotingClosed"`, `"result":"rejected"`)
	flipped := append([][]byte{}, x.lines...)
	flipped[admitted-1] = bytes.Replace(flipped[admitted-1], []byte("Member A"), []byte("Member Q"), 1)
	swapped := append([][]byte{}, x.lines...)
	swapped[11], swapped[12] = swapped[12], swapped[11]
	forged := append([][]byte{}, x.lines...)
	forged[rejected-1] = bytes.Replace(forged[rejected-1], []byte(`"result":"rejected"`), []byte(`"result":"adopted"`), 1)
	return []tampering{
		{name: "a flipped byte", lines: flipped, seq: admitted + 1,
			why: fmt.Sprintf("is not the SHA-256 of seq %d as stored", admitted)},
		{name: "a dropped line", lines: append(append([][]byte{}, x.lines[:9]...), x.lines[10:]...), seq: 10,
			why: "expected seq 10, found seq 11: seq 10 is missing"},
		{name: "two lines swapped", lines: swapped, seq: 12, why: "expected seq 12, found seq 13"},
		{name: "a forged outcome with the chain recomputed", lines: rechain(forged, rejected-1), seq: rejected,
			why: "result recorded adopted, re-derived rejected", rechained: true},
	}
}

// TestVerifyCatchesTampering runs accord verify on four kinds of tampered
// real export; each must exit 1 naming the seq where the ledger stops
// holding.
func TestVerifyCatchesTampering(t *testing.T) {
	x, _ := exportFromServer(t)
	for _, c := range tamperings(t, x) {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runVerify(t, frame(c.lines))
			require.Equal(t, 1, code, "stdout: %s\nstderr: %s", out, errOut)
			require.True(t, strings.HasPrefix(out, fmt.Sprintf("FAIL: seq %d of alliance %s", c.seq, x.aid)), out)
			require.Contains(t, out, c.why)
			require.Equal(t, 1, strings.Count(out, "\n"), "one line names the failure")
		})
	}
}

func TestVerifyUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Equal(t, 2, run([]string{"verify"}, nil, &stdout, &stderr))
	require.Contains(t, stderr.String(), "give one FILE")
	stderr.Reset()
	require.Equal(t, 2, run([]string{"verify", filepath.Join(t.TempDir(), "missing.ndjson")}, nil, &stdout, &stderr))
	require.Contains(t, stderr.String(), "no such file")
	require.Equal(t, 2, run([]string{"verify", "--head", "abc", "x"}, nil, &stdout, io.Discard))
	stderr.Reset()
	require.Equal(t, 0, run([]string{"verify", "--help"}, nil, &stdout, &stderr))
	require.Contains(t, stderr.String(), "docs/VERIFYING.md")
	code, out, _ := runVerify(t, nil)
	require.Equal(t, 1, code)
	require.Contains(t, out, "FAIL: the input holds no events")
}

func TestVerifyProgressBar(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Unix(0, 0)
	bar := newVerifyBar(&buf, 10_000_000, func() time.Time { return clock })
	bar.update(1_000_000)
	require.Empty(t, buf.String(), "nothing drawn in the first moments")
	clock = clock.Add(time.Second)
	bar.update(5_000_000)
	require.Contains(t, buf.String(), "\rverifying [###############···············]  50%  5.0 MB / 10.0 MB  5.0 MB/s")
	drawn := buf.Len()
	clock = clock.Add(10 * time.Millisecond)
	bar.update(6_000_000)
	require.Equal(t, drawn, buf.Len(), "at most ten frames a second")
	bar.clear()
	require.True(t, strings.HasSuffix(buf.String(), "\r\x1b[K"))

	require.Equal(t, "verifying  2.5 MB read  1.2 MB/s", barText(2_500_000, 0, 2*time.Second))
	var none *verifyBar
	none.update(5)
	none.clear()

	require.False(t, charDevice(&buf))
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	require.NoError(t, err)
	defer f.Close()
	require.False(t, charDevice(f))
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		defer null.Close()
		require.True(t, charDevice(null), "%s is a character device, as a terminal is", os.DevNull)
	}
}
