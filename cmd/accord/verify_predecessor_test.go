package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/ledger"
)

// successionExports runs a real accord serve: an alliance decides a
// proposal; a successor is formed naming its head at that moment, through
// the store's command runner as the application does (the HTTP route for
// it is not built yet); the predecessor then goes on deciding. It returns
// both exports, taken through the API.
func successionExports(t *testing.T) (pred, succ ledgerExport, link domain.AllianceHead) {
	t.Helper()
	t.Setenv("ACCORD_ADMIN_TOKEN", verifyAdmin)
	m := startMain(t, t.TempDir())
	t.Cleanup(func() { _ = m.Close() })
	h := &verifyClient{t: t, base: m.URL()}

	a := h.form("Care Alliance", "Northside Health", "Member A", "Member B")
	p1 := h.propose(a, a.tokens[1], map[string]any{"kind": "resolution", "title": "Shared formulary", "body": "One formulary."})
	h.open(a, a.tokens[0], p1)
	for _, tok := range a.tokens {
		h.vote(a, tok, p1, "agree")
	}
	require.Equal(t, "adopted", h.close(a, a.tokens[0], p1))
	head := h.must(200, "GET", a.path+"/audit/head", verifyAdmin, nil)
	aid := strings.TrimPrefix(a.path, "/v1/alliances/")
	link = domain.AllianceHead{AllianceID: aid, Seq: uint64(head["seq"].(float64)), Hash: head["hash"].(string)}

	sid := domain.CreatedID("", "succession-test", domain.CreatesAlliance)
	meta := domain.Meta{AllianceID: sid, CommandID: "succession-test", At: time.Now().UTC(), Actor: domain.Actor{ID: "admin", Role: domain.RoleAdmin}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	formed, _, err := ledger.NewRunner(m.store).Run(ctx, meta, domain.FormAlliance{Name: "Care Alliance II", Purpose: "Carry on",
		Predecessor: &link}, nil)
	require.NoError(t, err)
	require.NoError(t, m.proj.WaitFor(ctx, sid, formed.Records[0].Position()))
	s := verifyAlliance{path: "/v1/alliances/" + sid}
	h.must(201, "POST", s.path+"/members", verifyAdmin, map[string]any{"name": "Northside Health", "sector": "health system", "role": "convener"})

	p2 := h.propose(a, a.tokens[2], map[string]any{"kind": "position", "title": "Thanks", "body": "Well done."})
	h.open(a, a.tokens[0], p2)
	h.vote(a, a.tokens[2], p2, "agree")
	h.vote(a, a.tokens[1], p2, "agree")
	require.Equal(t, "adopted", h.close(a, a.tokens[0], p2))
	return h.export(a), h.export(s), link
}

// writeExport writes lines as an export file and returns its path.
func writeExport(t *testing.T, name string, raw []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	return path
}

func TestVerifyPredecessor(t *testing.T) {
	pred, succ, link := successionExports(t)
	require.Greater(t, pred.headSeq, int(link.Seq), "the predecessor went on after its successor was formed")
	require.Contains(t, string(succ.lines[0]), `"predecessor":{"alliance_id":"`+pred.aid+`","seq":`+fmt.Sprint(link.Seq)+`,"hash":"`+link.Hash+`"}`)
	pfile, sfile := writeExport(t, "pred.ndjson", pred.raw), writeExport(t, "succ.ndjson", succ.raw)
	verifyArgs := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"verify"}, args...), strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	for _, args := range [][]string{{"--predecessor", pfile, sfile}, {sfile, "--predecessor", pfile}, {"--predecessor=" + pfile, sfile}} {
		code, out, errOut := verifyArgs(args...)
		require.Equal(t, 0, code, "%v\nstdout: %s\nstderr: %s", args, out, errOut)
		require.Contains(t, out, "OK: 2 events in 1 alliance")
		require.Contains(t, out, fmt.Sprintf("predecessor: %s holds seq %d of alliance %s with hash %s, as seq 1 of alliance %s names it; %d events verified",
			pfile, link.Seq, pred.aid, link.Hash, succ.aid, pred.headSeq))
	}

	fails := []struct {
		name, pfile, file, why string
	}{
		{"another alliance's export", sfile, sfile, fmt.Sprintf("the input holds no seq %d of alliance %s", link.Seq, pred.aid)},
		{"the predecessor's export cut short before the link", writeExport(t, "short.ndjson", frame(pred.lines[:link.Seq-1])), sfile,
			fmt.Sprintf("the input holds no seq %d of alliance %s, expected with hash %s", link.Seq, pred.aid, link.Hash)},
		{"the linked event rewritten and the chain recomputed", writeExport(t, "forged.ndjson", frame(rechain(editLine(pred.lines, int(link.Seq)), int(link.Seq)-1))), sfile,
			fmt.Sprintf("seq %d of alliance %s, line %d: its hash is", link.Seq, pred.aid, link.Seq)},
		{"a predecessor's export that does not chain", writeExport(t, "broken.ndjson", frame(editLine(pred.lines, 2))), sfile, "seq 3 of alliance " + pred.aid},
		{"a file that succeeds no alliance", pfile, pfile, fmt.Sprintf("seq 1 of alliance %s names no predecessor", pred.aid)},
	}
	for _, c := range fails {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := verifyArgs(c.file, "--predecessor", c.pfile)
			require.Equal(t, 1, code, "stdout: %s\nstderr: %s", out, errOut)
			require.True(t, strings.HasPrefix(out, "FAIL: predecessor "+c.pfile), out)
			require.Contains(t, out, c.why)
			require.Equal(t, 1, strings.Count(out, "\n"), "one line names the failure")
		})
	}

	code, out, errOut := verifyArgs(sfile, "--predecessor", filepath.Join(t.TempDir(), "missing.ndjson"))
	require.Equal(t, 2, code, out)
	require.Contains(t, errOut, "no such file")
	code, out, _ = verifyArgs(writeExport(t, "bad-succ.ndjson", frame(editLine(succ.lines, 1))), "--predecessor", pfile)
	require.Equal(t, 1, code)
	require.True(t, strings.HasPrefix(out, "FAIL: seq 2 of alliance "+succ.aid), "the file itself fails first: %s", out)
}

// editLine returns lines with line seq retouched where no rule looks (its
// command id), so only the hashes tell.
func editLine(lines [][]byte, seq int) [][]byte {
	out := append([][]byte{}, lines...)
	out[seq-1] = bytes.Replace(lines[seq-1], []byte(`"command_id":"`), []byte(`"command_id":"x`), 1)
	return out
}
