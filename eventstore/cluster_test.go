package eventstore

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"
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
	runConformance(t, func(t *testing.T) conformanceLog { return s })
}

// startCluster starts n clustered servers with JetStream, each in its own
// directory, and returns an in-process connection to the first.
func startCluster(t *testing.T, n int) *nats.Conn {
	t.Helper()
	ports := make([]int, n)
	routes := make([]string, n)
	for i := range ports {
		ports[i] = freePort(t)
		routes[i] = fmt.Sprintf("nats://127.0.0.1:%d", ports[i])
	}
	var servers []*server.Server
	for i := range ports {
		// Routes start only once the client listener is up, so each node
		// listens for clients too.
		opts, err := serverOptions(ServerConfig{Dir: t.TempDir(), Listen: "127.0.0.1:0"})
		require.NoError(t, err)
		opts.ServerName = fmt.Sprintf("accord-%d", i)
		opts.Cluster = server.ClusterOpts{Name: "accord-test", Host: "127.0.0.1", Port: ports[i]}
		opts.Routes = server.RoutesFromStr(strings.Join(routes, ","))
		srv, err := startServer(opts)
		require.NoError(t, err)
		servers = append(servers, srv)
		t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	}
	nc, err := ConnectInProcess(servers[0])
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	return nc
}

// openRetrying opens an R3 store once the cluster has elected its JetStream
// leader, which takes a few seconds after start.
func openRetrying(t *testing.T, nc *nats.Conn) *Store {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(testContext(t), 2*time.Second)
		s, err := Open(ctx, nc, WithReplicas(3))
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

// freePort returns a TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
