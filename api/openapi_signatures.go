package api

// oaAddKeys describes the route that registers a member's signing key.
func oaAddKeys(add oaAdder, aid any) {
	add("PUT", "/v1/alliances/{aid}/members/{mid}/key", oaOp{
		summary: "Register or replace a member's Ed25519 signing key (that member only)", write: true,
		params: []any{aid, oaPathParam("mid", "The member's id: the caller's own.")},
		description: "proof is the key's signature of the registration statement \"accord-key/v1\\nalliance <aid>\\nmember <mid>\\nkey <public_key>\\n\". " +
			"The new key replaces the member's key from this event's seq on; what was signed before stays verifiable with the key in force then. " +
			"See docs/VERIFYING.md.",
		body: oaObject([]string{"public_key", "proof"}, oaObj{
			"public_key": oaStr("The standard base64 of the 32-byte Ed25519 public key."),
			"proof":      oaStr("The standard base64 of the 64-byte Ed25519 signature of the registration statement."),
		}),
		okDesc: "The key as recorded.",
		okSchema: oaObject([]string{"member_id", "key_id", "public_key", "seq"}, oaObj{
			"member_id": oaUuidSchema(), "key_id": oaKeyIDSchema(), "public_key": oaStr(""), "seq": oaSeqSchema(),
		}),
	})
}

// oaSignable adds the optional signed statement to the body of a member's
// own action.
func oaSignable(props oaObj) oaObj {
	return oaWith(props, oaObj{"signature": oaSchemaRef("SignedStatement")})
}

func oaKeyIDSchema() oaObj {
	return oaObj{"type": "string", "pattern": "^[0-9a-f]{16}$", "description": "The first 16 hex digits of the SHA-256 of the 32 raw key bytes."}
}

// oaSignatureSchemas describe signed statements as requests carry them and
// as events and decision records store and show them.
func oaSignatureSchemas() oaObj {
	return oaObj{
		"SignedStatement": oaWithDesc(oaObject([]string{"statement", "sig"}, oaObj{
			"statement": oaStr("The accord-statement/v1 text, every line ending in \\n; its command line is the request's Idempotency-Key, which must be sent."),
			"sig":       oaStr("The standard base64 of the Ed25519 signature of the statement's exact bytes, by the member's key in force."),
		}), "A member's own signature of this action. A mismatch with the request is a 400 naming the line; under a charter (or a vote's rule) with signatures required, an unsigned action is a 403."),
		"Signature": oaObject([]string{"key_id", "statement", "sig"}, oaObj{
			"key_id": oaKeyIDSchema(), "statement": oaStr("The statement exactly as signed."), "sig": oaStr("Base64 Ed25519 signature."),
		}),
		"RecordedSignature": oaWithDesc(oaObject([]string{"seq", "type", "signer", "signed_at", "meaning", "action", "key_id", "statement", "sig"}, oaObj{
			"seq": oaSeqSchema(), "type": oaStr("The signed event's type."),
			"signer":    oaObject([]string{"id", "name"}, oaObj{"id": oaUuidSchema(), "name": oaStr("The signer's printed name.")}),
			"signed_at": oaDateTime("When the member signed: the statement's signed-at."),
			"meaning":   oaEnum("approval", "objection", "abstention", "block", "authorship", "acceptance", "rejection", "commitment", "report", "attestation"),
			"action":    oaEnum("vote", "propose", "amend", "accept-amendment", "reject-amendment", "commit", "report-progress", "fulfil"),
			"key_id":    oaKeyIDSchema(), "statement": oaStr("The statement exactly as signed."), "sig": oaStr("Base64 Ed25519 signature."),
		}), "A member's signature as 21 CFR Part 11 §11.50 asks a record to show it: printed name, time of signing, meaning, and the key."),
		"MemberKey": oaObject([]string{"key_id", "public_key", "seq"}, oaObj{
			"key_id": oaKeyIDSchema(), "public_key": oaStr("Standard base64 of the 32-byte Ed25519 public key."),
			"seq": oaSeqSchema(),
		}),
	}
}
