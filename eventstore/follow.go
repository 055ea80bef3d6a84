package eventstore

import (
	"context"
	"log/slog"
	"strings"

	"accord/domain"
)

// followForever lets a live follow recreate its consumer as often as it takes
// (across reconnects and leader changes) until its context ends.
const followForever = -1

// Follow calls fn with every event on subject ("" = every alliance; else
// Subject(allianceID)) in messages at stream seq fromStreamSeq or later (0 =
// from the start), in order, and keeps calling it for new events as they are
// stored, with no gap and no repeat, also across reconnects, until ctx is
// done or stop is called. Calls to fn are sequential, on one goroutine.
//
// stop ends following and waits until fn has returned for the last time, so
// fn must not call stop (cancel ctx instead). When a message does not
// decode, following stops there (never skipping it) and the error, naming
// its stream seq, is logged with slog.
//
// Follow returns an Invalid error for a subject outside the stream and an
// Unavailable one when JetStream cannot be reached.
func (s *Store) Follow(ctx context.Context, fromStreamSeq uint64, subject string, fn func(Record)) (stop func(), err error) {
	if err := checkFollowSubject(subject); err != nil {
		return nil, err
	}
	it, stopIter, err := s.iterate(ctx, subject, fromStreamSeq, followForever)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer stopIter()
		follow(ctx, subject, fn, func() (uint64, []Record, error) {
			seq, records, _, err := nextMessage(ctx, it)
			return seq, records, err
		})
	}()
	return func() { cancel(); <-done }, nil
}

// follow delivers records from next to fn until ctx is done or next fails.
func follow(ctx context.Context, subject string, fn func(Record), next func() (uint64, []Record, error)) {
	for {
		seq, records, err := next()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			slog.Error("eventstore: following stopped", "subject", subject, "stream_seq", seq, "err", err)
			return
		}
		for _, r := range records {
			fn(r)
		}
	}
}

// checkFollowSubject returns an Invalid error unless subject is "" or one
// alliance's subject.
func checkFollowSubject(subject string) error {
	if subject == "" {
		return nil
	}
	id, ok := strings.CutPrefix(subject, SubjectPrefix)
	if !ok || checkAllianceID(id) != nil {
		return domain.Errorf(domain.Invalid, "cannot follow %q: not an alliance's subject", subject)
	}
	return nil
}
