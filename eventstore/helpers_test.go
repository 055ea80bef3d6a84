package eventstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"accord/domain"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
)

// testServer is an embedded nats-server with an in-process connection.
type testServer struct {
	dir string
	srv *Server
	nc  *nats.Conn
}

// startTestServer starts an embedded server on dir and connects to it; both
// are closed when the test ends (or earlier by stop).
func startTestServer(t testing.TB, dir string) *testServer {
	t.Helper()
	srv, err := StartServer(ServerConfig{Dir: dir})
	require.NoError(t, err)
	nc, err := ConnectInProcess(srv)
	require.NoError(t, err)
	ts := &testServer{dir: dir, srv: srv, nc: nc}
	t.Cleanup(ts.stop)
	return ts
}

// stop closes the connection and shuts the server down; it may be called
// more than once.
func (ts *testServer) stop() {
	ts.nc.Close()
	ts.srv.Shutdown()
	ts.srv.WaitForShutdown()
}

// openTestStore starts a fresh server in a temporary directory and opens a
// Store on it.
func openTestStore(t testing.TB) (*Store, *testServer) {
	t.Helper()
	ts := startTestServer(t, t.TempDir())
	s, err := Open(testContext(t), ts.nc)
	require.NoError(t, err)
	return s, ts
}

// testContext returns a context that ends with the test or after a minute,
// so that a hang fails the test instead of stalling the run.
func testContext(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// testJetStream returns a raw JetStream client on the test server, for
// checks below the Store's API.
func testJetStream(t *testing.T, ts *testServer) jetstream.JetStream {
	t.Helper()
	js, err := jetstream.New(ts.nc)
	require.NoError(t, err)
	return js
}

// votes returns n VoteCast events of one new command for an alliance.
func votes(allianceID string, n int) []domain.Event {
	return votesOf(allianceID, uuid.NewString(), n)
}

// votesOf returns n VoteCast events of command commandID for an alliance.
func votesOf(allianceID, commandID string, n int) []domain.Event {
	meta := domain.Meta{
		AllianceID: allianceID,
		CommandID:  commandID,
		At:         time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC),
		Actor:      domain.Actor{ID: "actor-1", Role: domain.RoleMember, MemberID: "member-1"},
	}
	events := make([]domain.Event, n)
	for i := range events {
		events[i] = domain.NewEvent(meta, domain.VoteCast{
			ProposalID: "proposal-1", MemberID: fmt.Sprintf("member-%d", i), Stance: "agree", Reason: "fits the charter",
		})
	}
	return events
}

// readAll returns every record of an alliance.
func readAll(t *testing.T, log conformanceLog, allianceID string) []Record {
	t.Helper()
	var records []Record
	err := log.ReadAlliance(testContext(t), allianceID, 0, func(r Record) error {
		records = append(records, r)
		return nil
	})
	require.NoError(t, err)
	return records
}
