package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
)

// convergeBound is how long after a node is lost both instances may take to
// show every acknowledged vote again. They take about a second (two missed
// heartbeats of half a second each, then a new consumer); the bound leaves
// a slow machine plenty of room, yet a follower that waits for ten seconds
// of silence, as jetstream's ordered consumer does, fails it. The times
// measured are logged.
const convergeBound = 8 * time.Second

// TestClusterReadsRecoverFromNodeLoss runs two accord instances on a
// three-node cluster (stream at R3) while members vote through both and
// each instance's live event streams (the alliance's, and every alliance's
// for the admin) are watched. A node that hosts a read model's follower is
// shut down, restarted once the others have moved on, and then another node
// is shut down. After each loss it measures how long until both instances'
// read models (the audit head), their exports and their live streams hold
// every vote acknowledged so far, counting only once a vote was
// acknowledged after the loss (before that, a stuck reader would look
// current). All must get there within convergeBound. At the end every
// acknowledged vote is in both exports exactly once, both instances serve
// the same state, and every live stream delivered every event once, in
// order.
func TestClusterReadsRecoverFromNodeLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node NATS cluster")
	}
	c := startNATSCluster(t)
	c.createStream()
	a, b := startClusterMain(t, c), startClusterMain(t, c)
	instances := []*ledgerHTTP{newLedgerHTTP(a.URL()), newLedgerHTTP(b.URL())}
	aid, pid, _, tokens := setUpClusterAlliance(t, instances[0], 4)
	for _, token := range tokens {
		waitForToken(t, instances[1], aid, token)
	}

	var live []*liveWatch
	for _, api := range instances {
		live = append(live, watchLive(t, api.base, "/v1/alliances/"+aid+"/events?from_seq=1", allianceSeqID),
			watchLive(t, api.base, "/v1/events?from_stream_seq=1", streamSeqID))
	}
	load := startVoteLoad(t, instances, aid, pid, tokens)
	load.waitFor(t, 20)

	first := c.pickVictim(t, -1)
	firstLoss := c.loseNode(t, first, instances, live, aid, load)
	c.start(first)
	c.waitForCurrentReplicas(t)
	load.waitFor(t, load.count()+20)

	second := c.pickVictim(t, first)
	secondLoss := c.loseNode(t, second, instances, live, aid, load)
	load.waitFor(t, load.count()+20)
	load.stopAndWait()

	for i, loss := range []nodeLoss{firstLoss, secondLoss} {
		for what, took := range map[string]time.Duration{"read models": loss.models, "exports": loss.exports, "live streams": loss.live} {
			require.GreaterOrEqual(t, took, time.Duration(0), "loss %d: the %s did not catch up within a minute", i+1, what)
			require.LessOrEqual(t, took, convergeBound, "loss %d: %s", i+1, what)
		}
	}
	lines := requireEveryVoteOnce(t, instances, aid, pid, load.votes())
	for _, w := range live {
		w.requireAll(t, uint64(len(lines)))
	}
}

// nodeLoss is what loseNode measured, each time counted from the moment the
// node began to shut down; -1 when it never happened.
type nodeLoss struct {
	resumed, models, exports, live time.Duration
}

// loseNode shuts node i down under load and measures how long until writes
// resume and both instances' read models and exports hold every vote
// acknowledged. It logs the times.
func (c *natsCluster) loseNode(t *testing.T, i int, instances []*ledgerHTTP, live []*liveWatch, aid string, load *voteLoad) nodeLoss {
	t.Helper()
	hosts := c.followerHosts(t)
	since := time.Now()
	c.shutdown(i)
	shutdown := time.Since(since)
	loss := measureConvergence(t, instances, live, aid, load, since, since.Add(shutdown))
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	t.Logf("node %d lost (hosted %d of the followers' consumers; shutting it down took %s): writes resumed after %s, both read models current after %s, both exports after %s, the four live streams after %s",
		i+1, hosts[i], ms(shutdown), ms(loss.resumed), ms(loss.models), ms(loss.exports), ms(loss.live))
	return loss
}

// measureConvergence polls both instances until their audit heads, then
// their exports, reach the highest seq acknowledged before the poll, once
// that includes a vote acknowledged after the node was gone. The times are
// counted from since, when it began to shut down.
func measureConvergence(t *testing.T, instances []*ledgerHTTP, live []*liveWatch, aid string, load *voteLoad, since, gone time.Time) nodeLoss {
	t.Helper()
	loss := nodeLoss{resumed: -1, models: -1, exports: -1, live: -1}
	for deadline := since.Add(time.Minute); time.Now().Before(deadline) && (loss.models < 0 || loss.exports < 0 || loss.live < 0); time.Sleep(20 * time.Millisecond) {
		target, resumedAt := load.progressSince(gone)
		if resumedAt.IsZero() {
			continue
		}
		loss.resumed = resumedAt.Sub(since)
		if loss.models < 0 && everyInstance(instances, func(api *ledgerHTTP) bool { return readModelHead(api, aid) >= target }) {
			loss.models = time.Since(since)
		}
		if loss.exports < 0 && everyInstance(instances, func(api *ledgerHTTP) bool { return exportedSeq(api, aid) >= target }) {
			loss.exports = time.Since(since)
		}
		if loss.live < 0 && everyWatch(live, func(w *liveWatch) bool { return w.seen() >= target }) {
			loss.live = time.Since(since)
		}
	}
	return loss
}

func everyWatch(live []*liveWatch, ok func(*liveWatch) bool) bool {
	for _, w := range live {
		if !ok(w) {
			return false
		}
	}
	return true
}

func everyInstance(instances []*ledgerHTTP, ok func(*ledgerHTTP) bool) bool {
	for _, api := range instances {
		if !ok(api) {
			return false
		}
	}
	return true
}

// readModelHead returns the seq of the alliance's head in an instance's read
// model, 0 when it does not answer.
func readModelHead(api *ledgerHTTP, aid string) uint64 {
	status, raw, err := api.raw(http.MethodGet, "/v1/alliances/"+aid+"/audit/head", clusterAdminToken)
	var head struct{ Seq uint64 }
	if err != nil || status != http.StatusOK || json.Unmarshal(raw, &head) != nil {
		return 0
	}
	return head.Seq
}

// exportedSeq returns how many events an instance's export holds (seqs
// start at 1 and have no gaps, which requireEveryVoteOnce checks), 0 when it
// does not answer.
func exportedSeq(api *ledgerHTTP, aid string) uint64 {
	status, raw, err := api.raw(http.MethodGet, "/v1/alliances/"+aid+"/audit/export", clusterAdminToken)
	if err != nil || status != http.StatusOK {
		return 0
	}
	return uint64(bytes.Count(raw, []byte("\n")))
}

// pickVictim returns a node other than not (-1: any) to shut down: one that
// hosts a read model's follower if there is one, else the stream's leader,
// else the next node.
func (c *natsCluster) pickVictim(t *testing.T, not int) int {
	t.Helper()
	hosts := c.followerHosts(t)
	for i, n := range hosts {
		if i != not && n > 0 {
			return i
		}
	}
	if leader := c.streamLeader(); leader != not {
		return leader
	}
	return (not + 1) % len(c.servers)
}

// followerHosts returns, for each node, how many consumers of the ACCORD
// stream it hosts that read the whole stream: the read models' followers
// (a read of one alliance filters on its subject).
func (c *natsCluster) followerHosts(t *testing.T) []int {
	t.Helper()
	names := map[string]int{}
	for i, o := range c.opts {
		names[o.ServerName] = i
	}
	hosts := make([]int, len(c.servers))
	for _, srv := range c.servers {
		if srv == nil {
			continue
		}
		nc, err := nats.Connect(srv.ClientURL())
		require.NoError(t, err)
		defer nc.Close()
		js, err := jetstream.New(nc)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		stream, err := js.Stream(ctx, eventstore.StreamName)
		require.NoError(t, err)
		list := stream.ListConsumers(ctx)
		for info := range list.Info() {
			if info.Config.FilterSubject == "" && len(info.Config.FilterSubjects) == 0 && info.Cluster != nil {
				if i, ok := names[info.Cluster.Leader]; ok {
					hosts[i]++
				}
			}
		}
		require.NoError(t, list.Err())
		return hosts
	}
	t.Fatal("no node is up")
	return nil
}

// waitForCurrentReplicas waits until the stream has its three replicas and
// all of them are current.
func (c *natsCluster) waitForCurrentReplicas(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool {
		info, err := c.streamInfo(c.streamLeader())
		if err != nil || info.Cluster == nil || len(info.Cluster.Replicas) != 2 {
			return false
		}
		for _, r := range info.Cluster.Replicas {
			if !r.Current || r.Offline {
				return false
			}
		}
		return true
	}, 60*time.Second, 100*time.Millisecond, "the restarted node does not catch up")
}

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
	events := newSSEReader(resp.Body)
	for {
		ev, err := events.next()
		if err != nil {
			return
		}
		w.receive(ev)
	}
}

func (w *liveWatch) receive(ev sseEvent) {
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
