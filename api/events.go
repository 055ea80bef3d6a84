package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"accord/domain"
	"accord/ledger"
)

// allianceEvents streams one alliance's events as server-sent events: id is
// the alliance seq, event the type, data {"event":<stored JSON>,"hash":…}.
// It replays from the log what follows Last-Event-ID (or from ?from_seq=
// on), then follows live; without either it follows from the head on.
func (s *Server) allianceEvents(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	f, err := parseEventFilter(r)
	if err != nil {
		return err
	}
	from, resume, err := allianceResume(r)
	if err != nil {
		return err
	}
	if _, err := s.ledger.Head(caller, aid); err != nil {
		return err
	}
	sub := s.subscribe(func(rec ledger.Record) bool {
		return rec.Event.AllianceID == aid && f.wantsType(rec.Event.Type)
	})
	defer sub.cancel()
	if !resume {
		head, err := s.ledger.Head(caller, aid)
		if err != nil {
			return err
		}
		from = head.Seq + 1
	}
	st := &sse{
		w: w, rc: http.NewResponseController(w), match: f.match,
		key:  func(rec ledger.Record) cursor { return cursor{seq: rec.Event.Seq} },
		id:   func(c cursor) string { return strconv.FormatUint(c.seq, 10) },
		last: cursor{seq: from - 1},
	}
	err = st.start()
	if err == nil {
		err = s.catchUpAlliance(r.Context(), st, sub, caller, aid)
		if s.replayFailed(w, r, aid, st, err) {
			return nil
		}
	}
	if err == nil {
		err = st.follow(r.Context(), sub, shuttingDown(r))
	}
	s.streamEnded(r, aid, st, err)
	return nil
}

// allEvents streams every alliance's events to the admin, in log order. Its
// ids are "<stream seq>:<alliance seq>"; it resumes after Last-Event-ID, or
// from the message at ?from_stream_seq=, and otherwise follows from now on.
func (s *Server) allEvents(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	if err := ledger.MayFollowAll(caller); err != nil {
		return err
	}
	f, err := parseEventFilter(r)
	if err != nil {
		return err
	}
	from, resume, err := streamResume(r)
	if err != nil {
		return err
	}
	sub := s.subscribe(func(rec ledger.Record) bool { return f.wantsType(rec.Event.Type) })
	defer sub.cancel()
	st := &sse{
		w: w, rc: http.NewResponseController(w), match: f.match,
		key: func(rec ledger.Record) cursor { return cursor{stream: rec.StreamSeq, seq: rec.Event.Seq} },
		id: func(c cursor) string {
			return strconv.FormatUint(c.stream, 10) + ":" + strconv.FormatUint(c.seq, 10)
		},
		last: from,
	}
	err = st.start()
	if err == nil && resume {
		err = s.catchUpAll(r.Context(), st, sub, caller)
		if s.replayFailed(w, r, "", st, err) {
			return nil
		}
	}
	if err == nil {
		err = st.follow(r.Context(), sub, shuttingDown(r))
	}
	s.streamEnded(r, "", st, err)
	return nil
}

// catchUpAlliance sends the alliance's events after the stream's place from
// the log, up to the projection's head, and again while live records were
// lost meanwhile; the buffered live records then continue without a gap.
func (s *Server) catchUpAlliance(ctx context.Context, st *sse, sub *subscriber, caller ledger.Identity, aid string) error {
	for {
		head, err := s.ledger.Head(caller, aid)
		if err != nil {
			return err
		}
		for st.last.seq < head.Seq {
			page, err := s.ledger.Audit(ctx, caller, aid, st.last.seq+1, ledger.MaxPage)
			if err != nil {
				return err
			}
			recs := page.Records
			if len(recs) == 0 {
				return domain.Errorf(domain.Internal, "the log of alliance %s ends before its head %d", aid, head.Seq)
			}
			for _, rec := range recs {
				if err := st.send(rec); err != nil {
					return err
				}
			}
			if err := st.flush(); err != nil {
				return err
			}
		}
		if !sub.restart() {
			return nil
		}
		s.log.Debug("live stream lost records while catching up: reading the log again", "alliance", aid, "after", st.last.seq)
	}
}

// catchUpAll is catchUpAlliance across alliances: it replays the stream
// from the message the stream's place is in, to the stream's end.
func (s *Server) catchUpAll(ctx context.Context, st *sse, sub *subscriber, caller ledger.Identity) error {
	for {
		for rec, err := range s.ledger.Replay(ctx, caller, max(st.last.stream, 1)) {
			if err == nil {
				err = st.send(rec)
			}
			if err != nil {
				return err
			}
		}
		if err := st.flush(); err != nil {
			return err
		}
		if !sub.restart() {
			return nil
		}
	}
}

// replayFailed reports whether err is a failure of the stream's replay from
// the log, the client being still there; the stream is then cut off as a
// broken transfer (see breakStream), so that the client reconnects with
// Last-Event-ID (an EventSource does) rather than take it for ended.
func (s *Server) replayFailed(w http.ResponseWriter, r *http.Request, aid string, st *sse, err error) bool {
	if err == nil || errors.Is(err, errClientGone) || r.Context().Err() != nil {
		return false
	}
	s.log.Warn("live stream replay failed", "alliance", aid, "last", st.id(st.last), "err", err)
	breakStream(w, r, err)
	return true
}

// streamEnded logs why a live stream ended, once its answer has begun.
func (s *Server) streamEnded(r *http.Request, aid string, st *sse, err error) {
	switch {
	case errors.Is(err, errDropped):
		s.log.Info("live stream dropped a slow client", "alliance", aid, "last", st.id(st.last))
	case err != nil && r.Context().Err() == nil:
		s.log.Info("live stream ended", "alliance", aid, "last", st.id(st.last), "err", err)
	}
}

// allianceResume returns the first alliance seq a stream should send:
// after Last-Event-ID if the client sent one (a browser reconnecting), else
// from ?from_seq=. resume is false when neither was given.
func allianceResume(r *http.Request) (from uint64, resume bool, err error) {
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil || n >= 1<<53 {
			return 0, false, domain.Errorf(domain.Invalid, "Last-Event-ID must be an alliance seq, not %q", truncate(v, 40))
		}
		return n + 1, true, nil
	}
	if !r.URL.Query().Has("from_seq") {
		return 0, false, nil
	}
	n, err := uintQuery(r, "from_seq", 1, 1<<53)
	return max(n, 1), err == nil, err
}

// streamResume returns where an every-alliance stream resumes: just after
// Last-Event-ID "<stream seq>:<alliance seq>", or at the start of the message
// at ?from_stream_seq=.
func streamResume(r *http.Request) (after cursor, resume bool, err error) {
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		s, a, ok := strings.Cut(strings.TrimSpace(v), ":")
		sn, err1 := strconv.ParseUint(s, 10, 64)
		an, err2 := strconv.ParseUint(a, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return cursor{}, false, domain.Errorf(domain.Invalid, "Last-Event-ID must be \"<stream seq>:<alliance seq>\", not %q", truncate(v, 40))
		}
		return cursor{stream: sn, seq: an}, true, nil
	}
	if !r.URL.Query().Has("from_stream_seq") {
		return cursor{}, false, nil
	}
	n, err := uintQuery(r, "from_stream_seq", 1, 1<<53)
	if err != nil {
		return cursor{}, false, err
	}
	// Nothing in message n has been sent: stand just before its first event.
	return cursor{stream: max(n, 1) - 1, seq: 1<<64 - 1}, true, nil
}
