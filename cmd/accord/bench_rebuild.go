package main

import (
	"context"
	"runtime"
	"time"

	"accord/eventstore"
	"accord/projections"
)

// rebuildRounds is how many times each of the raw replay, the rebuild with
// trees and the rebuild without them is measured. The order rotates from
// round to round (raw, trees, bare; trees, bare, raw; bare, raw, trees), so
// that each runs once first, once in the middle and once last: whatever an
// order favours (the server's caches, a heap grown by the run before)
// favours none of them.
const rebuildRounds = 3

// rebuildWarmUp is how many rounds run, unmeasured, before those: for a
// while after seeding the process holds far more heap (the embedded
// server's memory of the writes), so that the garbage collector runs less
// often and a rebuild then is faster by a fifth or more than one a minute
// later — an advantage the readings that happened to come first would
// otherwise get.
const rebuildWarmUp = 1

// rebuildTimes is how long each kind of reading of the stream took, round
// by round.
type rebuildTimes struct {
	raw, trees, bare []time.Duration
	events           uint64 // events in the stream, as a rebuild counts them
}

// benchRebuild measures, in rotated rounds after a warm-up round, an
// ordered consumer reading the whole stream with no decoding, and the read
// models rebuilt from it (decode, chain check, fold) with every alliance's
// Merkle tree and without any. Each rate is the stream's events over the median time of its
// rounds: the ratios between them are ratios of times over the same
// stream, and a burst of other work during one round does not decide
// them. The last rebuild with trees, the last reading of all (so that
// writing its snapshots slows no other), keeps snapshots: the heap it holds
// is measured (the heap in use with it alive minus the heap once it is
// dropped, per event), and then a restart from the snapshots written at its
// close.
func benchRebuild(ctx context.Context, env *benchEnv, res *benchResult) error {
	snaps, err := env.store.OpenSnapshots(ctx, 1)
	if err != nil {
		return err
	}
	var t rebuildTimes
	for round := -rebuildWarmUp; round < rebuildRounds; round++ {
		last := round == rebuildRounds-1
		for k := 0; k < 3; k++ {
			runtime.GC()
			if err := t.run(ctx, env, (round+3+k)%3, last, snaps, res); err != nil {
				return err
			}
		}
		if round < 0 {
			t = rebuildTimes{}
		}
	}
	n := float64(t.events)
	res.RawReplayPerS = n / median(t.raw).Seconds()
	res.RebuildPerS = n / median(t.trees).Seconds()
	res.RebuildNoTreesPerS = n / median(t.bare).Seconds()
	res.RestartReplayS = median(t.trees).Seconds()

	again := projections.New(env.store)
	again.UseSnapshots(snaps, 0, time.Hour)
	start := time.Now()
	if err := again.Start(ctx); err != nil {
		return err
	}
	res.RestartSnapshotS = time.Since(start).Seconds()
	again.Close()
	return nil
}

// run reads the stream once: kind 0 raw, 1 rebuilt with trees, 2 without.
// The last rebuild with trees keeps snapshots in snaps and measures the
// heap it holds into res.
func (t *rebuildTimes) run(ctx context.Context, env *benchEnv, kind int, last bool, snaps *eventstore.Snapshots, res *benchResult) error {
	var err error
	var d time.Duration
	switch {
	case kind == 0:
		d, err = benchRawReplay(ctx, env)
		t.raw = append(t.raw, d)
	case kind == 2:
		d, _, err = rebuildOnce(ctx, env, false, nil, nil)
		t.bare = append(t.bare, d)
	case last:
		d, t.events, err = rebuildOnce(ctx, env, true, snaps, &res.RebuildBytesPerEvent)
		t.trees = append(t.trees, d)
	default:
		d, t.events, err = rebuildOnce(ctx, env, true, nil, nil)
		t.trees = append(t.trees, d)
	}
	return err
}

// rebuildOnce builds read models from the whole stream, with Merkle trees
// or without, and returns how long that took and the events they hold,
// then closes them. With snaps it keeps snapshots there (written at the
// close), and with heap it stores there the heap the read models held per
// event: the heap in use with them alive minus the heap once they are
// closed and dropped. It returns Start's error.
func rebuildOnce(ctx context.Context, env *benchEnv, trees bool, snaps *eventstore.Snapshots, heap *float64) (time.Duration, uint64, error) {
	p := projections.New(env.store)
	if !trees {
		p.WithoutTrees()
	}
	if snaps != nil {
		p.UseSnapshots(snaps, 0, time.Hour)
	}
	start := time.Now()
	err := p.Start(ctx)
	took := time.Since(start)
	n, _ := p.Applied()
	if err != nil || heap == nil {
		p.Close()
		return took, n, err
	}
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	p.Close()
	runtime.GC()
	runtime.ReadMemStats(&without)
	*heap = (float64(with.HeapInuse) - float64(without.HeapInuse)) / float64(n)
	return took, n, nil
}
