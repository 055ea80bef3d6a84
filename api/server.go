// Package api serves accord's HTTP JSON API, its live event streams and the
// dashboard page. It is HTTP only: its handlers decode a request, call the
// ledger and encode the answer.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"

	"accord/domain"
	"accord/ledger"
)

// Config is what a Server needs.
type Config struct {
	Ledger *ledger.Ledger
	Log    *slog.Logger
}

// Server is the HTTP API over one Ledger.
type Server struct {
	ledger   *ledger.Ledger
	log      *slog.Logger
	metrics  *Metrics
	failures *failureLimiter
	mux      *http.ServeMux
}

// New returns a Server with every route registered. It has the ledger tell
// its metrics how each command went.
func New(cfg Config) *Server {
	s := &Server{ledger: cfg.Ledger, log: cfg.Log, metrics: NewMetrics(), failures: newFailureLimiter(), mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.metrics.Runner = s.ledger.Stats
	s.metrics.Lag = s.ledger.Lag
	s.metrics.Cache = s.ledger.CacheStats
	s.ledger.ObserveCommands(s.metrics.observeAppend)
	s.routes()
	return s
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
type handler func(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error

// idempotencyKey is what a command id may look like when a client sends it.
var idempotencyKey = regexp.MustCompile(`^[A-Za-z0-9._:~+/=-]{1,128}$`)

// commandID returns the request's Idempotency-Key, the command id the
// ledger records its command under; "" when it has none (the ledger then
// makes one up). It returns an Invalid error for a key of the wrong form or
// one the ledger keeps for itself.
func commandID(r *http.Request) (string, error) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return "", nil
	}
	if !idempotencyKey.MatchString(key) {
		return "", domain.Errorf(domain.Invalid, "Idempotency-Key must be 1 to 128 letters, digits or ._:~+/=-")
	}
	if strings.HasPrefix(key, ledger.ReservedCommandPrefix) {
		// The ledger closes votes at their deadline under "close:<proposal>";
		// a client key there could pass for that close and keep a vote open.
		return "", domain.Errorf(domain.Invalid, "Idempotency-Key may not start with %q: the ledger uses it", ledger.ReservedCommandPrefix)
	}
	return key, nil
}
