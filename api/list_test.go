package api_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/api"
	"accord/eventstore/eventstoretest"
)

// TestListingReadsTheStoredDirectory: once the directory is stored, the
// admin's listing reads it from the snapshot bucket, the same as before;
// with NATS gone it answers 503 unavailable in the documented shape, while
// a member whose alliance is loaded still gets its own listing.
func TestListingReadsTheStoredDirectory(t *testing.T) {
	srv := eventstoretest.StartNATS(t, t.TempDir())
	s, _, proj, _ := api.BuildTestAPI(t, t.Context(), srv.Conn, adminToken, slog.New(slog.NewTextHandler(io.Discard, nil)))
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	e := &testEnv{t: t, URL: hs.URL, Proj: proj}

	var ids []string
	for range 3 {
		ids = append(ids, e.formAlliance(consensus, 1).ID)
	}
	a := e.formAlliance(consensus, 1)
	before := e.must(200, "GET", "/v1/alliances", adminToken, nil)
	require.Len(t, before["alliances"], 4)
	mine := e.must(200, "GET", "/v1/alliances", a.Members[0].Token, nil)

	require.NoError(t, proj.Checkpoint(t.Context()))
	require.Equal(t, before, e.must(200, "GET", "/v1/alliances", adminToken, nil), "from the stored shards")
	require.Equal(t, mine, e.must(200, "GET", "/v1/alliances", a.Members[0].Token, nil))

	srv.NATS.Shutdown()
	srv.NATS.WaitForShutdown()
	start := time.Now()
	ans := e.do("GET", "/v1/alliances", adminToken, nil)
	t.Logf("admin listing answered %d after %v", ans.Status, time.Since(start))
	require.Equal(t, 503, ans.Status, "%s", ans.Body)
	require.Equal(t, "unavailable", ans.ErrorCode(t))
	require.Equal(t, mine, e.must(200, "GET", "/v1/alliances", a.Members[0].Token, nil), "its alliance is loaded")
	// Closed, the connection lets the instance stop without waiting on a
	// server that is gone.
	srv.Conn.Close()
}
