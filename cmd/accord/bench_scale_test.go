package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/verify"
)

// serveWithTestBinary has the bench run accord serve as this test binary
// (TestAccordCLIProcess), with no ACCORD_ variable but the one that makes
// it the accord command, until the test ends.
func serveWithTestBinary(t *testing.T) {
	t.Helper()
	self, err := filepath.Abs(os.Args[0])
	require.NoError(t, err)
	before := serveCommand
	serveCommand = func(args ...string) (*exec.Cmd, error) {
		cmd := exec.Command(self, append([]string{"-test.run=^TestAccordCLIProcess$", "-test.count=1", "--", "serve"}, args...)...)
		cmd.Env = append(withoutAccordVars(os.Environ()), cliChildEnv+"=1")
		return cmd, nil
	}
	t.Cleanup(func() { serveCommand = before })
}

// openPrepared opens the store of a prepared dir as accord serve does, for
// reading it; it is closed when the test ends.
func openPrepared(t *testing.T, dir string) *Main {
	t.Helper()
	m := NewMain()
	m.DataDir, m.NatsListen, m.Replicas = dir, "none", 1
	m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Cleanup(func() { m.Close() })
	require.NoError(t, m.startEmbedded())
	require.NoError(t, m.openLog(context.Background()))
	return m
}

// storedLines returns the alliance's stored lines as accord audit export
// writes them.
func storedLines(t *testing.T, store *eventstore.Store, aid string) []byte {
	t.Helper()
	var buf bytes.Buffer
	for rec, err := range store.ReadAlliance(context.Background(), aid, 0) {
		require.NoError(t, err)
		buf.Write(rec.Raw)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// TestBenchPrepareAndScale prepares a small data dir (2,000 events over 50
// alliances): every alliance has its share of events, and its export
// verifies as accord verify checks one (the chain, the outcomes re-derived
// from the votes); its voters hold tokens. Preparing it again changes
// nothing. The scale figures are then measured on it with accord serve as
// a child process.
func TestBenchPrepareAndScale(t *testing.T) {
	serveWithTestBinary(t)
	t.Setenv("TMPDIR", t.TempDir())
	dir := filepath.Join(t.TempDir(), "prepared")
	e := &cliEnv{t: t}
	status, _, progress := e.run("bench", "--prepare", dir, "--prepare-events", "2000", "--prepare-alliances", "50")
	require.Equal(t, 0, status, progress)
	require.Contains(t, progress, "stored 2000 of 2000 events (50 of 50 alliances)")
	require.Contains(t, progress, "prepared "+dir+": 2000 events over 50 alliances, 50 voters")
	require.Contains(t, e.fail(0, "bench", "--prepare", dir, "--prepare-events", "2000", "--prepare-alliances", "50"), "is prepared already")
	require.Contains(t, e.fail(1, "bench", "--prepare", dir, "--prepare-events", "3000", "--prepare-alliances", "50"), "was begun with 2000 events over 50 alliances")

	voters, err := loadVoters(dir)
	require.NoError(t, err)
	require.Len(t, voters, 50)
	m := openPrepared(t, dir)
	for i := 0; i < 50; i++ {
		aid, _ := prepAllianceID(i)
		v, err := verify.Verify(bytes.NewReader(storedLines(t, m.store, aid)), verify.Options{})
		require.NoError(t, err, "alliance %d", i)
		require.Equal(t, 40, v.Events, "alliance %d", i)
		stored, err := resumePrepAlliance(context.Background(), m.store, i, 40)
		require.NoError(t, err)
		require.Equal(t, prepVoter{Alliance: aid, Proposal: stored.pid, Member: stored.members[0], Token: voters[i].Token}, voters[i])
		require.True(t, stored.open)
		require.True(t, strings.HasPrefix(voters[i].Token, "acc_"))
	}
	require.NoError(t, m.Close())

	out := e.ok("bench", "--json", "--only", "scale", "--scale", dir, "--scale-votes", "20")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var figures map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &figures))
	for _, name := range []string{"scale_start_s", "scale_nats_start_s", "scale_rss_mb", "scale_nats_rss_mb"} {
		require.Greater(t, figures[name].(float64), 0.0, name)
		require.Contains(t, out, name+" ")
	}
	require.Contains(t, out, "2000 events over 50 alliances")
	require.Contains(t, out, "VmRSS after votes on 20 more alliances")
	t.Logf("\n%s", strings.Join(lines[:len(lines)-1], "\n"))
}

// TestPrepareResumes: alliances written part of the way (as an interrupted
// --prepare leaves them) are resumed from what the store holds, and end
// with their whole chain, unbroken, and every event once.
func TestPrepareResumes(t *testing.T) {
	m := openPrepared(t, t.TempDir())
	ctx := context.Background()
	js, err := jetstream.New(m.nc, jetstream.WithPublishAsyncMaxPending(64))
	require.NoError(t, err)
	write := func(target int, resume bool) {
		var alliances []*prepAlliance
		for i := 0; i < 3; i++ {
			a := newPrepAlliance(i, target)
			if resume {
				a, err = resumePrepAlliance(ctx, m.store, i, target)
				require.NoError(t, err)
			}
			alliances = append(alliances, a)
		}
		require.NoError(t, publishGroup(ctx, js, alliances))
	}
	write(17, false)
	write(60, true)
	for i := 0; i < 3; i++ {
		aid, _ := prepAllianceID(i)
		v, err := verify.Verify(bytes.NewReader(storedLines(t, m.store, aid)), verify.Options{})
		require.NoError(t, err)
		require.Equal(t, 60, v.Events)
		a, err := resumePrepAlliance(ctx, m.store, i, 60)
		require.NoError(t, err)
		require.True(t, a.done())
		require.True(t, a.open, "the last proposal stays open for voting")
		require.Len(t, a.members, prepMembers)
		closed := 0
		for _, p := range a.chain.state.Proposals {
			if p.Status != domain.StatusVoting {
				closed++
			}
		}
		require.Equal(t, 2, closed, "60 events: 11 to form and admit, two cycles of 23, and one left open")
	}
}
