package ledger

import (
	"context"
	"crypto/rand"
	"time"

	"accord/domain"
)

// readYourWrites bounds how long a command's answer waits for the read
// models to show it.
const readYourWrites = 5 * time.Second

// newCommandID returns commandID, or a new uuid v7 when it is "".
func newCommandID(commandID string) string {
	if commandID != "" {
		return commandID
	}
	var random [10]byte
	_, _ = rand.Read(random[:]) // never fails (crypto/rand crashes the process instead)
	return domain.TimeID(time.Now(), random)
}

// execute runs cmd for caller in alliance aid under commandID, which the
// caller has fixed (see newCommandID), and waits until the read models
// reflect it, so the caller reads its own write next. view, if not nil,
// builds the answer from the state just after the command's batch. It
// returns the runner's result and view's answer, or the runner's error.
func (l *Ledger) execute(ctx context.Context, caller Identity, aid, commandID string, cmd domain.Command, view View) (Result, any, error) {
	m := domain.Meta{AllianceID: aid, CommandID: commandID, At: l.now().UTC(), Actor: caller.Actor()}
	l.preverify(aid, m.Actor.MemberID, cmd)
	start := time.Now()
	res, out, err := l.runner.Run(ctx, m, cmd, view)
	if fn := l.observe.Load(); fn != nil {
		(*fn)(time.Since(start), err)
	}
	if err != nil {
		return res, nil, err
	}
	// The write is stored whatever happens here: if the read models lag
	// (e.g. while the connection to NATS is being re-established), the
	// answer, built from the write side, still says so rather than an
	// error that invites a retry.
	last := res.Records[len(res.Records)-1]
	wctx, cancel := context.WithTimeout(ctx, readYourWrites)
	defer cancel()
	if err := l.proj.WaitFor(wctx, aid, last.Position()); err != nil {
		l.log.Warn("read models lag behind a stored write", "alliance", aid, "seq", last.Event.Seq, "err", err)
	}
	if out == nil && view != nil {
		// Settled as already recorded in a batch that then failed: no
		// state after it was at hand, so the answer comes from the read
		// models.
		out = view(l.currentState(aid))
	}
	return res, out, nil
}

// executeFor runs cmd for a caller who may write to alliance aid (see
// execute) and returns the data of its first event as T, with the whole
// result. It returns a Forbidden error for a caller who may not, and the
// domain's or the log's error.
func executeFor[T domain.EventData](ctx context.Context, l *Ledger, caller Identity, aid, commandID string, cmd domain.Command) (T, Result, error) {
	res, _, err := l.executeWritable(ctx, caller, aid, commandID, cmd, nil)
	if err != nil {
		var zero T
		return zero, res, err
	}
	data, err := dataOf[T](res)
	return data, res, err
}

// answered runs cmd for a caller who may write to alliance aid (see
// execute) and returns what view made of the state after it, as T, with the
// runner's result. It fails as executeFor does.
func answered[T any](ctx context.Context, l *Ledger, caller Identity, aid, commandID string, cmd domain.Command, view View) (T, Result, error) {
	res, out, err := l.executeWritable(ctx, caller, aid, commandID, cmd, view)
	if err != nil {
		var zero T
		return zero, res, err
	}
	return out.(T), res, nil
}

// answerCreated runs cmd, which creates the thing with id (derived from
// its command id), and answers view of that thing after it (see answered).
// A retry of a command recorded before ids were derived created another
// id, which idOf reads from its first event: it answers that thing, as the
// read models show it.
func answerCreated[T any, E domain.EventData](ctx context.Context, l *Ledger, caller Identity, aid, commandID string, cmd domain.Command, id string, view func(id string) View, idOf func(E) string) (T, error) {
	v, res, err := answered[T](ctx, l, caller, aid, commandID, cmd, view(id))
	if err != nil {
		return v, err
	}
	data, err := dataOf[E](res)
	if err != nil {
		var zero T
		return zero, err
	}
	if created := idOf(data); created != id {
		v = view(created)(l.currentState(aid)).(T)
	}
	return v, nil
}

// executeWritable runs cmd (see execute) for a caller who may write to
// alliance aid, and returns a Forbidden error for one who may not.
func (l *Ledger) executeWritable(ctx context.Context, caller Identity, aid, commandID string, cmd domain.Command, view View) (Result, any, error) {
	if err := Writable(caller, aid); err != nil {
		return Result{}, nil, err
	}
	return l.execute(ctx, caller, aid, commandID, cmd, view)
}

// dataOf returns the data of the command's first event as T. A command id
// that first carried another kind of command is a conflict.
func dataOf[T domain.EventData](res Result) (T, error) {
	data, ok := res.Records[0].Event.Data.(T)
	if !ok {
		var zero T
		return zero, domain.Errorf(domain.Conflict, "this Idempotency-Key was already used for a %s", res.Records[0].Event.Type)
	}
	return data, nil
}

// currentState returns a copy of the read model's current state of an
// alliance, or the empty state if it has none yet.
func (l *Ledger) currentState(aid string) domain.Alliance {
	var out domain.Alliance
	_ = l.proj.Read(aid, func(st domain.Alliance, _ Position) { out = st.Clone() })
	return out
}

// preverify verifies a signed command's signature with the signer's key in
// force as the read models know it, on the caller's goroutine, so that the
// alliance's writer, which decides its commands one at a time, need not
// (domain.PreverifySignature); the writer verifies again only if the key
// changed in between.
func (l *Ledger) preverify(aid, memberID string, cmd domain.Command) {
	if domain.SignedStatementOf(cmd) == nil {
		return
	}
	var key *domain.MemberKey
	_ = l.proj.Read(aid, func(st domain.Alliance, _ Position) {
		if m, ok := st.Member(memberID); ok {
			key = m.Key // never modified: a new registration replaces it
		}
	})
	domain.PreverifySignature(cmd, key)
}
