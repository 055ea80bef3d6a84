package main

import (
	"accord/client"
)

// printSignatures lists the members' signatures on the events a decision
// record rests on, as §11.50 of 21 CFR Part 11 asks them shown: the
// signer's printed name, the time of signing and the meaning, with the key
// id and the seq of the event signed. It prints nothing when none was
// signed: each stance says "unsigned" already.
func printSignatures(p *printer, sigs []client.RecordedSignature) {
	if len(sigs) == 0 {
		return
	}
	p.section("Signatures")
	t := &table{header: []string{"SEQ", "SIGNED BY", "SIGNED AT (UTC)", "MEANING", "ACTION", "KEY"}, indent: "  "}
	for _, s := range sigs {
		t.add(uitoa(s.Seq), s.Signer.Name, when(s.SignedAt), string(s.Meaning), string(s.Action), s.KeyID)
	}
	p.table(t)
}

// signedMark returns how a stance's history marks whether it was signed.
func signedMark(sig *client.RecordedSignature) string {
	if sig == nil {
		return " (unsigned)"
	}
	return " (signed)"
}
