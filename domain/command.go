package domain

import "time"

// Command is a request to change an alliance. Decide turns it into events or
// refuses it. Body fields carry the JSON names of the HTTP API; ids that come
// from the route or are minted by the caller are not decoded from bodies.
type Command interface {
	// CommandName returns a short name for logs and metrics.
	CommandName() string
}

// FormAlliance starts a new alliance (admin only). Predecessor is the head
// of the alliance it succeeds, if any, which the new alliance records: the
// request names that alliance (`predecessor`, its id) and the application
// reads its head, for the domain reads no other alliance.
type FormAlliance struct {
	Name        string        `json:"name"`
	Purpose     string        `json:"purpose"`
	Charter     Charter       `json:"charter"`
	Predecessor *AllianceHead `json:"-"`
}

// AdmitMember admits a member organisation (admin or convener).
type AdmitMember struct {
	MemberID string `json:"-"`
	Name     string `json:"name"`
	Sector   string `json:"sector"`
	Role     Role   `json:"role"`
}

// WithdrawMember records a member leaving (that member or a convener).
type WithdrawMember struct {
	MemberID string `json:"-"`
	Reason   string `json:"reason"`
}

// AddObserver adds a read-only party (admin or convener).
type AddObserver struct {
	ObserverID string `json:"-"`
	Name       string `json:"name"`
}

// FormWorkgroup forms a workgroup with a measurable aim (convener).
type FormWorkgroup struct {
	WorkgroupID string   `json:"-"`
	Name        string   `json:"name"`
	Aim         string   `json:"aim"`
	Metric      string   `json:"metric"`
	Target      float64  `json:"target"`
	Due         string   `json:"due"`
	MemberIDs   []string `json:"member_ids"`
}

// SubmitProposal submits a proposal at version 1 (member).
type SubmitProposal struct {
	ProposalID string       `json:"-"`
	Kind       ProposalKind `json:"kind"`
	Title      string       `json:"title"`
	Body       string       `json:"body"`
	Charter    *Charter     `json:"charter,omitempty"`
	Signing
}

// ProposeAmendment proposes a new text for an open proposal (member).
type ProposeAmendment struct {
	ProposalID  string `json:"-"`
	AmendmentID string `json:"-"`
	Body        string `json:"body"`
	Rationale   string `json:"rationale"`
	Signing
}

// AcceptAmendment takes an amendment into a new version (proposal author).
type AcceptAmendment struct {
	ProposalID  string `json:"-"`
	AmendmentID string `json:"-"`
	Signing
}

// RejectAmendment declines an amendment (proposal author).
type RejectAmendment struct {
	ProposalID  string `json:"-"`
	AmendmentID string `json:"-"`
	Signing
}

// WithdrawProposal takes an open proposal back (its author).
type WithdrawProposal struct {
	ProposalID string `json:"-"`
	Reason     string `json:"reason"`
}

// OpenVoting opens voting on an open proposal (convener).
type OpenVoting struct {
	ProposalID string     `json:"-"`
	ClosesAt   *time.Time `json:"closes_at,omitempty"`
}

// CastVote casts or changes an eligible member's stance: the acting
// member's own, or with OnBehalfOf the stance of the member whose proxy it
// is (see CheckProxyVote).
type CastVote struct {
	ProposalID string `json:"-"`
	Stance     Stance `json:"stance"`
	Reason     string `json:"reason"`
	OnBehalfOf string `json:"on_behalf_of,omitempty"`
	Signing
}

// CloseVoting closes voting and records the outcome (convener, or the system
// once closes_at has passed).
type CloseVoting struct {
	ProposalID string `json:"-"`
}

// MakeCommitment records a member's commitment on an adopted proposal, or
// toward the aim of an open workgroup it belongs to: exactly one of
// ProposalID and WorkgroupID.
type MakeCommitment struct {
	CommitmentID string  `json:"-"`
	ProposalID   string  `json:"proposal_id,omitempty"`
	WorkgroupID  string  `json:"workgroup_id,omitempty"`
	Description  string  `json:"description"`
	Metric       string  `json:"metric"`
	Target       float64 `json:"target"`
	Due          string  `json:"due"`
	Signing
}

// ReportProgress reports a measured value on a commitment (its member).
type ReportProgress struct {
	CommitmentID string  `json:"-"`
	Value        float64 `json:"value"`
	Note         string  `json:"note"`
	Signing
}

// FulfilCommitment marks a commitment met (its member). Value is the final
// value; without it the last reported value stands (0 when none was).
type FulfilCommitment struct {
	CommitmentID string   `json:"-"`
	Note         string   `json:"note"`
	Value        *float64 `json:"value,omitempty"`
	Signing
}

// WithdrawCommitment gives a commitment up (its member).
type WithdrawCommitment struct {
	CommitmentID string `json:"-"`
	Note         string `json:"note"`
}

func (FormAlliance) CommandName() string       { return "FormAlliance" }
func (AdmitMember) CommandName() string        { return "AdmitMember" }
func (WithdrawMember) CommandName() string     { return "WithdrawMember" }
func (AddObserver) CommandName() string        { return "AddObserver" }
func (FormWorkgroup) CommandName() string      { return "FormWorkgroup" }
func (SubmitProposal) CommandName() string     { return "SubmitProposal" }
func (ProposeAmendment) CommandName() string   { return "ProposeAmendment" }
func (AcceptAmendment) CommandName() string    { return "AcceptAmendment" }
func (RejectAmendment) CommandName() string    { return "RejectAmendment" }
func (WithdrawProposal) CommandName() string   { return "WithdrawProposal" }
func (OpenVoting) CommandName() string         { return "OpenVoting" }
func (CastVote) CommandName() string           { return "CastVote" }
func (CloseVoting) CommandName() string        { return "CloseVoting" }
func (MakeCommitment) CommandName() string     { return "MakeCommitment" }
func (ReportProgress) CommandName() string     { return "ReportProgress" }
func (FulfilCommitment) CommandName() string   { return "FulfilCommitment" }
func (WithdrawCommitment) CommandName() string { return "WithdrawCommitment" }
