package api

import "time"

// SetAuthFailureLimit sets how many failed authentications an address may
// make in a row, and the window in which it earns them all back.
func SetAuthFailureLimit(t *Tokens, burst int, window time.Duration) {
	t.failures.configure(burst, window)
}

// SetAuthClock sets the clock of the failed-authentication limiter.
func SetAuthClock(t *Tokens, now func() time.Time) {
	t.failures.mu.Lock()
	defer t.failures.mu.Unlock()
	t.failures.now = now
}
