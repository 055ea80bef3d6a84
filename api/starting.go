package api

import (
	"net/http"

	"accord/domain"
)

// Starting answers every request while the ledger starts and cannot serve
// yet, e.g. while the NATS cluster elects its JetStream leader: 503 in the
// documented error shape with code unavailable, the message that why
// returns, and Retry-After. So /healthz tells a load balancer "not ready"
// until the real API takes over.
func Starting(why func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		var body errorBody
		body.Error.Code = string(domain.Unavailable)
		body.Error.Message = why()
		w.Header().Set("Retry-After", "1")
		writeJSON(w, statusOf(domain.Unavailable), body)
	})
}
