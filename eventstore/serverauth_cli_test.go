package eventstore_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/eventstore"
)

// natsCLI runs the real nats CLI as the reader of srv and returns its exit
// error and output. The CLI's stream view pages only on a terminal, so with
// tty set it runs under script(1), which gives it one.
func natsCLI(t *testing.T, srv *eventstore.Server, tty bool, args ...string) (string, error) {
	t.Helper()
	cli, err := exec.LookPath("nats")
	if err != nil {
		t.Skip("the nats CLI is not installed (go install github.com/nats-io/natscli/nats@latest)")
	}
	args = append([]string{"--server", srv.ClientURL(), "--user", eventstore.ReaderUser, "--password", testReaderPassword, "--timeout", "3s", "--no-context"}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli, args...)
	if tty {
		script, err := exec.LookPath("script")
		if err != nil {
			t.Skip("script(1) is needed to give the nats CLI a terminal")
		}
		quoted := make([]string, 0, len(args)+1)
		for _, a := range append([]string{cli}, args...) {
			quoted = append(quoted, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
		}
		cmd = exec.CommandContext(ctx, script, "-qec", strings.Join(quoted, " "), "/dev/null")
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestReaderWithTheNatsCLI is how a regulator reads the raw log: the real
// nats CLI, logged in as reader, shows the stream, its messages and one
// message, and cannot read a bucket, publish an event or delete the stream.
func TestReaderWithTheNatsCLI(t *testing.T) {
	srv := startListeningServer(t)
	accord, err := eventstore.ConnectInProcess(srv)
	require.NoError(t, err)
	t.Cleanup(accord.Close)
	fillForReader(t, accord)

	out, err := natsCLI(t, srv, false, "stream", "info", eventstore.StreamName)
	require.NoError(t, err, out)
	require.Contains(t, out, "Messages: 2")

	out, err = natsCLI(t, srv, false, "stream", "get", eventstore.StreamName, "2")
	require.NoError(t, err, out)
	require.Contains(t, out, eventstore.Subject("alliance-r2"))
	require.Contains(t, out, `"type":"VoteCast"`)

	start := time.Now()
	out, err = natsCLI(t, srv, true, "stream", "view", eventstore.StreamName)
	require.NoError(t, err, out)
	t.Logf("nats stream view took %s:\n%s", time.Since(start).Round(time.Millisecond), out)
	require.NotContains(t, out, "Violation")
	require.Contains(t, out, "[1] Subject: "+eventstore.Subject("alliance-r1"))
	require.Contains(t, out, "[2] Subject: "+eventstore.Subject("alliance-r2"))

	for _, refused := range [][]string{
		{"kv", "get", "accord_tokens", "k"},
		{"stream", "rm", eventstore.StreamName, "--force"},
		{"stream", "purge", eventstore.StreamName, "--force"},
		{"request", eventstore.Subject("alliance-r1"), `{"forged":true}`},
	} {
		out, err = natsCLI(t, srv, false, refused...)
		require.Contains(t, out, "Permissions Violation for Publish to", "nats %s: %v\n%s", strings.Join(refused, " "), err, out)
		require.NotContains(t, out, tokenRecord)
	}
	info, err := accord.JetStream()
	require.NoError(t, err)
	si, err := info.StreamInfo(eventstore.StreamName)
	require.NoError(t, err)
	require.Equal(t, uint64(2), si.State.Msgs)
}
