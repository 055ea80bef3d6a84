package projections

import (
	"context"
	"time"

	"accord/domain"
	"accord/eventstore"
)

// Moment is an alliance as its read models hold it at one point of its
// ledger: its state, the scorecard's vote counts, and Today, the instant
// against which due dates are judged overdue there (see ReadAt).
type Moment struct {
	State domain.Alliance
	Today time.Time
	votes voteModel
}

// ReadAt calls fn with the alliance as of a point: with seq 0 and no t, as
// it is now (the live read models, under their read lock: fn must copy
// what it keeps), and Today is now; with seq, right after its event seq,
// and Today is that event's time; with t, at instant t (every event
// recorded at or before it), and Today is t. It returns NotFound for an
// unknown alliance or one not formed yet at t, Invalid for a seq outside
// its ledger, and the log's error.
func (p *Projection) ReadAt(ctx context.Context, allianceID string, seq uint64, t *time.Time, now time.Time, fn func(Moment)) error {
	if seq == 0 && t == nil {
		return p.readNow(ctx, allianceID, now, fn)
	}
	head, err := p.Head(allianceID)
	if err != nil {
		return err
	}
	keep := func(e domain.Event) bool { return !e.At.After(derefTime(t)) }
	if seq != 0 {
		if seq > head.Seq {
			return domain.Errorf(domain.Invalid, "at_seq %d is outside alliance %s's ledger (seqs 1 to %d)", seq, allianceID, head.Seq)
		}
		keep = func(e domain.Event) bool { return e.Seq <= seq }
	}
	m, at, _, err := p.foldMoment(ctx, allianceID, keep, nil)
	if domain.KindOf(err) == domain.NotFound && t != nil {
		return domain.Errorf(domain.NotFound, "alliance %s did not exist yet at %s", allianceID, t.Format(time.RFC3339Nano))
	}
	if err != nil {
		return err
	}
	m.Today = at
	if t != nil {
		m.Today = *t
	}
	fn(m)
	return nil
}

// readNow calls fn with the alliance's live read models.
func (p *Projection) readNow(ctx context.Context, allianceID string, now time.Time, fn func(Moment)) error {
	v, err := p.acquire(ctx, allianceID)
	if err != nil {
		return err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if v.state.ID == "" {
		return domain.Errorf(domain.NotFound, "no alliance %s", allianceID)
	}
	fn(Moment{State: v.state, Today: now, votes: v.votes})
	return nil
}

// foldMoment folds the alliance's events from the log while keep accepts
// them, into its state and vote counts, and returns them with the time of
// the last event folded and its position; each, if not nil, sees every
// record folded. It returns NotFound when keep accepts no event.
func (p *Projection) foldMoment(ctx context.Context, allianceID string, keep func(domain.Event) bool, each func(eventstore.Record)) (Moment, time.Time, eventstore.Position, error) {
	m := Moment{votes: voteModel{}}
	var at time.Time
	var pos eventstore.Position
	for rec, err := range p.store.ReadAlliance(ctx, allianceID, 0) {
		if err != nil {
			return Moment{}, at, pos, err
		}
		if !keep(rec.Event) {
			break
		}
		if each != nil {
			each(rec)
		}
		m.State.EvolveInPlace(rec.Event)
		m.votes.observe(m.State, rec.Event)
		at, pos = rec.Event.At, rec.Position()
	}
	if pos.Seq == 0 {
		return Moment{}, at, pos, domain.Errorf(domain.NotFound, "no alliance %s", allianceID)
	}
	return m, at, pos, nil
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
