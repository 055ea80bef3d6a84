package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// pythonBlock matches a fenced Python block of docs/VERIFYING.md whose first
// line names its file: "# verify_chain.py: …".
var pythonBlock = regexp.MustCompile("(?s)```python\n(# ([a-z_]+\\.py):.*?)```")

// docPrograms returns the Python programs of docs/VERIFYING.md by file name,
// written to a temporary directory.
func docPrograms(t *testing.T) map[string]string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "VERIFYING.md"))
	require.NoError(t, err)
	dir := t.TempDir()
	out := map[string]string{}
	for _, m := range pythonBlock.FindAllSubmatch(doc, -1) {
		path := filepath.Join(dir, string(m[2]))
		require.NoError(t, os.WriteFile(path, m[1], 0o600))
		out[string(m[2])] = path
	}
	require.Contains(t, out, "verify_chain.py")
	require.Contains(t, out, "verify_outcomes.py")
	lines := strings.Count(string(pythonBlock.FindSubmatch(doc)[1]), "\n")
	require.LessOrEqual(t, lines, 25, "the page promises a chain verifier of about 20 lines")
	return out
}

// python3 returns the interpreter, or skips the test when there is none,
// unless CI is set: there the documented verifier must run.
func python3(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 is needed to test the verifiers of docs/VERIFYING.md: %v", err)
		}
		t.Skip("python3 is not installed; the verifiers of docs/VERIFYING.md are tested where it is (always in CI)")
	}
	return path
}

// runDocProgram runs one of the page's programs on input; it returns the exit
// code and the combined output.
func runDocProgram(t *testing.T, python, program string, input []byte, args ...string) (int, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "ledger.ndjson")
	require.NoError(t, os.WriteFile(file, input, 0o600))
	cmd := exec.Command(python, append([]string{program, file}, args...)...)
	out, err := cmd.CombinedOutput()
	if exitErr, ok := err.(*exec.ExitError); ok {
		return exitErr.ExitCode(), string(out)
	}
	require.NoError(t, err, "%s", out)
	return 0, string(out)
}

// TestVerifyingDocPrograms runs the Python verifiers printed in
// docs/VERIFYING.md against a real export, untouched and tampered, and
// checks they agree with accord verify.
func TestVerifyingDocPrograms(t *testing.T) {
	python := python3(t)
	programs := docPrograms(t)
	chain, outcomes := programs["verify_chain.py"], programs["verify_outcomes.py"]
	x, y := exportFromServer(t)

	both := append(append([]byte{}, x.raw...), y.raw...)
	code, out := runDocProgram(t, python, chain, both)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "alliance "+x.aid+": seq "+strconv.Itoa(x.headSeq)+", head "+x.headHash)
	require.Contains(t, out, y.headHash)
	code, out = runDocProgram(t, python, chain, x.raw, x.headHash)
	require.Equal(t, 0, code, out)
	code, out = runDocProgram(t, python, outcomes, both)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "4 outcomes re-derived")

	for _, c := range tamperings(t, x) {
		t.Run(c.name, func(t *testing.T) {
			input := frame(c.lines)
			accord, _, _ := runVerify(t, input)
			require.Equal(t, 1, accord)
			code, out := runDocProgram(t, python, chain, input)
			if !c.rechained {
				require.NotEqual(t, 0, code, "the chain verifier must catch %s: %s", c.name, out)
				return
			}
			// A recomputed chain holds, but its head is not the one taken
			// before, and the outcome no longer re-derives.
			require.Equal(t, 0, code, out)
			code, out = runDocProgram(t, python, chain, input, x.headHash)
			require.NotEqual(t, 0, code, out)
			code, out = runDocProgram(t, python, outcomes, input)
			require.NotEqual(t, 0, code, out)
			require.Contains(t, out, "seq "+strconv.Itoa(c.seq))
		})
	}

	// A CRLF copy is not the stored bytes.
	code, out = runDocProgram(t, python, chain, bytes.ReplaceAll(x.raw, []byte("\n"), []byte("\r\n")))
	require.NotEqual(t, 0, code, out)
}
