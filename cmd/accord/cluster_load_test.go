package main

import (
	"accord/client"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
)

// The load and the live streams of TestClusterReadsRecoverFromNodeLoss.

// voteLoad keeps members voting through both instances, a vote each every
// loadPause, until stopped, and remembers every vote acknowledged.
type voteLoad struct {
	stopped atomic.Bool
	wg      sync.WaitGroup

	mu     sync.Mutex
	acked  []*clusterVote
	ackAt  []time.Time
	maxSeq uint64
}

const loadPause = 50 * time.Millisecond

func startVoteLoad(t *testing.T, instances []*ledgerHTTP, aid, pid string, tokens []string) *voteLoad {
	l := &voteLoad{}
	stances := []string{"agree", "disagree", "abstain", "block"}
	for g, token := range tokens {
		l.wg.Go(func() {
			for i := 0; !l.stopped.Load(); i++ {
				v := &clusterVote{key: fmt.Sprintf("nodeloss-%02d-%04d", g, i), token: token, stance: stances[(g+i)%len(stances)]}
				voteUntilAcked(t, instances, (g+i)%2, aid, pid, v)
				if v.hash == "" {
					return // voteUntilAcked reported why
				}
				l.record(v)
				time.Sleep(loadPause)
			}
		})
	}
	t.Cleanup(l.stopAndWait)
	return l
}

func (l *voteLoad) record(v *clusterVote) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acked = append(l.acked, v)
	l.ackAt = append(l.ackAt, time.Now())
	l.maxSeq = max(l.maxSeq, uint64(v.seq))
}

func (l *voteLoad) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

func (l *voteLoad) votes() []*clusterVote {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*clusterVote(nil), l.acked...)
}

// progressSince returns the highest seq acknowledged so far and when the
// first vote acknowledged after since was; zero when there is none yet.
func (l *voteLoad) progressSince(since time.Time) (maxSeq uint64, resumed time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, at := range l.ackAt {
		if at.After(since) {
			return l.maxSeq, at
		}
	}
	return l.maxSeq, time.Time{}
}

// waitFor waits until n votes are acknowledged.
func (l *voteLoad) waitFor(t *testing.T, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return l.count() >= n }, 90*time.Second, 10*time.Millisecond, "only %d of %d votes acknowledged", l.count(), n)
}

func (l *voteLoad) stopAndWait() {
	l.stopped.Store(true)
	l.wg.Wait()
}

// requireEveryVoteOnce checks that both instances come to serve the same
// alliance and proposal, and byte-identical exports whose chain holds, in
// which every acknowledged vote is once, at the seq and hash it was
// acknowledged with.
func requireEveryVoteOnce(t *testing.T, instances []*ledgerHTTP, aid, pid string, votes []*clusterVote) [][]byte {
	t.Helper()
	for _, path := range []string{"/v1/alliances/" + aid, "/v1/alliances/" + aid + "/proposals/" + pid} {
		var states [2][]byte
		require.Eventually(t, func() bool {
			for i, api := range instances {
				status, raw, err := api.raw(http.MethodGet, path, clusterAdminToken)
				if err != nil || status != http.StatusOK {
					return false
				}
				states[i] = raw
			}
			return bytes.Equal(states[0], states[1])
		}, 60*time.Second, 100*time.Millisecond, "the instances do not converge on %s:\n%s\n%s", path, states[0], states[1])
	}
	lines := exportLedger(t, instances[0], aid, clusterAdminToken)
	require.Equal(t, lines, exportLedger(t, instances[1], aid, clusterAdminToken))
	checkChain(t, lines)
	byCommand := map[string][]domain.Event{}
	for _, line := range lines {
		e, err := domain.Decode(line)
		require.NoError(t, err)
		byCommand[e.CommandID] = append(byCommand[e.CommandID], e)
	}
	for _, v := range votes {
		events := byCommand[v.key]
		require.Len(t, events, 1, "vote %s", v.key)
		require.Equal(t, uint64(v.seq), events[0].Seq)
		require.Equal(t, v.hash, domain.Hash(lines[events[0].Seq-1]))
	}
	t.Logf("%d votes acknowledged, %d events in the ledger", len(votes), len(lines))
	return lines
}

// liveWatch follows a live event stream of one instance as a browser does:
// it reconnects after the stream ends, resuming with Last-Event-ID. It
// remembers the last alliance seq received and the first time one did not
// follow the one before.
type liveWatch struct {
	path    string
	seqOf   func(id string) (uint64, error)
	mu      sync.Mutex
	last    uint64
	lastID  string
	streams int
	err     error
}

// allianceSeqID reads an alliance stream's event id: the alliance seq.
func allianceSeqID(id string) (uint64, error) { return strconv.ParseUint(id, 10, 64) }

// streamSeqID reads the alliance seq out of an every-alliance stream's event
// id, "<stream seq>:<alliance seq>" (the test has a single alliance).
func streamSeqID(id string) (uint64, error) {
	_, seq, ok := strings.Cut(id, ":")
	if !ok {
		return 0, fmt.Errorf("event id %q is not <stream seq>:<alliance seq>", id)
	}
	return strconv.ParseUint(seq, 10, 64)
}

func watchLive(t *testing.T, base, path string, seqOf func(string) (uint64, error)) *liveWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &liveWatch{path: path, seqOf: seqOf}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			w.stream(ctx, base)
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

// stream reads one connection's events until it ends.
func (w *liveWatch) stream(ctx context.Context, base string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+w.path, nil)
	if err != nil {
		w.fail(err)
		return
	}
	req.Header.Set("Authorization", "Bearer "+clusterAdminToken)
	w.mu.Lock()
	if w.lastID != "" {
		req.Header.Set("Last-Event-ID", w.lastID)
	}
	w.streams++
	w.mu.Unlock()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return
	}
	events := client.NewSSEReader(resp.Body)
	for {
		ev, err := events.Next()
		if err != nil {
			return
		}
		w.receive(ev)
	}
}

func (w *liveWatch) receive(ev client.SSEEvent) {
	seq, err := w.seqOf(ev.ID)
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err != nil:
		w.failLocked(err)
	case seq != w.last+1:
		w.failLocked(fmt.Errorf("%s: event %d came after %d", w.path, seq, w.last))
	default:
		w.last, w.lastID = seq, ev.ID
	}
}

func (w *liveWatch) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.failLocked(err)
}

func (w *liveWatch) failLocked(err error) {
	if w.err == nil {
		w.err = err
	}
}

// seen returns the last alliance seq received in order.
func (w *liveWatch) seen() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

// requireAll waits until the stream has delivered seqs 1 to n, each once
// and in order.
func (w *liveWatch) requireAll(t *testing.T, n uint64) {
	t.Helper()
	require.Eventually(t, func() bool { return w.seen() >= n }, 30*time.Second, 20*time.Millisecond, "%s stops at %d of %d", w.path, w.seen(), n)
	w.mu.Lock()
	defer w.mu.Unlock()
	require.NoError(t, w.err)
	require.Equal(t, n, w.last)
	t.Logf("%s delivered %d events over %d connections", w.path, w.last, w.streams)
}
