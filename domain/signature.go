package domain

import (
	"crypto/ed25519"
	"encoding/base64"
)

// Signature is a member's signed statement as its action's data stores it:
// the id of the key it was checked with, the statement's exact text and the
// base64 Ed25519 signature of that text.
type Signature struct {
	KeyID     string `json:"key_id"`
	Statement string `json:"statement"`
	Sig       string `json:"sig"`
}

// SignedStatement is a signed statement as a request carries it: the key is
// the member's key in force.
type SignedStatement struct {
	Statement string `json:"statement"`
	Sig       string `json:"sig"`

	verified verifiedSignature // set by PreverifySignature
}

// verifiedSignature is a signature PreverifySignature found to verify: the
// public key, statement and sig it verified.
type verifiedSignature struct {
	publicKey, statement, sig string
}

// Signed is embedded in the data of every member's own action
// (ProposalSubmitted, AmendmentProposed, AmendmentAccepted,
// AmendmentRejected, VoteCast, CommitmentMade, ProgressReported,
// CommitmentFulfilled); Signature is nil, and absent from the stored line,
// when the action is not signed.
type Signed struct {
	Signature *Signature `json:"signature,omitempty"`
}

func (s Signed) signature() *Signature { return s.Signature }

// Signing is embedded in the commands of those actions: the signed
// statement a member may send with one.
type Signing struct {
	Signature *SignedStatement `json:"signature,omitempty"`
}

func (s Signing) signedStatement() *SignedStatement { return s.Signature }

// memberAction is the data of an action a member may sign.
type memberAction interface {
	EventData
	signature() *Signature
}

// signable is a command a member may sign.
type signable interface {
	Command
	signedStatement() *SignedStatement
}

// SignStatement signs a statement's text with key, as a member's client
// does, and returns it as a request carries it.
func SignStatement(key ed25519.PrivateKey, text string) SignedStatement {
	return SignedStatement{Statement: text, Sig: base64.StdEncoding.EncodeToString(ed25519.Sign(key, []byte(text)))}
}

// SignatureOf returns the signature an event's data carries (nil when
// none), and whether the data is a member's own action, which may carry one.
func SignatureOf(d EventData) (*Signature, bool) {
	a, ok := d.(memberAction)
	if !ok {
		return nil, false
	}
	return a.signature(), true
}

// SignatureRequired reports whether d, a member's own action recorded on
// state s, must be signed: for a vote, when the rule voting opened under
// requires signatures; for any other action, when the charter in force does.
func SignatureRequired(s Alliance, d EventData) bool {
	if _, ok := d.(memberAction); !ok {
		return false
	}
	if v, ok := d.(VoteCast); ok {
		p, found := s.Proposal(v.ProposalID)
		return found && p.Voting != nil && p.Voting.Rule.SignaturesRequired()
	}
	return s.Charter.SignaturesRequired()
}

// CheckEventSignature checks an event's signature as the ledger does before
// recording it and the verifier does after, given s, the alliance's state
// just before the event: the signer is the event's acting member; the key
// is that member's key in force, with that key id; every line of the
// statement matches the event (see Statement.Check); and the signature
// verifies over the statement's exact bytes. It returns nil for an event
// that is not a member's own action; Forbidden for one that carries no
// signature where one is required; and Invalid, saying what fails, for a
// signature that does not hold — a member without a key included.
func CheckEventSignature(s Alliance, e Event) error {
	return checkEventSignature(s, e, false)
}

// checkEventSignature is CheckEventSignature, leaving out the Ed25519
// verification when it was done already with the key in force.
func checkEventSignature(s Alliance, e Event, verified bool) error {
	p, err := PrepareEventSignature(s, e)
	if err != nil || p == nil || verified {
		return err
	}
	return p.Verify()
}

// PrepareEventSignature makes every check of CheckEventSignature but the
// Ed25519 verification itself, and returns that verification, to run on
// any goroutine: nil when the event carries no signature to verify. It
// returns the errors CheckEventSignature returns.
func PrepareEventSignature(s Alliance, e Event) (*PendingSignature, error) {
	sig, ok := SignatureOf(e.Data)
	switch {
	case !ok:
		return nil, nil
	case sig == nil && SignatureRequired(s, e.Data):
		return nil, Errorf(Forbidden, "%s must be signed: %s", e.Type, requirement(s, e.Data))
	case sig == nil:
		return nil, nil
	}
	p, err := prepareSigner(s, e.Actor.MemberID, *sig)
	if err != nil {
		return nil, err
	}
	want, _ := statementOf(s, e)
	if err := want.Check(sig.Statement); err != nil {
		return nil, err
	}
	return p, nil
}

// requirement says which rule requires a signature on d.
func requirement(s Alliance, d EventData) string {
	if v, ok := d.(VoteCast); ok {
		return "voting on proposal " + v.ProposalID + " opened under a rule with signatures required"
	}
	return "the charter of alliance " + s.ID + " has signatures required"
}

// PendingSignature is the last step of a signature's check: verifying the
// Ed25519 signature of a statement with the signer's key in force.
type PendingSignature struct {
	key    ed25519.PublicKey
	text   string
	sig    []byte
	signer Member
}

// Verify returns nil when the signature verifies, else an Invalid error
// naming the signer and its key.
func (p *PendingSignature) Verify() error {
	if ed25519.Verify(p.key, []byte(p.text), p.sig) {
		return nil
	}
	m := p.signer
	return Errorf(Invalid, "the signature does not verify with member %s (%s)'s key in force %s (registered at seq %d) over the statement's exact bytes", m.ID, m.Name, m.Key.KeyID, m.Key.Seq)
}

// prepareSigner checks that sig names the signer's key in force on s and
// is well formed, and returns its verification.
func prepareSigner(s Alliance, signer string, sig Signature) (*PendingSignature, error) {
	m, ok := s.Member(signer)
	if !ok {
		return nil, Errorf(Invalid, "the signer %s is not a member of alliance %s", clip(signer), s.ID)
	}
	if m.Key == nil {
		return nil, Errorf(Invalid, "member %s (%s) has no signing key registered, so its signature cannot be checked: register a key first (PUT /v1/alliances/%s/members/%s/key)", m.ID, m.Name, s.ID, m.ID)
	}
	if sig.KeyID != m.Key.KeyID {
		return nil, Errorf(Invalid, "the signature names key %s, but member %s (%s)'s key in force is %s (registered at seq %d)", clip(sig.KeyID), m.ID, m.Name, m.Key.KeyID, m.Key.Seq)
	}
	pub, err := ParsePublicKey("the registered public key", m.Key.PublicKey)
	if err != nil {
		return nil, err
	}
	raw, err := parseSignature("sig", sig.Sig)
	if err != nil {
		return nil, err
	}
	return &PendingSignature{key: pub, text: sig.Statement, sig: raw, signer: m}, nil
}

// statementOf returns the statement event e calls for, given s, the state
// just before it: the header from e (signed by its acting member, at its
// time) and the action's fields from e's data and s (the version voted on,
// a commitment's final value). It returns false for an event that is not a
// member's own action.
func statementOf(s Alliance, e Event) (Statement, bool) {
	h := StatementHeader{AllianceID: e.AllianceID, MemberID: e.Actor.MemberID, SignedAt: e.At, CommandID: e.CommandID}
	switch d := e.Data.(type) {
	case VoteCast:
		var forMember string
		if d.CastBy != "" { // the proxy signs, for its grantor
			forMember = d.MemberID
		}
		return VoteStatement(h, d.ProposalID, votedVersion(s, d.ProposalID), d.Stance, d.Reason, forMember), true
	case ProposalSubmitted:
		return ProposeStatement(h, d.Kind, d.Title, d.Body), true
	case AmendmentProposed:
		return AmendStatement(h, d.ProposalID, d.Body, d.Rationale), true
	case AmendmentAccepted:
		return AcceptAmendmentStatement(h, d.ProposalID, d.AmendmentID), true
	case AmendmentRejected:
		return RejectAmendmentStatement(h, d.ProposalID, d.AmendmentID), true
	case CommitmentMade:
		return CommitStatement(h, d.ProposalID, d.WorkgroupID, d.Description, d.Metric, d.Target, d.Due), true
	case ProgressReported:
		return ReportProgressStatement(h, d.CommitmentID, d.Value, d.Note), true
	case CommitmentFulfilled:
		c, _ := s.Commitment(d.CommitmentID)
		return FulfilStatement(h, d.CommitmentID, d.FinalValue(c), d.Note), true
	}
	return Statement{}, false
}

// votedVersion is the version of the proposal being voted on, or 0.
func votedVersion(s Alliance, proposalID string) int {
	if p, ok := s.Proposal(proposalID); ok && p.Voting != nil {
		return p.Voting.Version
	}
	return 0
}
