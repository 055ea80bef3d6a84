package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/ledger"
)

const clusterAdminToken = "acc_admin_cluster-test-token"

// natsCluster is three nats-servers with JetStream, clustered on loopback.
type natsCluster struct {
	t       *testing.T
	opts    []*server.Options
	servers []*server.Server
	secret  string // the token secret file every accord instance shares
	logKey  string // the log key file every accord instance shares
}

// startNATSCluster starts three clustered JetStream servers, each with its
// own store directory, and waits until they have elected a JetStream meta
// leader. Every node binds ports the kernel gives it as it starts (none is
// chosen ahead and freed, which another listener could take first) and
// routes to the nodes already running; the ports it got are then written
// into its options, so that a node can be restarted as itself.
func startNATSCluster(t *testing.T) *natsCluster {
	t.Helper()
	c := &natsCluster{t: t, secret: filepath.Join(t.TempDir(), "token.secret"), logKey: filepath.Join(t.TempDir(), "log.key")}
	var routes []string
	for i := range 3 {
		c.opts = append(c.opts, &server.Options{
			ServerName: fmt.Sprintf("nats-%d", i+1),
			Host:       "127.0.0.1",
			Port:       server.RANDOM_PORT,
			JetStream:  true,
			StoreDir:   t.TempDir(),
			NoSigs:     true,
			Cluster:    server.ClusterOpts{Name: "accord", Host: "127.0.0.1", Port: server.RANDOM_PORT},
			Routes:     server.RoutesFromStr(strings.Join(routes, ",")),
		})
		c.start(i)
		client, cluster := c.servers[i].Addr().(*net.TCPAddr), c.servers[i].ClusterAddr()
		require.NotNil(t, client)
		require.NotNil(t, cluster)
		c.opts[i].Port, c.opts[i].Cluster.Port = client.Port, cluster.Port
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", cluster.Port))
	}
	for _, o := range c.opts {
		o.Routes = server.RoutesFromStr(strings.Join(routes, ","))
	}
	t.Cleanup(func() {
		for i := range c.servers {
			c.shutdown(i)
		}
	})
	c.waitForMetaLeader()
	return c
}

// start starts node i (again) with its options: same name, ports and store.
func (c *natsCluster) start(i int) {
	c.t.Helper()
	opts := *c.opts[i]
	srv, err := server.NewServer(&opts)
	require.NoError(c.t, err)
	srv.Start()
	require.True(c.t, srv.ReadyForConnections(30*time.Second), "nats node %d did not start", i+1)
	if i < len(c.servers) {
		c.servers[i] = srv
	} else {
		c.servers = append(c.servers, srv)
	}
}

func (c *natsCluster) shutdown(i int) {
	if srv := c.servers[i]; srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
		c.servers[i] = nil
	}
}

func (c *natsCluster) waitForMetaLeader() {
	c.t.Helper()
	require.Eventually(c.t, func() bool {
		for _, srv := range c.servers {
			if srv != nil && srv.JetStreamIsLeader() {
				return true
			}
		}
		return false
	}, 60*time.Second, 50*time.Millisecond, "no JetStream meta leader")
}

// urls returns the client URLs of every node, as an operator gives them to
// --nats-url.
func (c *natsCluster) urls() string {
	var urls []string
	for _, o := range c.opts {
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", o.Port))
	}
	return strings.Join(urls, ",")
}

// streamLeader returns the index of the node that leads the ACCORD stream.
func (c *natsCluster) streamLeader() int {
	c.t.Helper()
	var leader int
	require.Eventually(c.t, func() bool {
		for i, srv := range c.servers {
			if srv != nil && srv.JetStreamIsStreamLeader(server.DEFAULT_GLOBAL_ACCOUNT, eventstore.StreamName) {
				leader = i
				return true
			}
		}
		return false
	}, 60*time.Second, 50*time.Millisecond, "the ACCORD stream has no leader")
	return leader
}

// streamInfo returns the ACCORD stream's info as node i sees it.
func (c *natsCluster) streamInfo(i int) (*jetstream.StreamInfo, error) {
	nc, err := nats.Connect(c.servers[i].ClientURL())
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, eventstore.StreamName)
	if err != nil {
		return nil, err
	}
	return s.Info(ctx)
}

// startClusterMain runs an accord serve instance on the cluster with R3, as
// an operator would behind a load balancer.
func startClusterMain(t *testing.T, c *natsCluster) *Main {
	t.Helper()
	t.Setenv("ACCORD_ADMIN_TOKEN", clusterAdminToken)
	m := NewMain()
	m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	require.NoError(t, m.ParseFlags([]string{"--http", "127.0.0.1:0", "--data-dir", t.TempDir(), "--nats-url", c.urls(), "--token-secret-file", c.secret, "--log-key-file", c.logKey, "--replicas", "3", "--nats-listen", "none"}, io.Discard))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, m.Run(ctx))
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// createStream creates the R3 stream, trying again while the young cluster
// cannot place it yet (on a slow machine its peers may take a moment to
// report in after the meta leader is elected). accord serve would keep
// trying too (for --nats-wait); creating it first keeps the instances'
// starts short.
func (c *natsCluster) createStream() {
	c.t.Helper()
	nc, err := eventstore.Connect(c.urls())
	require.NoError(c.t, err)
	defer nc.Close()
	var openErr error
	require.Eventually(c.t, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, openErr = eventstore.Open(ctx, nc, eventstore.WithReplicas(3))
		return openErr == nil
	}, 60*time.Second, 100*time.Millisecond, "create the R3 stream: %v", openErr)
}

// clusterVote is one vote, what it was answered and how many tries it took.
type clusterVote struct {
	key, token, stance string
	seq                float64
	hash               string
	tries              int
}

// TestClusterKeepsEveryVote runs two accord instances on a three-node
// JetStream cluster with the stream at three replicas. Members vote through
// both at once; the node leading the stream is shut down mid-way and later
// restarted. A vote that fails (503 while a leader is elected, 409 when the
// retries ran out) is sent again with its Idempotency-Key, to either
// instance, as a client behind a load balancer would. Every vote is then in
// the ledger exactly once, appends went on while two of three nodes were up,
// a vote's deadline was closed exactly once although both instances raced
// to close it, and both instances hold the same state.
func TestClusterKeepsEveryVote(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node NATS cluster")
	}
	c := startNATSCluster(t)
	c.createStream()
	a, b := startClusterMain(t, c), startClusterMain(t, c)
	instances := []*ledgerHTTP{newLedgerHTTP(a.URL()), newLedgerHTTP(b.URL())}

	const voters, votesEach = 8, 30
	aid, pid, deadlinePID, tokens := setUpClusterAlliance(t, instances[0], voters)
	for _, token := range tokens {
		waitForToken(t, instances[1], aid, token)
	}

	var acked, ackedWhileDown atomic.Int64
	var down atomic.Bool
	votes := make([][]*clusterVote, voters)
	var wg sync.WaitGroup
	stances := []string{"agree", "disagree", "abstain", "block"}
	for g, token := range tokens {
		wg.Go(func() {
			for i := range votesEach {
				v := &clusterVote{key: fmt.Sprintf("cluster-%02d-%03d", g, i), token: token, stance: stances[(g+i)%len(stances)]}
				votes[g] = append(votes[g], v)
				voteUntilAcked(t, instances, (g+i)%2, aid, pid, v)
				acked.Add(1)
				if down.Load() {
					ackedWhileDown.Add(1)
				}
			}
		})
	}

	total := int64(voters * votesEach)
	waitForAcks(t, &acked, total/3)
	leader := c.streamLeader()
	c.shutdown(leader)
	down.Store(true)
	waitForAcks(t, &ackedWhileDown, total/3)
	c.start(leader)
	down.Store(false)
	wg.Wait()
	require.Positive(t, ackedWhileDown.Load())

	retried := 0
	for _, vs := range votes {
		for _, v := range vs {
			if v.tries > 1 {
				retried++
			}
		}
	}
	t.Logf("%d votes, %d acknowledged while node %d was down, %d needed more than one try; appends that lost a race to the other instance and were decided again: %s and %s",
		total, ackedWhileDown.Load(), leader+1, retried, metric(t, instances[0], "accord_append_conflicts_total"), metric(t, instances[1], "accord_append_conflicts_total"))

	// Both instances catch up to the same state, the deadline included.
	var states [2][]byte
	require.Eventually(t, func() bool {
		for i, api := range instances {
			status, raw, err := api.raw(http.MethodGet, "/v1/alliances/"+aid, clusterAdminToken)
			if err != nil || status != http.StatusOK {
				return false
			}
			states[i] = raw
		}
		return bytes.Equal(states[0], states[1]) && proposalStatus(t, states[0], deadlinePID) != "voting"
	}, 60*time.Second, 100*time.Millisecond, "the instances do not converge:\n%s\n%s", states[0], states[1])

	lines := exportLedger(t, instances[0], aid, clusterAdminToken)
	require.Equal(t, lines, exportLedger(t, instances[1], aid, clusterAdminToken))
	checkChain(t, lines)
	byCommand := map[string][]domain.Event{}
	closings := 0
	for _, line := range lines {
		e, err := domain.Decode(line)
		require.NoError(t, err)
		byCommand[e.CommandID] = append(byCommand[e.CommandID], e)
		if e.Type == domain.TypeVotingClosed {
			closings++
			require.Equal(t, ledger.ReservedCommandPrefix+deadlinePID, e.CommandID)
			require.Equal(t, domain.RoleSystem, e.Actor.Role)
		}
	}
	require.Equal(t, 1, closings, "the deadline closes its vote once")
	for id, events := range byCommand {
		require.Len(t, events, 1, "command %s is in the ledger more than once", id)
	}
	for _, vs := range votes {
		for _, v := range vs {
			events := byCommand[v.key]
			require.Len(t, events, 1, "vote %s", v.key)
			require.Equal(t, uint64(v.seq), events[0].Seq)
			require.Equal(t, v.hash, domain.Hash(lines[events[0].Seq-1]))
		}
	}

	// The restarted node caught up: all three replicas are current.
	require.Eventually(t, func() bool {
		info, err := c.streamInfo(leader)
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

// setUpClusterAlliance forms an alliance with n members (the first a
// convener), opens a vote without a deadline for the storm and one that
// closes a few seconds later, and returns the ids and the members' tokens.
func setUpClusterAlliance(t *testing.T, api *ledgerHTTP, n int) (aid, pid, deadlinePID string, tokens []string) {
	t.Helper()
	aid = api.must(t, http.MethodPost, "/v1/alliances", clusterAdminToken, map[string]any{
		"name": "Rural Health Network", "purpose": "Shared specialists",
		"charter": map[string]any{"decision_rule": "majority"},
	})["id"].(string)
	for i := range n {
		role := "member"
		if i == 0 {
			role = "convener"
		}
		m := api.must(t, http.MethodPost, "/v1/alliances/"+aid+"/members", clusterAdminToken, map[string]any{"name": fmt.Sprintf("Clinic %d", i), "sector": "health system", "role": role})
		tokens = append(tokens, m["token"].(string))
	}
	propose := func(title string, voting map[string]any) string {
		id := api.must(t, http.MethodPost, "/v1/alliances/"+aid+"/proposals", tokens[1], map[string]any{"kind": "resolution", "title": title, "body": "b"})["id"].(string)
		api.must(t, http.MethodPost, "/v1/alliances/"+aid+"/proposals/"+id+"/voting", tokens[0], voting)
		return id
	}
	pid = propose("Tele-stroke rota", map[string]any{})
	deadlinePID = propose("Deadline", map[string]any{"closes_at": time.Now().Add(3 * time.Second).UTC().Format(time.RFC3339Nano)})
	api.must(t, http.MethodPut, "/v1/alliances/"+aid+"/proposals/"+deadlinePID+"/vote", tokens[0], map[string]any{"stance": "agree", "reason": "r"})
	return aid, pid, deadlinePID, tokens
}

// waitForToken waits until an instance knows a token issued by another (the
// token bucket reaches it by a watch).
func waitForToken(t *testing.T, api *ledgerHTTP, aid, token string) {
	t.Helper()
	require.Eventually(t, func() bool {
		status, _, err := api.raw(http.MethodGet, "/v1/alliances/"+aid, token)
		return err == nil && status == http.StatusOK
	}, 30*time.Second, 20*time.Millisecond)
}

// voteUntilAcked sends a vote until an instance answers 200, starting with
// instances[first] and switching instance on every failure. Only the
// answers that a cluster in trouble may give are retried: 503 (the log
// unavailable or slow), 409 (concurrency retries ran out) and transport
// errors.
func voteUntilAcked(t *testing.T, instances []*ledgerHTTP, first int, aid, pid string, v *clusterVote) {
	deadline := time.Now().Add(90 * time.Second)
	for try := first; ; try++ {
		v.tries++
		status, out, err := instances[try%len(instances)].do(http.MethodPut, "/v1/alliances/"+aid+"/proposals/"+pid+"/vote", v.token, v.key, map[string]any{"stance": v.stance, "reason": v.key})
		if err == nil && status == http.StatusOK {
			v.seq, v.hash = out["seq"].(float64), out["hash"].(string)
			return
		}
		if err == nil && status != http.StatusServiceUnavailable && status != http.StatusConflict {
			t.Errorf("vote %s: %d %v", v.key, status, out)
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("vote %s not acknowledged after %d tries: %d %v %v", v.key, v.tries, status, out, err)
			return
		}
		time.Sleep(time.Duration(min(v.tries, 10)) * 50 * time.Millisecond)
	}
}

// waitForAcks waits until n votes are acknowledged.
func waitForAcks(t *testing.T, acked *atomic.Int64, n int64) {
	t.Helper()
	require.Eventually(t, func() bool { return acked.Load() >= n }, 90*time.Second, 10*time.Millisecond)
}

// proposalStatus returns a proposal's status in an alliance's state.
func proposalStatus(t *testing.T, state []byte, pid string) string {
	t.Helper()
	var s struct {
		Proposals []struct{ ID, Status string }
	}
	require.NoError(t, json.Unmarshal(state, &s))
	for _, p := range s.Proposals {
		if p.ID == pid {
			return p.Status
		}
	}
	return ""
}

// TestClusterUnavailable takes the cluster's majority away, then every node,
// under a running instance: writes answer 503 in the documented error shape
// (within the client's timeout, not a hang), reads of the current state are
// still served from the instance's read models, and once the nodes are back
// the same votes, sent again with their keys, land exactly once.
func TestClusterUnavailable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node NATS cluster")
	}
	c := startNATSCluster(t)
	c.createStream()
	api := newLedgerHTTP(startClusterMain(t, c).URL())
	aid, pid, _, tokens := setUpClusterAlliance(t, api, 3)
	vote := func(key string) (int, map[string]any) {
		t.Helper()
		start := time.Now()
		status, out, err := api.do(http.MethodPut, "/v1/alliances/"+aid+"/proposals/"+pid+"/vote", tokens[1], key, map[string]any{"stance": "agree", "reason": "r"})
		require.NoError(t, err, "the API must answer, not hang")
		t.Logf("vote %s: %d in %s", key, status, time.Since(start).Round(time.Millisecond))
		return status, out
	}
	requireUnavailable := func(status int, out map[string]any) {
		t.Helper()
		require.Equal(t, http.StatusServiceUnavailable, status, "%v", out)
		require.Equal(t, "unavailable", out["error"].(map[string]any)["code"], "%v", out)
		require.NotEmpty(t, out["error"].(map[string]any)["message"])
	}

	leader := c.streamLeader()
	c.shutdown(leader)
	c.shutdown((leader + 1) % 3)
	requireUnavailable(vote("while-no-majority"))

	c.shutdown((leader + 2) % 3)
	requireUnavailable(vote("while-no-nats"))
	status, out, err := api.do(http.MethodPost, "/v1/alliances", clusterAdminToken, "", map[string]any{"name": "n", "purpose": "p", "charter": map[string]any{"decision_rule": "majority"}})
	require.NoError(t, err)
	requireUnavailable(status, out)
	status, _, err = api.do(http.MethodGet, "/v1/alliances/"+aid, tokens[1], "", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, "the read models still answer")

	for i := range 3 {
		c.start(i)
	}
	c.waitForMetaLeader()
	require.Eventually(t, func() bool {
		status, _ := vote("while-no-nats")
		return status == http.StatusOK
	}, 60*time.Second, 250*time.Millisecond, "writes do not resume")
	acked := map[string]float64{}
	for _, key := range []string{"while-no-nats", "while-no-majority"} {
		status, out := vote(key)
		require.Equal(t, http.StatusOK, status, "%v", out)
		acked[key] = out["seq"].(float64)
	}

	landed := map[string][]float64{}
	for _, line := range exportLedger(t, api, aid, clusterAdminToken) {
		e, err := domain.Decode(line)
		require.NoError(t, err)
		landed[e.CommandID] = append(landed[e.CommandID], float64(e.Seq))
	}
	for key, seq := range acked {
		require.Equal(t, []float64{seq}, landed[key], "vote %s", key)
	}
}

// metric returns the value of a Prometheus metric line of an instance, "?"
// when it has none.
func metric(t *testing.T, api *ledgerHTTP, name string) string {
	t.Helper()
	_, raw, err := api.raw(http.MethodGet, "/metrics", "")
	require.NoError(t, err)
	for _, line := range strings.Split(string(raw), "\n") {
		if value, ok := strings.CutPrefix(line, name+" "); ok {
			return value
		}
	}
	return "?"
}
