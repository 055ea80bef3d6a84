package client_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/client"
	"accord/domain"
)

// keyRecorder is a stand-in server that answers the first fail requests
// with fail(w) and then ok, and keeps each request's Idempotency-Key.
type keyRecorder struct {
	mu   sync.Mutex
	keys []string
	fail int
	how  func(w http.ResponseWriter)
	ok   string
}

func (k *keyRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	k.mu.Lock()
	k.keys = append(k.keys, r.Header.Get("Idempotency-Key"))
	n := len(k.keys)
	k.mu.Unlock()
	if n <= k.fail {
		k.how(w)
		return
	}
	io.WriteString(w, k.ok)
}

func (k *keyRecorder) seen() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.keys...)
}

func unavailable(w http.ResponseWriter) {
	w.WriteHeader(http.StatusServiceUnavailable)
	io.WriteString(w, `{"error":{"code":"unavailable","message":"the log cannot be reached"}}`)
}

// hangUp drops the connection without an answer, as a crashed server or a
// load balancer would.
func hangUp(w http.ResponseWriter) { panic(http.ErrAbortHandler) }

// TestWriteRetriesWithTheSameKey resends a write that met a 503 or a
// dropped connection, with the key of its first attempt, until it is
// answered.
func TestWriteRetriesWithTheSameKey(t *testing.T) {
	for name, how := range map[string]func(http.ResponseWriter){"503": unavailable, "hang-up": hangUp} {
		rec := &keyRecorder{fail: 2, how: how, ok: `{"id":"m1","token":"acc_x","name":"N","role":"member","seq":2}`}
		srv := httptest.NewServer(rec)
		cred, err := newClient(t, srv).AdmitMember(context.Background(), "a", domain.AdmitMember{Name: "N", Sector: "s"})
		srv.Close()
		require.NoError(t, err, name)
		require.Equal(t, "acc_x", cred.Token)
		keys := rec.seen()
		require.Len(t, keys, 3, name)
		require.NotEmpty(t, keys[0])
		require.Equal(t, []string{keys[0], keys[0], keys[0]}, keys, "%s: one key over every attempt", name)
	}
}

// TestRetriesAreBounded gives up after the retries and returns the last
// error, of kind Unavailable.
func TestRetriesAreBounded(t *testing.T) {
	rec := &keyRecorder{fail: 100, how: unavailable}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	_, err := newClient(t, srv).CloseVoting(context.Background(), "a", "p")
	require.Equal(t, domain.Unavailable, domain.KindOf(err))
	require.Len(t, rec.seen(), 4, "the first attempt and three retries")
}

// TestRefusalsAreNotRetried sends a refused write once.
func TestRefusalsAreNotRetried(t *testing.T) {
	rec := &keyRecorder{fail: 100, how: func(w http.ResponseWriter) {
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"error":{"code":"conflict","message":"voting is not open"}}`)
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	_, err := newClient(t, srv).CastVote(context.Background(), "a", "p", domain.CastVote{Stance: "agree"})
	require.Equal(t, domain.Conflict, domain.KindOf(err))
	require.Len(t, rec.seen(), 1)
}

// TestIdempotencyKeys: each write has a key of its own unless one is set on
// the context; reads carry none.
func TestIdempotencyKeys(t *testing.T) {
	rec := &keyRecorder{ok: `{}`}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()
	_, err := c.WithdrawProposal(ctx, "a", "p", "r")
	require.NoError(t, err)
	_, err = c.WithdrawProposal(ctx, "a", "p", "r")
	require.NoError(t, err)
	_, err = c.WithdrawProposal(client.WithIdempotencyKey(ctx, "my-key-1"), "a", "p", "r")
	require.NoError(t, err)
	_, err = c.Proposal(client.WithIdempotencyKey(ctx, "my-key-1"), "a", "p", client.AsOf{})
	require.NoError(t, err)
	keys := rec.seen()
	require.Len(t, keys, 4)
	require.NotEqual(t, keys[0], keys[1], "a new key per write")
	require.Regexp(t, `^[A-Za-z0-9._:~+/=-]{1,128}$`, keys[0], "a key the server accepts")
	require.Equal(t, "my-key-1", keys[2])
	require.Empty(t, keys[3], "a read carries no key")
}

// TestAnswerHook sees each answer as the server sent it.
func TestAnswerHook(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"seq": 7, "hash": "ab", "extra": true}`)
	}))
	defer srv.Close()
	var seen []byte
	head, err := newClient(t, srv, client.WithAnswerHook(func(b []byte) { seen = b })).Head(context.Background(), "a")
	require.NoError(t, err)
	require.Equal(t, client.Head{Seq: 7, Hash: "ab"}, head)
	require.Equal(t, `{"seq": 7, "hash": "ab", "extra": true}`, string(seen))
}
