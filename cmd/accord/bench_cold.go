package main

import (
	"context"
	"slices"
	"time"

	"accord/projections"
)

// coldVotes bounds how many seeded alliances get a cold vote; hotVotes is
// the least number of hot votes.
const (
	coldVotes = 1000
	hotVotes  = 1000
)

// coldVoter is a seeded alliance's first member with a token of its own.
type coldVoter struct {
	alliance seededAlliance
	token    string
}

// benchColdHot measures single votes over HTTP, one at a time, on a fresh
// instance started as accord serve starts with --cache-mb cacheMB (read
// models from the snapshots, loading alliances on demand, and a ledger of
// their own) over the seeded ledger: first one vote on each of up to
// coldVotes seeded alliances this instance has never touched (cold: the
// alliance's read model and its runner entry must be loaded), then votes
// on those same alliances again, round robin (hot: both are in memory,
// unless the budget is too small to hold them). It returns the p99 of each
// in milliseconds, or the first error.
func benchColdHot(ctx context.Context, env *benchEnv, cacheMB int) (cold, hot float64, err error) {
	voters, err := issueColdTokens(ctx, env, min(len(env.seeded), coldVotes))
	if err != nil {
		return 0, 0, err
	}
	snaps, err := env.store.OpenSnapshots(ctx, 1)
	if err != nil {
		return 0, 0, err
	}
	serve := &Main{CacheMB: cacheMB}
	proj := projections.New(env.store)
	proj.UseSnapshots(snaps, snapshotEvery, snapshotInterval)
	proj.UseCache(serve.readCacheBytes())
	if err := proj.Start(ctx); err != nil {
		return 0, 0, err
	}
	b, err := serveBenchAPI(ctx, env, proj, serve.writeCacheBytes(), 1)
	if err != nil {
		return 0, 0, err
	}
	defer b.close()
	coldTook, err := b.voteEach(voters, len(voters))
	if err != nil {
		return 0, 0, err
	}
	hotTook, err := b.voteEach(voters, max(hotVotes, len(voters)))
	if err != nil {
		return 0, 0, err
	}
	return p99ms(coldTook), p99ms(hotTook), nil
}

// issueColdTokens gives the first member of each of the first n seeded
// alliances a token (seeding wrote their events, not their credentials),
// through the admin's re-issue on a ledger of its own, which is closed
// before the cold votes start: their instance knows the tokens from the
// shared credential bucket only. It returns the first error.
func issueColdTokens(ctx context.Context, env *benchEnv, n int) ([]coldVoter, error) {
	b, err := startBenchLedger(ctx, env, true)
	if err != nil {
		return nil, err
	}
	defer b.close()
	voters := make([]coldVoter, n)
	for i, a := range env.seeded[:n] {
		issued, err := b.l.ReissueToken(ctx, b.admin, a.aid, a.member)
		if err != nil {
			return nil, err
		}
		voters[i] = coldVoter{alliance: a, token: issued.Token}
	}
	return voters, nil
}

// voteEach casts n votes over HTTP, one at a time, on the voters' alliances
// round robin, and returns how long each took to be answered.
func (b *benchAPI) voteEach(voters []coldVoter, n int) ([]time.Duration, error) {
	took := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		v := voters[i%len(voters)]
		path := "/v1/alliances/" + v.alliance.aid + "/proposals/" + v.alliance.pid + "/vote"
		start := time.Now()
		if err := b.call("PUT", path, v.token, map[string]any{"stance": stances[i%4], "reason": "cold or hot"}, nil); err != nil {
			return nil, err
		}
		took = append(took, time.Since(start))
	}
	return took, nil
}

// p99ms returns the 99th percentile of ds in milliseconds; it sorts ds,
// which must not be empty.
func p99ms(ds []time.Duration) float64 {
	slices.Sort(ds)
	return float64(ds[len(ds)*99/100]) / float64(time.Millisecond)
}
