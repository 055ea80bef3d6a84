package ledger

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"strconv"

	"accord/eventstore"
	"accord/projections"
)

// MaxPage is the most events one audit page holds.
const MaxPage = projections.MaxPage

// Head returns the position of the alliance's last event in the read
// models. It returns a Forbidden error for a caller who may not read it and
// NotFound for an unknown alliance.
func (l *Ledger) Head(caller Identity, aid string) (Position, error) {
	if err := Readable(caller, aid); err != nil {
		return Position{}, err
	}
	return l.proj.Head(aid)
}

// AuditPage is up to a page of an alliance's records, and the seq that
// follows them (0 when the page reaches the head).
type AuditPage struct {
	Records []Record
	Next    uint64
}

// Audit returns up to limit records of the alliance from its event seq from
// (1-based) on, read from the log. It returns a Forbidden error for a
// caller who may not read it, NotFound for an unknown alliance and Invalid
// for a from past the head.
func (l *Ledger) Audit(ctx context.Context, caller Identity, aid string, from uint64, limit int) (AuditPage, error) {
	if err := Readable(caller, aid); err != nil {
		return AuditPage{}, err
	}
	recs, next, err := l.proj.Events(ctx, aid, from, limit)
	return AuditPage{Records: recs, Next: next}, err
}

// Export returns the head of the alliance's log, taken from the log itself,
// and its records up to that head, read as they are pulled, so a ledger of
// any size is exported without being held in memory. It returns a
// Forbidden error for a caller who may not read the alliance, NotFound for
// an unknown one, and Unavailable when the log cannot be asked for its
// head: then nothing has been read yet.
func (l *Ledger) Export(ctx context.Context, caller Identity, aid string) (Position, iter.Seq2[Record, error], error) {
	if _, err := l.Head(caller, aid); err != nil {
		return Position{}, nil, err
	}
	head, err := l.store.Head(ctx, aid)
	if err != nil {
		return Position{}, nil, err
	}
	return head, upTo(l.store.ReadAlliance(ctx, aid, 0), head.Seq), nil
}

// upTo yields the records of seq up to the alliance seq last.
func upTo(seq iter.Seq2[Record, error], last uint64) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for rec, err := range seq {
			if err == nil && rec.Event.Seq > last {
				return
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

// Replay returns every alliance's records in stream order from the message
// at stream seq from on, to the log's end as of the first pull, for the
// admin's stream of every alliance. It yields a Forbidden error for a
// caller who is not the admin, and the log's errors (see
// eventstore.Store.Replay).
func (l *Ledger) Replay(ctx context.Context, caller Identity, from uint64) iter.Seq2[Record, error] {
	if err := MayFollowAll(caller); err != nil {
		return func(yield func(Record, error) bool) { yield(Record{}, err) }
	}
	return l.store.Replay(ctx, from)
}

// ChainChecker checks a ledger's stored lines one at a time, as the offline
// verifier does (verify.Verifier is one): Check each line in order, then
// End, which returns how many outcomes were re-derived and signed
// statements verified. An error that names the first seq that fails has a
// method FailedSeq() uint64.
type ChainChecker interface {
	Check(line []byte) error
	End() (decisions, signatures int, err error)
}

// Verification is what re-reading an alliance's log found: the summary
// when the chain holds up to the head the read models serve, or the first
// seq that fails and why.
type Verification struct {
	OK         bool
	Events     int
	Decisions  int
	Signatures int
	Head       Position
	Seq        uint64
	Reason     string
}

// Verify re-reads the alliance's stored lines from the log through the
// offline verifier's check, up to the head as of the call. A ledger that
// does not hold is an answer, not an error: it returns an error only for a
// caller who may not read the alliance (Forbidden), an unknown alliance
// (NotFound), or a log that cannot be read.
func (l *Ledger) Verify(ctx context.Context, caller Identity, aid string) (Verification, error) {
	head, err := l.Head(caller, aid)
	if err != nil {
		return Verification{}, err
	}
	c := l.checker()
	var last Record
	for rec, err := range upTo(l.store.ReadAlliance(ctx, aid, 0), head.Seq) {
		if err != nil {
			return readFailure(err, last.Event.Seq)
		}
		if err := c.Check(rec.Raw); err != nil {
			return Verification{Seq: cmp.Or(namedSeq(err), last.Event.Seq+1), Reason: err.Error()}, nil
		}
		last = rec
	}
	decisions, signatures, err := c.End()
	if err != nil {
		// A signature verified at the end may fail an earlier seq.
		return Verification{Seq: cmp.Or(namedSeq(err), last.Event.Seq+1), Reason: err.Error()}, nil
	}
	v := reachesHead(last, head)
	v.Decisions, v.Signatures = decisions, signatures
	return v, nil
}

// namedSeq returns the seq a check's error names as the first that fails;
// 0 when it names none.
func namedSeq(err error) uint64 {
	var named interface{ FailedSeq() uint64 }
	if errors.As(err, &named) {
		return named.FailedSeq()
	}
	return 0
}

// readFailure is the verdict on a stored message after seq last that does
// not hold events; any other failure to read is an error.
func readFailure(err error, last uint64) (Verification, error) {
	var malformed *eventstore.MalformedError
	if errors.As(err, &malformed) {
		return Verification{Seq: last + 1, Reason: "the stored message after seq " + uitoa(last) + " does not hold events: " + malformed.Error()}, nil
	}
	return Verification{}, err
}

// reachesHead checks that the verified chain, ending at last, ends where
// the read models say the alliance's head is.
func reachesHead(last Record, head Position) Verification {
	switch {
	case last.Event.Seq != head.Seq:
		return Verification{Seq: last.Event.Seq + 1, Reason: "the log ends at seq " + uitoa(last.Event.Seq) + ", before the head the API serves (seq " + uitoa(head.Seq) + ")"}
	case last.Hash != head.Hash:
		return Verification{Seq: last.Event.Seq, Reason: "the hash of seq " + uitoa(last.Event.Seq) + " in the log is " + last.Hash + ", but the API serves " + head.Hash + " as the head"}
	}
	return Verification{OK: true, Events: int(last.Event.Seq), Head: Position{Seq: last.Event.Seq, Hash: last.Hash}}
}

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }
