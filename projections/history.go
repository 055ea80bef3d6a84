package projections

import (
	"context"
	"time"

	"accord/domain"
	"accord/eventstore"
)

// MaxPage is the most events one audit page holds.
const MaxPage = 1000

// Events returns up to limit records of an alliance starting at its event
// seq from (1-based), read from the log, and the seq that follows the page
// (0 when the page reaches the head). It returns NotFound for an unknown
// alliance and Invalid for a from past the head.
func (p *Projection) Events(ctx context.Context, allianceID string, from uint64, limit int) ([]eventstore.Record, uint64, error) {
	head, startAt, err := p.locate(ctx, allianceID, max(from, 1))
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	recs := make([]eventstore.Record, 0, min(limit, int(head.Seq)))
	for rec, err := range p.store.ReadAlliance(ctx, allianceID, startAt) {
		if err != nil {
			return nil, 0, err
		}
		if rec.Event.Seq < from {
			continue
		}
		if len(recs) == limit || rec.Event.Seq > head.Seq {
			break
		}
		recs = append(recs, rec)
	}
	next := uint64(0)
	if n := len(recs); n > 0 && recs[n-1].Event.Seq < head.Seq {
		next = recs[n-1].Event.Seq + 1
	}
	return recs, next, nil
}

// locate returns the alliance's head and the stream seq of the message that
// holds its event seq.
func (p *Projection) locate(ctx context.Context, allianceID string, seq uint64) (eventstore.Position, uint64, error) {
	head, err := p.Head(allianceID)
	if err != nil {
		return head, 0, err
	}
	if seq > head.Seq+1 {
		return head, 0, domain.Errorf(domain.Invalid, "seq %d is past the head of alliance %s (seq %d)", seq, allianceID, head.Seq)
	}
	at, err := p.store.Locate(ctx, allianceID, seq, head)
	return head, at, err
}

// Fold folds an alliance's events from the log while keep accepts them and
// returns the state and position reached; keep sees each event before it is
// applied, and folding stops at the first it refuses. It returns NotFound
// when the alliance has no event keep accepts.
func (p *Projection) Fold(ctx context.Context, allianceID string, keep func(domain.Event) bool, each func(domain.Alliance, eventstore.Record)) (domain.Alliance, eventstore.Position, error) {
	var state domain.Alliance
	var pos eventstore.Position
	for rec, err := range p.store.ReadAlliance(ctx, allianceID, 0) {
		if err != nil {
			return domain.Alliance{}, pos, err
		}
		if !keep(rec.Event) {
			break
		}
		if each != nil {
			each(state, rec)
		}
		state.EvolveInPlace(rec.Event)
		pos = rec.Position()
	}
	if pos.Seq == 0 {
		return domain.Alliance{}, pos, domain.Errorf(domain.NotFound, "no alliance %s", allianceID)
	}
	return state, pos, nil
}

// StateAt returns the alliance's state as it was right after its event seq.
// It returns Invalid for seq 0 or a seq past the head, NotFound for an
// unknown alliance.
func (p *Projection) StateAt(ctx context.Context, allianceID string, seq uint64) (domain.Alliance, eventstore.Position, error) {
	head, err := p.Head(allianceID)
	if err != nil {
		return domain.Alliance{}, head, err
	}
	if seq == 0 || seq > head.Seq {
		return domain.Alliance{}, head, domain.Errorf(domain.Invalid, "at_seq %d is outside alliance %s's ledger (seqs 1 to %d)", seq, allianceID, head.Seq)
	}
	return p.Fold(ctx, allianceID, func(e domain.Event) bool { return e.Seq <= seq }, nil)
}

// StateAtTime returns the alliance's state as it was at instant t: every
// event recorded at or before t. It returns NotFound when the alliance did
// not exist yet at t.
func (p *Projection) StateAtTime(ctx context.Context, allianceID string, t time.Time) (domain.Alliance, eventstore.Position, error) {
	if _, err := p.Head(allianceID); err != nil {
		return domain.Alliance{}, eventstore.Position{}, err
	}
	s, pos, err := p.Fold(ctx, allianceID, func(e domain.Event) bool { return !e.At.After(t) }, nil)
	if domain.KindOf(err) == domain.NotFound {
		return s, pos, domain.Errorf(domain.NotFound, "alliance %s did not exist yet at %s", allianceID, t.Format(time.RFC3339Nano))
	}
	return s, pos, err
}
