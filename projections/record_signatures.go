package projections

import (
	"time"

	"accord/domain"
)

// RecordedSignature is a member's own signature on an event a decision
// record rests on, shown as 21 CFR Part 11 §11.50 asks: the signer's
// printed name, when it signed (the statement's signed-at), what the
// signature means (approval, objection, authorship…), and the key it was
// made with. The statement and signature are there as stored, so a reader
// can check them against the member's key.
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

// recordSignature returns the signature e carries as the record shows it,
// naming the signer as the state before e knew it; nil when e carries none.
// A stored signature was checked before it was recorded; one whose
// statement does not even parse (a ledger the verifier would refuse) is
// shown with what can be read.
func recordSignature(s domain.Alliance, e domain.Event) *RecordedSignature {
	sig, _ := domain.SignatureOf(e.Data)
	if sig == nil {
		return nil
	}
	st, _ := domain.ParseStatement(sig.Statement)
	return &RecordedSignature{
		Seq: e.Seq, Type: e.Type, Signer: party(s, e.Actor.MemberID), SignedAt: st.SignedAt,
		Meaning: st.Meaning, Action: st.Action, KeyID: sig.KeyID, Statement: sig.Statement, Sig: sig.Sig,
	}
}

// sign adds the signature of an event the record rests on to its list.
func (b *recordBuilder) sign(s domain.Alliance, e domain.Event) *RecordedSignature {
	rs := recordSignature(s, e)
	if rs != nil {
		b.rec.Signatures = append(b.rec.Signatures, *rs)
	}
	return rs
}
