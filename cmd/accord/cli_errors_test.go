package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCLIServerErrors checks that a refused command prints the server's
// message and exits 1, and writes nothing.
func TestCLIServerErrors(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	fda := e.path("fda.token")
	e.ok("observer", "add", "--name", "FDA", "--save-token", fda)
	head := e.ok("audit", "head")

	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--token-file", fda, "vote", w.pid, "agree"}, "accord vote: observers read and never write\n"},
		{[]string{"--token-file", w.m1, "voting", "close", w.pid}, "accord voting close: "},
		{[]string{"--token-file", w.m2, "amendment", "accept", w.pid, w.amid}, "accord amendment accept: "},
		{[]string{"--token", "not-a-token", "alliance", "list"}, "accord alliance list: "},
		{[]string{"--token", "", "alliance", "list"}, "(no token given: use --token, --token-file, ACCORD_TOKEN or ACCORD_TOKEN_FILE)"},
		{[]string{"proposal", "show", "0190a0a0-0000-7000-8000-000000000000"}, "no proposal 0190a0a0-0000-7000-8000-000000000000"},
		{[]string{"proposal", "show", "not-a-uuid"}, `pid "not-a-uuid" is not a uuid`},
	}
	for _, c := range cases {
		if c.args[0] == "--token" && c.args[1] == "" {
			t.Setenv("ACCORD_TOKEN", "")
		}
		errOut := e.fail(1, c.args...)
		require.Contains(t, errOut, c.want, "accord %s", strings.Join(c.args, " "))
		require.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		t.Setenv("ACCORD_TOKEN", cliAdminToken)
	}
	require.Equal(t, head, e.ok("audit", "head"), "refused commands write nothing")
}

// TestCLIUsageErrors checks that mistakes in how a command is called exit 2
// with a pointer to its help, before anything is sent.
func TestCLIUsageErrors(t *testing.T) {
	e := newCLIEnv(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"proposal", "bogus"}, `unknown command "proposal bogus"`},
		{[]string{"proposal"}, "Usage: accord proposal COMMAND"},
		{[]string{"vote", "x"}, "accord vote: missing STANCE\nRun \"accord vote --help\" for usage."},
		{[]string{"vote", "x", "agree", "extra"}, `unexpected argument "extra"`},
		{[]string{"vote", "--stance", "agree"}, "flag provided but not defined: --stance"},
		{[]string{"proposal", "list"}, "which alliance? give --alliance ID or set ACCORD_ALLIANCE"},
		{[]string{"alliance", "create", "--name", "x"}, "give --name and --purpose"},
		{[]string{"alliance", "show", "--alliance", "a", "--at-seq", "3", "--at", "2026-01-01"}, "give --at-seq or --at, not both"},
		{[]string{"alliance", "show", "--alliance", "a", "--at", "yesterday"}, `"yesterday" is not a time`},
		{[]string{"--token", "t", "--token-file", "f", "alliance", "list"}, "give --token or --token-file, not both"},
		{[]string{"member", "add", "--alliance", "a", "--name", "n", "--sector", "s", "-q"}, "with -q, give --save-token FILE"},
		{[]string{"completion", "tcsh"}, `completion is for bash, zsh or fish, not "tcsh"`},
		{[]string{"vote", "0190a0a0", "maybe"}, `accord vote: "maybe" is not a stance: give agree, disagree, abstain or block`},
		{[]string{"--bogus", "alliance", "list"}, "flag provided but not defined: --bogus"},
	}
	for _, c := range cases {
		require.Contains(t, e.fail(2, c.args...), c.want, "accord %s", strings.Join(c.args, " "))
	}
}

// TestCLIUnreachable names the server it cannot reach.
func TestCLIUnreachable(t *testing.T) {
	t.Setenv("ACCORD_TOKEN", "t")
	status, _, errOut := (&cliEnv{t: t}).run("--server", "http://127.0.0.1:1", "audit", "head", "--alliance", "0190a0a0-0000-7000-8000-000000000000")
	require.Equal(t, 1, status)
	require.Contains(t, errOut, "cannot reach the accord server at http://127.0.0.1:1")
}

// TestCLITokenSources checks where the token comes from: --token, else
// --token-file, else ACCORD_TOKEN, else ACCORD_TOKEN_FILE. Explicit flags win
// over the environment, so a member's token file is never overridden by an
// admin token left in the environment.
func TestCLITokenSources(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	whoSubmits := func(args ...string) string {
		t.Helper()
		pid := e.id(append(args, "proposal", "submit", "--title", "Who am I", "--body", "b")...)
		out := e.ok("proposal", "show", pid)
		return out[strings.Index(out, "author"):strings.Index(out, "\n\n")]
	}
	require.Contains(t, whoSubmits("--token-file", w.m1), "Cardinal Distribution")
	require.Contains(t, whoSubmits("--token", strings.TrimSpace(readFile(t, w.m2))), "Patients for Safe Medicines")

	t.Setenv("ACCORD_TOKEN", "")
	t.Setenv("ACCORD_TOKEN_FILE", w.conv)
	require.Contains(t, whoSubmits(), "Intermountain Health")
	t.Setenv("ACCORD_TOKEN", strings.TrimSpace(readFile(t, w.m1)))
	require.Contains(t, whoSubmits(), "Cardinal Distribution", "ACCORD_TOKEN before ACCORD_TOKEN_FILE")

	empty := e.path("empty.token")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o600))
	require.Contains(t, e.fail(1, "--token-file", empty, "alliance", "list"), "is empty")
	require.Contains(t, e.fail(2, "member", "add", "--name", "x", "--sector", "y", "--save-token", w.m1), "already exists")
}

// TestCLIGlobalFlagsAnywhere accepts the global flags before the command,
// between its arguments, and after them.
func TestCLIGlobalFlagsAnywhere(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	t.Setenv("ACCORD_ALLIANCE", "")
	for _, args := range [][]string{
		{"--alliance", w.aid, "--token-file", w.m1, "vote", w.pid, "disagree", "--reason", "cost"},
		{"vote", "--alliance", w.aid, w.pid, "--token-file", w.m1, "disagree", "--reason", "cost"},
		{"vote", w.pid, "disagree", "-a", w.aid, "--reason", "cost", "--token-file", w.m1},
	} {
		require.Regexp(t, `^Recorded disagree on 'Unit-level traceability' \(seq \d+\)\n$`, e.ok(args...))
	}
	require.Regexp(t, `^Recorded abstain`, e.ok("-a", w.aid, "--token-file", w.m1, "vote", "--", w.pid, "abstain"))
}
