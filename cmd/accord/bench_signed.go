package main

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"accord/domain"
	"accord/verify"
)

// benchSigned measures votes through the ledger's write path from
// cfg.Writers concurrent members, each answered once the read models show
// it (read-your-writes): signed by their members on an alliance whose
// charter requires signatures, and unsigned on another, in alternating
// rounds on one ledger (which of the two goes first alternates too), each
// rate over the median round of its side.
// Signing is the members' work, done before each round is timed; the
// ledger's part is checking the statement, Ed25519 verification included,
// and storing and folding the larger event. It then verifies each
// alliance's export as accord verify does. It fills the four figures or
// returns the first error.
func benchSigned(ctx context.Context, env *benchEnv, cfg benchConfig, res *benchResult) error {
	b, err := startBenchLedger(ctx, env, true)
	if err != nil {
		return err
	}
	defer b.close()
	var sides [2]*benchVoting // unsigned, signed
	for i := range sides {
		if sides[i], err = b.formVoting(ctx, cfg.Writers, i == 1); err != nil {
			return err
		}
		if _, err := b.castRound(ctx, sides[i], 1); err != nil { // warm-up
			return err
		}
	}
	perWriter := max(cfg.Votes/benchRounds/cfg.Writers, 1)
	var took [2][]time.Duration
	for round := 0; round < benchRounds; round++ {
		for k := range sides {
			i := (round + k) % len(sides)
			d, err := b.castRound(ctx, sides[i], perWriter)
			if err != nil {
				return err
			}
			took[i] = append(took[i], d)
		}
	}
	n := float64(perWriter * cfg.Writers)
	res.UnsignedVotesPerS, res.SignedVotesPerS = n/median(took[0]).Seconds(), n/median(took[1]).Seconds()
	signedVotes := (perWriter*benchRounds + 1) * cfg.Writers
	res.VerifyUnsignedPerS, res.VerifySignedPerS, err = b.benchVerify(ctx, sides[0].aid, sides[1].aid, signedVotes)
	return err
}

// castVote is one vote a member casts, prepared before its round is timed.
type castVote struct {
	commandID string
	cmd       domain.CastVote
}

// prepare returns perWriter votes for each member of v, signed by the
// member when v is signed.
func (v *benchVoting) prepare(perWriter int) [][]castVote {
	out := make([][]castVote, len(v.members))
	for w, m := range v.members {
		out[w] = make([]castVote, perWriter)
		for j := range out[w] {
			c := castVote{commandID: uuid.NewString(), cmd: domain.CastVote{ProposalID: v.pid, Stance: stances[(w+j)%4], Reason: "bench"}}
			if v.signed {
				c.cmd.Signing = m.signing(domain.VoteStatement(m.header(c.commandID), v.pid, 1, c.cmd.Stance, c.cmd.Reason, ""))
			}
			out[w][j] = c
		}
	}
	return out
}

// castRound prepares perWriter votes for each member of v, then has every
// member cast its own on a goroutine of its own through the ledger, and
// returns how long casting took, or the first error.
func (b *benchLedger) castRound(ctx context.Context, v *benchVoting, perWriter int) (time.Duration, error) {
	votes := v.prepare(perWriter)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	start := time.Now()
	for w, m := range v.members {
		wg.Go(func() {
			for _, c := range votes[w] {
				if _, err := b.l.CastVote(ctx, m.id, v.aid, c.commandID, c.cmd); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), first
}

// verifyPasses is how many times each export is verified; the passes
// alternate between the two in the order signed, unsigned, unsigned,
// signed….
const verifyPasses = 2

// benchVerify exports two alliances as accord audit export writes them,
// then verifies each export with verify.Verify, as accord verify does
// (signatures checked in batches over every CPU), and returns the events
// per second of each. It fails when an export does not verify, or when the
// signed one's verification checked fewer than signedVotes signatures.
func (b *benchLedger) benchVerify(ctx context.Context, unsignedAID, signedAID string, signedVotes int) (unsigned, signed float64, err error) {
	var exports [2][]byte
	for i, aid := range []string{unsignedAID, signedAID} {
		if exports[i], err = b.export(ctx, aid); err != nil {
			return 0, 0, err
		}
	}
	var took [2]time.Duration
	var events [2]int
	for pass := 0; pass < 2*verifyPasses; pass++ {
		i := 1 - (pass+pass/2)%2 // 1, 0, 0, 1, 1, 0, …
		start := time.Now()
		v, err := verify.Verify(bytes.NewReader(exports[i]), verify.Options{})
		took[i] += time.Since(start)
		if err != nil {
			return 0, 0, err
		}
		if i == 1 && v.Signatures < signedVotes {
			return 0, 0, fmt.Errorf("the signed export's verification checked %d signatures, not the %d votes signed", v.Signatures, signedVotes)
		}
		events[i] = v.Events
	}
	return float64(events[0]*verifyPasses) / took[0].Seconds(), float64(events[1]*verifyPasses) / took[1].Seconds(), nil
}

// export returns the alliance's export: every stored line, in order, each
// ending in a newline.
func (b *benchLedger) export(ctx context.Context, aid string) ([]byte, error) {
	_, recs, err := b.l.Export(ctx, b.admin, aid)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	for rec, err := range recs {
		if err != nil {
			return nil, err
		}
		buf.Write(rec.Raw)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}
