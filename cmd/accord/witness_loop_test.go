package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain/domaintest"
)

// eventually is how long a test waits for a witness polling every few
// milliseconds to get somewhere: generous, for a slow machine.
const eventually = 60 * time.Second

// TestWitnessKeepsGoing runs the witness without --once: a lie is logged
// and written down once, the witness goes on polling, and cosigns again as
// soon as the log is an honest extension; it stops when its context ends.
func TestWitnessKeepsGoing(t *testing.T) {
	s, lines := domaintest.SignedStoryLines(t, 0)
	f := newFakeLedger(t, s.AID, s.M2, lines[:13])
	e := newWitnessEnv(t)
	flags := &witnessFlags{server: f.srv.URL, tokenFile: e.token, keyFile: e.keyFile, state: e.state}
	ctx, cancel := context.WithCancel(t.Context())
	w, err := newWitness(ctx, flags, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- w.run(ctx, false, 5*time.Millisecond) }()

	require.Eventually(t, func() bool { return f.postedCount() == 1 }, eventually, 5*time.Millisecond)
	f.serve(func(f *fakeLedger) { f.lines = lines[:10] })
	require.Eventually(t, func() bool { return len(e.evidence()) == 3 }, eventually, 5*time.Millisecond)
	asked := f.askedCount()
	require.Eventually(t, func() bool { return f.askedCount() >= asked+5 }, eventually, 5*time.Millisecond)
	require.Len(t, e.evidence(), 3, "the same lie, seen again, is written down once")
	require.Equal(t, 1, f.postedCount())

	f.serve(func(f *fakeLedger) { f.lines = lines })
	require.Eventually(t, func() bool { return f.postedCount() == 2 }, eventually, 5*time.Millisecond)
	requireCosignedBy(t, f.posted[1], f.vkey, e.vkey, 25)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(eventually):
		t.Fatal("the witness did not stop when its context ended")
	}
}

// TestWitnessStopsOnSignals runs accord witness as a process and stops it
// with SIGTERM and SIGINT: it exits 0 and says so.
func TestWitnessStopsOnSignals(t *testing.T) {
	s, lines := domaintest.SignedStoryLines(t, 0)
	f := newFakeLedger(t, s.AID, s.M2, lines)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			e := newWitnessEnv(t)
			self, err := filepath.Abs(os.Args[0])
			require.NoError(t, err)
			cmd := exec.Command(self, "-test.run=^TestAccordCLIProcess$", "-test.count=1", "--",
				"witness", "--server", f.srv.URL, "--token-file", e.token, "--key-file", e.keyFile, "--state", e.state, "--interval", "50ms")
			cmd.Env = append(os.Environ(), cliChildEnv+"=1")
			stderr, err := cmd.StderrPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			lines := make(chan string, 100)
			go func() {
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			waitForLine(t, lines, "msg=cosigned")
			require.NoError(t, cmd.Process.Signal(sig))
			waitForLine(t, lines, `msg="witness stopped"`)
			require.NoError(t, cmd.Wait())
			require.Equal(t, 0, cmd.ProcessState.ExitCode())
		})
	}
}

// waitForLine reads lines until one contains want.
func waitForLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	timeout := time.After(eventually)
	for {
		select {
		case l, ok := <-lines:
			require.True(t, ok, "the output ended before %q", want)
			if strings.Contains(l, want) {
				return
			}
		case <-timeout:
			t.Fatalf("no line with %q", want)
		}
	}
}
