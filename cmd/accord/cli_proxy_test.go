package main

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// cutProxy stands between the CLI and the server and breaks answers off, as
// a flaky network or a restarted load balancer would. cut is asked after
// each line of an answer; nth counts the earlier requests to the same path.
// When it says so, the answer ends cleanly, or, with abort, the connection
// is dropped mid-stream.
type cutProxy struct {
	target string
	abort  bool
	cut    func(r *http.Request, nth int, line []byte) bool

	mu   sync.Mutex
	seen map[string]int
	reqs []*http.Request
}

func newCutProxy(t *testing.T, target string, abort bool, cut func(r *http.Request, nth int, line []byte) bool) (*cutProxy, string) {
	t.Helper()
	p := &cutProxy{target: target, abort: abort, cut: cut, seen: map[string]int{}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv.URL
}

// requests returns the requests made so far to path.
func (p *cutProxy) requests(path string) []*http.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*http.Request
	for _, r := range p.reqs {
		if r.URL.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func (p *cutProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	nth := p.seen[r.URL.Path]
	p.seen[r.URL.Path]++
	p.reqs = append(p.reqs, r.Clone(r.Context()))
	p.mu.Unlock()
	up, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	up.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(up)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	p.copyLines(w, r, nth, bufio.NewReader(resp.Body))
}

func (p *cutProxy) copyLines(w http.ResponseWriter, r *http.Request, nth int, rd *bufio.Reader) {
	for {
		line, err := rd.ReadBytes('\n')
		_, _ = w.Write(line)
		w.(http.Flusher).Flush()
		if err != nil {
			return
		}
		if p.cut(r, nth, line) {
			if p.abort {
				panic(http.ErrAbortHandler)
			}
			return
		}
	}
}
