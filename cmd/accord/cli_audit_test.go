package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// serverExport fetches the export straight from the API, to compare with.
func (e *cliEnv) serverExport(aid string) []byte {
	e.t.Helper()
	req, err := http.NewRequest("GET", e.m.URL()+"/v1/alliances/"+aid+"/audit/export", nil)
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Bearer "+cliAdminToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return raw
}

// TestCLIAuditExport exports to a file and to standard output, byte for
// byte what the API serves, and the chain in it holds.
func TestCLIAuditExport(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	want := e.serverExport(w.aid)

	file := e.path("ledger.ndjson")
	out := e.ok("audit", "export", "-o", file)
	require.Regexp(t, `^Exported 11 events \(head seq 11, hash [0-9a-f]{12}\) to .*ledger.ndjson\n$`, out)
	require.Equal(t, string(want), readFile(t, file))
	require.Equal(t, string(want), e.ok("audit", "export"), "to standard output, with nothing else on it")

	// The chain: each prev_hash is the SHA-256 of the line before.
	lines := bytes.Split(bytes.TrimSuffix(want, []byte("\n")), []byte("\n"))
	require.Len(t, lines, 11)
	for i := 1; i < len(lines); i++ {
		sum := sha256.Sum256(lines[i-1])
		require.Contains(t, string(lines[i]), `"prev_hash":"`+hex.EncodeToString(sum[:])+`"`)
	}
	last := sha256.Sum256(lines[len(lines)-1])
	require.Contains(t, e.ok("audit", "head"), hex.EncodeToString(last[:]))

	summary := jsonOf(t, e.ok("audit", "export", "--output", e.path("again.ndjson"), "--json"))
	require.Equal(t, 11.0, summary["events"])
	require.Equal(t, hex.EncodeToString(last[:]), summary["head_hash"])
}

// TestCLIAuditExportCutShort fails, and leaves no file, when the export ends
// before the head the server announced.
func TestCLIAuditExportCutShort(t *testing.T) {
	e := newCLIEnv(t)
	e.walkthrough()
	_, url := newCutProxy(t, e.m.URL(), false, func(r *http.Request, _ int, line []byte) bool {
		return strings.HasSuffix(r.URL.Path, "/export") && bytes.Contains(line, []byte(`"seq":5,`))
	})
	file := e.path("short.ndjson")
	errOut := e.fail(1, "--server", url, "audit", "export", "-o", file)
	require.Equal(t, "accord audit export: export incomplete: got 5 of 11 events (stopped after seq 5)\n", errOut)
	require.NoFileExists(t, file)
	entries, err := os.ReadDir(e.dir)
	require.NoError(t, err)
	for _, entry := range entries {
		require.NotContains(t, entry.Name(), "short.ndjson", "no temporary file is left")
	}
}

// TestCLIAuditList pages through the audit trail.
func TestCLIAuditList(t *testing.T) {
	e := newCLIEnv(t)
	e.walkthrough()
	out := e.ok("audit", "list", "--limit", "4")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 6, out)
	require.Regexp(t, `^SEQ\s+AT \(UTC\)\s+TYPE\s+BY\s+WHAT\s+HASH$`, lines[0])
	require.Regexp(t, `^1\s+\S+ \S+\s+AllianceFormed\s+admin\s+Drug Supply Chain Alliance formed: consensus 3/4, quorum 1/2\s+[0-9a-f]{12}$`, lines[1])
	require.Regexp(t, `^2\s+.*MemberAdmitted\s+admin\s+Intermountain Health \(health system\) admitted as convener`, lines[2])
	require.Equal(t, "more from seq 5: accord audit list --from-seq 5 (or --all)", lines[5])

	out = e.ok("audit", "list", "--from-seq", "9", "--limit", "2")
	require.Regexp(t, `\n9\s+.*VoteCast\s+Intermountain Health\s+Intermountain Health: agree — "Patients first."`, out)
	all := strings.Split(strings.TrimSpace(e.ok("audit", "list", "--limit", "3", "--all")), "\n")
	require.Len(t, all, 12, "a header and 11 events, in one table")
	require.Regexp(t, `^11\s+.*VoteCast`, all[11])
}

// TestCLIAuditVerify has the server re-check the chain.
func TestCLIAuditVerify(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	e.ok("--token-file", w.conv, "voting", "close", w.pid)
	out := e.ok("--token-file", w.m2, "audit", "verify")
	require.Regexp(t, `^Verified: 12 events, 1 decision re-derived; the chain holds up to seq 12 \(hash [0-9a-f]{12}\)\n`, out)
	require.Contains(t, out, "✓ each prev_hash is the SHA-256 of the previous stored line")
}

// TestCLIAuditVerifyFails exits 1 with the seq and reason when the server
// finds the chain broken. A ledger cannot be broken through the API, so a
// stand-in answers what /audit/verify answers then.
func TestCLIAuditVerifyFails(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"ok":false,"seq":7,"error":"seq 7: prev_hash does not match the hash of seq 6","checked":["…"]}`)
	}))
	defer srv.Close()
	e := &cliEnv{t: t}
	t.Setenv("ACCORD_TOKEN", "t")
	args := []string{"--server", srv.URL, "-a", "0190a0a0-0000-7000-8000-000000000000", "audit", "verify"}
	status, out, errOut := e.run(args...)
	require.Equal(t, 1, status)
	require.Equal(t, "The ledger does not hold at seq 7: seq 7: prev_hash does not match the hash of seq 6\n", out)
	require.Empty(t, errOut)
	status, out, _ = e.run(append(args, "--json")...)
	require.Equal(t, 1, status)
	require.Equal(t, false, jsonOf(t, out)["ok"])
}

// brokenExport is a stand-in for the export route whose header announces
// head events and which sends lines 1…sent, then ends cleanly or, with
// cut, drops the connection in the middle of the next line.
func brokenExport(t *testing.T, head, sent int, cut bool) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Accord-Head-Seq", strconv.Itoa(head))
		w.Header().Set("Content-Type", "application/x-ndjson")
		for seq := 1; seq <= sent; seq++ {
			fmt.Fprintf(w, `{"seq":%d,"type":"VoteCast"}`+"\n", seq)
		}
		if cut {
			io.WriteString(w, `{"seq":`)
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestCLIAuditExportBroken exits 1 naming what is missing when the transfer
// breaks off or lines are missing, and leaves no file that looks whole (nor
// its temporary file).
func TestCLIAuditExportBroken(t *testing.T) {
	e := &cliEnv{t: t, dir: t.TempDir()}
	t.Setenv("ACCORD_TOKEN", "t")
	cases := []struct {
		cut  bool
		want string
	}{
		{true, "accord audit export: export incomplete: got 812 of 1000 events (stopped after seq 812): unexpected EOF\n"},
		{false, "accord audit export: export incomplete: got 812 of 1000 events (stopped after seq 812)\n"},
	}
	for _, c := range cases {
		url := brokenExport(t, 1000, 812, c.cut)
		file := e.path("ledger.ndjson")
		args := []string{"--server", url, "-a", "0190a0a0-0000-7000-8000-000000000000", "audit", "export"}
		require.Equal(t, c.want, e.fail(1, append(args, "-o", file)...))
		entries, err := os.ReadDir(e.dir)
		require.NoError(t, err)
		require.Empty(t, entries, "no file, complete-looking or partial")

		status, out, errOut := e.run(args...)
		require.Equal(t, 1, status, "to standard output too")
		require.Equal(t, 812, strings.Count(out, "\n"), "what arrived was passed on")
		require.Equal(t, c.want, errOut)

		status, _, errOut = e.run(append(args, "-o", file, "--json")...)
		require.Equal(t, 1, status)
		require.Equal(t, "incomplete", jsonOf(t, errOut)["error"].(map[string]any)["code"])
	}
}
