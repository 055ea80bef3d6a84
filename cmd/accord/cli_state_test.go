package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// jsonOf decodes a --json answer.
func jsonOf(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &m), "not JSON: %s", out)
	return m
}

// TestCLIJSON checks that --json prints the server's answers for scripts.
func TestCLIJSON(t *testing.T) {
	e := newCLIEnv(t)
	a := jsonOf(t, e.ok("alliance", "create", "--name", "N", "--purpose", "P", "--json"))
	require.Equal(t, map[string]any{"decision_rule": "consensus", "quorum": "1/2", "threshold": "3/4", "signatures": "optional", "max_proxies": 0.0}, a["charter"])
	t.Setenv("ACCORD_ALLIANCE", a["id"].(string))

	m := jsonOf(t, e.ok("member", "add", "--name", "Payer", "--sector", "payer", "--role", "convener", "--json"))
	require.Regexp(t, `^acc_`, m["token"], "the token is in the JSON answer, for scripts")
	tok := m["token"].(string)
	p := jsonOf(t, e.ok("--token", tok, "proposal", "submit", "--title", "T", "--body", "B", "--json"))
	require.Equal(t, "open", p["status"])
	pid := p["id"].(string)
	require.Equal(t, "voting", jsonOf(t, e.ok("--token", tok, "voting", "open", pid, "--json"))["status"])
	v := jsonOf(t, e.ok("--token", tok, "vote", pid, "agree", "--json"))
	require.Len(t, v["hash"], 64)
	closed := jsonOf(t, e.ok("--token", tok, "voting", "close", pid, "--json"))
	require.Equal(t, "adopted", closed["result"])
	require.Contains(t, closed["explanation"], "Adopted under consensus")

	list := jsonOf(t, e.ok("alliance", "list", "--json"))
	require.Len(t, list["alliances"], 1)
	require.Equal(t, "adopted", jsonOf(t, e.ok("proposal", "show", pid, "--json"))["status"])
	rec := jsonOf(t, e.ok("record", pid, "--json"))
	require.Equal(t, "adopted", rec["outcome"].(map[string]any)["result"])
	require.Equal(t, 6.0, jsonOf(t, e.ok("audit", "head", "--json"))["seq"])
	require.Equal(t, true, jsonOf(t, e.ok("audit", "verify", "--json"))["ok"])
	page := jsonOf(t, e.ok("audit", "list", "--json", "--limit", "2"))
	require.Len(t, page["events"], 2)
	require.Equal(t, 3.0, page["next_seq"])
	html := e.ok("record", pid, "--html")
	require.Contains(t, html, "<html")
}

// TestCLITimeTravel shows an alliance, its proposals and a decision record
// as they were at a seq and at an instant.
func TestCLITimeTravel(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	before := time.Now().UTC()
	e.ok("--token-file", w.conv, "voting", "close", w.pid)

	now := e.ok("alliance", "show")
	require.Regexp(t, `Unit-level traceability\s+resolution\s+adopted\s+2`, now)
	past := e.ok("alliance", "show", w.aid, "--at-seq", "6")
	require.Contains(t, past, "seq      6 (as it was then)")
	require.Regexp(t, `Unit-level traceability\s+resolution\s+open\s+1`, past)
	require.Regexp(t, `Unit-level traceability\s+resolution\s+voting\s+2`, e.ok("proposal", "list", "--at", before.Format(time.RFC3339Nano)))

	show := e.ok("proposal", "show", w.pid, "--at-seq", "10")
	require.Contains(t, show, "not yet voted: Patients for Safe Medicines")
	require.NotContains(t, show, "Outcome")
	rec := e.ok("record", w.pid, "--at-seq", "10")
	require.Contains(t, rec, "If the vote closed now")
	require.Contains(t, e.fail(1, "alliance", "show", "--at-seq", "99"), "accord alliance show: ")
}

// TestCLICommitments makes a commitment on the adopted proposal, reports
// progress and fulfils it; a second is withdrawn.
func TestCLICommitments(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	e.ok("--token-file", w.conv, "voting", "close", w.pid)
	commit := func(desc string) string {
		return e.id("--token-file", w.m2, "commitment", "make", "--proposal", w.pid, "--description", desc,
			"--metric", "percent of units serialised", "--target", "100", "--due", "2027-06-30")
	}
	out := e.ok("--token-file", w.m1, "commitment", "make", "--proposal", w.pid, "--description", "Serialise our own label",
		"--metric", "percent of units serialised", "--target", "100", "--due", "2027-06-30")
	require.Regexp(t, `^Committed to "Serialise our own label" \(0/100 percent of units serialised by 2027-06-30\) on 'Unit-level traceability': [0-9a-f-]{36}\n$`, out)
	cid := strings.TrimSpace(out[strings.LastIndex(out, " "):])
	require.Equal(t, "Progress on \"Serialise our own label\": 40/100 percent of units serialised\n",
		e.ok("--token-file", w.m1, "commitment", "progress", cid, "--value", "40", "--note", "first plant"))
	require.Contains(t, e.fail(1, "--token-file", w.m2, "commitment", "progress", cid, "--value", "50"), "accord commitment progress: ")
	require.Contains(t, e.fail(2, "--token-file", w.m1, "commitment", "progress", cid), "give --value")
	require.Equal(t, "Fulfilled the commitment \"Serialise our own label\" — \"done\"\n",
		e.ok("--token-file", w.m1, "commitment", "fulfil", cid, "--note", "done"))
	other := commit("Train pharmacists")
	require.Equal(t, "Withdrew the commitment \"Train pharmacists\"\n", e.ok("--token-file", w.m2, "commitment", "withdraw", other))

	show := e.ok("alliance", "show")
	require.Regexp(t, `Cardinal Distribution\s+Serialise our own label\s+40/100 percent of units serialised\s+2027-06-30\s+fulfilled`, show)
	require.Regexp(t, `Train pharmacists\s+0/100 percent of units serialised\s+2027-06-30\s+withdrawn`, show)
}

// TestCLIMemberWithdraws has a member leave during a vote: their stance is
// dropped and the alliance shows them withdrawn.
func TestCLIMemberWithdraws(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	require.Equal(t, "Patients for Safe Medicines withdrew from the alliance — \"Merged\"\n",
		e.ok("--token-file", w.m2, "member", "withdraw", w.m2ID, "--reason", "Merged"))
	require.Regexp(t, `Patients for Safe Medicines\s+patient group\s+member\s+withdrawn`, e.ok("alliance", "show"))
	require.Equal(t, "Proposal 'Unit-level traceability' adopted: 2 agree, 0 disagree, 0 abstain, 0 block (consensus 3/4, quorum 1/2)\n",
		e.ok("--token-file", w.conv, "voting", "close", w.pid))
	require.Contains(t, e.ok("record", w.pid), "Patients for Safe Medicines (withdrew at seq 12)")
}
