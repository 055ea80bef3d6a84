package main

import (
	"context"
	"time"

	"accord/domain"
	"accord/ledger"
)

// spreadMembers is how many members each alliance of the spread votes has.
const spreadMembers = 4

// spreadVoting is one alliance of the spread votes, with a proposal in
// voting.
type spreadVoting struct {
	aid, pid string
	members  []string
}

// benchSpreadVotes measures votes from cfg.Writers concurrent writers over
// cfg.Spread alliances through the runner: each writer takes the
// next vote of a shared count and casts it on the alliance that count
// names round robin, as member (writer mod spreadMembers) of it, so that
// writers seldom meet on one alliance and group commit has little to
// gather. The alliances are formed first, through the same runner, and not
// timed. It returns the votes per second, or the first error.
func benchSpreadVotes(ctx context.Context, env *benchEnv, cfg benchConfig) (float64, error) {
	r := ledger.NewRunner(env.store)
	votings := make([]spreadVoting, cfg.Spread)
	err := parallel(16, len(votings), func(_, i int) error {
		aid, members, pid, err := benchAlliance(ctx, r, spreadMembers)
		votings[i] = spreadVoting{aid: aid, pid: pid, members: members}
		return err
	})
	if err != nil {
		return 0, err
	}
	start := time.Now()
	err = parallel(cfg.Writers, cfg.Votes, func(w, i int) error {
		v := votings[i%len(votings)]
		return runAs(ctx, r, v.aid, memberActor(v.members[w%spreadMembers]), domain.CastVote{ProposalID: v.pid, Stance: stances[i%4], Reason: "bench"})
	})
	return elapsedRate(cfg.Votes, start), err
}
