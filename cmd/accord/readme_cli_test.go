package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// cliWalkthrough is the README's walk-through with the accord command: the
// sh block that starts by making the token directory.
var cliWalkthrough = regexp.MustCompile("(?s)```sh\n(# Tokens are credentials.*?)```")

// cliChildEnv makes this test binary act as the accord command, for the
// README's walk-through to call, with the arguments after "--".
const cliChildEnv = "ACCORD_TEST_CLI"

// TestAccordCLIProcess is the accord command when the walk-through runs
// this binary as such; otherwise it is skipped.
func TestAccordCLIProcess(t *testing.T) {
	if os.Getenv(cliChildEnv) == "" {
		t.Skip("the accord command of TestReadmeCLIWalkthrough")
	}
	os.Exit(run(flag.Args(), os.Stdin, os.Stdout, os.Stderr))
}

// accordShim writes, into a new directory for PATH, an `accord` script that
// runs this test binary as the accord command with its arguments.
func accordShim(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	self, err := filepath.Abs(os.Args[0])
	require.NoError(t, err)
	script := fmt.Sprintf("#!/bin/sh\n%s=1 exec %q -test.run='^TestAccordCLIProcess$' -test.count=1 -- \"$@\"\n", cliChildEnv, self)
	require.NoError(t, os.WriteFile(filepath.Join(bin, "accord"), []byte(script), 0o755))
	return bin
}

// TestReadmeCLIWalkthrough runs the README's accord walk-through, as
// written, against a real accord serve started in ./accord-data of its
// directory, and checks what it shows.
func TestReadmeCLIWalkthrough(t *testing.T) {
	for _, tool := range []string{"bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is needed for the README walk-through", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	m := cliWalkthrough.FindSubmatch(readme)
	require.NotNil(t, m, "README.md has no accord walk-through starting with # Tokens are credentials")

	dir := t.TempDir()
	t.Setenv("ACCORD_ADMIN_TOKEN", "")
	srv := NewMain()
	srv.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	require.NoError(t, srv.ParseFlags([]string{"--http", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "accord-data"), "--nats-listen", "none"}, io.Discard))
	require.NoError(t, srv.Run(t.Context()))
	defer srv.Close()

	cmd := exec.Command("bash", "-euo", "pipefail", "-c", string(m[1]))
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + accordShim(t) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir(), "ACCORD_SERVER=" + srv.URL(), "NO_COLOR=1"}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "walk-through failed:\n%s", out)
	for _, want := range []string{
		"Cardinal Distribution, member of 'Drug Supply Chain Alliance'",
		"Accepted the amendment to 'Unit-level traceability': now version 2",
		"Proposal 'Unit-level traceability' adopted: 3 agree, 0 disagree, 0 abstain, 0 block (consensus 3/4, quorum 1/2)",
		"Decision record: 'Unit-level traceability' — adopted",
		"Verified: 13 events, 1 decision re-derived",
		"Exported 13 events",
		"OK: 13 events in 1 alliance; 1 decision re-derived; 3 signed statements verified",
	} {
		require.Contains(t, string(out), want)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "nothing but the server's data is written where the walk-through runs")
	require.Equal(t, "accord-data", entries[0].Name())
	require.Equal(t, 3, strings.Count(string(out), "Token saved to "), "each token is saved, not shown")
	require.Regexp(t, `Accepted the amendment to 'Unit-level traceability': now version 2 — signed with key [0-9a-f]{16}\n`, string(out),
		"the member with a key signs without asking")
	require.Equal(t, 2, strings.Count(string(out), "— signed with key "), "its acceptance and its vote (its proposal is submitted with -q)")
	require.NotContains(t, string(out), "shown once")
}
