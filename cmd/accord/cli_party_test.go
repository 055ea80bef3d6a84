package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCLIWhoami says whom each token speaks for.
func TestCLIWhoami(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	fda := e.path("fda.token")
	e.ok("observer", "add", "--name", "FDA", "--save-token", fda)

	require.Equal(t, "The admin of this accord server (1 alliance): forms alliances and admits their first members\n", e.ok("whoami"))
	out := e.ok("--token-file", w.m2, "whoami")
	require.Equal(t, "Patients for Safe Medicines, member of 'Drug Supply Chain Alliance'\n  id        "+w.m2ID+"\n  alliance  "+w.aid+"\n", out)
	require.True(t, strings.HasPrefix(e.ok("--token-file", w.conv, "whoami"), "Intermountain Health, convener of "))
	require.True(t, strings.HasPrefix(e.ok("--token-file", fda, "whoami"), "FDA, observer of "))
	me := jsonOf(t, e.ok("--token-file", w.m2, "whoami", "--json"))
	require.Equal(t, map[string]any{"id": w.m2ID, "role": "member", "alliance_id": w.aid, "name": "Patients for Safe Medicines"}, me)
	require.Contains(t, e.fail(1, "--token", "acc_nobody", "whoami"), "accord whoami: ")

	head := e.ok("audit", "head")
	require.Equal(t, head, e.ok("audit", "head"), "whoami writes nothing")
}

// TestCLITokens issues a member a new token, which works while the old one
// no longer does, and revokes it.
func TestCLITokens(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	head := e.ok("audit", "head")
	fresh := e.path("m2-new.token")
	out := e.ok("--token-file", w.conv, "token", "issue", w.m2ID[:30], "--save-token", fresh)
	require.Equal(t, "Issued Patients for Safe Medicines a new token (generation 1), saved to "+fresh+"; the old one is revoked\n", out)
	info, err := os.Stat(fresh)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	require.NotEqual(t, readFile(t, w.m2), readFile(t, fresh))

	require.Contains(t, e.fail(1, "--token-file", w.m2, "whoami"), "accord whoami: ")
	require.Contains(t, e.ok("--token-file", fresh, "whoami"), "Patients for Safe Medicines, member")

	require.Equal(t, "Revoked the token of Patients for Safe Medicines (member, generation 1)\n",
		e.ok("--token-file", fresh, "token", "revoke", w.m2ID))
	require.Contains(t, e.fail(1, "--token-file", fresh, "whoami"), "accord whoami: ")
	require.Contains(t, e.fail(1, "--token-file", w.m1, "token", "revoke", w.m2ID), "accord token revoke: ", "a peer may not")
	require.Contains(t, e.fail(2, "token", "issue", w.m2ID, "--save-token", fresh), "already exists")
	require.Equal(t, head, e.ok("audit", "head"), "tokens are not ledger events")

	tok := jsonOf(t, e.ok("token", "issue", w.m2ID, "--json"))
	require.Regexp(t, `^acc_`, tok["token"])
	require.Equal(t, 2.0, tok["generation"])
}

// TestCLIWorkgroups forms a workgroup of members given by short ids, and
// lists and shows it.
func TestCLIWorkgroups(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	m1 := jsonOf(t, e.ok("--token-file", w.m1, "whoami", "--json"))["id"].(string)
	out := e.ok("--token-file", w.conv, "workgroup", "form", "--name", "Serialisation pilots", "--aim", "Pilot unit-level serialisation",
		"--metric", "pilot sites live", "--target", "12", "--due", "2027-03-31", "--members", m1[:33]+","+w.m2ID)
	require.Regexp(t, `^Formed workgroup 'Serialisation pilots' \(12 pilot sites live by 2027-03-31, 2 members\): [0-9a-f-]{36}\n$`, out)
	wid := strings.TrimSpace(out[strings.LastIndex(out, " "):])

	require.Regexp(t, `(?m)^`+wid+`\s+Serialisation pilots\s+Pilot unit-level serialisation\s+-/12 pilot sites live\s+2027-03-31\s+2\s+open$`, e.ok("workgroup", "list"))
	show := e.ok("workgroup", "show", wid[:34])
	require.Contains(t, show, "Serialisation pilots\n  id      "+wid+"\n  target  12 pilot sites live\n  due     2027-03-31\n")
	require.Regexp(t, `Cardinal Distribution\s+distributor`, show)
	require.Regexp(t, `Patients for Safe Medicines\s+patient group`, show)
	wg := jsonOf(t, e.ok("workgroup", "show", wid, "--json"))
	require.Equal(t, []any{m1, w.m2ID}, wg["member_ids"])
	require.Len(t, jsonOf(t, e.ok("workgroup", "list", "--json"))["workgroups"], 1)

	require.Contains(t, e.fail(1, "--token-file", w.m1, "workgroup", "form", "--name", "n", "--aim", "a", "--metric", "m"), "accord workgroup form: ")
	require.Contains(t, e.fail(2, "workgroup", "form", "--name", "n"), "give --name, --aim and --metric")
	require.Contains(t, e.fail(1, "workgroup", "show", "ffff"), `no workgroup has an id starting with "ffff"`)
}

// TestCLICommitmentListShow lists commitments, by member too, and shows one
// with its progress.
func TestCLICommitmentListShow(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	e.ok("--token-file", w.conv, "voting", "close", w.pid)
	require.Equal(t, "(none)\n", e.ok("commitment", "list"))
	cid := e.id("--token-file", w.m2, "commitment", "make", "--proposal", w.pid[:34], "--description", "Train pharmacists",
		"--metric", "pharmacists trained", "--target", "500", "--due", "2027-06-30")
	e.ok("--token-file", w.m2, "commitment", "progress", cid[:34], "--value", "120", "--note", "First region")

	require.Regexp(t, `(?m)^`+cid+`\s+Patients for Safe Medicines\s+Train pharmacists\s+120/500 pharmacists trained\s+2027-06-30\s+open$`,
		e.ok("commitment", "list"))
	require.Contains(t, e.ok("commitment", "list", "--member", w.m2ID), cid)
	m1 := jsonOf(t, e.ok("--token-file", w.m1, "whoami", "--json"))["id"].(string)
	require.Equal(t, "(none)\n", e.ok("commitment", "list", "--member", m1))
	show := e.ok("commitment", "show", cid[:34])
	require.Contains(t, show, "Train pharmacists\n  id        "+cid+"\n  member    Patients for Safe Medicines\n  proposal  'Unit-level traceability'\n")
	require.Regexp(t, `(?m)^  \d+\s+\S+ \S+\s+120\s+First region$`, show)
	require.Equal(t, "open", jsonOf(t, e.ok("commitment", "show", cid, "--json"))["status"])
}

// TestCLIRecordObjectionsInFull shows a block's and a disagree's reasons
// whole, line breaks kept, where the table clips them.
func TestCLIRecordObjectionsInFull(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	block := "Not before the hardship waiver is written down.\nSmall pharmacies cannot serialise by 2027 without help, and nothing says who pays."
	e.ok("--token-file", w.m2, "vote", w.pid, "block", "--reason", block)
	e.ok("--token-file", w.m1, "vote", w.pid, "disagree", "--reason", "The deadline is too close for distributors with older warehouse systems.")
	rec := e.ok("record", w.pid)
	require.Contains(t, rec, "\nObjections\n")
	require.Regexp(t, `  Patients for Safe Medicines, block #\d+, \S+ \S+ UTC:\n`+
		`    Not before the hardship waiver is written down.\n`+
		`    Small pharmacies cannot serialise by 2027 without help, and nothing says who pays.\n`, rec)
	require.Contains(t, rec, "    The deadline is too close for distributors with older warehouse systems.\n")
	require.NotContains(t, rec[strings.Index(rec, "Objections"):], "Patients first.", "agree reasons are not objections")
}
