package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCLIWalkthrough does the README's walk-through with accord commands
// only, as the README writes them (the admin's token from
// ACCORD_TOKEN_FILE, the others' from --token-file), and checks what each
// prints for people.
func TestCLIWalkthrough(t *testing.T) {
	e := newCLIEnv(t)
	admin := e.path("admin.token")
	require.NoError(t, os.WriteFile(admin, []byte(cliAdminToken+"\n"), 0o600))
	t.Setenv("ACCORD_TOKEN", "")
	t.Setenv("ACCORD_TOKEN_FILE", admin)
	w := e.walkthrough()
	require.Regexp(t, `^acc_`, readFile(t, w.m1))

	out := e.ok("--token-file", w.conv, "voting", "close", w.pid)
	require.Equal(t, "Proposal 'Unit-level traceability' adopted: 3 agree, 0 disagree, 0 abstain, 0 block (consensus 3/4, quorum 1/2)\n", out)
	require.NotContains(t, out, "\x1b", "no colour off a terminal")

	rec := e.ok("record", w.pid)
	for _, want := range []string{
		"Decision record: 'Unit-level traceability' — adopted",
		"Adopted under consensus (3/4, quorum 1/2): 3 of 3 eligible took part (quorum 2)",
		"6    accepted  seq 7 by Cardinal Distribution",
		`agree #10 "Patients first."`,
		"12   VotingClosed",
	} {
		require.Contains(t, rec, want)
	}
	list := e.ok("audit", "list")
	require.Len(t, strings.Split(strings.TrimSpace(list), "\n"), 13)
	require.Contains(t, list, `Cardinal Distribution: agree — "Patients first."`)
	require.Regexp(t, `^Head: seq 12, hash [0-9a-f]{64}\n$`, e.ok("audit", "head"))
	require.Contains(t, e.ok("audit", "verify"), "Verified: 12 events, 1 decision re-derived")
	require.Contains(t, e.ok("audit", "export", "-o", e.path("ledger.ndjson")), "Exported 12 events")
}

// TestCLIActions checks the one-line results of the commands that change
// the ledger.
func TestCLIActions(t *testing.T) {
	e := newCLIEnv(t)
	out := e.ok("alliance", "create", "--name", "Dual Eligible Coalition", "--purpose", "Integrated care", "--rule", "supermajority")
	require.Regexp(t, `^Formed alliance 'Dual Eligible Coalition' \(supermajority 2/3, quorum 1/2\): [0-9a-f-]{36}\n$`, out)
	aid := strings.TrimSpace(out[strings.LastIndex(out, " "):])
	t.Setenv("ACCORD_ALLIANCE", aid)

	out = e.ok("member", "add", "--name", "Payer", "--sector", "payer", "--role", "convener")
	require.Regexp(t, `^Admitted Payer as convener: [0-9a-f-]{36}\nToken \(shown once; keep it safe\): acc_\S+\n$`, out)
	conv := strings.TrimSpace(out[strings.LastIndex(out, " "):])
	mid := e.id("--token", conv, "member", "add", "--name", "Clinic", "--sector", "provider", "--save-token", e.path("clinic.token"))
	clinic := e.path("clinic.token")
	require.Contains(t, e.ok("observer", "add", "--name", "Regulator", "--save-token", e.path("reg.token")), "Added Regulator as observer: ")

	pid := e.id("--token-file", clinic, "proposal", "submit", "--title", "Shared care plan", "--body", "One plan per patient.")
	amid := e.id("--token", conv, "amend", pid, "--body", "One plan per patient, shared.", "--rationale", "Say shared")
	require.Equal(t, "Rejected the amendment to 'Shared care plan': it stays at version 1\n",
		e.ok("--token-file", clinic, "amendment", "reject", pid, amid))
	require.Regexp(t, `^Proposed amendment [0-9a-f-]{36} to 'Shared care plan'\n$`,
		e.ok("--token", conv, "amend", pid, "--body", "Two plans.", "--rationale", "Why not"))
	require.Equal(t, "Withdrew proposal 'Shared care plan' — \"Rethinking\"\n",
		e.ok("--token-file", clinic, "proposal", "withdraw", pid, "--reason", "Rethinking"))

	require.Equal(t, "Clinic withdrew from the alliance — \"Closing\"\n",
		e.ok("--token", conv, "member", "withdraw", mid, "--reason", "Closing"))
}

// TestCLIBodyFromStdin reads a proposal's text from standard input.
func TestCLIBodyFromStdin(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	status, out, errOut := e.runIn(strings.NewReader("Line one.\nLine two.\n"), "--token-file", w.m2, "proposal", "submit",
		"--kind", "position", "--title", "From stdin", "--body-file", "-", "--json")
	require.Equal(t, 0, status, errOut)
	var p struct {
		Body, Kind string
		Version    int
	}
	require.NoError(t, json.Unmarshal([]byte(out), &p))
	require.Equal(t, "Line one.\nLine two.", p.Body)
	require.Equal(t, "position", p.Kind)
}
