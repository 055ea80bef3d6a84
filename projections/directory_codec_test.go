package projections

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
)

func sampleShard(n int) map[string]*dirEntry {
	out := map[string]*dirEntry{}
	for i := range n {
		e := &dirEntry{
			Name: fmt.Sprintf("Regional Blood Supply %d", i), Purpose: "Shared inventory of O-negative — ünïcode too",
			FormedAt: time.Date(2026, 1, 2, 3, 4, 5, 6789, time.UTC).Add(time.Duration(i) * time.Hour),
			Seq:      uint64(i + 1), StreamSeq: uint64(i*100 + 7),
		}
		if i%3 == 0 {
			e.Predecessor = &domain.AllianceHead{AllianceID: uuid.NewString(), Seq: 42, Hash: "ab12"}
		}
		if i%4 == 0 {
			e.Deadlines = map[string]time.Time{uuid.NewString(): e.FormedAt.Add(time.Minute), uuid.NewString(): e.FormedAt.Add(-time.Minute)}
		}
		out[uuid.NewString()] = e
	}
	return out
}

// A shard decodes to exactly the entries it was encoded from, and one cut
// short anywhere is refused rather than read in part as if whole.
func TestDirectoryShardRoundTrip(t *testing.T) {
	want := sampleShard(50)
	raw := encodeShard(want)
	got := map[string]*dirEntry{}
	require.NoError(t, decodeShard(raw, func(aid string, e *dirEntry) { got[aid] = e }))
	require.Equal(t, want, got)

	empty := map[string]*dirEntry{}
	require.NoError(t, decodeShard(encodeShard(empty), func(string, *dirEntry) { t.Fatal("no entry") }))

	one := encodeShard(sampleShard(1))
	for cut := len(dirShardMagic) + 1; cut < len(one); cut++ {
		require.Error(t, decodeShard(one[:cut], func(string, *dirEntry) {}), "cut at %d", cut)
	}
	require.Error(t, decodeShard([]byte(`{"a":{}}`), func(string, *dirEntry) {}))
}

// BenchmarkDirectoryRestore decodes the shards of a 100,000-alliance
// directory, what a start reads.
func BenchmarkDirectoryRestore(b *testing.B) {
	var raws [][]byte
	for range dirShards {
		raws = append(raws, encodeShard(sampleShard(100000/dirShards)))
	}
	b.ResetTimer()
	for range b.N {
		dir := map[string]*dirEntry{}
		for _, raw := range raws {
			if err := decodeShard(raw, func(aid string, e *dirEntry) { dir[aid] = e }); err != nil {
				b.Fatal(err)
			}
		}
	}
}
