package domain

import "crypto/ed25519"

// SignedStatementOf returns the signed statement a command carries, or nil
// when it carries none or is not a member's own action.
func SignedStatementOf(c Command) *SignedStatement {
	if sc, ok := c.(signable); ok {
		return sc.signedStatement()
	}
	return nil
}

// PreverifySignature verifies a signed command's Ed25519 signature with key,
// the signer's key in force as the caller last saw it, on the caller's
// goroutine, and marks the command's statement with what it verified. Decide
// then makes every other check as always, but leaves the verification out
// when the key in force is still that key and the statement and sig are
// unchanged: the alliance's writer, which decides one command at a time,
// need not spend its time on it. Nothing is marked for a command that is
// not signed, a nil key, or a signature that does not verify; Decide then
// verifies (and refuses) it itself.
func PreverifySignature(c Command, key *MemberKey) {
	st := SignedStatementOf(c)
	if st == nil || key == nil {
		return
	}
	pub, err := ParsePublicKey("public_key", key.PublicKey)
	if err != nil {
		return
	}
	raw, err := parseSignature("sig", st.Sig)
	if err != nil || !ed25519.Verify(pub, []byte(st.Statement), raw) {
		return
	}
	st.verified = verifiedSignature{publicKey: key.PublicKey, statement: st.Statement, sig: st.Sig}
}

// sign is Decide's last step for a member's own action: it stores the
// command's signed statement in the event's data once CheckEventSignature
// accepts the event, or refuses the command with its error.
func sign(s Alliance, m Meta, c Command, data []EventData) ([]EventData, error) {
	sc, ok := c.(signable)
	if !ok || len(data) != 1 {
		return data, nil
	}
	var sig *Signature
	var verified bool
	if st := sc.signedStatement(); st != nil {
		sig = &Signature{Statement: st.Statement, Sig: st.Sig}
		if mem, ok := s.Member(m.Actor.MemberID); ok && mem.Key != nil {
			sig.KeyID = mem.Key.KeyID
			verified = st.verified == verifiedSignature{publicKey: mem.Key.PublicKey, statement: st.Statement, sig: st.Sig}
		}
	}
	d := withSignature(data[0], sig)
	if err := checkEventSignature(s, NewEvent(m, d), verified); err != nil {
		return nil, err
	}
	return []EventData{d}, nil
}

// withSignature returns a member action's data carrying sig.
func withSignature(d EventData, sig *Signature) EventData {
	signed := Signed{Signature: sig}
	switch d := d.(type) {
	case ProposalSubmitted:
		d.Signed = signed
		return d
	case AmendmentProposed:
		d.Signed = signed
		return d
	case AmendmentAccepted:
		d.Signed = signed
		return d
	case AmendmentRejected:
		d.Signed = signed
		return d
	case VoteCast:
		d.Signed = signed
		return d
	case CommitmentMade:
		d.Signed = signed
		return d
	case ProgressReported:
		d.Signed = signed
		return d
	case CommitmentFulfilled:
		d.Signed = signed
		return d
	}
	return d
}
