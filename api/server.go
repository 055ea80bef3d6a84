// Package api serves accord's HTTP JSON API, its live event streams and the
// dashboard page.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"accord/domain"
	"accord/eventstore"
	"accord/projections"
)

// Config is what a Server needs.
type Config struct {
	Runner     *eventstore.Runner
	Store      *eventstore.Store
	Projection *projections.Projection
	Tokens     *Tokens
	Log        *slog.Logger
	// Now is the clock events are stamped with; time.Now when nil.
	Now func() time.Time
}

// Server is the HTTP API.
type Server struct {
	runner  *eventstore.Runner
	store   *eventstore.Store
	proj    *projections.Projection
	tokens  *Tokens
	log     *slog.Logger
	now     func() time.Time
	metrics *Metrics
	mux     *http.ServeMux
}

// New returns a Server with every route registered.
func New(cfg Config) *Server {
	s := &Server{
		runner: cfg.Runner, store: cfg.Store, proj: cfg.Projection, tokens: cfg.Tokens,
		log: cfg.Log, now: cfg.Now, metrics: NewMetrics(), mux: http.NewServeMux(),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.metrics.Runner = s.runner.Stats
	s.metrics.Lag = s.projectionLag
	s.routes()
	return s
}

// projectionLag returns how many messages of the log the read models have
// not applied yet (0 when the log cannot be asked).
func (s *Server) projectionLag() uint64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	last, err := s.store.LastStreamSeq(ctx)
	_, applied := s.proj.Applied()
	if err != nil || last < applied {
		return 0
	}
	return last - applied
}

// Metrics returns the server's metrics, e.g. for the projection lag gauge.
func (s *Server) Metrics() *Metrics { return s.metrics }

// ServeHTTP logs and measures every request. Once the answer is written it
// reads what the handler left of a large body (see lingerBody), and it ends
// an answer that a handler cut off (see breakStream) as a broken transfer.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	body := watchBody(r)
	r = r.WithContext(context.WithValue(r.Context(), recorderKey{}, rec))
	if canonicalPath(r.URL.Path) {
		s.mux.ServeHTTP(rec, r)
	} else {
		// The router would redirect to the cleaned path; a ledger answers
		// what is wrong instead, in its own error shape.
		s.writeError(rec, r, domain.Errorf(domain.Invalid, "the path %q has empty, . or .. segments", truncate(r.URL.Path, 200)))
	}
	var drained int64
	if rec.broken == nil {
		drained = lingerBody(rec, r, body)
	}
	s.logRequest(r, rec, time.Since(start), drained)
	if rec.broken != nil {
		// net/http closes the connection (or resets the HTTP/2 stream)
		// without ending the body, and logs nothing more.
		panic(http.ErrAbortHandler)
	}
}

// logRequest logs and counts one answered request; drained is how much of
// its body was read and discarded after the answer.
func (s *Server) logRequest(r *http.Request, rec *statusRecorder, d time.Duration, drained int64) {
	route := r.Pattern
	if route == "" {
		route = "unmatched"
	}
	s.metrics.observeRequest(route, rec.status, d)
	attrs := []any{"method", r.Method, "route", route, "status", rec.status, "duration", d, "actor", rec.actor}
	if drained > 0 {
		attrs = append(attrs, "drained_bytes", drained)
	}
	if rec.broken != nil {
		s.metrics.observeBroken(route)
		attrs = append(attrs, "broken", rec.broken.Error())
	}
	s.log.Info("request", attrs...)
}

// canonicalPath reports whether p is absolute with no empty, . or ..
// segment (a single trailing slash is allowed).
func canonicalPath(p string) bool {
	return strings.HasPrefix(p, "/") && path.Clean(p) == strings.TrimSuffix(p, "/") || p == "/"
}

// statusRecorder remembers the status and the actor for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	actor  string
	// broken is why a streamed answer was cut off (see breakStream), nil
	// when it was not.
	broken error
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Flush lets live streams flush through the recorder.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// recorderKey finds the request's statusRecorder from inside handlers, even
// when middleware wrapped the ResponseWriter.
type recorderKey struct{}

// handler is a route that needs a caller.
type handler func(w http.ResponseWriter, r *http.Request, caller Identity) error

// authed resolves the caller from the bearer token or the session cookie,
// then runs h; any error answers in the documented shape.
func (s *Server) authed(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		caller, err := s.caller(r)
		if err == nil {
			if rec, ok := r.Context().Value(recorderKey{}).(*statusRecorder); ok {
				rec.actor = caller.ID
			}
			err = h(w, r, caller)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	}
}

// caller returns the identity of the request's token.
func (s *Server) caller(r *http.Request) (Identity, error) {
	if token := bearer(r.Header.Get("Authorization")); token != "" {
		return s.tokens.Resolve(token)
	}
	if r.Header.Get("Authorization") != "" {
		return Identity{}, domain.Errorf(domain.Unauthorized, "the Authorization header must be \"Bearer <token>\"")
	}
	if c, err := r.Cookie(sessionCookie); err == nil && r.Method == http.MethodGet {
		return s.tokens.Resolve(c.Value)
	}
	return Identity{}, domain.Errorf(domain.Unauthorized, "a bearer token is required")
}

// ReservedKeyPrefix starts the command ids the ledger itself uses (closing a
// vote at its deadline); clients may not send such an Idempotency-Key.
const ReservedKeyPrefix = "close:"

// idempotencyKey is what a command id may look like when a client sends it.
var idempotencyKey = regexp.MustCompile(`^[A-Za-z0-9._:~+/=-]{1,128}$`)

// commandKey carries a request's command id once a handler has fixed it.
type commandKey struct{}

// commandID returns the request's command id: the one fixed by created,
// else its Idempotency-Key, else a new uuid. It returns an Invalid error for
// a key of the wrong form.
func commandID(r *http.Request) (string, error) {
	if cid, ok := r.Context().Value(commandKey{}).(string); ok {
		return cid, nil
	}
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return uuid.Must(uuid.NewV7()).String(), nil
	}
	if !idempotencyKey.MatchString(key) {
		return "", domain.Errorf(domain.Invalid, "Idempotency-Key must be 1 to 128 letters, digits or ._:~+/=-")
	}
	if strings.HasPrefix(key, ReservedKeyPrefix) {
		// The ledger closes votes at their deadline under "close:<proposal>";
		// a client key there could pass for that close and keep a vote open.
		return "", domain.Errorf(domain.Invalid, "Idempotency-Key may not start with %q: the ledger uses it", ReservedKeyPrefix)
	}
	return key, nil
}

// created fixes the request's command id (so the command that run records
// carries the same one, even when the client sent no Idempotency-Key) and
// returns the request with it and the id of what the command creates in
// alliance aid ("" for a new alliance), derived from it: a retried creation
// creates the same id. It returns an Invalid error for a bad key.
func created(r *http.Request, aid string, what domain.Creation) (*http.Request, string, error) {
	cid, err := commandID(r)
	if err != nil {
		return r, "", err
	}
	r = r.WithContext(context.WithValue(r.Context(), commandKey{}, cid))
	return r, domain.CreatedID(aid, cid, what), nil
}

// run executes a command for caller in alliance aid and waits until the read
// models reflect it, so the caller reads its own write next.
func (s *Server) run(r *http.Request, caller Identity, aid string, cmd domain.Command, view eventstore.View) (eventstore.Result, any, error) {
	cid, err := commandID(r)
	if err == nil {
		err = signedRequest(r, cmd)
	}
	if err != nil {
		return eventstore.Result{}, nil, err
	}
	m := domain.Meta{AllianceID: aid, CommandID: cid, At: s.now().UTC(), Actor: caller.Actor()}
	s.preverify(aid, m.Actor.MemberID, cmd)
	start := time.Now()
	res, out, err := s.runner.Run(r.Context(), m, cmd, view)
	s.metrics.observeAppend(time.Since(start), err)
	if err != nil {
		return res, nil, err
	}
	// Wait for the read models, so the caller reads its own write next. The
	// write is stored whatever happens here: if they lag (e.g. while the
	// connection to NATS is being re-established), the answer, built from
	// the write side, still says so rather than a 503 that invites a retry.
	last := res.Records[len(res.Records)-1]
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if err := s.proj.WaitFor(ctx, aid, last.Event.Seq); err != nil {
		s.log.Warn("read models lag behind a stored write", "alliance", aid, "seq", last.Event.Seq, "err", err)
	}
	return res, out, nil
}
