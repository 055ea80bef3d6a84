package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

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
