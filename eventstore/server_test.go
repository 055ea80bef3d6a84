package eventstore_test

import (
	"net"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

func TestStartServerListens(t *testing.T) {
	srv, err := eventstore.StartServer(eventstore.ServerConfig{Dir: t.TempDir(), Listen: "127.0.0.1:0", SyncAlways: true})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	require.NotNil(t, srv.Addr())

	nc, err := eventstore.Connect(accordURL(srv))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	_, err = eventstore.Open(eventstoretest.Context(t), nc)
	require.NoError(t, err)
}

func TestStartServerInProcessOnly(t *testing.T) {
	for _, listen := range []string{"", "none"} {
		srv, err := eventstore.StartServer(eventstore.ServerConfig{Dir: t.TempDir(), Listen: listen})
		require.NoError(t, err)
		require.Nil(t, srv.Addr(), "no socket for %q", listen)
		nc, err := eventstore.ConnectInProcess(srv)
		require.NoError(t, err)
		nc.Close()
		srv.Shutdown()
		srv.WaitForShutdown()
	}
}

func TestStartServerPortTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()

	_, err = eventstore.StartServer(eventstore.ServerConfig{Dir: t.TempDir(), Listen: taken.Addr().String()})
	require.ErrorContains(t, err, taken.Addr().String())
	require.ErrorContains(t, err, "address already in use")
}

func TestStartServerBadConfig(t *testing.T) {
	_, err := eventstore.StartServer(eventstore.ServerConfig{})
	require.Error(t, err)
	for _, listen := range []string{"localhost", "localhost:http", "localhost:70000"} {
		_, err = eventstore.StartServer(eventstore.ServerConfig{Dir: t.TempDir(), Listen: listen})
		require.Error(t, err, listen)
	}
}

func TestConnectUnreachable(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "nats://" + free.Addr().String()
	free.Close()

	_, err = eventstore.Connect(url)
	require.Equal(t, domain.Unavailable, domain.KindOf(err))
}

// With an external NATS gone and the client reconnecting, appends fail at
// once as Unavailable: nothing is buffered to be sent later.
func TestAppendWhileExternalNATSIsDown(t *testing.T) {
	srv, err := eventstore.StartServer(eventstore.ServerConfig{Dir: t.TempDir(), Listen: "127.0.0.1:0"})
	require.NoError(t, err)
	nc, err := eventstore.Connect(accordURL(srv))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	s, err := eventstore.Open(eventstoretest.Context(t), nc)
	require.NoError(t, err)
	reconnecting := nc.StatusChanged(nats.RECONNECTING)
	srv.Shutdown()
	srv.WaitForShutdown()
	select {
	case <-reconnecting:
	case <-eventstoretest.Context(t).Done():
		t.Fatal("the client never noticed the server was gone")
	}

	a := "alliance-1"
	_, err = s.Append(eventstoretest.Context(t), a, eventstore.Position{}, eventstoretest.Votes(a, 1))
	require.ErrorIs(t, err, eventstore.ErrUnavailable)
	_, err = s.Head(eventstoretest.Context(t), a)
	require.ErrorIs(t, err, eventstore.ErrUnavailable)
}

func TestStartServerRefusesADirectoryInUse(t *testing.T) {
	ts := eventstoretest.StartNATS(t, t.TempDir())
	_, err := eventstore.StartServer(eventstore.ServerConfig{Dir: ts.Dir})
	require.ErrorContains(t, err, "in use by another server")
}
