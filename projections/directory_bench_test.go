package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/eventstore/eventstoretest"
)

// BenchmarkDirectoryStart stores a directory of 20,000 alliances and
// measures a start's reading of it: its time, and the heap the projection
// holds afterwards for it (heap-B/alliance), which is what every instance
// pays for each alliance of the ledger it does not serve. Run it with a
// fixed count: go test ./projections -run '^$' -bench DirectoryStart
// -benchtime 8x.
func BenchmarkDirectoryStart(b *testing.B) {
	ctx := context.Background()
	srv := eventstoretest.Start(b)
	snaps, err := srv.Store.OpenSnapshots(ctx, 1)
	require.NoError(b, err)
	const n = 20_000
	shards := map[int]map[string]*dirEntry{}
	formed := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	for i := range n {
		aid := uuid.NewString()
		if shards[dirShard(aid)] == nil {
			shards[dirShard(aid)] = map[string]*dirEntry{}
		}
		shards[dirShard(aid)][aid] = &dirEntry{
			Name: fmt.Sprintf("Regional Care Alliance %d", i), Purpose: "Shared care pathways for the region's hospitals and payers",
			FormedAt: formed, Seq: 100, StreamSeq: uint64(100 * (i + 1)),
		}
	}
	for shard, entries := range shards {
		require.NoError(b, snaps.Put(ctx, dirShardKey(shard), encodeShard(entries)))
	}
	meta, err := json.Marshal(directoryMeta{Schema: SnapshotSchema, StreamSeq: 100 * n, Alliances: n, Events: 100 * n})
	require.NoError(b, err)
	require.NoError(b, snaps.Put(ctx, directoryKey, meta))

	start := func() *Projection {
		p := New(srv.Store)
		p.UseSnapshots(snaps, 1000, time.Hour)
		p.UseCache(1 << 20)
		from, err := p.restoreDirectory(ctx)
		require.NoError(b, err)
		require.EqualValues(b, 100*n, from)
		return p
	}
	// A first start warms what the embedded server caches of the bucket,
	// which is in this process's heap too. Every start after it is kept,
	// so that what they hold together dwarfs the server's pooled buffers
	// coming and going (a few MB): with -benchtime 8x, ±25 bytes an
	// alliance.
	warm := start()
	var kept []*Projection
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		kept = append(kept, start())
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(warm)
	runtime.KeepAlive(kept)
	held := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	b.ReportMetric(held/float64(len(kept)*n), "heap-B/alliance")
}
