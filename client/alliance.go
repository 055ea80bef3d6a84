package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"accord/domain"
)

// AsOf asks for an answer as it was: just after the event with alliance
// seq Seq, or at the instant At. The zero AsOf is now; giving both is
// refused by the server.
type AsOf struct {
	Seq uint64
	At  time.Time
}

// query returns ?at_seq= or ?at=, or nil for now.
func (a AsOf) query() url.Values {
	q := url.Values{}
	if a.Seq != 0 {
		q.Set("at_seq", strconv.FormatUint(a.Seq, 10))
	}
	if !a.At.IsZero() {
		q.Set("at", a.At.UTC().Format(time.RFC3339Nano))
	}
	return q
}

// AllianceSummary is one entry of the alliance list.
type AllianceSummary struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Purpose string `json:"purpose"`
	Seq     uint64 `json:"seq"`
}

// Credential answers admitting a member or adding an observer: the party's
// id and, this once, its token.
type Credential struct {
	ID    string `json:"id"`
	Token string `json:"token"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	Seq   uint64 `json:"seq"`
}

// FormAlliance forms an alliance (the admin only) and returns its state.
// Errors are *Error (Invalid for a bad charter, Forbidden for another
// caller) or wrap ErrUnreachable, as for every method.
func (c *Client) FormAlliance(ctx context.Context, cmd domain.FormAlliance) (domain.Alliance, error) {
	var a domain.Alliance
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/alliances", body: cmd}, &a)
	return a, err
}

// Alliances returns the alliances the token may read, by name.
func (c *Client) Alliances(ctx context.Context) ([]AllianceSummary, error) {
	var ans struct {
		Alliances []AllianceSummary `json:"alliances"`
	}
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/alliances"}, &ans)
	return ans.Alliances, err
}

// Alliance returns an alliance's state now, or as it was at asOf. It
// returns a NotFound *Error for an unknown alliance, Invalid for an as-of
// past the head.
func (c *Client) Alliance(ctx context.Context, aid string, asOf AsOf) (domain.Alliance, error) {
	var a domain.Alliance
	err := c.do(ctx, call{method: http.MethodGet, path: alliancePath(aid), query: asOf.query()}, &a)
	return a, err
}

// AdmitMember admits a member (the admin or a convener) and returns its
// credential, whose token is shown this once.
func (c *Client) AdmitMember(ctx context.Context, aid string, cmd domain.AdmitMember) (Credential, error) {
	var cred Credential
	err := c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "members"), body: cmd}, &cred)
	return cred, err
}

// AddObserver adds a read-only observer (the admin or a convener) and
// returns its credential, whose token is shown this once.
func (c *Client) AddObserver(ctx context.Context, aid string, cmd domain.AddObserver) (Credential, error) {
	var cred Credential
	err := c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "observers"), body: cmd}, &cred)
	return cred, err
}

// WithdrawMember withdraws member mid (that member, or a convener) and
// returns the member as it now stands.
func (c *Client) WithdrawMember(ctx context.Context, aid, mid, reason string) (domain.Member, error) {
	var m domain.Member
	body := domain.WithdrawMember{Reason: reason}
	err := c.do(ctx, call{method: http.MethodDelete, path: alliancePath(aid, "members", mid), body: body}, &m)
	return m, err
}

// FormedWorkgroup answers forming a workgroup.
type FormedWorkgroup struct {
	ID        string                 `json:"id"`
	Workgroup domain.WorkgroupFormed `json:"workgroup"`
	Seq       uint64                 `json:"seq"`
}

// FormWorkgroup forms a workgroup (a convener).
func (c *Client) FormWorkgroup(ctx context.Context, aid string, cmd domain.FormWorkgroup) (FormedWorkgroup, error) {
	var w FormedWorkgroup
	err := c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "workgroups"), body: cmd}, &w)
	return w, err
}

// TokenState answers revoking a token: whose it was and its generation.
type TokenState struct {
	ID         string      `json:"id"`
	AllianceID string      `json:"alliance_id"`
	Name       string      `json:"name"`
	Role       domain.Role `json:"role"`
	Generation int         `json:"generation"`
	Revoked    bool        `json:"revoked"`
}

// IssuedToken answers issuing a token: the party's new token, this once.
type IssuedToken struct {
	ID         string      `json:"id"`
	AllianceID string      `json:"alliance_id"`
	Name       string      `json:"name"`
	Role       domain.Role `json:"role"`
	Generation int         `json:"generation"`
	Token      string      `json:"token"`
}

// RevokeToken revokes the token of member or observer party (the admin, a
// convener for members and observers, or the party itself). Revoking again
// answers the same. Tokens are credentials: nothing is written to the
// ledger.
func (c *Client) RevokeToken(ctx context.Context, aid, party string) (TokenState, error) {
	var st TokenState
	err := c.do(ctx, call{method: http.MethodDelete, path: alliancePath(aid, "tokens", party)}, &st)
	return st, err
}

// IssueToken gives member or observer party a new token and revokes the
// one it had; the new token is in the answer, this once.
func (c *Client) IssueToken(ctx context.Context, aid, party string) (IssuedToken, error) {
	var t IssuedToken
	err := c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "tokens", party)}, &t)
	return t, err
}

// Identity is whom a token speaks for: a party of one alliance, or the
// admin (no alliance).
type Identity struct {
	ID         string      `json:"id"`
	Role       domain.Role `json:"role"`
	AllianceID string      `json:"alliance_id,omitempty"`
	Name       string      `json:"name,omitempty"`
}

// WhoAmI returns whom the client's token speaks for. The API answers this
// when a browser session starts (POST /v1/session), which writes nothing
// to the ledger; the session cookie it sets is not kept. It returns an
// Unauthorized *Error for a bad token, and Invalid for an admin token a
// cookie cannot hold.
func (c *Client) WhoAmI(ctx context.Context) (Identity, error) {
	var id Identity
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/session"}, &id)
	return id, err
}
