package eventstore

import (
	"context"
	"log/slog"
	"strings"

	"accord/domain"
)

// Follow calls fn with every event on subject ("" = every alliance; else
// Subject(allianceID)) in messages at stream seq fromStreamSeq or later (0 =
// from the start), in order, and keeps calling it for new events as they are
// stored, with no gap and no repeat, also across reconnects and the loss of
// a node, until ctx is done or stop is called. Calls to fn are sequential,
// on one goroutine. A follower that loses its consumer (its node went away:
// noticed within about a second) reads on from a new one on the nodes that
// are left, trying again every half second at most for as long as it takes.
//
// stop ends following and waits until fn has returned for the last time, so
// fn must not call stop (cancel ctx instead). When a message does not
// decode, following stops there (never skipping it) and the error, naming
// its stream seq, is logged with slog.
//
// Follow returns an Invalid error for a subject outside the stream and an
// Unavailable one when JetStream cannot be reached at the start (within five
// seconds, or ctx's deadline if sooner).
func (s *Store) Follow(ctx context.Context, fromStreamSeq uint64, subject string, fn func(Record)) (stop func(), err error) {
	if err := checkFollowSubject(subject); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	r := s.newReader(subject, fromStreamSeq, "follow", readPatience)
	if err := r.open(ctx); err != nil {
		cancel()
		return nil, err
	}
	r.patience = forever
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer r.close()
		follow(ctx, subject, fn, func() (uint64, []Record, error) {
			seq, records, _, err := r.nextMessage(ctx)
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
