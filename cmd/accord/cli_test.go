package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const cliAdminToken = "cli-test-admin-token"

// cliEnv is a real `accord serve` on a loopback port and a temporary data
// dir, with the client's environment pointing at it.
type cliEnv struct {
	t   *testing.T
	m   *Main
	dir string
}

// newCLIEnv starts the server and sets ACCORD_SERVER and ACCORD_TOKEN (the
// admin's) for the commands the test runs; ACCORD_ALLIANCE and
// ACCORD_KEY_FILE are cleared, and the config directory, where member keys
// go by default, is one of the test's own (XDG_CONFIG_HOME).
func newCLIEnv(t *testing.T) *cliEnv {
	t.Helper()
	m := NewMain()
	m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	require.NoError(t, m.ParseFlags([]string{"--http", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "data"), "--nats-listen", "none"}, io.Discard))
	m.AdminToken = cliAdminToken
	require.NoError(t, m.Run(context.Background()))
	t.Cleanup(func() { _ = m.Close() })
	for _, name := range []string{"ACCORD_TOKEN_FILE", "ACCORD_ALLIANCE", "ACCORD_KEY_FILE", "NO_COLOR"} {
		t.Setenv(name, "")
	}
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("ACCORD_SERVER", m.URL())
	t.Setenv("ACCORD_TOKEN", cliAdminToken)
	return &cliEnv{t: t, m: m, dir: dir}
}

// run runs accord with args and returns its exit status and output.
func (e *cliEnv) run(args ...string) (status int, stdout, stderr string) {
	return e.runIn(nil, args...)
}

func (e *cliEnv) runIn(stdin io.Reader, args ...string) (int, string, string) {
	e.t.Helper()
	var out, errOut bytes.Buffer
	status := run(args, stdin, &out, &errOut)
	return status, out.String(), errOut.String()
}

// ok runs accord, requires it to succeed, and returns its standard output.
func (e *cliEnv) ok(args ...string) string {
	e.t.Helper()
	status, out, errOut := e.run(args...)
	require.Equal(e.t, 0, status, "accord %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errOut)
	return out
}

// id runs a command with -q and returns the id it prints.
func (e *cliEnv) id(args ...string) string {
	e.t.Helper()
	out := strings.TrimSpace(e.ok(append(args, "-q")...))
	require.Len(e.t, out, 36, "not an id: %q", out)
	return out
}

// fail runs accord, requires the exit status, and returns standard error.
func (e *cliEnv) fail(status int, args ...string) string {
	e.t.Helper()
	got, out, errOut := e.run(args...)
	require.Equal(e.t, status, got, "accord %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errOut)
	return errOut
}

// path returns a file name in the test's directory.
func (e *cliEnv) path(name string) string { return filepath.Join(e.dir, name) }

// walkthrough is the README's walk-through done with accord commands: an
// alliance of a convener and two members, a proposal amended once, voted
// and adopted.
type walkthrough struct {
	aid, pid, amid string
	conv, m1, m2   string // token files
	m2ID           string // a member's id
}

func (e *cliEnv) walkthrough() walkthrough {
	e.t.Helper()
	var w walkthrough
	w.aid = e.id("alliance", "create", "--name", "Drug Supply Chain Alliance", "--purpose", "Unit-level traceability",
		"--rule", "consensus", "--quorum", "1/2", "--threshold", "3/4")
	e.t.Setenv("ACCORD_ALLIANCE", w.aid)
	w.conv, w.m1, w.m2 = e.path("conv.token"), e.path("m1.token"), e.path("m2.token")
	e.id("member", "add", "--name", "Intermountain Health", "--sector", "health system", "--role", "convener", "--save-token", w.conv)
	e.id("member", "add", "--name", "Cardinal Distribution", "--sector", "distributor", "--save-token", w.m1)
	w.m2ID = e.id("member", "add", "--name", "Patients for Safe Medicines", "--sector", "patient group", "--save-token", w.m2)
	w.pid = e.id("--token-file", w.m1, "proposal", "submit", "--kind", "resolution", "--title", "Unit-level traceability",
		"--body", "Serialise every unit by 2027.")
	w.amid = e.id("--token-file", w.m2, "amend", w.pid, "--body", "Serialise every unit by 2027, with a hardship waiver for small pharmacies.",
		"--rationale", "Small pharmacies need time.")
	require.Equal(e.t, "Accepted the amendment to 'Unit-level traceability': now version 2\n",
		e.ok("--token-file", w.m1, "amendment", "accept", w.pid, w.amid))
	require.Equal(e.t, "Voting opened on 'Unit-level traceability' (version 2, consensus 3/4, quorum 1/2): 3 members eligible\n",
		e.ok("--token-file", w.conv, "voting", "open", w.pid))
	for _, tok := range []string{w.conv, w.m1, w.m2} {
		require.Regexp(e.t, `^Recorded agree on 'Unit-level traceability' \(seq \d+\)\n$`,
			e.ok("--token-file", tok, "vote", w.pid, "agree", "--reason", "Patients first."))
	}
	return w
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(raw)
}
