package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

const tokensTestSecret = "ledger-test-token-secret-of-32-bytes"

// tokenInstance opens the tokens of one instance on srv, with its own
// connection as each process has, closed when t ends.
func tokenInstance(t testing.TB, srv *eventstoretest.Server) *tokens {
	t.Helper()
	return tokenInstanceOn(t, srv.Connect(t))
}

// tokenInstanceOn opens the tokens of one instance on nc.
func tokenInstanceOn(t testing.TB, nc *nats.Conn) *tokens {
	t.Helper()
	ctx := eventstoretest.Context(t)
	store, err := eventstore.Open(ctx, nc)
	require.NoError(t, err)
	creds, err := store.OpenCredentials(ctx, 1)
	require.NoError(t, err)
	tk, err := openTokens(creds, "admin-token", []byte(tokensTestSecret))
	require.NoError(t, err)
	t.Cleanup(tk.close)
	return tk
}

// memberOf returns a fresh member identity of a fresh alliance.
func memberOf() Identity {
	return Identity{ID: uuid.NewString(), Role: domain.RoleMember, AllianceID: uuid.NewString(), Name: "Member"}
}

// requireRefused requires err to be an Unauthorized error saying why.
func requireRefused(t *testing.T, err error, why string) {
	t.Helper()
	require.Equal(t, domain.Unauthorized, domain.KindOf(err), "%v", err)
	require.Contains(t, domain.MessageOf(err), why)
}

// TestTokenResolvesOnAnInstanceStartedLater issues a token on instance A;
// instance B, started after, reads nothing at start, resolves the token
// with one get and answers it from its cache afterwards.
func TestTokenResolvesOnAnInstanceStartedLater(t *testing.T) {
	srv := eventstoretest.StartNATS(t, t.TempDir())
	ctx := eventstoretest.Context(t)
	a := tokenInstance(t, srv)
	id := memberOf()
	token, err := a.issue(ctx, id)
	require.NoError(t, err)
	for range 50 { // more tokens in the bucket that B is never asked about
		_, err := a.issue(ctx, memberOf())
		require.NoError(t, err)
	}

	b := tokenInstance(t, srv)
	known, absent := b.cache.size()
	require.Zero(t, known+absent, "B read tokens at start")
	require.Zero(t, b.gets.Load())

	for range 3 {
		got, err := b.resolve(ctx, token)
		require.NoError(t, err)
		require.Equal(t, id, got)
	}
	require.EqualValues(t, 1, b.gets.Load(), "gets of the token's record")
	known, _ = b.cache.size()
	require.Equal(t, 1, known)
}

// TestRevocationReachesAnotherInstancesCache revokes on A a token B has
// cached: B refuses it as soon as the watch brings the change, without
// reading the bucket again; the re-issued token resolves on B.
func TestRevocationReachesAnotherInstancesCache(t *testing.T) {
	srv := eventstoretest.StartNATS(t, t.TempDir())
	ctx := eventstoretest.Context(t)
	a, b := tokenInstance(t, srv), tokenInstance(t, srv)
	id := memberOf()
	token, err := a.issue(ctx, id)
	require.NoError(t, err)
	_, err = b.resolve(ctx, token)
	require.NoError(t, err)

	start := time.Now()
	_, err = a.revoke(ctx, id)
	require.NoError(t, err)
	_, err = a.resolve(ctx, token)
	requireRefused(t, err, "revoked")
	require.Eventually(t, func() bool {
		_, err := b.resolve(ctx, token)
		return domain.KindOf(err) == domain.Unauthorized
	}, 10*time.Second, time.Millisecond)
	t.Logf("the revocation reached B's cache in %v", time.Since(start))
	require.EqualValues(t, 1, b.gets.Load(), "B read the bucket again instead of taking the watched change")

	fresh, _, err := a.reissue(ctx, id)
	require.NoError(t, err)
	got, err := b.resolve(ctx, fresh)
	require.NoError(t, err)
	require.Equal(t, 1, got.Generation)
	_, err = b.resolve(ctx, token)
	requireRefused(t, err, "revoked")
}

// TestRevocationWhileAnInstanceIsDown: B caches a token and stops; A
// revokes it; B started again refuses it (its get sees the revocation).
func TestRevocationWhileAnInstanceIsDown(t *testing.T) {
	srv := eventstoretest.StartNATS(t, t.TempDir())
	ctx := eventstoretest.Context(t)
	a, b := tokenInstance(t, srv), tokenInstance(t, srv)
	id := memberOf()
	token, err := a.issue(ctx, id)
	require.NoError(t, err)
	_, err = b.resolve(ctx, token)
	require.NoError(t, err)
	b.close()

	_, err = a.revoke(ctx, id)
	require.NoError(t, err)
	again := tokenInstance(t, srv)
	_, err = again.resolve(ctx, token)
	requireRefused(t, err, "revoked")
}

// TestTokenCacheNewerRevisionWins races a get against the watch in every
// order on the cache itself: the newest revision is what is cached and
// answered, whichever path brought it and whenever.
func TestTokenCacheNewerRevisionWins(t *testing.T) {
	h := sha256.Sum256([]byte("a token"))
	key := hex.EncodeToString(h[:])
	valid := eventstore.TokenEntry{Hash: key, Record: eventstore.TokenRecord{ID: "m", Role: domain.RoleMember}, Revision: 3}
	revoked := valid
	revoked.Record.Revoked, revoked.Revision = true, 5
	absent := eventstore.TokenEntry{Hash: key, Deleted: true}

	cases := []struct {
		name        string
		got         eventstore.TokenEntry // what the get answers
		meanwhile   []eventstore.TokenEntry
		after       []eventstore.TokenEntry
		wantRevoked bool
		wantGone    bool
	}{
		{name: "revoked while the get of the valid record was in flight", got: valid, meanwhile: []eventstore.TokenEntry{revoked}, wantRevoked: true},
		{name: "get answered the revocation, watch brings the older record late", got: revoked, after: []eventstore.TokenEntry{valid}, wantRevoked: true},
		{name: "created while the get answering absent was in flight", got: absent, meanwhile: []eventstore.TokenEntry{valid}},
		{name: "created after the get answered absent", got: absent, after: []eventstore.TokenEntry{valid}},
		{name: "absent", got: absent, wantGone: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cache := newTokenCache(10, 10, time.Hour)
			_, f, start := cache.lookup(h)
			require.True(t, start)
			for _, e := range c.meanwhile {
				cache.apply(e, false)
			}
			cache.finish(h, f, c.got, nil)
			<-f.done
			for _, e := range c.after {
				cache.apply(e, false)
			}
			s, f, _ := cache.lookup(h)
			require.Nil(t, f, "the token is not cached")
			require.Equal(t, c.wantGone, s.gone)
			require.Equal(t, c.wantRevoked, s.id.Revoked)
		})
	}
}

// TestUnknownTokensStayBounded hammers an instance with random tokens: each
// is refused, costs one get, and the cache never holds more than its bound
// of absent tokens; a guess repeated within a few seconds, even by many
// callers at once, costs no second get.
func TestUnknownTokensStayBounded(t *testing.T) {
	srv := eventstoretest.StartNATS(t, t.TempDir())
	ctx := eventstoretest.Context(t)
	tk := tokenInstance(t, srv)
	const bound = 20
	tk.cache = newTokenCache(bound, bound, time.Minute)

	for i := range 10 * bound {
		_, err := tk.resolve(ctx, fmt.Sprintf("acc_guess%d", i))
		requireRefused(t, err, "not valid")
		known, absent := tk.cache.size()
		require.Zero(t, known)
		require.LessOrEqual(t, absent, bound)
	}
	require.EqualValues(t, 10*bound, tk.gets.Load())

	const guess = "acc_the-same-guess-again-and-again"
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			_, err := tk.resolve(ctx, guess)
			requireRefused(t, err, "not valid")
		})
	}
	wg.Wait()
	require.EqualValues(t, 10*bound+1, tk.gets.Load(), "gets after one guess made 50 times at once")
}

// TestTokenCacheEvictsLeastRecentlyUsed fills the cache past its bound:
// the least recently used token goes, and resolves again with one get.
func TestTokenCacheEvictsLeastRecentlyUsed(t *testing.T) {
	srv := eventstoretest.StartNATS(t, t.TempDir())
	ctx := eventstoretest.Context(t)
	issuer, tk := tokenInstance(t, srv), tokenInstance(t, srv)
	const bound = 5
	tk.cache = newTokenCache(bound, bound, time.Minute)
	issued := make([]string, bound+1)
	for i := range issued {
		var err error
		issued[i], err = issuer.issue(ctx, memberOf())
		require.NoError(t, err)
	}
	for _, token := range issued[:bound] {
		_, err := tk.resolve(ctx, token)
		require.NoError(t, err)
	}
	_, err := tk.resolve(ctx, issued[0]) // used again: issued[1] is now the least recent
	require.NoError(t, err)
	_, err = tk.resolve(ctx, issued[bound])
	require.NoError(t, err)
	known, _ := tk.cache.size()
	require.Equal(t, bound, known)

	gets := tk.gets.Load()
	_, err = tk.resolve(ctx, issued[0])
	require.NoError(t, err)
	require.Equal(t, gets, tk.gets.Load(), "a recently used token was evicted")
	_, err = tk.resolve(ctx, issued[1])
	require.NoError(t, err)
	require.Equal(t, gets+1, tk.gets.Load(), "the least recently used token stayed")
}

// TestResolveWithoutTheBucket stops NATS: a token this instance never saw
// answers Unavailable, not Unauthorized, and the admin token and a cached
// token still resolve.
func TestResolveWithoutTheBucket(t *testing.T) {
	srv := eventstoretest.StartNATS(t, t.TempDir())
	ctx := eventstoretest.Context(t)
	nc := srv.Connect(t)
	issuer := tokenInstanceOn(t, nc)
	cached, err := issuer.issue(ctx, memberOf())
	require.NoError(t, err)
	unseen, err := issuer.issue(ctx, memberOf())
	require.NoError(t, err)
	// Opened after both were issued, tk's watch (of changes only) brings
	// neither: had it been open, its delivery of unseen's record could lag
	// into the outage and rightly answer for it.
	tk := tokenInstanceOn(t, nc)
	_, err = tk.resolve(ctx, cached)
	require.NoError(t, err)

	srv.NATS.Shutdown()
	srv.NATS.WaitForShutdown()
	start := time.Now()
	_, err = tk.resolve(ctx, unseen)
	require.Equal(t, domain.Unavailable, domain.KindOf(err), "%v", err)
	t.Logf("an unseen token answered Unavailable after %v: %v", time.Since(start), err)
	_, err = tk.resolve(ctx, "acc_never-issued")
	require.Equal(t, domain.Unavailable, domain.KindOf(err), "%v", err)

	_, err = tk.resolve(ctx, cached)
	require.NoError(t, err)
	admin, err := tk.resolve(ctx, "admin-token")
	require.NoError(t, err)
	require.Equal(t, domain.RoleAdmin, admin.Role)

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = tk.resolve(short, "acc_another-guess")
	require.Equal(t, domain.Unavailable, domain.KindOf(err), "%v", err)
	// Closed, the connection lets the watches stop without waiting on the
	// server to delete their consumers.
	nc.Close()
	srv.Stop()
}
