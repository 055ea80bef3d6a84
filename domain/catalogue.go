package domain

import "time"

// The stable type strings of the event catalogue. They are stored in every
// event and must never change.
const (
	TypeAllianceFormed      = "AllianceFormed"
	TypeMemberAdmitted      = "MemberAdmitted"
	TypeMemberWithdrew      = "MemberWithdrew"
	TypeMemberKeyRegistered = "MemberKeyRegistered"
	TypeObserverAdded       = "ObserverAdded"
	TypeWorkgroupFormed     = "WorkgroupFormed"
	TypeProposalSubmitted   = "ProposalSubmitted"
	TypeAmendmentProposed   = "AmendmentProposed"
	TypeAmendmentAccepted   = "AmendmentAccepted"
	TypeAmendmentRejected   = "AmendmentRejected"
	TypeProposalWithdrawn   = "ProposalWithdrawn"
	TypeVotingOpened        = "VotingOpened"
	TypeVoteCast            = "VoteCast"
	TypeVotingClosed        = "VotingClosed"
	TypeCharterAmended      = "CharterAmended"
	TypeCommitmentMade      = "CommitmentMade"
	TypeProgressReported    = "ProgressReported"
	TypeCommitmentFulfilled = "CommitmentFulfilled"
	TypeCommitmentWithdrawn = "CommitmentWithdrawn"

	TypeAllianceConcluded         = "AllianceConcluded"
	TypeWorkgroupMembersChanged   = "WorkgroupMembersChanged"
	TypeWorkgroupProgressReported = "WorkgroupProgressReported"
	TypeWorkgroupClosed           = "WorkgroupClosed"
	TypeProxyGranted              = "ProxyGranted"
	TypeProxyRevoked              = "ProxyRevoked"
)

// catalogue maps each stored type string to the decoder of its data. It is the
// one table of event types; nothing derives a type name by reflection.
var catalogue = map[string]func([]byte) (EventData, error){
	TypeAllianceFormed:      decodeAs[AllianceFormed],
	TypeMemberAdmitted:      decodeAs[MemberAdmitted],
	TypeMemberWithdrew:      decodeAs[MemberWithdrew],
	TypeMemberKeyRegistered: decodeAs[MemberKeyRegistered],
	TypeObserverAdded:       decodeAs[ObserverAdded],
	TypeWorkgroupFormed:     decodeAs[WorkgroupFormed],
	TypeProposalSubmitted:   decodeAs[ProposalSubmitted],
	TypeAmendmentProposed:   decodeAs[AmendmentProposed],
	TypeAmendmentAccepted:   decodeAs[AmendmentAccepted],
	TypeAmendmentRejected:   decodeAs[AmendmentRejected],
	TypeProposalWithdrawn:   decodeAs[ProposalWithdrawn],
	TypeVotingOpened:        decodeAs[VotingOpened],
	TypeVoteCast:            decodeAs[VoteCast],
	TypeVotingClosed:        decodeAs[VotingClosed],
	TypeCharterAmended:      decodeAs[CharterAmended],
	TypeCommitmentMade:      decodeAs[CommitmentMade],
	TypeProgressReported:    decodeAs[ProgressReported],
	TypeCommitmentFulfilled: decodeAs[CommitmentFulfilled],
	TypeCommitmentWithdrawn: decodeAs[CommitmentWithdrawn],

	TypeAllianceConcluded:         decodeAs[AllianceConcluded],
	TypeWorkgroupMembersChanged:   decodeAs[WorkgroupMembersChanged],
	TypeWorkgroupProgressReported: decodeAs[WorkgroupProgressReported],
	TypeWorkgroupClosed:           decodeAs[WorkgroupClosed],
	TypeProxyGranted:              decodeAs[ProxyGranted],
	TypeProxyRevoked:              decodeAs[ProxyRevoked],
	TypeWitnessAdded:              decodeAs[WitnessAdded],
}

// EventTypes returns every type string of the catalogue.
func EventTypes() []string {
	types := make([]string, 0, len(catalogue))
	for t := range catalogue {
		types = append(types, t)
	}
	return types
}

// Charter is an alliance's decision rule. Fractions are "n/d" strings.
// Signatures and MaxProxies are absent from charters recorded before they
// existed, which keep their bytes; absent means optional and 0.
type Charter struct {
	DecisionRule DecisionRule    `json:"decision_rule"`
	Quorum       string          `json:"quorum"`
	Threshold    string          `json:"threshold"`
	Signatures   SignaturePolicy `json:"signatures,omitempty"`
	MaxProxies   ProxyLimit      `json:"max_proxies,omitzero"`
}

// Tally counts the stances of eligible members at the close.
type Tally struct {
	Agree    int `json:"agree"`
	Disagree int `json:"disagree"`
	Abstain  int `json:"abstain"`
	Block    int `json:"block"`
}

// AllianceFormed starts an alliance's ledger. Predecessor is the head of
// the alliance it succeeds, when it succeeds one (absent otherwise).
type AllianceFormed struct {
	Name        string        `json:"name"`
	Purpose     string        `json:"purpose"`
	Charter     Charter       `json:"charter"`
	Predecessor *AllianceHead `json:"predecessor,omitempty"`
}

// MemberAdmitted records a new member organisation.
type MemberAdmitted struct {
	MemberID string `json:"member_id"`
	Name     string `json:"name"`
	Sector   string `json:"sector"`
	Role     Role   `json:"role"`
}

// MemberWithdrew records a member leaving the alliance.
type MemberWithdrew struct {
	MemberID string `json:"member_id"`
	Reason   string `json:"reason"`
}

// ObserverAdded records a read-only party such as a regulator.
type ObserverAdded struct {
	ObserverID string `json:"observer_id"`
	Name       string `json:"name"`
}

// WorkgroupFormed records a workgroup with a measurable aim.
type WorkgroupFormed struct {
	WorkgroupID string   `json:"workgroup_id"`
	Name        string   `json:"name"`
	Aim         string   `json:"aim"`
	Metric      string   `json:"metric"`
	Target      float64  `json:"target"`
	Due         string   `json:"due"`
	MemberIDs   []string `json:"member_ids"`
}

// ProposalSubmitted records a new proposal at version 1.
type ProposalSubmitted struct {
	ProposalID string       `json:"proposal_id"`
	Kind       ProposalKind `json:"kind"`
	Title      string       `json:"title"`
	Body       string       `json:"body"`
	AuthorID   string       `json:"author_id"`
	Charter    *Charter     `json:"charter,omitempty"`
	Signed
}

// AmendmentProposed records a proposed new text for an open proposal.
type AmendmentProposed struct {
	ProposalID  string `json:"proposal_id"`
	AmendmentID string `json:"amendment_id"`
	Body        string `json:"body"`
	Rationale   string `json:"rationale"`
	AuthorID    string `json:"author_id"`
	Signed
}

// AmendmentAccepted records the proposal's author taking an amendment; the
// proposal's body becomes the amendment's and Version is the new version.
type AmendmentAccepted struct {
	ProposalID  string `json:"proposal_id"`
	AmendmentID string `json:"amendment_id"`
	Version     int    `json:"version"`
	Signed
}

// AmendmentRejected records the proposal's author declining an amendment.
// Version is the proposal's (unchanged) version after it.
type AmendmentRejected struct {
	ProposalID  string `json:"proposal_id"`
	AmendmentID string `json:"amendment_id"`
	Version     int    `json:"version"`
	Signed
}

// ProposalWithdrawn records the author taking a proposal back.
type ProposalWithdrawn struct {
	ProposalID string `json:"proposal_id"`
	Reason     string `json:"reason"`
}

// VotingOpened freezes a proposal's version, the rule in force and the
// eligible members.
type VotingOpened struct {
	ProposalID string     `json:"proposal_id"`
	Version    int        `json:"version"`
	Rule       Charter    `json:"rule"`
	Eligible   []string   `json:"eligible"`
	ClosesAt   *time.Time `json:"closes_at,omitempty"`
}

// VoteCast records a member's stance; a later one replaces it, whoever cast
// it. CastBy is the proxy who cast it for MemberID, absent when the member
// cast it themself.
type VoteCast struct {
	ProposalID string `json:"proposal_id"`
	MemberID   string `json:"member_id"`
	Stance     Stance `json:"stance"`
	Reason     string `json:"reason"`
	CastBy     string `json:"cast_by,omitempty"`
	Signed
}

// VotingClosed records the outcome of a vote.
type VotingClosed struct {
	ProposalID     string `json:"proposal_id"`
	Tally          Tally  `json:"tally"`
	Participation  int    `json:"participation"`
	EligibleCount  int    `json:"eligible_count"`
	QuorumRequired int    `json:"quorum_required"`
	QuorumMet      bool   `json:"quorum_met"`
	Result         Result `json:"result"`
	Explanation    string `json:"explanation"`
}

// CharterAmended records a new charter taking force after an adopted charter
// proposal.
type CharterAmended struct {
	Charter    Charter `json:"charter"`
	ProposalID string  `json:"proposal_id"`
}

// CommitmentMade records a member's measurable commitment on an adopted
// proposal, or toward the aim of a workgroup it belongs to: exactly one of
// ProposalID and WorkgroupID is set, and the other is absent.
type CommitmentMade struct {
	CommitmentID string  `json:"commitment_id"`
	MemberID     string  `json:"member_id"`
	ProposalID   string  `json:"proposal_id,omitempty"`
	WorkgroupID  string  `json:"workgroup_id,omitempty"`
	Description  string  `json:"description"`
	Metric       string  `json:"metric"`
	Target       float64 `json:"target"`
	Due          string  `json:"due"`
	Signed
}

// ProgressReported records a measured value towards a commitment's target.
type ProgressReported struct {
	CommitmentID string  `json:"commitment_id"`
	Value        float64 `json:"value"`
	Note         string  `json:"note"`
	Signed
}

// CommitmentFulfilled records a commitment met, with its final value. Lines
// stored before value existed have none: their final value is the last one
// reported (FinalValue says so), and they keep their bytes.
type CommitmentFulfilled struct {
	CommitmentID string   `json:"commitment_id"`
	Note         string   `json:"note"`
	Value        *float64 `json:"value,omitempty"`
	Signed
}

// CommitmentWithdrawn records a commitment given up.
type CommitmentWithdrawn struct {
	CommitmentID string `json:"commitment_id"`
	Note         string `json:"note"`
}

// EventType implementations: the catalogue's type strings.

func (AllianceFormed) EventType() string      { return TypeAllianceFormed }
func (MemberAdmitted) EventType() string      { return TypeMemberAdmitted }
func (MemberWithdrew) EventType() string      { return TypeMemberWithdrew }
func (ObserverAdded) EventType() string       { return TypeObserverAdded }
func (WorkgroupFormed) EventType() string     { return TypeWorkgroupFormed }
func (ProposalSubmitted) EventType() string   { return TypeProposalSubmitted }
func (AmendmentProposed) EventType() string   { return TypeAmendmentProposed }
func (AmendmentAccepted) EventType() string   { return TypeAmendmentAccepted }
func (AmendmentRejected) EventType() string   { return TypeAmendmentRejected }
func (ProposalWithdrawn) EventType() string   { return TypeProposalWithdrawn }
func (VotingOpened) EventType() string        { return TypeVotingOpened }
func (VoteCast) EventType() string            { return TypeVoteCast }
func (VotingClosed) EventType() string        { return TypeVotingClosed }
func (CharterAmended) EventType() string      { return TypeCharterAmended }
func (CommitmentMade) EventType() string      { return TypeCommitmentMade }
func (ProgressReported) EventType() string    { return TypeProgressReported }
func (CommitmentFulfilled) EventType() string { return TypeCommitmentFulfilled }
func (CommitmentWithdrawn) EventType() string { return TypeCommitmentWithdrawn }
