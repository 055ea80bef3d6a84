package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// watchResult is what a watch run in the background printed.
type watchResult struct {
	status         int
	stdout, stderr string
}

// startWatch runs accord watch in the background; wait returns what it
// printed once it ends (it must end by itself, with --count).
func (e *cliEnv) startWatch(args ...string) (wait func() watchResult) {
	e.t.Helper()
	done := make(chan watchResult, 1)
	go func() {
		var out, errOut bytes.Buffer
		status := run(append([]string{"watch"}, args...), nil, &out, &errOut)
		done <- watchResult{status, out.String(), errOut.String()}
	}()
	return func() watchResult {
		e.t.Helper()
		select {
		case r := <-done:
			return r
		case <-time.After(30 * time.Second):
			e.t.Fatal("accord watch did not end")
			return watchResult{}
		}
	}
}

// closeAndCommit appends four events after the walk-through: the close
// (seq 12), a commitment (13), progress (14) and its fulfilment (15).
func (e *cliEnv) closeAndCommit(w walkthrough) {
	e.t.Helper()
	e.ok("--token-file", w.conv, "voting", "close", w.pid)
	cid := e.id("--token-file", w.m1, "commitment", "make", "--proposal", w.pid, "--description", "Serialise our own label",
		"--metric", "percent", "--target", "100", "--due", "2027-06-30")
	e.ok("--token-file", w.m1, "commitment", "progress", cid, "--value", "40", "--note", "first plant")
	e.ok("--token-file", w.m1, "commitment", "fulfil", cid)
}

// TestCLIWatch follows an alliance from a seq in its history into live
// events, one readable line each.
func TestCLIWatch(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	wait := e.startWatch("--token-file", w.m2, "--from-seq", "11", "--count", "5")
	e.closeAndCommit(w)
	r := wait()
	require.Equal(t, 0, r.status, r.stderr)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	require.Len(t, lines, 5, r.stdout)
	const at = `\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`
	require.Regexp(t, `^#11  `+at+`  VoteCast  Patients for Safe Medicines: agree — "Patients first."$`, lines[0])
	require.Regexp(t, `^#12  `+at+`  VotingClosed  'Unit-level traceability' adopted: 3 agree, 0 disagree, 0 abstain, 0 block$`, lines[1])
	require.Regexp(t, `^#13  `+at+`  CommitmentMade  Cardinal Distribution committed to "Serialise our own label" \(100 percent by 2027-06-30\)$`, lines[2])
	require.Regexp(t, `^#14  `+at+`  ProgressReported  progress on "Serialise our own label": 40 — "first plant"$`, lines[3])
	require.Regexp(t, `^#15  `+at+`  CommitmentFulfilled  "Serialise our own label" fulfilled$`, lines[4])
	require.Empty(t, r.stderr)
}

// TestCLIWatchFilters replays part of the history with a type filter, and
// prints each event as JSON with --json.
func TestCLIWatchFilters(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	r := e.startWatch("--from-seq", "1", "--types", "VoteCast", "--count", "3")()
	require.Equal(t, 0, r.status, r.stderr)
	require.Equal(t, 3, strings.Count(r.stdout, "  VoteCast  "), r.stdout)

	r = e.startWatch("--from-seq", "1", "--proposal", w.pid, "--count", "2", "--json")()
	require.Equal(t, 0, r.status, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 2)
	first := jsonOf(t, lines[0])
	require.Len(t, first["hash"], 64)
	require.Equal(t, "ProposalSubmitted", first["event"].(map[string]any)["type"])
	require.Equal(t, 5.0, first["event"].(map[string]any)["seq"])

	status, _, errOut := e.run("watch", "--types", "Nonsense")
	require.Equal(t, 1, status)
	require.Contains(t, errOut, `accord watch: types: "Nonsense" is not an event type`)
	status, _, errOut = e.run("--token", "bad", "watch")
	require.Equal(t, 1, status, "a refused token is not retried")
	require.Contains(t, errOut, "accord watch: ")
}

// TestCLIWatchResumes drops the live connection in the middle of an event
// and checks that watch reconnects with Last-Event-ID and prints every
// event once, in order.
func TestCLIWatchResumes(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	data := 0
	proxy, url := newCutProxy(t, e.m.URL(), true, func(r *http.Request, nth int, line []byte) bool {
		if !strings.HasSuffix(r.URL.Path, "/events") || nth > 0 || !bytes.HasPrefix(line, []byte("data:")) {
			return false
		}
		data++
		return data == 2 // after the second event's data, before the blank line that ends it
	})
	events := "/v1/alliances/" + w.aid + "/events"
	wait := e.startWatch("--server", url, "--count", "4")
	require.Eventually(t, func() bool { return len(proxy.requests(events)) == 1 }, 10*time.Second, 10*time.Millisecond)
	e.closeAndCommit(w)
	r := wait()
	require.Equal(t, 0, r.status, r.stderr)

	reqs := proxy.requests(events)
	require.Len(t, reqs, 2)
	require.Equal(t, "12", reqs[0].URL.Query().Get("from_seq"), "the first stream starts after the head")
	require.Equal(t, "12", reqs[1].Header.Get("Last-Event-ID"), "the second resumes after the last event printed")
	var seqs []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		seqs = append(seqs, strings.Fields(l)[0])
	}
	require.Equal(t, []string{"#12", "#13", "#14", "#15"}, seqs, r.stdout)
	require.Contains(t, r.stderr, "accord watch: connection lost")
	require.Contains(t, r.stderr, "resuming after #12 in 250ms")
}
