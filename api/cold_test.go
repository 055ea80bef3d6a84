package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestColdAllianceServesEverything evicts an alliance (the test instances'
// caches hold about 60 events) while a member follows its live stream, then
// checks that the stream still brings its next event, and that its state,
// time travel, decision record, audit page, export, checkpoint and
// inclusion proof are served from the log and snapshots exactly as they
// were while it was loaded.
func TestColdAllianceServesEverything(t *testing.T) {
	env := newEnv(t)
	a := env.formAlliance(liveCharter, 2)
	tok := a.Members[0].Token
	base := "/v1/alliances/" + a.ID
	pid := env.submitResolution(a.ID, tok, "Serialize every carton")
	reads := []string{
		base, base + "?at_seq=3", base + "/proposals/" + pid, base + "/proposals/" + pid + "/record",
		base + "/audit?from_seq=1&limit=5", base + "/audit/head", base + "/scorecard",
	}
	before := map[string]string{}
	for _, path := range reads {
		before[path] = string(env.do("GET", path, tok, nil).Body)
	}
	export := env.exportLines(a.ID)
	live := env.stream(base+"/events", tok)

	// Other alliances push a's read model out of the cache.
	for range 12 {
		other := env.formAlliance(liveCharter, 3)
		env.submitResolution(other.ID, other.Members[0].Token, "Share cold-chain data")
	}
	require.Greater(t, env.Proj.CacheStats().Evictions, uint64(0))

	for _, path := range reads {
		ans := env.do("GET", path, tok, nil)
		require.Equal(t, 200, ans.Status, path)
		require.JSONEq(t, before[path], string(ans.Body), path)
	}
	require.Equal(t, export, env.exportLines(a.ID))
	checkpoint := env.do("GET", base+"/checkpoint", tok, nil)
	require.Equal(t, 200, checkpoint.Status)
	proof := env.do("GET", base+"/proofs/inclusion?seq=2", tok, nil)
	require.Equal(t, 200, proof.Status)

	// Evicted again, then written: the live stream brings the event.
	evictions := env.Proj.CacheStats().Evictions
	for range 12 {
		other := env.formAlliance(liveCharter, 3)
		env.submitResolution(other.ID, other.Members[0].Token, "Share recall notices")
	}
	require.Greater(t, env.Proj.CacheStats().Evictions, evictions)
	head := uint64(env.head(a.ID))
	env.submitResolution(a.ID, tok, "Report shortages weekly")
	_, seq, _ := live.must(t).entry(t)
	require.Equal(t, head+1, seq)
}
