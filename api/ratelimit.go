package api

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"accord/domain"
)

// Failed authentications are limited per client address with a token
// bucket: an address may fail AuthFailureBurst times in a row, then earns
// one more attempt every AuthFailureWindow/AuthFailureBurst. While its bucket
// is empty every authenticated request from it answers 429, whatever token
// it carries: otherwise a guesser could go on guessing and learn from the
// one answer that is not 401.
const (
	AuthFailureBurst  = 10
	AuthFailureWindow = time.Minute
	// maxTrackedAddrs bounds the limiter's memory. Past it, addresses whose
	// bucket has refilled are forgotten first (they are no different from
	// an address never seen), then arbitrary ones.
	maxTrackedAddrs = 10000
)

// failureLimiter counts failed authentications per client address.
type failureLimiter struct {
	mu    sync.Mutex
	burst float64
	rate  float64 // attempts earned back per second
	now   func() time.Time
	addrs map[string]*bucket
}

// bucket is one address's attempts left, as of last.
type bucket struct {
	left float64
	last time.Time
}

func newFailureLimiter() *failureLimiter {
	l := &failureLimiter{now: time.Now, addrs: map[string]*bucket{}}
	l.configure(AuthFailureBurst, AuthFailureWindow)
	return l
}

// configure sets the burst and the window in which a full burst is earned
// back.
func (l *failureLimiter) configure(burst int, window time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.burst = float64(burst)
	l.rate = float64(burst) / window.Seconds()
}

// refill returns the address's bucket brought up to now, or nil when the
// address has nothing held against it.
func (l *failureLimiter) refill(addr string, now time.Time) *bucket {
	b := l.addrs[addr]
	if b == nil {
		return nil
	}
	b.left = math.Min(l.burst, b.left+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	return b
}

// wait returns how long addr must wait before it may try again; 0 when it
// may now.
func (l *failureLimiter) wait(addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(addr, l.now())
	switch {
	case b == nil:
		return 0
	case b.left >= l.burst:
		delete(l.addrs, addr) // all forgiven: no different from never seen
		return 0
	case b.left >= 1:
		return 0
	}
	return time.Duration((1 - b.left) / l.rate * float64(time.Second))
}

// fail counts one failed authentication from addr.
func (l *failureLimiter) fail(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.refill(addr, now)
	if b == nil {
		if len(l.addrs) >= maxTrackedAddrs {
			l.evict(now)
		}
		b = &bucket{left: l.burst, last: now}
		l.addrs[addr] = b
	}
	b.left = math.Max(0, b.left-1)
}

// evict forgets the addresses whose bucket is full again, then, if that was
// not enough, arbitrary ones (map order), down to nine tenths of the bound.
func (l *failureLimiter) evict(now time.Time) {
	for addr := range l.addrs {
		if b := l.refill(addr, now); b.left >= l.burst {
			delete(l.addrs, addr)
		}
	}
	for addr := range l.addrs {
		if len(l.addrs) < maxTrackedAddrs*9/10 {
			break
		}
		delete(l.addrs, addr)
	}
}

// tracked returns how many addresses the limiter holds.
func (l *failureLimiter) tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.addrs)
}

// clientAddr is the address failures are counted against: the peer's IP
// without its port; for IPv6 its /64, which one host usually holds whole.
// X-Forwarded-For is not trusted: any client can write it.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// throttled refuses every request of an address that failed to
// authenticate too often: 429, with Retry-After. The failures themselves
// are reported by authed (see failedLogin).
func (s *Server) throttled(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		addr := clientAddr(r)
		if wait := s.failures.wait(addr); wait > 0 {
			secs := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			s.writeError(w, r, domain.Errorf(domain.RateLimited,
				"too many failed authentications from %s: try again in %d s", addr, secs))
			return
		}
		h(w, r)
	}
}

// failedLogin counts one failed authentication against r's address.
func (s *Server) failedLogin(r *http.Request) {
	addr := clientAddr(r)
	s.failures.fail(addr)
	s.log.Info("authentication failed", "remote", addr, "method", r.Method, "route", r.Pattern)
}
