package client

import (
	"context"
	"net/http"

	"accord/domain"
)

// Scorecard is how each member of an alliance and each of its workgroups
// is doing, as of Seq, judged overdue on Today (a date, UTC). docs/API.md
// says what each count means.
type Scorecard struct {
	AllianceID string           `json:"alliance_id"`
	Seq        uint64           `json:"seq"`
	Today      string           `json:"today"`
	Members    []MemberScore    `json:"members"`
	Workgroups []WorkgroupScore `json:"workgroups"`
}

// MemberScore is one member's line of the scorecard.
type MemberScore struct {
	MemberID    string             `json:"member_id"`
	Name        string             `json:"name"`
	Sector      string             `json:"sector"`
	Role        domain.Role        `json:"role"`
	Status      domain.Status      `json:"status"`
	Commitments CommitmentsByState `json:"commitments"`
	Votes       VoteRecord         `json:"votes"`
	Proxies     struct {
		Held  []domain.ProxyGrant `json:"held"`
		Given []domain.ProxyGrant `json:"given"`
	} `json:"proxies"`
}

// VoteRecord is how a member took part in the closed votes it was
// eligible for, and how many stances it cast as a proxy.
type VoteRecord struct {
	Eligible   int `json:"eligible"`
	TookPart   int `json:"took_part"`
	Blocks     int `json:"blocks"`
	ProxyVotes int `json:"proxy_votes"`
}

// CommitmentsByState counts commitments by state, overdue being the open
// ones past their due date, and lists them.
type CommitmentsByState struct {
	Open      int               `json:"open"`
	Fulfilled int               `json:"fulfilled"`
	Withdrawn int               `json:"withdrawn"`
	Overdue   int               `json:"overdue"`
	Items     []CommitmentScore `json:"items"`
}

// CommitmentScore is one commitment against its target; Latest is nil
// before any value was reported.
type CommitmentScore struct {
	ID          string        `json:"id"`
	MemberID    string        `json:"member_id"`
	ProposalID  string        `json:"proposal_id,omitempty"`
	WorkgroupID string        `json:"workgroup_id,omitempty"`
	Description string        `json:"description"`
	Metric      string        `json:"metric"`
	Target      float64       `json:"target"`
	Latest      *float64      `json:"latest"`
	Due         string        `json:"due"`
	Status      domain.Status `json:"status"`
	Overdue     bool          `json:"overdue"`
}

// WorkgroupScore is one workgroup's progress against its aim.
type WorkgroupScore struct {
	WorkgroupID string             `json:"workgroup_id"`
	Name        string             `json:"name"`
	Aim         string             `json:"aim"`
	Metric      string             `json:"metric"`
	Target      float64            `json:"target"`
	Latest      *float64           `json:"latest"`
	Reports     int                `json:"reports"`
	Due         string             `json:"due"`
	Status      domain.Status      `json:"status"`
	Overdue     bool               `json:"overdue"`
	Members     int                `json:"members"`
	Commitments CommitmentsByState `json:"commitments"`
}

// Scorecard returns the alliance's scorecard now, or as it was at asOf.
func (c *Client) Scorecard(ctx context.Context, aid string, asOf AsOf) (Scorecard, error) {
	var out Scorecard
	err := c.do(ctx, call{method: http.MethodGet, path: alliancePath(aid, "scorecard"), query: asOf.query()}, &out)
	return out, err
}
