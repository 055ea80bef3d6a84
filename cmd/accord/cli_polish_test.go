package main

import (
	"encoding/json"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCLIDidYouMean names the nearest command to a mistyped one, and exits 2.
func TestCLIDidYouMean(t *testing.T) {
	e := &cliEnv{t: t}
	cases := map[string][]string{
		`unknown command "propsal"; did you mean "proposal"?`:                {"propsal", "list"},
		`unknown command "vtoe"; did you mean "vote"?`:                       {"vtoe", "x", "agree"},
		`unknown command "audit hed"; did you mean "audit head"?`:            {"audit", "hed"},
		`unknown command "commitment lsit"; did you mean "commitment list"?`: {"commitment", "lsit"},
		`unknown command "whoam"; did you mean "whoami"?`:                    {"whoam"},
		`unknown command "verison"; did you mean "version"?`:                 {"verison"},
	}
	for want, args := range cases {
		require.Contains(t, e.fail(2, args...), want, strings.Join(args, " "))
	}
	errOut := e.fail(2, "xyzzy")
	require.Contains(t, errOut, `unknown command "xyzzy"`)
	require.NotContains(t, errOut, "did you mean")
	require.Equal(t, "", nearest("s", []string{"serve", "show"}), "two equally near: no guess")
	require.Equal(t, 1, editDistance("vtoe", "vote"), "a swap is one edit")
	require.Equal(t, 3, editDistance("", "abc"))
}

// TestCLIJSONErrors reports errors under --json in the documented shape on
// standard error, with the exit status unchanged.
func TestCLIJSONErrors(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	fda := e.path("fda.token")
	e.ok("observer", "add", "--name", "FDA", "--save-token", fda)
	cases := []struct {
		status int
		args   []string
		code   string
		msg    string
	}{
		{2, []string{"vote", w.pid, "maybe", "--json"}, "usage", `"maybe" is not a stance: give agree, disagree, abstain or block`},
		{2, []string{"--json", "propsal"}, "usage", `unknown command "propsal"; did you mean "proposal"?`},
		{2, []string{"--json", "vote", "--stance", "x"}, "usage", "flag provided but not defined: --stance"},
		{1, []string{"--json", "--token-file", fda, "vote", w.pid, "agree"}, "forbidden", "observers read and never write"},
		{1, []string{"--json", "proposal", "show", "0190a0a0-0000-7000-8000-000000000000"}, "not_found", "no proposal 0190a0a0-0000-7000-8000-000000000000"},
		{1, []string{"--json", "proposal", "show", "fff"}, "not_found", `no proposal has an id starting with "fff"`},
		{1, []string{"--json", "--server", "http://127.0.0.1:1", "audit", "head"}, "unreachable", "cannot reach the accord server at http://127.0.0.1:1"},
	}
	for _, c := range cases {
		status, out, errOut := e.run(c.args...)
		require.Equal(t, c.status, status, "%v: %s", c.args, errOut)
		require.Empty(t, out)
		var body struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		require.NoError(t, json.Unmarshal([]byte(errOut), &body), "not JSON: %q", errOut)
		require.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		require.Equal(t, c.code, body.Error.Code, "%v", c.args)
		require.Contains(t, body.Error.Message, c.msg, "%v", c.args)
	}
}

// TestCLIVersion prints the binary's version and Go toolchain.
func TestCLIVersion(t *testing.T) {
	e := &cliEnv{t: t}
	out := e.ok("version")
	require.Regexp(t, `^accord \S+ \(`+regexp.QuoteMeta(runtime.Version())+`, `+runtime.GOOS+`/`+runtime.GOARCH+`\)\n`, out)
	var v buildVersion
	require.NoError(t, json.Unmarshal([]byte(e.ok("version", "--json")), &v))
	require.Equal(t, runtime.Version(), v.Go)
	require.NotEmpty(t, v.Version)
	require.Equal(t, out, e.ok("--version"))
	require.Contains(t, e.ok("version", "--help"), "Usage: accord version")
	require.Contains(t, e.fail(2, "version", "extra"), `unexpected argument "extra"`)
}

// TestCLIHelpTwoDashes: every help, the server's, verify's and bench's
// included (which they write on standard error), writes its flags with two
// dashes.
func TestCLIHelpTwoDashes(t *testing.T) {
	e := &cliEnv{t: t}
	oneDash := regexp.MustCompile(`(?m)^\s+-[a-z][a-z-]`)
	for _, args := range [][]string{{"serve", "--help"}, {"verify", "-h"}, {"bench", "--help"}, {"vote", "--help"}, {"help", "audit export"}} {
		status, out, errOut := e.run(args...)
		require.Equal(t, 0, status, args)
		help := out + errOut
		require.Regexp(t, `(?m)^\s+(-[a-z], )?--[a-z]`, help, args)
		require.NotRegexp(t, oneDash, help, "%v:\n%s", args, help)
	}
	_, _, serveHelp := e.run("serve", "--help")
	require.Contains(t, serveHelp, "  --http address")
	_, _, verifyHelp := e.run("verify", "--help")
	require.Contains(t, verifyHelp, "  --head HASH")
}

// TestTwoDashesInFlagErrors writes the flags of flag errors as help does.
func TestTwoDashesInFlagErrors(t *testing.T) {
	e := &cliEnv{t: t}
	require.Contains(t, e.fail(2, "audit", "list", "--limit", "many", "-a", "x"), `invalid value "many" for --limit: parse error`)
	require.Contains(t, e.fail(2, "vote", "p", "agree", "--reason"), "flag needs an argument: --reason")
	require.Contains(t, e.fail(2, "--bogus", "alliance", "list"), "flag provided but not defined: --bogus")
}

// TestFlagsFirst moves verify's flags, with their values, before FILE.
func TestFlagsFirst(t *testing.T) {
	cases := map[string]string{
		"f.ndjson --head H":            "--head H f.ndjson",
		"--head H f.ndjson":            "--head H f.ndjson",
		"f.ndjson --head=H -":          "--head=H f.ndjson -",
		"--head A f.ndjson --head B":   "--head A --head B f.ndjson",
		"f.ndjson --help":              "--help f.ndjson",
		"--head A -- -odd-name.ndjson": "--head A -- -odd-name.ndjson",
		"a.ndjson -- --head":           "-- a.ndjson --head",
		"f.ndjson --head":              "--head f.ndjson",
	}
	for in, want := range cases {
		require.Equal(t, strings.Fields(want), flagsFirst(strings.Fields(in)), in)
	}
}

// TestCLIVerifyFlagsAfterFile checks an export with --head after the file.
func TestCLIVerifyFlagsAfterFile(t *testing.T) {
	e := newCLIEnv(t)
	e.walkthrough()
	file := e.path("ledger.ndjson")
	e.ok("audit", "export", "-o", file)
	head := jsonOf(t, e.ok("audit", "head", "--json"))["hash"].(string)
	require.Contains(t, e.ok("verify", file, "--head", head), "OK: 11 events")
	other := strings.Repeat("0", 64)
	status, out, _ := e.run("verify", file, "--head", other)
	require.Equal(t, 1, status, out)
	require.Contains(t, out, other)
}
