package ledger

import (
	"context"

	"accord/domain"
	"accord/projections"
)

// readMoment returns fn of the alliance as of q (see
// projections.ReadAt): now, judged on the ledger's clock; or as of a seq
// or an instant, judged on that event's time or that instant. fn runs
// under the read models' lock when q is now, so it must copy what it
// keeps. It returns a Forbidden error for a caller who may not read the
// alliance, NotFound for an unknown alliance (or one not formed yet at
// q.At), and Invalid for a seq outside its ledger.
func readMoment[T any](ctx context.Context, l *Ledger, caller Identity, aid string, q AsOf, fn func(projections.Moment) T) (T, error) {
	var out T
	if err := Readable(caller, aid); err != nil {
		return out, err
	}
	err := l.proj.ReadAt(ctx, aid, q.Seq, q.At, l.now(), func(m projections.Moment) { out = fn(m) })
	return out, err
}

// Workgroups returns the alliance's workgroups as of q, each with its
// members, progress history, latest value, status and whether it is
// overdue; it fails as readMoment does.
func (l *Ledger) Workgroups(ctx context.Context, caller Identity, aid string, q AsOf) (projections.Workgroups, error) {
	return readMoment(ctx, l, caller, aid, q, projections.Moment.Workgroups)
}

// Workgroup returns workgroup wid as of q. It fails as readMoment does, and
// returns NotFound when the alliance has no such workgroup at q.
func (l *Ledger) Workgroup(ctx context.Context, caller Identity, aid, wid string, q AsOf) (projections.WorkgroupView, error) {
	found := false
	w, err := readMoment(ctx, l, caller, aid, q, func(m projections.Moment) projections.WorkgroupView {
		w, ok := m.Workgroup(wid)
		found = ok
		return w
	})
	if err == nil && !found {
		err = domain.Errorf(domain.NotFound, "no workgroup %s in alliance %s", wid, aid)
	}
	return w, err
}

// Scorecard returns the alliance's scorecard as of q; it fails as
// readMoment does.
func (l *Ledger) Scorecard(ctx context.Context, caller Identity, aid string, q AsOf) (projections.Scorecard, error) {
	return readMoment(ctx, l, caller, aid, q, projections.Moment.Scorecard)
}
