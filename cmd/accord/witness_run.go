package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"accord/client"
	"accord/domain"
	"accord/transparency"
)

// witness is one run of accord witness.
type witness struct {
	api    *client.Client
	signer transparency.WitnessSigner
	dir    string
	given  []string
	me     client.Identity
	log    *slog.Logger
	out    io.Writer // where --once reports each alliance
	now    func() time.Time
	// held is what the witness holds of each alliance between rounds; an
	// alliance whose round failed is dropped, and read again from DIR.
	held map[string]*witnessed
	// refused is the SHA-256 of the last checkpoint refused per alliance,
	// so that one lie seen again is not written down again.
	refused map[string]refusedBefore
}

// errRefused is what a --once run that refused a checkpoint, or could not
// handle an alliance, ends with.
var errRefused = errors.New("not every alliance's checkpoint could be cosigned")

// newWitness reads the witness's key and token, creates its state
// directory and asks the server whom the token speaks for. It returns an
// error for a key or token that cannot be read, a server that cannot be
// reached, or a token of the admin, for whom no witness speaks.
func newWitness(ctx context.Context, f *witnessFlags, out io.Writer, log *slog.Logger) (*witness, error) {
	signer, api, err := f.dial()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(f.state, 0o700); err != nil {
		return nil, err
	}
	me, err := api.WhoAmI(ctx)
	if err != nil {
		return nil, fmt.Errorf("asking the server whom the token speaks for: %w", err)
	}
	if me.Role == domain.RoleAdmin {
		return nil, errors.New("the token is the admin's: a witness speaks for a member or an observer, with that party's token")
	}
	return &witness{
		api: api, signer: signer, dir: f.state, given: f.alliances, me: me, log: log, out: out, now: time.Now,
		held: map[string]*witnessed{}, refused: map[string]refusedBefore{},
	}, nil
}

// run runs rounds until ctx is done, waiting interval between them, or one
// round with once. It returns errRefused when a --once round could not
// cosign every alliance; a long run logs such failures and goes on, and
// returns nil when ctx ends.
func (w *witness) run(ctx context.Context, once bool, interval time.Duration) error {
	w.log.Info("witness started", "witness", w.signer.WitnessKey().Name(), "party", w.me.ID, "role", w.me.Role, "server", w.api.Server())
	for {
		failed := w.round(ctx)
		if once {
			if failed > 0 {
				return errRefused
			}
			return nil
		}
		if !sleepCtx(ctx, interval) {
			return nil
		}
	}
}

// sleepCtx waits d, or until ctx is done; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// round witnesses every alliance followed once and returns how many could
// not be cosigned.
func (w *witness) round(ctx context.Context) int {
	aids, err := followed(ctx, w.api, w.given)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Error("listing the alliances the token can read", "err", err)
			w.report("ERROR: listing the alliances: %v", err)
		}
		return 1
	}
	failed := 0
	for _, aid := range aids {
		if ctx.Err() != nil {
			return failed
		}
		if err := w.witnessAlliance(ctx, aid); err != nil {
			failed++
			delete(w.held, aid)
			w.failure(ctx, aid, err)
		}
	}
	return failed
}

// failure logs and reports why an alliance was not cosigned.
func (w *witness) failure(ctx context.Context, aid string, err error) {
	var r *refusal
	switch {
	case errors.As(err, &r):
		w.log.Error("checkpoint refused", "alliance", aid, "reason", r.reason, "evidence", r.evidence)
		w.report("alliance %s: REFUSED: %s; evidence: %s.*", aid, r.reason, r.evidence)
	case ctx.Err() != nil:
		// Shutting down: not a failure of the alliance.
	default:
		w.log.Error("alliance not witnessed", "alliance", aid, "err", err)
		w.report("alliance %s: ERROR: %v", aid, err)
	}
}

// report writes one line of --once output.
func (w *witness) report(format string, args ...any) {
	if w.out != nil {
		fmt.Fprintf(w.out, format+"\n", args...)
	}
}

// state returns what the witness holds of an alliance, read from DIR when
// it holds nothing in memory.
func (w *witness) state(aid string) (*witnessed, error) {
	if st, ok := w.held[aid]; ok {
		return st, nil
	}
	st, err := loadWitnessed(w.dir, aid)
	if err != nil {
		return nil, err
	}
	w.held[aid] = st
	return st, nil
}
