package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/client"
	"accord/domain"
)

// whoami returns the identity a token file speaks for.
func (e *cliEnv) whoami(tokenFile string) client.Identity {
	e.t.Helper()
	var id client.Identity
	require.NoError(e.t, json.Unmarshal([]byte(e.ok("--token-file", tokenFile, "whoami", "--json")), &id))
	return id
}

// generateKey runs `accord key generate` with args and returns the key id
// and file it names.
func (e *cliEnv) generateKey(args ...string) (keyID, path string) {
	e.t.Helper()
	out := e.ok(append([]string{"key", "generate"}, args...)...)
	m := regexp.MustCompile(`^Generated key ([0-9a-f]{16}) in (\S+) \(mode 0600\); register it with: accord key register\n$`).FindStringSubmatch(out)
	require.NotNil(e.t, m, out)
	return m[1], m[2]
}

// signatureAt returns the signature of the event with seq in the
// alliance's log, nil when it carries none.
func (e *cliEnv) signatureAt(aid string, seq uint64) *domain.Signature {
	e.t.Helper()
	_, events := exportOf(e.t, e.apiClient(cliAdminToken), aid)
	require.GreaterOrEqual(e.t, uint64(len(events)), seq)
	sig, ok := domain.SignatureOf(events[seq-1].Data)
	require.True(e.t, ok, "seq %d is a member's action", seq)
	return sig
}

// TestCLIKeys generates a member key in the default place, registers it,
// votes signed, sends a vote unsigned with --no-sign, rotates the key and
// votes again, then checks the record and an export offline.
func TestCLIKeys(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough() // seqs 1–11: the last three are the votes
	m1 := e.whoami(w.m1)

	require.Contains(t, e.fail(1, "--token-file", w.m1, "key", "show"), "make one with `accord key generate`")
	kid, path := e.generateKey("--token-file", w.m1)
	require.Equal(t, filepath.Join(e.dir, "config", "accord", w.aid, m1.ID+".key"), path, "the default place")
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), info.Mode().Perm())
	require.Contains(t, e.fail(1, "--token-file", w.m1, "key", "generate"), "already holds a key: give --force")
	require.Contains(t, e.ok("--token-file", w.m1, "key", "show"), "in force    no: no key is registered for you yet")
	errOut := e.fail(1, "--token-file", w.m1, "vote", w.pid, "agree")
	require.Contains(t, errOut, "has no signing key registered", "a key is used as soon as it is there; the server refuses it until it is registered")
	require.Contains(t, errOut, "(your key "+kid+" is not registered: run `accord key register`, or send it unsigned with --no-sign)")

	require.Equal(t, "Registered key "+kid+" for Cardinal Distribution (seq 12): your member actions are signed with it from now on\n",
		e.ok("--token-file", w.m1, "key", "register"))
	show := e.ok("--token-file", w.m1, "key", "show")
	require.Contains(t, show, "Key "+kid+" in "+path)
	require.Contains(t, show, "in force    yes, registered at seq 12")

	require.Equal(t, "Recorded disagree on 'Unit-level traceability' (seq 13) — signed with key "+kid+"\n",
		e.ok("--token-file", w.m1, "vote", w.pid, "disagree", "--reason", "Not before the waiver"))
	sig := e.signatureAt(w.aid, 13)
	require.NotNil(t, sig)
	require.Equal(t, kid, sig.KeyID)
	require.Contains(t, sig.Statement, "\nmeaning objection\n")

	require.Equal(t, "Recorded agree on 'Unit-level traceability' (seq 14)\n",
		e.ok("--token-file", w.m1, "--no-sign", "vote", w.pid, "agree"))
	require.Nil(t, e.signatureAt(w.aid, 14))

	// Rotation: a new key in the same file is refused until registered.
	kid2, _ := e.generateKey("--token-file", w.m1, "--force")
	require.NotEqual(t, kid, kid2)
	errOut = e.fail(1, "--token-file", w.m1, "vote", w.pid, "agree")
	require.Contains(t, errOut, "the signature does not verify with member "+m1.ID+" (Cardinal Distribution)'s key in force "+kid)
	require.Contains(t, errOut, "(you signed with key "+kid2+", but your key in force is "+kid+": `accord key register` puts yours in force)")
	require.Contains(t, e.ok("--token-file", w.m1, "key", "register"), "Registered key "+kid2+" for Cardinal Distribution (seq 15)")
	require.Equal(t, "Recorded agree on 'Unit-level traceability' (seq 16) — signed with key "+kid2+"\n",
		e.ok("--token-file", w.m1, "vote", w.pid, "agree", "--reason", "With the waiver"))
	require.Equal(t, kid2, e.signatureAt(w.aid, 16).KeyID)

	e.ok("--token-file", w.conv, "voting", "close", w.pid)
	rec := e.ok("record", w.pid)
	require.Regexp(t, `\nSignatures\n\s+SEQ\s+SIGNED BY\s+SIGNED AT \(UTC\)\s+MEANING\s+ACTION\s+KEY\n`, rec)
	require.Regexp(t, `\n\s+13\s+Cardinal Distribution\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+objection\s+vote\s+`+kid+`\n`, rec)
	require.Regexp(t, `\n\s+16\s+Cardinal Distribution\s+\S+ \S+\s+approval\s+vote\s+`+kid2+`\n`, rec)
	require.Contains(t, rec, `disagree #13 "Not before the waiver" (signed) → agree #14 (unsigned) → agree #16 "With the waiver" (signed)`)
	require.Contains(t, rec, `agree #9 "Patients first." (unsigned)`)

	note := " — signed with key " + kid2 + "\n"
	out := e.ok("--token-file", w.m1, "commitment", "make", "--proposal", w.pid, "--description", "Serialise our label",
		"--metric", "percent", "--target", "100", "--due", "2027-06-30")
	require.True(t, strings.HasSuffix(out, note), out)
	cid := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f-]{27}`).FindString(out)
	require.Equal(t, "Progress on \"Serialise our label\": 40/100 percent"+note,
		e.ok("--token-file", w.m1, "commitment", "progress", cid, "--value", "40"))
	require.Equal(t, "Fulfilled the commitment \"Serialise our label\""+note, e.ok("--token-file", w.m1, "commitment", "fulfil", cid))
	require.Contains(t, e.signatureAt(w.aid, 20).Statement, "\nvalue 40\n", "the fulfilment signs the last value reported")

	e.ok("audit", "export", "-o", e.path("ledger.ndjson"))
	require.Contains(t, e.ok("verify", e.path("ledger.ndjson")), "OK: 20 events in 1 alliance; 1 decision re-derived; 5 signed statements verified")
}

// TestCLIKeyFileFlags uses a key file named by --key-file and by
// ACCORD_KEY_FILE, refuses one others may read, and refuses --key-file
// with --no-sign.
func TestCLIKeyFileFlags(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	file := filepath.Join(e.dir, "keys", "m2.key")
	kid, path := e.generateKey("--token-file", w.m2, "--key-file", file)
	require.Equal(t, file, path)
	var facts keyFacts
	require.NoError(t, json.Unmarshal([]byte(e.ok("--token-file", w.m2, "key", "show", "--key-file", file, "--json")), &facts))
	require.Equal(t, kid, facts.KeyID)
	require.False(t, *facts.InForce)
	require.Nil(t, facts.Registered)
	e.ok("--token-file", w.m2, "--key-file", file, "key", "register")

	t.Setenv("ACCORD_KEY_FILE", file)
	require.NoError(t, json.Unmarshal([]byte(e.ok("--token-file", w.m2, "key", "show", "--json")), &facts))
	require.True(t, *facts.InForce)
	require.Equal(t, kid, facts.Registered.KeyID)
	require.Contains(t, e.ok("--token-file", w.m2, "vote", w.pid, "block", "--reason", "No waiver"), "— signed with key "+kid)

	require.NoError(t, os.Chmod(file, 0o644))
	errOut := e.fail(1, "--token-file", w.m2, "vote", w.pid, "agree")
	require.Contains(t, errOut, "has mode 0644, so others may read the private key")
	require.Contains(t, errOut, "--no-sign sends the action unsigned")
	require.NoError(t, os.Chmod(file, 0o600))

	require.Contains(t, e.fail(2, "--token-file", w.m2, "--key-file", file, "--no-sign", "vote", w.pid, "agree"), "give --key-file or --no-sign, not both")
	require.Contains(t, e.fail(1, "--key-file", file, "vote", w.pid, "agree"), "only members hold signing keys, and this token speaks for the admin")
	var made keyFacts
	other := e.path("other.key")
	require.NoError(t, json.Unmarshal([]byte(e.ok("key", "generate", "--key-file", other, "--json")), &made), "the admin can make a key in a named file: it needs no member")
	require.Equal(t, other, made.KeyFile)
	key, err := client.ReadKeyFile(other)
	require.NoError(t, err)
	require.Equal(t, client.KeyID(key), made.KeyID)
	require.Equal(t, client.PublicKey(key), made.PublicKey)

	missing := e.path("none.key")
	require.Contains(t, e.fail(1, "--token-file", w.m2, "--key-file", missing, "vote", w.pid, "agree"), "no such file")
}

// TestCLISignaturesRequired forms an alliance whose charter requires
// signatures: an unsigned vote is refused with the server's message
// (exit 1), and the signed one is recorded.
func TestCLISignaturesRequired(t *testing.T) {
	e := newCLIEnv(t)
	out := e.ok("alliance", "create", "--name", "Signed Coalition", "--purpose", "Integrated care", "--rule", "majority", "--signatures", "required")
	require.Regexp(t, `^Formed alliance 'Signed Coalition' \(majority, quorum 1/2, signatures required\): [0-9a-f-]{36}\n$`, out)
	t.Setenv("ACCORD_ALLIANCE", strings.TrimSpace(out[strings.LastIndex(out, " "):]))
	conv, m1 := e.path("conv.token"), e.path("m1.token")
	e.id("member", "add", "--name", "Payer", "--sector", "payer", "--role", "convener", "--save-token", conv)
	e.id("member", "add", "--name", "Clinic", "--sector", "provider", "--save-token", m1)

	require.Contains(t, e.fail(1, "--token-file", m1, "proposal", "submit", "--title", "Plan", "--body", "One plan."),
		"ProposalSubmitted must be signed: the charter of alliance")
	kid, _ := e.generateKey("--token-file", m1)
	e.ok("--token-file", m1, "key", "register")
	out = e.ok("--token-file", m1, "proposal", "submit", "--title", "Plan", "--body", "One plan.")
	require.Regexp(t, `^Submitted proposal 'Plan' \(resolution, version 1\): ([0-9a-f-]{36}) — signed with key `+kid+`\n$`, out)
	pid := regexp.MustCompile(`[0-9a-f-]{36}`).FindString(out)
	require.Contains(t, e.ok("--token-file", conv, "voting", "open", pid), "(version 1, majority, quorum 1/2, signatures required)")

	errOut := e.fail(1, "--token-file", m1, "--no-sign", "vote", pid, "agree")
	require.Contains(t, errOut, "VoteCast must be signed: voting on proposal "+pid+" opened under a rule with signatures required")
	require.Contains(t, e.fail(1, "--token-file", conv, "vote", pid, "agree"), "VoteCast must be signed")
	require.Regexp(t, `^Recorded agree on 'Plan' \(seq \d+\) — signed with key `+kid+`\n$`, e.ok("--token-file", m1, "vote", pid, "agree"))
	require.Contains(t, e.ok("--token-file", conv, "voting", "close", pid), "adopted: 1 agree")
}
