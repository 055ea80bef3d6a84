package eventstore_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// recoverBound is how long after a node is lost a follower and a read may
// take to deliver what was stored meanwhile. They take about a second; the
// bound leaves a slow machine plenty of room, yet a follower that waits for
// ten seconds of silence fails it. The times measured are logged.
const recoverBound = 8 * time.Second

// A follower and the reads keep going when the node that hosts the
// follower's consumer goes away, and when the node the client is connected
// to does: each loss is followed by writes, which the follower delivers in
// order, without gap or repeat, and which Head and ReadAlliance see.
func TestReadsRecoverFromNodeLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node cluster")
	}
	cl := startRestartableCluster(t)
	nc, err := eventstore.Connect(cl.urls())
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	s := openRetrying(t, nc)
	a := uuid.NewString()
	got := newCollector()
	stop, err := s.Follow(eventstoretest.Context(t), 0, "", got.add)
	require.NoError(t, err)
	t.Cleanup(stop)
	appendThroughLoss(t, s, a, 5)
	got.waitFor(t, 5)

	losses := []struct {
		what   string
		victim func() int
	}{
		{"the node hosting the follower's consumer", func() int { return cl.hostOf(t, "accord_follow_") }},
		{"the node the client is connected to", func() int { return cl.index(t, nc.ConnectedServerName()) }},
	}
	want := 5
	for _, loss := range losses {
		i := loss.victim()
		since := time.Now()
		cl.shutdown(i)
		appendThroughLoss(t, s, a, 5)
		want += 5
		appended := time.Since(since)
		waitForRecords(t, got, want, recoverBound)
		followed := time.Since(since)
		head, err := s.Head(eventstoretest.Context(t), a)
		require.NoError(t, err)
		require.Equal(t, uint64(want), head.Seq)
		require.Equal(t, want, len(eventstoretest.ReadAll(t, s, a)))
		t.Logf("lost %s (node %d): the writes landed after %s, the follower had them after %s, reads after %s",
			loss.what, i+1, appended.Round(time.Millisecond), followed.Round(time.Millisecond), time.Since(since).Round(time.Millisecond))
		cl.restart(i)
	}
	requireInOrder(t, got.snapshot(), map[string]uint64{a: 1})
}

// A read whose consumer lands on a node that is still catching up after a
// restart reads on to the end from another consumer instead of stopping
// where that node's copy of the stream ends.
func TestReadsWhileANodeCatchesUp(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node cluster")
	}
	cl := startRestartableCluster(t)
	nc, err := eventstore.Connect(cl.urls())
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	s := openRetrying(t, nc)
	a := uuid.NewString()
	appendThroughLoss(t, s, a, 5)
	i := (cl.index(t, nc.ConnectedServerName()) + 1) % 3
	cl.shutdown(i)
	const missed = 1000
	appendThroughLoss(t, s, a, missed)
	want := 5 + missed

	cl.start(i)
	reads := 0
	for start := time.Now(); time.Since(start) < 3*time.Second; reads++ {
		require.Equal(t, want, len(eventstoretest.ReadAll(t, s, a)), "events in read %d", reads+1)
	}
	t.Logf("%d reads of %d events each, all whole, while node %d caught up", reads, want, i+1)
}

// appendThroughLoss appends n events to the alliance, one command at a time,
// each sent again (with its command id, so it lands once) while the
// cluster elects a new leader.
func appendThroughLoss(t *testing.T, s *eventstore.Store, allianceID string, n int) {
	t.Helper()
	for range n {
		events := eventstoretest.Votes(allianceID, 1)
		deadline := time.Now().Add(time.Minute)
		for {
			err := eventstoretest.AppendRetrying(eventstoretest.Context(t), s, allianceID, events)
			if err == nil {
				break
			}
			require.Equal(t, domain.Unavailable, domain.KindOf(err), "%v", err)
			require.True(t, time.Now().Before(deadline), "still unavailable: %v", err)
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// waitForRecords waits up to bound for the collector to hold n records.
func waitForRecords(t *testing.T, got *collector, n int, bound time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(eventstoretest.Context(t), bound)
	defer cancel()
	for len(got.snapshot()) < n {
		select {
		case <-got.more:
		case <-ctx.Done():
			t.Fatalf("after %s the follower has %d of %d records", bound, len(got.snapshot()), n)
		}
	}
}

// restartableCluster is three clustered JetStream servers that can be shut
// down and started again as themselves (same name, ports and store).
type restartableCluster struct {
	t       *testing.T
	opts    []*server.Options
	servers []*server.Server
}

func startRestartableCluster(t *testing.T) *restartableCluster {
	t.Helper()
	cl := &restartableCluster{t: t}
	var routes []string
	for i := range 3 {
		opts, err := eventstore.ServerOptions(eventstore.ServerConfig{Dir: t.TempDir(), Listen: "127.0.0.1:0", AccordPassword: clusterPassword, ReaderPassword: clusterPassword})
		require.NoError(t, err)
		opts.ServerName = fmt.Sprintf("accord-%d", i+1)
		opts.Cluster = server.ClusterOpts{Name: "accord-test", Host: "127.0.0.1", Port: server.RANDOM_PORT}
		opts.Routes = server.RoutesFromStr(strings.Join(routes, ","))
		cl.opts = append(cl.opts, opts)
		running := *opts // the server keeps its options; opts change below
		srv, err := eventstore.StartServerWith(&running)
		require.NoError(t, err)
		cl.servers = append(cl.servers, srv)
		client, cluster := srv.Addr().(*net.TCPAddr), srv.ClusterAddr()
		require.NotNil(t, cluster)
		opts.Port, opts.Cluster.Port = client.Port, cluster.Port
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", cluster.Port))
	}
	for _, o := range cl.opts {
		o.Routes = server.RoutesFromStr(strings.Join(routes, ","))
	}
	t.Cleanup(func() {
		for i := range cl.servers {
			cl.shutdown(i)
		}
	})
	return cl
}

func (cl *restartableCluster) urls() string {
	var urls []string
	for _, o := range cl.opts {
		urls = append(urls, fmt.Sprintf("nats://%s:%s@127.0.0.1:%d", eventstore.AccordUser, clusterPassword, o.Port))
	}
	return strings.Join(urls, ",")
}

func (cl *restartableCluster) shutdown(i int) {
	if srv := cl.servers[i]; srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
		cl.servers[i] = nil
	}
}

// start starts node i again as itself.
func (cl *restartableCluster) start(i int) {
	cl.t.Helper()
	opts := *cl.opts[i]
	srv, err := eventstore.StartServerWith(&opts)
	require.NoError(cl.t, err)
	cl.servers[i] = srv
}

// restart starts node i again and waits until the stream's replicas are
// all current, so that losing another node leaves a majority.
func (cl *restartableCluster) restart(i int) {
	cl.t.Helper()
	cl.start(i)
	require.Eventually(cl.t, func() bool {
		info, err := cl.streamInfo()
		if err != nil || info.Cluster == nil || len(info.Cluster.Replicas) != 2 {
			return false
		}
		for _, r := range info.Cluster.Replicas {
			if !r.Current || r.Offline {
				return false
			}
		}
		return true
	}, time.Minute, 100*time.Millisecond, "node %d does not catch up", i+1)
}

// index returns the index of the node named name.
func (cl *restartableCluster) index(t *testing.T, name string) int {
	t.Helper()
	for i, o := range cl.opts {
		if o.ServerName == name {
			return i
		}
	}
	t.Fatalf("no node is named %q", name)
	return -1
}

// hostOf returns the node that hosts the consumer of the ACCORD stream
// whose name starts with prefix.
func (cl *restartableCluster) hostOf(t *testing.T, prefix string) int {
	t.Helper()
	js, done := cl.jetStream()
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stream, err := js.Stream(ctx, eventstore.StreamName)
	require.NoError(t, err)
	list := stream.ListConsumers(ctx)
	for info := range list.Info() {
		if strings.HasPrefix(info.Name, prefix) && info.Cluster != nil {
			return cl.index(t, info.Cluster.Leader)
		}
	}
	require.NoError(t, list.Err())
	t.Fatalf("no consumer named %s…", prefix)
	return -1
}

// streamInfo returns the ACCORD stream's info.
func (cl *restartableCluster) streamInfo() (*jetstream.StreamInfo, error) {
	js, done := cl.jetStream()
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stream, err := js.Stream(ctx, eventstore.StreamName)
	if err != nil {
		return nil, err
	}
	return stream.Info(ctx)
}

// jetStream returns a JetStream client on the cluster and a function that
// closes it.
func (cl *restartableCluster) jetStream() (jetstream.JetStream, func()) {
	cl.t.Helper()
	nc, err := nats.Connect(cl.urls())
	require.NoError(cl.t, err)
	js, err := jetstream.New(nc)
	require.NoError(cl.t, err)
	return js, nc.Close
}
