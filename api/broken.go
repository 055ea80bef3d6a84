package api

import (
	"net/http"
)

// breakStream cuts off an answer whose body has begun but cannot be
// completed, e.g. an export whose read of the log failed half-way. What was
// written is flushed; then, once ServeHTTP has logged and counted the
// request as broken, the connection is closed without the body's proper end
// (over HTTP/1.1 the last, empty chunk is never sent; over HTTP/2 the stream
// is reset), so the client sees a broken transfer instead of a short answer
// that looks whole. The handler must return right after it and write
// nothing more. Outside ServeHTTP it aborts the handler at once.
func breakStream(w http.ResponseWriter, r *http.Request, err error) {
	_ = http.NewResponseController(w).Flush()
	rec, ok := r.Context().Value(recorderKey{}).(*statusRecorder)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	rec.broken = err
}
