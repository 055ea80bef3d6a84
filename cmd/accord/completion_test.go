package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// complete runs the bash completion script for a command line whose last
// word is being completed, and returns the candidates.
func complete(t *testing.T, script string, words ...string) []string {
	t.Helper()
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + w + "'"
	}
	prog := script + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" +
		itoa(len(words)-1) + "\n_accord\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	out, err := exec.Command("bash", "--norc", "-c", prog).CombinedOutput()
	require.NoError(t, err, string(out))
	return strings.Fields(string(out))
}

func itoa(n int) string { return uitoa(uint64(n)) }

// TestBashCompletion loads the bash script and completes commands,
// subcommands, flags (after global flags with values too) and stances.
func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash here")
	}
	script := (&cliEnv{t: t}).ok("completion", "bash")
	require.Equal(t, []string{"proposal"}, complete(t, script, "accord", "prop"))
	require.ElementsMatch(t, []string{"amend", "amendment", "alliance", "audit"}, complete(t, script, "accord", "a"))
	require.ElementsMatch(t, []string{"submit", "show"}, complete(t, script, "accord", "proposal", "s"))
	require.ElementsMatch(t, []string{"--title", "--threshold", "--token", "--token-file"},
		complete(t, script, "accord", "--server", "http://x", "proposal", "submit", "--t"))
	require.ElementsMatch(t, []string{"agree", "abstain"}, complete(t, script, "accord", "-a", "A", "vote", "P", "a"))
	require.Contains(t, complete(t, script, "accord", "audit", "export", "-"), "--output")
	require.ElementsMatch(t, []string{"bash"}, complete(t, script, "accord", "completion", "b"))
	require.ElementsMatch(t, []string{"fish"}, complete(t, script, "accord", "completion", "f"))
	require.ElementsMatch(t, []string{"whoami", "witness", "workgroup", "watch"}, complete(t, script, "accord", "w"))
	require.ElementsMatch(t, []string{"revoke", "issue"}, complete(t, script, "accord", "token", ""))
}

// TestZshCompletion checks the zsh script names every command and flag,
// and parses when zsh is here.
func TestZshCompletion(t *testing.T) {
	script := (&cliEnv{t: t}).ok("completion", "zsh")
	require.True(t, strings.HasPrefix(script, "#compdef accord\n"))
	for _, cmd := range clientCommands() {
		require.Contains(t, script, `("`+cmd.path+`") items=(`)
	}
	require.Contains(t, script, `'--save-token:write the member'\''s token to this new FILE (mode 0600)'`)
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Log("no zsh here: the script's syntax is not checked")
		return
	}
	out, err := exec.Command("zsh", "-n", "-c", script).CombinedOutput()
	require.NoError(t, err, string(out))
	// Outside a completion widget, stand in for _describe and _files: print
	// what would be offered.
	run := func(current int, words ...string) string {
		prog := "compdef() { :; }\n_describe() { local a; for a; do :; done; print -l -- ${(P)a}; }\n_files() { print FILES; }\n" +
			script + "\nwords=(" + strings.Join(words, " ") + ")\nCURRENT=" + itoa(current) + "\n_accord\n"
		out, err := exec.Command("zsh", "-f", "-c", prog).CombinedOutput()
		require.NoError(t, err, string(out))
		return string(out)
	}
	require.Contains(t, run(3, "accord", "proposal", "s"), "submit:submit a proposal (member)\n")
	require.Equal(t, "agree\ndisagree\nabstain\nblock\n", run(6, "accord", "--server", "http://x", "vote", "P", "a"))
	require.Equal(t, "FILES\n", run(5, "accord", "audit", "export", "-o", "x"))
	require.Contains(t, run(4, "accord", "audit", "export", "--"), "--output:write to FILE instead of standard output\n")
}

// TestFishCompletion checks the fish script declares every command and its
// flags, and, when fish is here, completes commands, subcommands, flags
// (after global flags with values too), stances and file names with it.
func TestFishCompletion(t *testing.T) {
	script := (&cliEnv{t: t}).ok("completion", "fish")
	for _, cmd := range clientCommands() {
		if first, sub, ok := strings.Cut(cmd.path, " "); ok {
			require.Contains(t, script, "complete -c accord -n '__accord_at "+first+"' -a '"+sub+"' -d ")
		}
		for _, f := range commandFlags(cmd) {
			if name := strings.TrimLeft(f[0], "-"); !isGlobal(name) && len(name) > 1 {
				require.Contains(t, script, "-n '__accord_in "+cmd.path+"' -l "+name, cmd.path)
			}
		}
	}
	require.Contains(t, script, `-d 'write the member\'s token to this new FILE (mode 0600)'`)
	if _, err := exec.LookPath("fish"); err != nil {
		t.Log("no fish here: the script is not run")
		return
	}
	out, err := exec.Command("fish", "--no-config", "-n", "-c", script).CombinedOutput()
	require.NoError(t, err, string(out))
	complete := func(line string) []string {
		t.Helper()
		out, err := exec.Command("fish", "--no-config", "-c", script+"\ncomplete -C '"+line+"'").CombinedOutput()
		require.NoError(t, err, string(out))
		var words []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			word, _, _ := strings.Cut(l, "\t")
			words = append(words, word)
		}
		return words
	}
	require.Equal(t, []string{"proposal"}, complete("accord prop"))
	require.ElementsMatch(t, []string{"submit", "show"}, complete("accord proposal s"))
	require.ElementsMatch(t, []string{"--title", "--threshold", "--token", "--token-file"},
		complete("accord --server http://x proposal submit --t"))
	require.ElementsMatch(t, []string{"agree", "abstain"}, complete("accord -a A vote P a"))
	require.Contains(t, complete("accord audit export -"), "--output")
	require.ElementsMatch(t, []string{"fish"}, complete("accord completion f"))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ledger.ndjson"), nil, 0o600))
	require.Equal(t, []string{filepath.Join(dir, "ledger.ndjson")}, complete("accord audit export -o "+dir+"/led"))
}
