package main

import (
	"bytes"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCLIHelp checks that every command answers --help on stdout, exit 0,
// with its usage, an example and its flags; and that the groups and
// `accord help COMMAND` answer too.
func TestCLIHelp(t *testing.T) {
	e := &cliEnv{t: t}
	for _, cmd := range clientCommands() {
		args := append(strings.Fields(cmd.path), "--help")
		out := e.ok(args...)
		require.True(t, strings.HasPrefix(out, "Usage: accord "+cmd.path+" "), out)
		require.Contains(t, out, "\nExample:\n  accord ", cmd.path)
		require.Contains(t, out, "--server URL", cmd.path)
		require.NotContains(t, out, cliAdminToken, "help never shows a token")
		for _, f := range commandFlags(cmd) {
			require.Contains(t, out, f[0], cmd.path)
		}
	}
	for _, g := range []string{"alliance", "member", "observer", "key", "proposal", "amendment", "voting", "commitment", "audit"} {
		out := e.ok(g, "--help")
		require.Contains(t, out, "Usage: accord "+g+" COMMAND", g)
	}
	require.True(t, strings.HasPrefix(e.ok("help", "vote"), "Usage: accord vote PROPOSAL STANCE [flags]"))
	require.Contains(t, e.ok("help"), "audit list|export|head|verify")
	require.Contains(t, e.ok("--json", "--help"), "Client commands")
}

// TestCLIHelpExamplesParse runs every example in the help through the
// command's flag parsing, so that no example names a flag or an argument
// the command does not take.
func TestCLIHelpExamplesParse(t *testing.T) {
	for _, cmd := range clientCommands() {
		for _, line := range exampleCommands(cmd.example) {
			words := shellWords(t, line)
			require.Equal(t, "accord", words[0], line)
			g := &globals{}
			pre := flag.NewFlagSet("accord", flag.ContinueOnError)
			pre.SetOutput(io.Discard)
			g.register(pre)
			require.NoError(t, pre.Parse(words[1:]), line)
			found, args, ok := findCommand(pre.Args())
			require.True(t, ok, line)
			require.Equal(t, cmd.path, found.path, line)
			fs := flag.NewFlagSet(found.path, flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			found.setup(fs)
			g.register(fs)
			pos, err := parseInterspersed(fs, args)
			require.NoError(t, err, line)
			require.NoError(t, checkParams(found, pos), line)
		}
	}
}

// exampleCommands returns the accord commands in an example: continuation
// lines joined, the command inside $(…), without pipes, redirections and
// comments.
func exampleCommands(example string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(example, "\\\n", " "), "\n") {
		if i := strings.Index(line, "(accord"); i >= 0 {
			line = line[i+1 : strings.LastIndex(line, ")")]
		}
		for _, sep := range []string{" | ", " > ", "  #"} {
			if i := strings.Index(line, sep); i >= 0 {
				line = line[:i]
			}
		}
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "accord ") {
			out = append(out, line)
		}
	}
	return out
}

// shellWords splits a command line as a shell would, for the quoting the
// examples use.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur bytes.Buffer
	inWord, quote := false, byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	require.Zero(t, quote, "unbalanced quotes: %s", line)
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
