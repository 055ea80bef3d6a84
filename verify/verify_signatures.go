package verify

import (
	"runtime"
	"sync"

	"accord/domain"
)

// checkSignatures checks what a member signs with its own key, against the
// state just before ev: a key registration is by that member, for a key
// whose id and proof hold; a member's own action carries a signature where
// the charter (or, for a vote, the rule it opened under) requires one; and
// every signature it carries holds. It makes the checks of
// domain.CheckEventSignature, the ones the ledger made before recording
// the event, but leaves the Ed25519 verification itself in c.signature, for
// the Verifier to run with others on every CPU.
func (c *chain) checkSignatures(ev domain.Event, fail failf) error {
	if d, ok := ev.Data.(domain.MemberKeyRegistered); ok {
		return c.checkKeyRegistration(ev, d, fail)
	}
	p, err := domain.PrepareEventSignature(c.state, ev)
	switch domain.KindOf(err) {
	case "":
		c.signature = p
		return nil
	case domain.Forbidden:
		return fail("%s, but this %s carries no signature", domain.MessageOf(err), ev.Type)
	}
	return fail("%s", signatureFailure(ev.Type, err))
}

func signatureFailure(typ string, err error) string {
	return "the signature of this " + typ + " does not hold: " + domain.MessageOf(err)
}

// checkKeyRegistration checks that a member registered its own key, and
// that the key's id and proof hold.
func (c *chain) checkKeyRegistration(ev domain.Event, d domain.MemberKeyRegistered, fail failf) error {
	m, ok := c.state.Member(d.MemberID)
	switch {
	case !ok:
		return fail("MemberKeyRegistered for %s, who is not a member", clip(d.MemberID))
	case ev.Actor.MemberID != d.MemberID:
		return fail("the key of member %s (%s) was registered by actor %s, not by the member itself", m.ID, m.Name, clip(ev.Actor.ID))
	case m.Status != domain.StatusActive:
		return fail("the key of member %s (%s) was registered after it withdrew", m.ID, m.Name)
	}
	if _, err := domain.CheckKeyRegistration(ev.AllianceID, d); err != nil {
		return fail("the key registration of member %s (%s) does not hold: %s", m.ID, m.Name, domain.MessageOf(err))
	}
	return nil
}

// signatureBatchSize is how many signatures the Verifier gathers before it
// verifies them together. Ed25519 verification is most of the cost of a
// signed ledger, and the only part that need not follow the chain's order.
const signatureBatchSize = 256

// signatureBatch is the signatures of checked lines still to be verified.
type signatureBatch struct {
	pending []signatureJob
	checked int // signatures verified so far
}

// signatureJob is one signature to verify, and where it was read.
type signatureJob struct {
	sig        *domain.PendingSignature
	line       int
	allianceID string
	seq        uint64
	typ        string
}

// queueSignature moves the signature c's current event left to verify into
// the batch, and verifies the batch once it is full. It returns the
// *ChainError of the earliest line whose signature does not verify.
func (v *Verifier) queueSignature(c *chain, ev domain.Event) error {
	if c.signature == nil {
		return nil
	}
	v.sigs.pending = append(v.sigs.pending, signatureJob{sig: c.signature, line: v.line, allianceID: ev.AllianceID, seq: ev.Seq, typ: ev.Type})
	c.signature = nil
	if len(v.sigs.pending) < signatureBatchSize {
		return nil
	}
	return v.sigs.flush()
}

// flush verifies every signature in the batch, spread over the CPUs, and
// empties it. It returns a *ChainError for the earliest that does not
// verify, or nil.
func (b *signatureBatch) flush() error {
	jobs := b.pending
	b.pending = b.pending[:0]
	b.checked += len(jobs)
	errs := make([]error, len(jobs))
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(jobs); i += workers {
				errs[i] = jobs[i].sig.Verify()
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			j := jobs[i]
			return &ChainError{Line: j.line, AllianceID: j.allianceID, Seq: j.seq, Reason: signatureFailure(j.typ, err)}
		}
	}
	return nil
}
