package ledger_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"accord/api"
	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
	"accord/ledger"
	"accord/projections"
)

// httpInstance starts one accord instance on nc: its ledger and its HTTP
// API on a real server. It returns the server's URL and the instance's
// credential bucket.
func httpInstance(t *testing.T, nc *nats.Conn) (string, *eventstore.Credentials) {
	t.Helper()
	ctx := eventstoretest.Context(t)
	store, err := eventstore.Open(ctx, nc)
	require.NoError(t, err)
	proj := projections.New(store)
	require.NoError(t, proj.Start(ctx))
	t.Cleanup(proj.Close)
	creds, err := store.OpenCredentials(ctx, 1)
	require.NoError(t, err)
	l, err := ledger.New(ctx, ledger.Config{
		Store: store, Projection: proj, Credentials: creds, AdminToken: "admin-token",
		TokenSecret: []byte("ledger-test-token-secret-of-32-bytes"),
		NewChecker:  func() ledger.ChainChecker { return nil },
		Log:         slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err)
	t.Cleanup(l.Close)
	hs := httptest.NewServer(api.New(api.Config{Ledger: l, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(hs.Close)
	return hs.URL, creds
}

// getAlliances asks base for the caller's alliances with token and returns
// the status and, for an error, its code and message.
func getAlliances(t *testing.T, base, token string) (status int, code, message string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/v1/alliances", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if resp.StatusCode != http.StatusOK {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	}
	return resp.StatusCode, body.Error.Code, body.Error.Message
}

// TestUnreadableBucketAnswers503 stops NATS under a running instance: a
// token it has not cached answers 503 in the documented shape, not 401,
// while a token it has cached and the admin's keep working.
func TestUnreadableBucketAnswers503(t *testing.T) {
	srv := eventstoretest.StartNATS(t, t.TempDir())
	nc := srv.Connect(t)
	base, creds := httpInstance(t, nc)
	ctx := eventstoretest.Context(t)
	put := func(token string) {
		sum := sha256.Sum256([]byte(token))
		_, err := creds.CreateToken(ctx, hex.EncodeToString(sum[:]), eventstore.TokenRecord{ID: token, Role: domain.RoleObserver, AllianceID: "a"})
		require.NoError(t, err)
	}
	put("acc_cached")
	put("acc_unseen")
	status, _, _ := getAlliances(t, base, "acc_cached")
	require.Equal(t, http.StatusOK, status)
	status, code, _ := getAlliances(t, base, "acc_never-issued")
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, "unauthorized", code)

	srv.NATS.Shutdown()
	srv.NATS.WaitForShutdown()
	for _, token := range []string{"acc_unseen", "acc_another-guess"} {
		start := time.Now()
		status, code, message := getAlliances(t, base, token)
		t.Logf("%s: %d %s %q after %v", token, status, code, message, time.Since(start))
		require.Equal(t, http.StatusServiceUnavailable, status)
		require.Equal(t, "unavailable", code)
		require.Contains(t, message, "token")
	}
	for _, token := range []string{"acc_cached", "admin-token"} {
		status, _, _ := getAlliances(t, base, token)
		require.Equal(t, http.StatusOK, status, token)
	}
	nc.Close() // lets the watches stop without waiting on the server
	srv.Stop()
}
