package main

import (
	"context"
	"slices"
	"time"

	"accord/eventstore"
	"accord/projections"
)

// coldVotes bounds how many seeded alliances get a cold vote; hotVotes is
// how many hot votes are cast, round robin on the hotAlliances alliances
// voted on last: few enough that any budget holds them, where 1,000
// alliances of a thousand events each, voted on in turn, would each be
// evicted before its turn came again.
const (
	coldVotes    = 1000
	hotVotes     = 1000
	hotAlliances = 10
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
// alliance's read model and its runner entry must be loaded), then
// hotVotes votes on the last hotAlliances of them again, round robin (hot:
// both are in memory). It returns the p99 of each in milliseconds, or the
// first error.
func benchColdHot(ctx context.Context, env *benchEnv, cacheMB int) (cold, hot float64, err error) {
	snaps, err := env.store.OpenSnapshots(ctx, 1)
	if err != nil {
		return 0, 0, err
	}
	voters, err := issueColdTokens(ctx, env, snaps, min(len(env.seeded), coldVotes))
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
	hotTook, err := b.voteEach(voters[max(len(voters)-hotAlliances, 0):], hotVotes)
	if err != nil {
		return 0, 0, err
	}
	return p99ms(coldTook), p99ms(hotTook), nil
}

// issueColdTokens gives the first member of each of the first n seeded
// alliances a token (seeding wrote their events, not their credentials),
// through the admin's re-issue on an instance of its own that holds every
// alliance and is closed before the cold votes start, writing every
// alliance's snapshot as it closes, as accord serve does at a clean
// shutdown. The cold votes' instance knows the tokens from the shared
// credential bucket only. It returns the first error.
func issueColdTokens(ctx context.Context, env *benchEnv, snaps *eventstore.Snapshots, n int) ([]coldVoter, error) {
	proj := projections.New(env.store)
	proj.UseSnapshots(snaps, 0, time.Hour)
	b, err := startBenchLedgerOver(ctx, env, proj)
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
