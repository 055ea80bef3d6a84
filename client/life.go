package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"time"

	"accord/domain"
)

// Successor is an alliance formed as the successor of another: its id and
// name, when it was formed, and the head (Seq, Hash) of the predecessor it
// recorded.
type Successor struct {
	AllianceID string    `json:"alliance_id"`
	Name       string    `json:"name"`
	FormedAt   time.Time `json:"formed_at"`
	Seq        uint64    `json:"seq"`
	Hash       string    `json:"hash"`
}

// AllianceState is an alliance's state as the API answers it: the domain's
// state (whose Predecessor names the alliance it succeeds) and its
// Successors, which the server's read models index across alliances.
type AllianceState struct {
	domain.Alliance
	Successors []Successor
}

// UnmarshalJSON decodes a state with its successors; it returns the error
// of encoding/json on malformed input.
func (s *AllianceState) UnmarshalJSON(b []byte) error {
	var succ struct {
		Successors []Successor `json:"successors"`
	}
	if err := json.Unmarshal(b, &succ); err != nil {
		return err
	}
	s.Successors = succ.Successors
	return json.Unmarshal(b, &s.Alliance)
}

// MarshalJSON writes the state as the API does, with "successors"; it
// returns the error of encoding/json.
func (s AllianceState) MarshalJSON() ([]byte, error) {
	state, err := json.Marshal(s.Alliance)
	if err != nil {
		return nil, err
	}
	succ := s.Successors
	if succ == nil {
		succ = []Successor{}
	}
	list, err := json.Marshal(succ)
	if err != nil {
		return nil, err
	}
	state = append(bytes.TrimSuffix(state, []byte("}")), `,"successors":`...)
	return append(append(state, list...), '}'), nil
}

// State returns an alliance's state now, or as it was at asOf, with its
// successors. It fails as Alliance does.
func (c *Client) State(ctx context.Context, aid string, asOf AsOf) (AllianceState, error) {
	var a AllianceState
	err := c.do(ctx, call{method: http.MethodGet, path: alliancePath(aid), query: asOf.query()}, &a)
	return a, err
}

// FormSuccessor forms an alliance (the admin only) as the successor of
// alliance predecessor, whose head the server records, and returns its
// state. It returns a NotFound *Error for an unknown predecessor.
func (c *Client) FormSuccessor(ctx context.Context, cmd domain.FormAlliance, predecessor string) (AllianceState, error) {
	body := struct {
		Name        string         `json:"name"`
		Purpose     string         `json:"purpose"`
		Charter     domain.Charter `json:"charter"`
		Predecessor string         `json:"predecessor"`
	}{cmd.Name, cmd.Purpose, cmd.Charter, predecessor}
	var a AllianceState
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/alliances", body: body}, &a)
	return a, err
}

// Concluded answers concluding an alliance.
type Concluded struct {
	ID         string            `json:"id"`
	Concluded  bool              `json:"concluded"`
	Conclusion domain.Conclusion `json:"conclusion"`
	Seq        uint64            `json:"seq"`
}

// ConcludeAlliance concludes the alliance (a convener): it then takes no
// command. It returns a Conflict *Error while a vote is open.
func (c *Client) ConcludeAlliance(ctx context.Context, aid, reason string) (Concluded, error) {
	var out Concluded
	err := c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "conclude"), body: domain.ConcludeAlliance{Reason: reason}}, &out)
	return out, err
}

// Workgroup is a workgroup as the API answers it: the state's workgroup
// with the last value reported (nil before any), whether it is overdue and
// the ids of the commitments made toward it.
type Workgroup struct {
	domain.Workgroup
	Latest      *float64 `json:"latest"`
	Overdue     bool     `json:"overdue"`
	Commitments []string `json:"commitments"`
}

// Workgroups is an alliance's workgroups as of Seq, judged overdue on Today.
type Workgroups struct {
	Workgroups []Workgroup `json:"workgroups"`
	Seq        uint64      `json:"seq"`
	Today      string      `json:"today"`
}

// Workgroups returns the alliance's workgroups now, or as they were at
// asOf.
func (c *Client) Workgroups(ctx context.Context, aid string, asOf AsOf) (Workgroups, error) {
	var out Workgroups
	err := c.do(ctx, call{method: http.MethodGet, path: alliancePath(aid, "workgroups"), query: asOf.query()}, &out)
	return out, err
}

// Workgroup returns one workgroup now, or as it was at asOf; a NotFound
// *Error when there is none (then).
func (c *Client) Workgroup(ctx context.Context, aid, wid string, asOf AsOf) (Workgroup, error) {
	var out Workgroup
	err := c.do(ctx, call{method: http.MethodGet, path: alliancePath(aid, "workgroups", wid), query: asOf.query()}, &out)
	return out, err
}

// ChangeWorkgroupMembers adds and removes a workgroup's members (a
// convener) and returns the workgroup.
func (c *Client) ChangeWorkgroupMembers(ctx context.Context, aid, wid string, add, remove []string) (Workgroup, error) {
	return c.workgroupCall(ctx, aid, wid, "members", domain.ChangeWorkgroupMembers{Add: add, Remove: remove})
}

// ReportWorkgroupProgress reports a measured value on a workgroup's aim (a
// convener or a member of it) and returns the workgroup.
func (c *Client) ReportWorkgroupProgress(ctx context.Context, aid, wid string, value float64, note string) (Workgroup, error) {
	return c.workgroupCall(ctx, aid, wid, "progress", domain.ReportWorkgroupProgress{Value: value, Note: note})
}

// CloseWorkgroup closes a workgroup as met, missed or dissolved (a
// convener) and returns it.
func (c *Client) CloseWorkgroup(ctx context.Context, aid, wid string, outcome domain.WorkgroupOutcome, note string) (Workgroup, error) {
	return c.workgroupCall(ctx, aid, wid, "close", domain.CloseWorkgroup{Outcome: outcome, Note: note})
}

func (c *Client) workgroupCall(ctx context.Context, aid, wid, action string, body any) (Workgroup, error) {
	var out Workgroup
	err := c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "workgroups", wid, action), body: body}, &out)
	return out, err
}

// ProxyChange answers granting or revoking a proxy: the grant, whether it
// is in force after the call, and the seq and time it was recorded at.
type ProxyChange struct {
	GrantorID  string    `json:"grantor_id"`
	ProxyID    string    `json:"proxy_id"`
	ProposalID string    `json:"proposal_id"`
	InForce    bool      `json:"in_force"`
	Seq        uint64    `json:"seq"`
	At         time.Time `json:"at"`
}

// GrantProxy lets member proxy cast the caller's stance on proposal pid,
// or on every proposal when pid is "" (a standing grant).
func (c *Client) GrantProxy(ctx context.Context, aid, proxy, pid string) (ProxyChange, error) {
	var out ProxyChange
	err := c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "proxies"), body: domain.GrantProxy{ProxyID: proxy, ProposalID: pid}}, &out)
	return out, err
}

// RevokeProxy takes back the caller's grant to proxy for pid ("" for the
// standing one); a NotFound *Error when no such grant is in force.
func (c *Client) RevokeProxy(ctx context.Context, aid, proxy, pid string) (ProxyChange, error) {
	var out ProxyChange
	err := c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "proxies", "revoke"), body: domain.RevokeProxy{ProxyID: proxy, ProposalID: pid}}, &out)
	return out, err
}
