package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// AuditPage is one page of the audit trail: events in seq order, and the
// seq the next page starts at (nil at the head).
type AuditPage struct {
	Events  []Entry `json:"events"`
	NextSeq *uint64 `json:"next_seq"`
}

// Head is an alliance's latest event: its seq and hash.
type Head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// Verification is the server's re-check of an alliance's chain: when OK,
// how many events and decisions it re-derived up to Head; when not, the
// first Seq that fails and why (Error). Checked names what was checked.
type Verification struct {
	OK        bool     `json:"ok"`
	Events    int      `json:"events"`
	Decisions int      `json:"decisions"`
	Head      Head     `json:"head"`
	Seq       uint64   `json:"seq"`
	Error     string   `json:"error"`
	Checked   []string `json:"checked"`
}

// Audit returns the page of the audit trail from seq from, with at most
// limit events (0: the server's default).
func (c *Client) Audit(ctx context.Context, aid string, from, limit uint64) (AuditPage, error) {
	q := url.Values{"from_seq": {strconv.FormatUint(from, 10)}}
	if limit != 0 {
		q.Set("limit", strconv.FormatUint(limit, 10))
	}
	var page AuditPage
	err := c.do(ctx, call{method: http.MethodGet, path: alliancePath(aid, "audit"), query: q}, &page)
	return page, err
}

// Head returns the seq and hash of the alliance's latest event.
func (c *Client) Head(ctx context.Context, aid string) (Head, error) {
	var h Head
	err := c.do(ctx, call{method: http.MethodGet, path: alliancePath(aid, "audit", "head")}, &h)
	return h, err
}

// Verify has the server re-check the alliance's chain and re-derive every
// outcome. A ledger that does not hold is an answer (OK false), not an
// error.
func (c *Client) Verify(ctx context.Context, aid string) (Verification, error) {
	var v Verification
	err := c.do(ctx, call{method: http.MethodGet, path: alliancePath(aid, "audit", "verify")}, &v)
	return v, err
}
