package main

import (
	"context"
	"time"

	"accord/domain"
)

// treeWarmUp is how many votes each side casts before the blocks are timed.
const treeWarmUp = 200

// treeBlock is how many votes one side casts in a row before it is the
// other side's turn.
const treeBlock = 20

// benchTreeAppends measures single-writer votes through the ledger's write
// path, each answered once the read models show it (read-your-writes), on
// two embedded servers of their own: one whose read models keep every
// alliance's Merkle tree, as accord serve does, and one whose read models
// keep none (projections.WithoutTrees). Each server has only its own
// ledger and read models, so tree work happens only on its side. The two
// take turns in blocks of treeBlock votes, which of them goes first
// alternating too, so that whatever else the machine does over the
// seconds the step takes weighs on both alike: the tree's share of a vote
// is a microsecond or so of some fifty, less than the difference between
// two rounds of thousands of votes. It returns the rate with trees and the
// rate without, each the side's votes over the time of all its blocks.
func benchTreeAppends(ctx context.Context, cfg benchConfig) (trees, bare float64, err error) {
	var voters [2]func(int) error
	for i, keep := range []bool{true, false} {
		vote, stop, err := startTreeVoter(ctx, keep)
		defer stop()
		if err != nil {
			return 0, 0, err
		}
		if _, err := timed(treeWarmUp, vote); err != nil {
			return 0, 0, err
		}
		voters[i] = vote
	}
	blocks := max(cfg.Publishes/treeBlock, 1)
	var took [2]time.Duration
	for b := 0; b < blocks; b++ {
		for k := range voters {
			i := (b + k) % len(voters)
			d, err := timed(treeBlock, func(j int) error { return voters[i](b*treeBlock + j) })
			if err != nil {
				return 0, 0, err
			}
			took[i] += d
		}
	}
	n := float64(blocks * treeBlock)
	return n / took[0].Seconds(), n / took[1].Seconds(), nil
}

// startTreeVoter starts an embedded server with read models that keep
// Merkle trees or not and a ledger over them, forms an alliance of one
// member with a proposal in voting, and returns a function that casts one
// vote of that member through the ledger, and one that stops it all. It
// returns the first error (stop must still be called).
func startTreeVoter(ctx context.Context, trees bool) (vote func(int) error, stop func(), err error) {
	env, err := startBenchEnv(ctx)
	stop = func() {
		if env != nil {
			env.close()
		}
	}
	if err != nil {
		return nil, stop, err
	}
	b, err := startBenchLedger(ctx, env, trees)
	if err != nil {
		return nil, stop, err
	}
	stop = func() {
		b.close()
		env.close()
	}
	v, err := b.formVoting(ctx, 1, false)
	if err != nil {
		return nil, stop, err
	}
	voter := v.members[0].id
	return func(i int) error {
		_, err := b.l.CastVote(ctx, voter, v.aid, "", domain.CastVote{ProposalID: v.pid, Stance: stances[i%4], Reason: "bench"})
		return err
	}, stop, nil
}
