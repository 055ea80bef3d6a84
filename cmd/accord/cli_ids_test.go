package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// shortest returns the shortest prefix of id that no other of ids starts
// with.
func shortest(t *testing.T, id string, ids ...string) string {
	t.Helper()
	for n := 1; n <= len(id); n++ {
		unique := true
		for _, other := range ids {
			if other != id && strings.HasPrefix(other, id[:n]) {
				unique = false
			}
		}
		if unique {
			return id[:n]
		}
	}
	t.Fatalf("%s has no unique prefix", id)
	return ""
}

// commonPrefix returns the prefix two ids share.
func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return a[:n]
}

// TestCLIShortIDs accepts any prefix that only one id of its kind starts
// with, for alliances, proposals, amendments, members and commitments; a
// prefix that several start with exits 2 listing them, and one that none
// starts with exits 1.
func TestCLIShortIDs(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	other := e.id("--token-file", w.m2, "proposal", "submit", "--title", "Shared data standard", "--body", "One format.")

	pid := shortest(t, w.pid, other)
	require.Less(t, len(pid), 36)
	require.Contains(t, e.ok("proposal", "show", pid), "Unit-level traceability")
	require.Regexp(t, `^Recorded disagree on 'Unit-level traceability'`, e.ok("--token-file", w.m1, "vote", pid, "disagree"))

	shared := commonPrefix(w.pid, other)
	errOut := e.fail(2, "proposal", "show", shared)
	require.Contains(t, errOut, `"`+shared+`" is the start of 2 proposal ids; give more of it:`)
	require.Contains(t, errOut, "  "+w.pid+"  Unit-level traceability\n")
	require.Contains(t, errOut, "  "+other+"  Shared data standard\n")

	require.Contains(t, e.fail(1, "record", "ffff"), `accord record: no proposal has an id starting with "ffff"`)
	require.Contains(t, e.fail(1, "proposal", "show", "not-a-uuid"), `pid "not-a-uuid" is not a uuid`, "not a prefix: the server says")

	t.Setenv("ACCORD_ALLIANCE", w.aid[:30])
	require.Contains(t, e.ok("alliance", "show"), w.aid)
	require.Contains(t, e.ok("alliance", "show", w.aid[:30]), "Drug Supply Chain Alliance")
	t.Setenv("ACCORD_ALLIANCE", w.aid)

	// The walk-through's amendment was accepted; a second one is rejected
	// by a short id.
	amid := e.id("--token-file", w.m1, "amend", other, "--body", "Two formats.", "--rationale", "Legacy systems")
	require.Contains(t, e.ok("--token-file", w.m2, "amendment", "reject", shortest(t, other, w.pid), amid[:len(amid)-6]),
		"Rejected the amendment to 'Shared data standard'")

	require.Equal(t, "Patients for Safe Medicines withdrew from the alliance\n",
		e.ok("--token-file", w.m2, "member", "withdraw", w.m2ID[:len(w.m2ID)-4]))
}
