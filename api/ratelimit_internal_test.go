package api

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestClientAddr(t *testing.T) {
	for remote, want := range map[string]string{
		"192.0.2.7:52100":            "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:1":   "2001:db8:1:2::/64",
		"[::ffff:192.0.2.7]:8080":    "192.0.2.7",
		"not an address":             "not an address",
		"@":                          "@",
	} {
		require.Equal(t, want, clientAddr(&http.Request{RemoteAddr: remote}), remote)
	}
}

// TestFailureLimiterMemoryIsBounded fails from many more addresses than
// the limiter tracks: it never holds more than its bound, and forgets first
// the addresses that have nothing held against them any more.
func TestFailureLimiterMemoryIsBounded(t *testing.T) {
	l := newFailureLimiter()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	for i := range 3 * maxTrackedAddrs {
		l.fail(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		require.LessOrEqual(t, l.tracked(), maxTrackedAddrs)
	}
	// A blocked address is still blocked after others came and went, as
	// long as its bucket has not refilled.
	for range AuthFailureBurst {
		l.fail("192.0.2.1")
	}
	require.Positive(t, l.wait("192.0.2.1"))
	now = now.Add(2 * AuthFailureWindow)
	require.Zero(t, l.wait("192.0.2.1"))
	for i := range maxTrackedAddrs {
		l.fail(fmt.Sprintf("172.16.%d.%d", i>>8&255, i&255))
	}
	require.LessOrEqual(t, l.tracked(), maxTrackedAddrs)
}
