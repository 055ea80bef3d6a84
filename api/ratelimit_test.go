package api_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/api"
)

// fakeClock is a settable clock for the limiter.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestFailedAuthenticationsAreRateLimited: ten bad tokens from one address
// answer 401, the eleventh 429 with Retry-After — and so does a good token
// from that address until an attempt is earned back.
func TestFailedAuthenticationsAreRateLimited(t *testing.T) {
	e := newGuardEnv(t)
	a := e.formAlliance(consensus, 1)
	base := "/v1/alliances/" + a.ID
	clock := &fakeClock{now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	api.SetAuthClock(e.API, clock.Now)
	api.SetAuthFailureLimit(e.API, api.AuthFailureBurst, api.AuthFailureWindow)

	// Requests without credentials are refused but are no guesses.
	for range 2 * api.AuthFailureBurst {
		errorAnswer(t, e.do("GET", base, "", nil), 401, "unauthorized", "a bearer token is required")
	}
	e.unmoved("failed and limited requests", func() {
		for i := range api.AuthFailureBurst {
			bad := "acc_guess" + string(rune('a'+i))
			if i%2 == 1 {
				errorAnswer(t, e.do("POST", base+"/proposals", "", map[string]any{"kind": "position", "title": "t", "body": "b"}, "Authorization", "Token "+bad), 401, "unauthorized")
				continue
			}
			errorAnswer(t, e.do("GET", base, bad, nil), 401, "unauthorized", "the token is not valid")
		}
		limited := e.do("GET", base, "acc_one-more", nil)
		errorAnswer(t, limited, 429, "rate_limited", "too many failed authentications from 127.0.0.1", "try again in 6 s")
		require.Equal(t, "6", limited.Header.Get("Retry-After"))
		errorAnswer(t, e.do("GET", base, a.Members[0].Token, nil), 429, "rate_limited")
		errorAnswer(t, e.do("POST", base+"/proposals", a.Members[0].Token, map[string]any{"kind": "position", "title": "t", "body": "b"}), 429, "rate_limited")
	})
	// Public routes are not limited.
	e.must(200, "GET", "/healthz", "", nil)

	clock.Advance(3 * time.Second)
	require.Equal(t, "3", e.do("GET", base, a.Members[0].Token, nil).Header.Get("Retry-After"))
	clock.Advance(3 * time.Second)
	e.must(200, "GET", base, a.Members[0].Token, nil)
	errorAnswer(t, e.do("GET", base, "acc_again", nil), 401, "unauthorized")
	errorAnswer(t, e.do("GET", base, a.Members[0].Token, nil), 429, "rate_limited")

	// A full minute earns every attempt back.
	clock.Advance(api.AuthFailureWindow)
	for range api.AuthFailureBurst {
		errorAnswer(t, e.do("GET", base, "acc_later", nil), 401, "unauthorized")
	}
	errorAnswer(t, e.do("GET", base, "acc_later", nil), 429, "rate_limited")

	require.Len(t, e.Logs.lines("authentication failed", "remote=127.0.0.1"), 2*api.AuthFailureBurst+1)
	requireNoTokenLogged(t, e)
}
