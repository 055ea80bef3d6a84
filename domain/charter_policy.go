package domain

import (
	"fmt"
	"strconv"
)

// SignaturePolicy is a charter's `signatures`: whether members' own actions
// must carry a signed statement.
type SignaturePolicy string

// The signature policies a charter may name. A charter recorded before the
// field existed has none, which means SignaturesOptional.
const (
	SignaturesOptional SignaturePolicy = "optional"
	SignaturesRequired SignaturePolicy = "required"
)

// MaxProxyLimit bounds a charter's max_proxies.
const MaxProxyLimit = 1000

// ProxyLimit is a charter's `max_proxies`: how many other members one member
// may cast for on one proposal. Its zero value is "absent", as in every
// charter recorded before the field existed; it means 0 and is written as
// nothing, so those events keep their bytes. Proxies(n) is a present value.
// ProxyLimit values compare with ==.
type ProxyLimit struct {
	n   int
	set bool
}

// Proxies returns the limit n, present (written even when 0).
func Proxies(n int) ProxyLimit { return ProxyLimit{n: n, set: true} }

// N returns the limit; an absent limit is 0.
func (l ProxyLimit) N() int { return l.n }

// String returns the limit as a number, or "absent".
func (l ProxyLimit) String() string {
	if !l.set {
		return "absent"
	}
	return strconv.Itoa(l.n)
}

// IsZero reports whether the limit is absent, so that `omitzero` leaves it
// out.
func (l ProxyLimit) IsZero() bool { return !l.set }

// MarshalJSON writes the limit as a JSON number.
func (l ProxyLimit) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, int64(l.n), 10), nil
}

// UnmarshalJSON reads a JSON integer; null leaves the limit absent. It
// returns an error naming max_proxies for anything else, e.g. 1.5 or "2".
func (l *ProxyLimit) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 32)
	if err != nil {
		return fmt.Errorf("max_proxies must be a whole number from 0 to %d, not %.40s", MaxProxyLimit, b)
	}
	*l = Proxies(int(n))
	return nil
}

// SignaturesRequired reports whether the charter requires signed
// statements; an absent policy is optional.
func (c Charter) SignaturesRequired() bool {
	return c.Signatures == SignaturesRequired
}

// withPolicyDefaults fills in the fields a charter recorded before
// signatures and proxies existed lacks, with what their absence means.
func (c Charter) withPolicyDefaults() Charter {
	if c.Signatures == "" {
		c.Signatures = SignaturesOptional
	}
	if c.MaxProxies.IsZero() {
		c.MaxProxies = Proxies(0)
	}
	return c
}

// normalizePolicy fills in and checks a charter's signatures and
// max_proxies. It returns an Invalid error naming the field at fault.
func normalizePolicy(c Charter) (Charter, error) {
	c = c.withPolicyDefaults()
	if c.Signatures != SignaturesOptional && c.Signatures != SignaturesRequired {
		return Charter{}, Errorf(Invalid, "charter signatures %s is not one of optional, required", clip(string(c.Signatures)))
	}
	if n := c.MaxProxies.N(); n < 0 || n > MaxProxyLimit {
		return Charter{}, Errorf(Invalid, "charter max_proxies %d is not from 0 to %d", n, MaxProxyLimit)
	}
	return c, nil
}

// SameRule reports whether two charters mean the same rule, reading absent
// signatures and max_proxies as their defaults: a VotingOpened recorded
// before those fields existed froze the same rule as one that spells them out.
func SameRule(a, b Charter) bool {
	return a.withPolicyDefaults() == b.withPolicyDefaults()
}
