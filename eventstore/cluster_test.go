package eventstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// The conformance suite on a three-node JetStream cluster with an R3 stream,
// where the server checks in another order (de-duplication first) and
// answers conflicts with 10164 as well as 10071.
func TestReplicatedConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node cluster")
	}
	nc := startCluster(t, 3)
	s := openRetrying(t, nc)
	eventstoretest.Run(t, func(t *testing.T) eventstoretest.Log { return s })
}

// clusterPassword is the password of both users on every test cluster node.
const clusterPassword = "cluster-test-password"

// startCluster starts n clustered servers with JetStream, each in its own
// directory, and returns an in-process connection to the first. Every
// listener takes a port from the kernel as it binds (none is chosen ahead
// and freed, which another listener could take first): each node after the
// first routes to the nodes already running, and gossip completes the mesh.
func startCluster(t *testing.T, n int) *nats.Conn {
	t.Helper()
	var servers []*server.Server
	var routes []string
	for i := 0; i < n; i++ {
		// Routes start only once the client listener is up, so each node
		// listens for clients too.
		opts, err := eventstore.ServerOptions(eventstore.ServerConfig{Dir: t.TempDir(), Listen: "127.0.0.1:0", AccordPassword: clusterPassword, ReaderPassword: clusterPassword})
		require.NoError(t, err)
		opts.ServerName = fmt.Sprintf("accord-%d", i)
		opts.Cluster = server.ClusterOpts{Name: "accord-test", Host: "127.0.0.1", Port: server.RANDOM_PORT}
		opts.Routes = server.RoutesFromStr(strings.Join(routes, ","))
		srv, err := eventstore.StartServerWith(opts)
		require.NoError(t, err)
		servers = append(servers, srv)
		t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
		addr := srv.ClusterAddr()
		require.NotNil(t, addr, "node %d has no route listener", i)
		routes = append(routes, fmt.Sprintf("nats://%s", addr))
	}
	nc, err := eventstore.ConnectInProcessAs(servers[0], clusterPassword)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	return nc
}

// openRetrying opens an R3 store once the cluster has elected its JetStream
// leader, which takes a few seconds after start.
func openRetrying(t *testing.T, nc *nats.Conn) *eventstore.Store {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(eventstoretest.Context(t), 2*time.Second)
		s, err := eventstore.Open(ctx, nc, eventstore.WithReplicas(3))
		cancel()
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			require.NoError(t, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
