package ledger

import (
	"context"
	"time"

	"accord/domain"
	"accord/projections"
)

// AsOf is a point of an alliance's history that a query reads: an event's
// seq, an instant, or neither (now, from the read models).
type AsOf struct {
	Seq uint64
	At  *time.Time
}

// Now reports whether q reads the present.
func (q AsOf) Now() bool { return q.Seq == 0 && q.At == nil }

// Alliances returns the alliances caller may read, ordered by name then id.
// It returns an Unavailable error when the stored directory cannot be read.
func (l *Ledger) Alliances(ctx context.Context, caller Identity) ([]projections.Summary, error) {
	if caller.Role != domain.RoleAdmin {
		// A member's or observer's token reads one alliance: no need to
		// go through the directory of every alliance.
		return l.proj.ListOne(ctx, caller.AllianceID)
	}
	return l.proj.List(ctx, caller.CanRead)
}

// Alliance returns the alliance's state as of q, with the alliances that
// succeed it as a reader then could know them (projections.Successors). It
// returns a Forbidden error for a caller who may not read it, NotFound for
// an unknown alliance (or one not formed yet at q.At), and Invalid for a
// seq outside its ledger.
func (l *Ledger) Alliance(ctx context.Context, caller Identity, aid string, q AsOf) (projections.AllianceState, error) {
	st, err := readState(ctx, l, caller, aid, q, domain.Alliance.Clone)
	if err != nil {
		return projections.AllianceState{}, err
	}
	return projections.AllianceState{Alliance: st, Successors: l.proj.Successors(st, q.At)}, nil
}

// Proposals is an alliance's proposals as of a point, and that point's seq.
type Proposals struct {
	Proposals []domain.Proposal `json:"proposals"`
	Seq       uint64            `json:"seq"`
}

// Proposals returns the alliance's proposals as of q; it fails as Alliance
// does.
func (l *Ledger) Proposals(ctx context.Context, caller Identity, aid string, q AsOf) (Proposals, error) {
	return readState(ctx, l, caller, aid, q, func(st domain.Alliance) Proposals {
		var list []domain.Proposal
		if st.Proposals != nil {
			list = make([]domain.Proposal, len(st.Proposals))
			for i, p := range st.Proposals {
				list[i] = p.Clone()
			}
		}
		return Proposals{Proposals: list, Seq: st.Seq}
	})
}

// Proposal returns proposal pid as of q. It fails as Alliance does, and
// returns NotFound when the alliance has no such proposal at q.
func (l *Ledger) Proposal(ctx context.Context, caller Identity, aid, pid string, q AsOf) (domain.Proposal, error) {
	found := false
	p, err := readState(ctx, l, caller, aid, q, func(st domain.Alliance) domain.Proposal {
		p, ok := st.Proposal(pid)
		found = ok
		return p.Clone()
	})
	if err == nil && !found {
		err = domain.Errorf(domain.NotFound, "no proposal %s in alliance %s", pid, aid)
	}
	return p, err
}

// readState returns fn of the alliance's state now (read from the read
// model, under its lock: fn must copy what it keeps) or as of q (folded
// from the log).
func readState[T any](ctx context.Context, l *Ledger, caller Identity, aid string, q AsOf, fn func(domain.Alliance) T) (T, error) {
	var out T
	if err := Readable(caller, aid); err != nil {
		return out, err
	}
	if q.Now() {
		err := l.proj.Read(aid, func(st domain.Alliance, _ Position) { out = fn(st) })
		return out, err
	}
	var st domain.Alliance
	var err error
	if q.Seq != 0 {
		st, _, err = l.proj.StateAt(ctx, aid, q.Seq)
	} else {
		st, _, err = l.proj.StateAtTime(ctx, aid, *q.At)
	}
	if err != nil {
		return out, err
	}
	return fn(st), nil
}

// Record returns proposal pid's decision record as of q. It returns a
// Forbidden error for a caller who may not read the alliance, NotFound for
// an unknown alliance or proposal, and Invalid for a seq outside its
// ledger.
func (l *Ledger) Record(ctx context.Context, caller Identity, aid, pid string, q AsOf) (projections.DecisionRecord, error) {
	if err := Readable(caller, aid); err != nil {
		return projections.DecisionRecord{}, err
	}
	var rec projections.DecisionRecord
	var err error
	switch {
	case q.Seq != 0:
		rec, err = l.proj.RecordAt(ctx, aid, pid, q.Seq)
	case q.At != nil:
		rec, err = l.proj.RecordAtTime(ctx, aid, pid, *q.At)
	default:
		rec, err = l.proj.Record(ctx, aid, pid)
	}
	if err == nil {
		rec.Checkpoint = l.recordCheckpoint(aid, rec)
	}
	return rec, err
}
