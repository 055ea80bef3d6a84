package client

import (
	"context"
	"net/http"
	"time"

	"accord/domain"
)

// DecisionRecord is how a decision was reached, as GET …/record answers it:
// the proposal's versions and amendments, the rule and eligible members
// frozen when voting opened, every stance with its history, the outcome,
// every member's signature on the events it rests on, and the seq and hash
// of each of those events.
type DecisionRecord struct {
	Alliance       Party                `json:"alliance"`
	AsOf           Point                `json:"as_of"`
	Proposal       RecordedProposal     `json:"proposal"`
	Versions       []Version            `json:"versions"`
	Amendments     []AmendmentHistory   `json:"amendments"`
	Withdrawal     *Withdrawal          `json:"withdrawal,omitempty"`
	Voting         *VotingHistory       `json:"voting"`
	Stances        []StanceHistory      `json:"stances"`
	Outcome        *RecordedOutcome     `json:"outcome"`
	Provisional    *domain.VotingClosed `json:"provisional,omitempty"`
	CharterAmended *CharterChange       `json:"charter_amended,omitempty"`
	Signatures     []RecordedSignature  `json:"signatures"`
	Events         []EventRef           `json:"events"`
	Checkpoint     *RecordCheckpoint    `json:"checkpoint,omitempty"`
}

// RecordCheckpoint is the checkpoint of the alliance's transparency log
// that covers a decision record's events: the latest cosigned one that
// does, else the head's, with where to fetch it.
type RecordCheckpoint struct {
	Size     uint64 `json:"size"`
	Root     string `json:"root"`
	Cosigned bool   `json:"cosigned"`
	Note     string `json:"note"`
	URL      string `json:"url"`
}

// RecordedSignature is a member's signature on an event a decision record
// rests on, as §11.50 of 21 CFR Part 11 asks it shown: the signer's printed
// name, when it signed (the statement's signed-at), what the signature
// means, and the id of the key it was made with; with the statement and
// signature as stored, to check against the member's key.
type RecordedSignature struct {
	Seq       uint64         `json:"seq"`
	Type      string         `json:"type"`
	Signer    Party          `json:"signer"`
	SignedAt  time.Time      `json:"signed_at"`
	Meaning   domain.Meaning `json:"meaning"`
	Action    domain.Action  `json:"action"`
	KeyID     string         `json:"key_id"`
	Statement string         `json:"statement"`
	Sig       string         `json:"sig"`
}

// Point is a place in an alliance's ledger: an event's seq, hash and time.
type Point struct {
	Seq  uint64    `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
}

// Party names an alliance, member or observer.
type Party struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Act is who did something (By, their name then), when, and at which seq.
type Act struct {
	Seq   uint64       `json:"seq"`
	At    time.Time    `json:"at"`
	Actor domain.Actor `json:"actor"`
	By    string       `json:"by"`
}

// RecordedProposal is the proposal as it stood at the record's point.
type RecordedProposal struct {
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Title   string          `json:"title"`
	Author  Party           `json:"author"`
	Status  string          `json:"status"`
	Version int             `json:"version"`
	Body    string          `json:"body"`
	Charter *domain.Charter `json:"charter,omitempty"`
}

// Version is one text of the proposal and the act that made it.
type Version struct {
	Version     int    `json:"version"`
	Body        string `json:"body"`
	AmendmentID string `json:"amendment_id,omitempty"`
	Act
}

// AmendmentHistory is an amendment: who proposed it, and whether and by
// whom it was accepted (making Version) or rejected.
type AmendmentHistory struct {
	ID        string `json:"id"`
	Body      string `json:"body"`
	Rationale string `json:"rationale"`
	Author    Party  `json:"author"`
	Status    string `json:"status"`
	Proposed  Act    `json:"proposed"`
	Settled   *Act   `json:"settled,omitempty"`
	Version   int    `json:"version,omitempty"`
}

// Withdrawal is a proposal or a member taken back, with the reason given.
type Withdrawal struct {
	Act
	Reason string `json:"reason"`
}

// VotingHistory is what opening the vote froze, and who left the eligible
// set before the close.
type VotingHistory struct {
	Opened   Act              `json:"opened"`
	Version  int              `json:"version"`
	Rule     domain.Charter   `json:"rule"`
	ClosesAt *time.Time       `json:"closes_at,omitempty"`
	Eligible []EligibleMember `json:"eligible"`
}

// EligibleMember is a member eligible when voting opened; Withdrew is set
// when they left before the close.
type EligibleMember struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	Sector   string      `json:"sector"`
	Withdrew *Withdrawal `json:"withdrew,omitempty"`
}

// StanceHistory is one eligible member's votes in order; Final is the one
// that counts (nil for none), unless the member withdrew (Dropped).
type StanceHistory struct {
	MemberID string         `json:"member_id"`
	Name     string         `json:"name"`
	History  []StanceChange `json:"history"`
	Final    *string        `json:"final"`
	Dropped  bool           `json:"dropped"`
}

// StanceChange is one vote cast: CastBy is the proxy that cast it ("" when
// the member did), and Signature the signature of whoever cast it, nil when
// the vote was not signed.
type StanceChange struct {
	Stance    string             `json:"stance"`
	Reason    string             `json:"reason"`
	CastBy    string             `json:"cast_by,omitempty"`
	Seq       uint64             `json:"seq"`
	At        time.Time          `json:"at"`
	Signature *RecordedSignature `json:"signature"`
}

// RecordedOutcome is the outcome and who closed the vote, when.
type RecordedOutcome struct {
	domain.VotingClosed
	Closed Act `json:"closed"`
}

// CharterChange is the charter an adopted charter proposal brought in.
type CharterChange struct {
	Seq     uint64         `json:"seq"`
	At      time.Time      `json:"at"`
	Charter domain.Charter `json:"charter"`
}

// EventRef is an event the record rests on.
type EventRef struct {
	Seq  uint64 `json:"seq"`
	Type string `json:"type"`
	Hash string `json:"hash"`
}

// Record returns a proposal's decision record now, or as it stood at asOf.
// It returns a NotFound *Error for an unknown proposal.
func (c *Client) Record(ctx context.Context, aid, pid string, asOf AsOf) (DecisionRecord, error) {
	var r DecisionRecord
	err := c.do(ctx, call{method: http.MethodGet, path: alliancePath(aid, "proposals", pid, "record"), query: asOf.query()}, &r)
	return r, err
}

// RecordHTML returns the decision record as a self-contained, printable
// HTML page.
func (c *Client) RecordHTML(ctx context.Context, aid, pid string, asOf AsOf) ([]byte, error) {
	q := asOf.query()
	q.Set("format", "html")
	return c.doRaw(ctx, call{method: http.MethodGet, path: alliancePath(aid, "proposals", pid, "record"), query: q, accept: "text/html"})
}
