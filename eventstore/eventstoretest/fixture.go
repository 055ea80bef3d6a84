// Package eventstoretest is what the tests of accord's packages share about
// the event log: the one fixture that starts an embedded nats-server with
// JetStream in a test's temporary directory (Start), and the conformance
// suite that every implementation of the log runs (Run). Only tests import
// it.
package eventstoretest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/eventstore"
)

// Server is an embedded nats-server with JetStream, an in-process
// connection to it and, once opened, a Store on that connection.
type Server struct {
	Dir   string
	NATS  *eventstore.Server
	Conn  *nats.Conn
	Store *eventstore.Store

	stopOnce sync.Once
}

// Start starts a server in tb.TempDir(), connects to it and opens a Store
// with opts. Everything stops when tb ends, or earlier through Stop. It
// fails tb when a step fails.
func Start(tb testing.TB, opts ...eventstore.Option) *Server {
	tb.Helper()
	s := StartNATS(tb, tb.TempDir())
	s.Store = s.Open(tb, opts...)
	return s
}

// StartNATS starts a server on dir (another test's stopped server's, to
// find its data again) and connects to it, without opening a Store. It fails
// tb when the server does not start.
func StartNATS(tb testing.TB, dir string) *Server {
	tb.Helper()
	srv, err := eventstore.StartServer(eventstore.ServerConfig{Dir: dir})
	require.NoError(tb, err)
	s := &Server{Dir: dir, NATS: srv}
	tb.Cleanup(s.Stop)
	s.Conn = s.Connect(tb)
	return s
}

// Open opens a Store on the server's connection with opts; it fails tb
// when Open fails.
func (s *Server) Open(tb testing.TB, opts ...eventstore.Option) *eventstore.Store {
	tb.Helper()
	store, err := eventstore.Open(Context(tb), s.Conn, opts...)
	require.NoError(tb, err)
	return store
}

// Connect returns another in-process connection to the server, closed when
// tb ends: each accord instance of a test has its own, as each process
// does.
func (s *Server) Connect(tb testing.TB) *nats.Conn {
	tb.Helper()
	nc, err := eventstore.ConnectInProcess(s.NATS)
	require.NoError(tb, err)
	tb.Cleanup(nc.Close)
	return nc
}

// JetStream returns a raw JetStream client on the server, for checks below
// the Store's API.
func (s *Server) JetStream(tb testing.TB) jetstream.JetStream {
	tb.Helper()
	js, err := jetstream.New(s.Conn)
	require.NoError(tb, err)
	return js
}

// Stop closes the connection and shuts the server down, e.g. to make the
// log unreachable. It may be called more than once.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		if s.Conn != nil {
			s.Conn.Close()
		}
		s.NATS.Shutdown()
		s.NATS.WaitForShutdown()
	})
}

// Context returns a context that ends with the test or after a minute, so
// that a hang fails the test instead of stalling the run.
func Context(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	tb.Cleanup(cancel)
	return ctx
}
