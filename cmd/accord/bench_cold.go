package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
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
func benchColdHot(ctx context.Context, env *benchEnv, cacheMB int, refusals *[]string) (cold, hot float64, err error) {
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
	coldRun, err := b.voteEach(voters, len(voters))
	if err != nil {
		return 0, 0, err
	}
	hotRun, err := b.voteEach(voters[max(len(voters)-hotAlliances, 0):], hotVotes)
	if err != nil {
		return 0, 0, err
	}
	*refusals = append(*refusals, coldRun.refusals("cold votes"), hotRun.refusals("hot votes"))
	return p99ms(coldRun.took), p99ms(hotRun.took), nil
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

// voteRun is what voteEach saw: how long each vote took to be answered,
// accepted or refused, and how many the API refused, with the first
// refusal.
type voteRun struct {
	took    []time.Duration
	refused int
	first   error
}

// voteEach casts n votes over HTTP, one at a time, on the voters' alliances
// round robin. A vote the API refuses (a cold alliance that could not be
// loaded in time answers 503) is counted and its time kept; it returns
// any other error, such as the server gone.
func (b *benchAPI) voteEach(voters []coldVoter, n int) (voteRun, error) {
	run := voteRun{took: make([]time.Duration, 0, n)}
	for i := 0; i < n; i++ {
		v := voters[i%len(voters)]
		path := "/v1/alliances/" + v.alliance.aid + "/proposals/" + v.alliance.pid + "/vote"
		start := time.Now()
		err := b.call("PUT", path, v.token, map[string]any{"stance": stances[i%4], "reason": "cold or hot"}, nil)
		var refused *statusError
		switch {
		case errors.As(err, &refused):
			run.refused++
			run.first = cmp.Or(run.first, err)
		case err != nil:
			return run, err
		}
		run.took = append(run.took, time.Since(start))
	}
	return run, nil
}

// refusals says how many of the run's votes the API refused, and the
// first refusal; "" when none was.
func (r voteRun) refusals(what string) string {
	if r.refused == 0 {
		return ""
	}
	return fmt.Sprintf("%s: %d of %d refused, the first: %v", what, r.refused, len(r.took), r.first)
}

// p99ms returns the 99th percentile of ds in milliseconds; it sorts ds,
// which must not be empty.
func p99ms(ds []time.Duration) float64 {
	slices.Sort(ds)
	return float64(ds[len(ds)*99/100]) / float64(time.Millisecond)
}
