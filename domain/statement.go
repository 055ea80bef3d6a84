package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// StatementVersion is the first line of every action statement.
const StatementVersion = "accord-statement/v1"

// SignedAtTolerance is how far a statement's signed-at may lie from the time
// its action is recorded, either way.
const SignedAtTolerance = 5 * time.Minute

// Action is what a signed statement says its signer does.
type Action string

// The actions a member signs.
const (
	ActionVote            Action = "vote"
	ActionPropose         Action = "propose"
	ActionAmend           Action = "amend"
	ActionAcceptAmendment Action = "accept-amendment"
	ActionRejectAmendment Action = "reject-amendment"
	ActionCommit          Action = "commit"
	ActionReportProgress  Action = "report-progress"
	ActionFulfil          Action = "fulfil"
)

// Meaning is what the signer means by its signature (21 CFR Part 11
// §11.50(a)(3)).
type Meaning string

// The meanings of signatures.
const (
	MeaningApproval    Meaning = "approval"
	MeaningObjection   Meaning = "objection"
	MeaningAbstention  Meaning = "abstention"
	MeaningBlock       Meaning = "block"
	MeaningAuthorship  Meaning = "authorship"
	MeaningAcceptance  Meaning = "acceptance"
	MeaningRejection   Meaning = "rejection"
	MeaningCommitment  Meaning = "commitment"
	MeaningReport      Meaning = "report"
	MeaningAttestation Meaning = "attestation"
)

// MeaningOfStance returns the meaning of a vote with that stance, or ""
// for an unknown stance.
func MeaningOfStance(stance Stance) Meaning {
	switch stance {
	case StanceAgree:
		return MeaningApproval
	case StanceDisagree:
		return MeaningObjection
	case StanceAbstain:
		return MeaningAbstention
	case StanceBlock:
		return MeaningBlock
	}
	return ""
}

// StatementHeader is what every statement says besides its action: the
// alliance, the signer, when it signed and the command id (the request's
// Idempotency-Key).
type StatementHeader struct {
	AllianceID string
	MemberID   string
	SignedAt   time.Time
	CommandID  string
}

// Statement is an action statement: its header, action and meaning, then the
// action's fields in the order docs/VERIFYING.md §9 fixes for it. String is the text a
// member signs.
type Statement struct {
	StatementHeader
	Action  Action
	Meaning Meaning
	Fields  []StatementLine
}

// StatementLine is one "name value" line of a statement.
type StatementLine struct {
	Name  string
	Value string
	kind  lineKind
}

// lineKind says how a signed line is matched against the line the action
// calls for.
type lineKind uint8

const (
	lineExact   lineKind = iota // the same bytes
	lineNumber                  // any decimal that parses to the same float64
	lineInstant                 // an RFC 3339 UTC instant within SignedAtTolerance
)

// String returns the line's text without its newline.
func (l StatementLine) String() string {
	if l.Name == StatementVersion {
		return l.Name
	}
	return l.Name + " " + l.Value
}

// Lines returns every line of the statement in order, the version line
// first.
func (s Statement) Lines() []StatementLine {
	return append([]StatementLine{
		{Name: StatementVersion},
		{Name: "alliance", Value: s.AllianceID},
		{Name: "member", Value: s.MemberID},
		{Name: "action", Value: string(s.Action)},
		{Name: "meaning", Value: string(s.Meaning)},
		{Name: "signed-at", Value: FormatSignedAt(s.SignedAt), kind: lineInstant},
		{Name: "command", Value: s.CommandID},
	}, s.Fields...)
}

// String returns the statement's text: every line followed by "\n".
func (s Statement) String() string {
	var b strings.Builder
	for _, l := range s.Lines() {
		b.WriteString(l.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// FormatSignedAt writes an instant as a statement's signed-at: RFC 3339 in
// UTC, with as many fractional digits as it needs.
func FormatSignedAt(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// TextDigest returns how a statement writes a free-text field:
// "sha256:" and the lowercase hex SHA-256 of its UTF-8 text.
func TextDigest(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// FormatNumber writes a number as a statement does by default: the
// shortest decimal that parses back to v. Any other decimal that parses to
// v matches as well.
func FormatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func idLine(name, id string) StatementLine { return StatementLine{Name: name, Value: id} }
func textLine(name, text string) StatementLine {
	return StatementLine{Name: name, Value: TextDigest(text)}
}
func numberLine(name string, v float64) StatementLine {
	return StatementLine{Name: name, Value: FormatNumber(v), kind: lineNumber}
}

// VoteStatement is the statement of a vote. forMember is the grantor when
// the signer casts the vote as its proxy, else "".
func VoteStatement(h StatementHeader, proposalID string, version int, stance Stance, reason, forMember string) Statement {
	fields := []StatementLine{
		idLine("proposal", proposalID),
		idLine("version", strconv.Itoa(version)),
		idLine("stance", string(stance)),
		textLine("reason", reason),
	}
	if forMember != "" {
		fields = append(fields, idLine("for", forMember))
	}
	return Statement{StatementHeader: h, Action: ActionVote, Meaning: MeaningOfStance(stance), Fields: fields}
}

// ProposeStatement is the statement of submitting a proposal; title is as
// recorded (trimmed).
func ProposeStatement(h StatementHeader, kind ProposalKind, title, body string) Statement {
	return Statement{StatementHeader: h, Action: ActionPropose, Meaning: MeaningAuthorship, Fields: []StatementLine{
		idLine("kind", string(kind)), textLine("title", title), textLine("body", body),
	}}
}

// AmendStatement is the statement of proposing an amendment.
func AmendStatement(h StatementHeader, proposalID, body, rationale string) Statement {
	return Statement{StatementHeader: h, Action: ActionAmend, Meaning: MeaningAuthorship, Fields: []StatementLine{
		idLine("proposal", proposalID), textLine("body", body), textLine("rationale", rationale),
	}}
}

// AcceptAmendmentStatement is the statement of accepting an amendment.
func AcceptAmendmentStatement(h StatementHeader, proposalID, amendmentID string) Statement {
	return Statement{StatementHeader: h, Action: ActionAcceptAmendment, Meaning: MeaningAcceptance, Fields: []StatementLine{
		idLine("proposal", proposalID), idLine("amendment", amendmentID),
	}}
}

// RejectAmendmentStatement is the statement of rejecting an amendment.
func RejectAmendmentStatement(h StatementHeader, proposalID, amendmentID string) Statement {
	return Statement{StatementHeader: h, Action: ActionRejectAmendment, Meaning: MeaningRejection, Fields: []StatementLine{
		idLine("proposal", proposalID), idLine("amendment", amendmentID),
	}}
}

// CommitStatement is the statement of making a commitment on proposalID,
// or, when that is "", toward workgroupID; metric is as recorded (trimmed).
func CommitStatement(h StatementHeader, proposalID, workgroupID, description, metric string, target float64, due string) Statement {
	on := idLine("proposal", proposalID)
	if proposalID == "" {
		on = idLine("workgroup", workgroupID)
	}
	return Statement{StatementHeader: h, Action: ActionCommit, Meaning: MeaningCommitment, Fields: []StatementLine{
		on, textLine("description", description), textLine("metric", metric), numberLine("target", target), idLine("due", due),
	}}
}

// ReportProgressStatement is the statement of reporting progress on a
// commitment.
func ReportProgressStatement(h StatementHeader, commitmentID string, value float64, note string) Statement {
	return Statement{StatementHeader: h, Action: ActionReportProgress, Meaning: MeaningReport, Fields: []StatementLine{
		idLine("commitment", commitmentID), numberLine("value", value), textLine("note", note),
	}}
}

// FulfilStatement is the statement of attesting that a commitment is met,
// with its final value.
func FulfilStatement(h StatementHeader, commitmentID string, value float64, note string) Statement {
	return Statement{StatementHeader: h, Action: ActionFulfil, Meaning: MeaningAttestation, Fields: []StatementLine{
		idLine("commitment", commitmentID), numberLine("value", value), textLine("note", note),
	}}
}
