package main

import (
	"fmt"
	"maps"
	"slices"
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

	// Ids are derived from command ids, so they share no prefix by
	// design: submit proposals until two start alike (17 at most share a
	// first hex digit), and ask for that start.
	proposals := map[string]string{w.pid: "Unit-level traceability", other: "Shared data standard"}
	a, b, titleA, titleB := sharingPrefix(t, e, w.m2, proposals)
	shared := commonPrefix(a, b)
	errOut := e.fail(2, "proposal", "show", shared)
	require.Contains(t, errOut, `"`+shared+`" is the start of 2 proposal ids; give more of it:`)
	require.Contains(t, errOut, "  "+a+"  "+titleA+"\n")
	require.Contains(t, errOut, "  "+b+"  "+titleB+"\n")

	require.Contains(t, e.fail(1, "record", "ffff"), `accord record: no proposal has an id starting with "ffff"`)
	require.Contains(t, e.fail(1, "proposal", "show", "not-a-uuid"), `pid "not-a-uuid" is not a uuid`, "not a prefix: the server says")

	t.Setenv("ACCORD_ALLIANCE", w.aid[:30])
	require.Contains(t, e.ok("alliance", "show"), w.aid)
	require.Contains(t, e.ok("alliance", "show", w.aid[:30]), "Drug Supply Chain Alliance")
	t.Setenv("ACCORD_ALLIANCE", w.aid)

	// The walk-through's amendment was accepted; a second one is rejected
	// by a short id.
	amid := e.id("--token-file", w.m1, "amend", other, "--body", "Two formats.", "--rationale", "Legacy systems")
	require.Contains(t, e.ok("--token-file", w.m2, "amendment", "reject", shortest(t, other, slices.Collect(maps.Keys(proposals))...), amid[:len(amid)-6]),
		"Rejected the amendment to 'Shared data standard'")

	require.Equal(t, "Patients for Safe Medicines withdrew from the alliance\n",
		e.ok("--token-file", w.m2, "member", "withdraw", w.m2ID[:len(w.m2ID)-4]))
}

// sharingPrefix submits proposals as token until two proposal ids of the
// alliance (known maps those there already to their titles) share their
// first hex digit, which then no other id starts with; it returns both with
// their titles.
func sharingPrefix(t *testing.T, e *cliEnv, token string, known map[string]string) (string, string, string, string) {
	t.Helper()
	byDigit := map[byte][]string{}
	for id := range known {
		byDigit[id[0]] = append(byDigit[id[0]], id)
	}
	for i := 0; ; i++ {
		for _, ids := range byDigit {
			if len(ids) == 2 {
				return ids[0], ids[1], known[ids[0]], known[ids[1]]
			}
		}
		require.Less(t, i, 17, "17 ids share a first hex digit")
		title := fmt.Sprintf("Prefix probe %d", i)
		id := e.id("--token-file", token, "proposal", "submit", "--title", title, "--body", "Probe.")
		known[id] = title
		byDigit[id[0]] = append(byDigit[id[0]], id)
	}
}
