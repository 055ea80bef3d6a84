package main

import (
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

// curlWalkthrough is the README's curl walk-through: the first sh block that
// sets A=.
var curlWalkthrough = regexp.MustCompile("(?s)```sh\n(A=http://127.0.0.1:8080\n.*?)```")

// TestReadmeCurlWalkthrough runs the README's curl walk-through, as written,
// against a real accord serve started in ./accord-data of its directory, and
// checks the vote it shows ends adopted.
func TestReadmeCurlWalkthrough(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is needed for the README walk-through", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	m := curlWalkthrough.FindSubmatch(readme)
	require.NotNil(t, m, "README.md has no curl walk-through starting with A=http://127.0.0.1:8080")

	dir := t.TempDir()
	t.Setenv("ACCORD_ADMIN_TOKEN", "")
	srv := NewMain()
	srv.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	require.NoError(t, srv.ParseFlags([]string{"--http", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "accord-data"), "--nats-listen", "none"}, io.Discard))
	require.NoError(t, srv.Run(t.Context()))
	defer srv.Close()

	script := strings.Replace(string(m[1]), "http://127.0.0.1:8080", srv.URL(), 1)
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "walk-through failed:\n%s", out)
	require.Contains(t, string(out), `"result":"adopted"`)
	require.Contains(t, string(out), `"events":[`)
	require.NotContains(t, string(out), `"error":`)
}
