package eventstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// TestCosignaturesAreSharedAndKept checks a cosignature stored through one
// handle of the bucket reaches a watcher on another (as on another
// instance), that a second one of the same witness and size replaces the
// first, and that a bad witness id is refused.
func TestCosignaturesAreSharedAndKept(t *testing.T) {
	store := eventstoretest.Start(t).Store
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
	stop, err := b.Watch(ctx, func(cs eventstore.StoredCosignature) {
		mu.Lock()
		seen[cs.Key()] = string(cs.Line)
		mu.Unlock()
	})
	require.NoError(t, err)
	defer stop()
	mu.Lock()
	require.Equal(t, map[string]string{aid + ".7.w1": "— w a"}, seen, "what the bucket held is delivered before Watch returns")
	mu.Unlock()

	require.NoError(t, a.Put(ctx, eventstore.StoredCosignature{AllianceID: aid, Size: 7, WitnessID: "w1", Line: []byte("— w b")}))
	require.NoError(t, a.Put(ctx, eventstore.StoredCosignature{AllianceID: aid, Size: 9, WitnessID: "w2", Line: []byte("— v c")}))
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return seen[aid+".7.w1"] == "— w b" && seen[aid+".9.w2"] == "— v c"
	}, 10*time.Second, 10*time.Millisecond)

	err = a.Put(context.Background(), eventstore.StoredCosignature{AllianceID: aid, Size: 1, WitnessID: "a.b", Line: []byte("x")})
	require.Equal(t, domain.Invalid, domain.KindOf(err))
}
