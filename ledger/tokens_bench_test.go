package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
	"accord/projections"
)

// seedTokens writes n token records straight into the credential bucket,
// as n admissions over time would have, and returns the token of the
// first. Publishing them asynchronously keeps seeding 200,000 short.
func seedTokens(t testing.TB, srv *eventstoretest.Server, n int) string {
	t.Helper()
	ctx := eventstoretest.Context(t)
	store := srv.Open(t)
	_, err := store.OpenCredentials(ctx, 1)
	require.NoError(t, err)
	js := srv.JetStream(t)
	token := func(i int) string { return "acc_seeded-" + strconv.Itoa(i) }
	for i := range n {
		sum := sha256.Sum256([]byte(token(i)))
		rec, err := json.Marshal(eventstore.TokenRecord{ID: fmt.Sprintf("member-%d", i), Role: domain.RoleMember, AllianceID: fmt.Sprintf("alliance-%d", i/10), Name: "Seeded member"})
		require.NoError(t, err)
		_, err = js.PublishAsync("$KV."+eventstore.CredentialBucket+"."+hex.EncodeToString(sum[:]), rec)
		require.NoError(t, err)
		if i%10_000 == 9_999 {
			waitPublished(t, js)
		}
	}
	waitPublished(t, js)
	return token(0)
}

func waitPublished(t testing.TB, js jetstream.JetStream) {
	t.Helper()
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		t.Fatal("seeding the credential bucket did not complete")
	}
}

// heapInUse returns the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestStartReadsNoTokens starts a ledger over a bucket full of tokens: New
// reads none of them (the cache is empty and no get was made), and a token
// of the bucket resolves afterwards with one get. It logs how long New took
// and the heap it kept; ACCORD_TOKENS_AT_START sets how many tokens the
// bucket holds (2,000 unless set; the figures reported are for 200,000).
func TestStartReadsNoTokens(t *testing.T) {
	n := 2_000
	if v := os.Getenv("ACCORD_TOKENS_AT_START"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	srv := eventstoretest.StartNATS(t, t.TempDir())
	first := seedTokens(t, srv, n)
	ctx := eventstoretest.Context(t)
	store := srv.Open(t)
	proj := projections.New(store)
	require.NoError(t, proj.Start(ctx))
	t.Cleanup(proj.Close)
	creds, err := store.OpenCredentials(ctx, 1)
	require.NoError(t, err)

	before, start := heapInUse(), time.Now()
	l, err := New(ctx, Config{Store: store, Projection: proj, Credentials: creds, AdminToken: "admin-token",
		TokenSecret: []byte(tokensTestSecret), NewChecker: func() ChainChecker { return nil }})
	took := time.Since(start)
	require.NoError(t, err)
	t.Cleanup(l.Close)
	kept := int64(heapInUse()) - int64(before)
	t.Logf("ledger.New over %d tokens: %v, heap kept %.1f KiB", n, took, float64(kept)/1024)

	known, absent := l.tokens.cache.size()
	require.Zero(t, known+absent, "tokens read at start")
	require.Zero(t, l.tokens.gets.Load())
	id, err := l.Resolve(ctx, first)
	require.NoError(t, err)
	require.Equal(t, "member-0", id.ID)
	require.EqualValues(t, 1, l.tokens.gets.Load())
}

// BenchmarkResolve measures resolving a member token: cached (hit, and hit
// from every core at once), not cached but in the bucket (one get), and
// unknown (one get, then remembered as absent).
func BenchmarkResolve(b *testing.B) {
	srv := eventstoretest.StartNATS(b, b.TempDir())
	ctx := eventstoretest.Context(b)
	issuer, tk := tokenInstance(b, srv), tokenInstance(b, srv)
	issued := make([]string, 64)
	for i := range issued {
		var err error
		issued[i], err = issuer.issue(ctx, memberOf())
		require.NoError(b, err)
	}
	_, err := tk.resolve(ctx, issued[0])
	require.NoError(b, err)

	b.Run("hit", func(b *testing.B) {
		for b.Loop() {
			if _, err := tk.resolve(ctx, issued[0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hit-parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := tk.resolve(ctx, issued[0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("miss-in-bucket", func(b *testing.B) {
		tk.cache = newTokenCache(1, 1, time.Minute) // every other token evicted
		i := 0
		for b.Loop() {
			i++
			if _, err := tk.resolve(ctx, issued[i%len(issued)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("miss-unknown", func(b *testing.B) {
		tk.cache = newTokenCache(tokenCacheSize, absentCacheSize, absentFor)
		i := 0
		for b.Loop() {
			i++
			if _, err := tk.resolve(ctx, "acc_guess-"+strconv.Itoa(i)); domain.KindOf(err) != domain.Unauthorized {
				b.Fatal(err)
			}
		}
	})
}
