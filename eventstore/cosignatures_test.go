package eventstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// TestCosignaturesAreSharedAndKept checks a cosignature stored through one
// handle of the bucket reaches a watcher of new ones on another (as on
// another instance), that a second one of the same witness and size
// replaces the first, that each witness's latest is read without the
// history (and never moves back to a smaller size), that any size's are
// read on demand, and that a bad witness id is refused.
func TestCosignaturesAreSharedAndKept(t *testing.T) {
	srv := eventstoretest.Start(t)
	store := srv.Store
	ctx := eventstoretest.Context(t)
	a, err := store.OpenCosignatures(ctx, 1)
	require.NoError(t, err)
	aid := "0195f3a2-7c1e-7d4b-9a10-3f2e8c6d5b4a"
	first := eventstore.StoredCosignature{AllianceID: aid, Size: 7, WitnessID: "w1", Line: []byte("— w a")}
	require.NoError(t, a.Put(ctx, first))
	require.Equal(t, aid+".7.w1", first.Key())

	b, err := store.OpenCosignatures(ctx, 1)
	require.NoError(t, err)
	var mu sync.Mutex
	seen := map[string]string{}
	stop, err := b.WatchNew(ctx, func(cs eventstore.StoredCosignature) {
		mu.Lock()
		seen[cs.Key()] = string(cs.Line)
		mu.Unlock()
	})
	require.NoError(t, err)
	defer stop()

	require.NoError(t, a.Put(ctx, eventstore.StoredCosignature{AllianceID: aid, Size: 7, WitnessID: "w1", Line: []byte("— w b")}))
	require.NoError(t, a.Put(ctx, eventstore.StoredCosignature{AllianceID: aid, Size: 9, WitnessID: "w2", Line: []byte("— v c")}))
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return seen[aid+".7.w1"] == "— w b" && seen[aid+".9.w2"] == "— v c"
	}, 10*time.Second, 10*time.Millisecond)
	mu.Lock()
	require.Len(t, seen, 2, "only what was stored after the watch began: %v", seen)
	mu.Unlock()

	// w1 goes on to 12; a late copy of its 7 does not move it back.
	require.NoError(t, a.Put(ctx, eventstore.StoredCosignature{AllianceID: aid, Size: 12, WitnessID: "w1", Line: []byte("— w d")}))
	require.NoError(t, a.Put(ctx, eventstore.StoredCosignature{AllianceID: aid, Size: 7, WitnessID: "w1", Line: []byte("— w b")}))
	latest, err := b.Latest(ctx, aid)
	require.NoError(t, err)
	require.ElementsMatch(t, []eventstore.StoredCosignature{
		{AllianceID: aid, Size: 12, WitnessID: "w1", Line: []byte("— w d")},
		{AllianceID: aid, Size: 9, WitnessID: "w2", Line: []byte("— v c")},
	}, latest)
	of7, err := b.OfSize(ctx, aid, 7)
	require.NoError(t, err)
	require.Equal(t, []eventstore.StoredCosignature{{AllianceID: aid, Size: 7, WitnessID: "w1", Line: []byte("— w b")}}, of7)
	all, err := b.All(ctx, aid)
	require.NoError(t, err)
	require.Len(t, all, 3, "sizes 7 and 12 of w1, 9 of w2")
	none, err := b.Latest(ctx, "0195f3a2-7c1e-7d4b-9a10-000000000000")
	require.NoError(t, err)
	require.Empty(t, none)

	// A bucket written before the latest entries existed is indexed once.
	js, err := jetstream.New(srv.Conn)
	require.NoError(t, err)
	kv, err := js.KeyValue(ctx, eventstore.CosignatureBucket)
	require.NoError(t, err)
	older := "0195f3a2-7c1e-7d4b-9a10-111111111111"
	for size, line := range map[string]string{"3": "— w x", "5": "— w y"} {
		_, err = kv.Put(ctx, older+"."+size+".w1", []byte(line))
		require.NoError(t, err)
	}
	require.NoError(t, kv.Purge(ctx, "latest-indexed"))
	unindexed, err := b.Latest(ctx, older)
	require.NoError(t, err)
	require.Empty(t, unindexed)
	require.NoError(t, b.IndexLatest(ctx))
	indexed, err := b.Latest(ctx, older)
	require.NoError(t, err)
	require.Equal(t, []eventstore.StoredCosignature{{AllianceID: older, Size: 5, WitnessID: "w1", Line: []byte("— w y")}}, indexed)
	again, err := b.Latest(ctx, aid)
	require.NoError(t, err)
	require.Len(t, again, 2, "indexing kept what was there")

	err = a.Put(context.Background(), eventstore.StoredCosignature{AllianceID: aid, Size: 1, WitnessID: "a.b", Line: []byte("x")})
	require.Equal(t, domain.Invalid, domain.KindOf(err))
}
