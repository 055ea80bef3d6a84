package main

import (
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/client"
)

// An alliance's life beyond one vote through the accord command, against a
// real accord serve: workgroups, proxies, the scorecard, conclusion and
// succession.

// lifeAlliance forms an alliance (majority, one proxy each) of a convener
// and three members, and returns their token files and ids.
func (e *cliEnv) lifeAlliance(name string) (aid string, tokens, ids map[string]string) {
	e.t.Helper()
	aid = e.id("alliance", "create", "--name", name, "--purpose", "Serialisation pilots", "--rule", "majority", "--max-proxies", "1")
	e.t.Setenv("ACCORD_ALLIANCE", aid)
	tokens, ids = map[string]string{}, map[string]string{}
	for _, m := range []struct{ key, name, role string }{
		{"conv", "Intermountain Health", "convener"}, {"a", "Cardinal Distribution", "member"},
		{"b", "Patients for Safe Medicines", "member"}, {"c", "McKesson", "member"},
	} {
		tokens[m.key] = e.path(name + "-" + m.key + ".token")
		ids[m.key] = e.id("member", "add", "--name", m.name, "--sector", "health", "--role", m.role, "--save-token", tokens[m.key])
	}
	return aid, tokens, ids
}

func TestCLIWorkgroupLife(t *testing.T) {
	e := newCLIEnv(t)
	_, tok, ids := e.lifeAlliance("Pilots")
	conv := []string{"--token-file", tok["conv"]}
	wid := e.id(append(conv, "workgroup", "form", "--name", "Serialisation pilots", "--aim", "Serialise at pilot sites",
		"--metric", "sites", "--target", "12", "--due", "2099-12-31", "--members", ids["a"]+","+ids["b"])...)

	require.Equal(t, "Workgroup 'Serialisation pilots' now has 2 members\n",
		e.ok(append(conv, "workgroup", "members", wid[:13], "--add", ids["c"], "--remove", ids["b"])...))
	require.Contains(t, e.fail(2, append(conv, "workgroup", "members", wid)...), "give --add, --remove or both")
	require.Contains(t, e.fail(1, "--token-file", tok["a"], "workgroup", "members", wid, "--add", ids["b"]), "only a convener")

	require.Equal(t, "Progress on 'Serialisation pilots': 3/12 sites\n",
		e.ok("--token-file", tok["a"], "workgroup", "progress", wid, "--value", "3", "--note", "Three live"))
	require.Contains(t, e.fail(1, "--token-file", tok["b"], "workgroup", "progress", wid, "--value", "4"), "only a convener or a member of workgroup")
	require.Contains(t, e.fail(2, "--token-file", tok["a"], "workgroup", "progress", wid), "give --value")

	cid := e.id("--token-file", tok["c"], "commitment", "make", "--workgroup", wid, "--description", "Two sites",
		"--metric", "sites", "--target", "2", "--due", "2099-06-30")
	require.Contains(t, e.fail(2, "--token-file", tok["c"], "commitment", "make", "--description", "x"), "--proposal or --workgroup")
	show := e.ok("commitment", "show", cid)
	require.Regexp(t, `workgroup\s+'Serialisation pilots'`, show)
	made := e.ok("--token-file", tok["c"], "commitment", "make", "--workgroup", wid, "--description", "One more", "--metric", "sites", "--target", "1", "--due", "2099-06-30")
	require.Regexp(t, `^Committed to "One more" \(0/1 sites by 2099-06-30\) toward workgroup 'Serialisation pilots': `, made)

	require.Contains(t, e.fail(2, append(conv, "workgroup", "close", wid, "--outcome", "won")...), "give --outcome met, missed, dissolved")
	require.Equal(t, "Closed workgroup 'Serialisation pilots' as met at 3/12 sites\n",
		e.ok(append(conv, "workgroup", "close", wid, "--outcome", "met", "--note", "Enough")...))
	require.Contains(t, e.fail(1, "--token-file", tok["a"], "workgroup", "progress", wid, "--value", "5"), "closed as met")

	list := e.ok("workgroup", "list")
	require.Regexp(t, `Serialisation pilots\s+Serialise at pilot sites\s+3/12 sites\s+2099-12-31\s+2\s+met`, list)
	shown := e.ok("workgroup", "show", wid)
	for _, want := range []string{"Three live", "Cardinal Distribution", "McKesson", "Commitments toward it", "Two sites", `— "Enough"`} {
		require.Contains(t, shown, want)
	}
	require.NotContains(t, shown, "Patients for Safe Medicines", "removed from the workgroup")
	asFormed := e.ok("workgroup", "show", wid, "--at-seq", "6")
	require.Contains(t, asFormed, "Patients for Safe Medicines", "as it was when formed")
	require.Regexp(t, `status\s+open`, asFormed)
	require.NotContains(t, asFormed, "latest", "no report yet then")
	require.Regexp(t, `latest\s+3/12 sites`, shown)

	var w client.Workgroup
	require.NoError(t, json.Unmarshal([]byte(e.ok("workgroup", "show", wid, "--json")), &w))
	require.Len(t, w.Progress, 1)
	require.Len(t, w.Commitments, 2)
}

func TestCLIProxyVoteAndScorecard(t *testing.T) {
	e := newCLIEnv(t)
	_, tok, ids := e.lifeAlliance("Proxies")
	pid := e.id("--token-file", tok["a"], "proposal", "submit", "--kind", "resolution", "--title", "Recall notices", "--body", "Within 24 hours.")
	require.Regexp(t, `^McKesson now holds a standing proxy \(every proposal\) from you \(seq \d+\)\n$`,
		e.ok("--token-file", tok["b"], "proxy", "grant", ids["c"][:14]))
	require.Regexp(t, `^McKesson now holds a proxy on 'Recall notices' from you \(seq \d+\)\n$`,
		e.ok("--token-file", tok["a"], "proxy", "grant", ids["c"], "--proposal", pid))
	require.Contains(t, e.fail(1, "--token-file", tok["b"], "proxy", "grant", ids["c"]), "already holds")
	require.Contains(t, e.fail(1, "--token-file", tok["b"], "proxy", "grant", ids["b"]), "the grantor itself")

	e.ok("--token-file", tok["conv"], "voting", "open", pid)
	require.Regexp(t, `^Recorded agree on 'Recall notices' for Patients for Safe Medicines as their proxy \(seq \d+\)\n$`,
		e.ok("--token-file", tok["c"], "vote", pid, "agree", "--for", ids["b"], "--reason", "As asked"))
	require.Contains(t, e.fail(1, "--token-file", tok["c"], "vote", pid, "agree", "--for", ids["a"]), "max_proxies 1")
	e.ok("--token-file", tok["a"], "vote", pid, "block", "--reason", "Too fast")
	e.ok("--token-file", tok["conv"], "voting", "close", pid)

	record := e.ok("record", pid)
	require.Contains(t, record, "McKesson")
	var rec struct {
		Proxies []struct {
			Proxy, Grantor struct{ Name string }
			Counted        bool
		}
	}
	require.NoError(t, json.Unmarshal([]byte(e.ok("record", pid, "--json")), &rec))
	require.Len(t, rec.Proxies, 1)
	require.Equal(t, "McKesson", rec.Proxies[0].Proxy.Name)
	require.Equal(t, "Patients for Safe Medicines", rec.Proxies[0].Grantor.Name)
	require.True(t, rec.Proxies[0].Counted)

	require.Regexp(t, `^Revoked a standing proxy \(every proposal\) held by McKesson \(seq \d+\)\n$`,
		e.ok("--token-file", tok["b"], "proxy", "revoke", ids["c"]))
	require.Contains(t, e.fail(1, "--token-file", tok["b"], "proxy", "revoke", ids["c"]), "to revoke")

	card := e.ok("scorecard")
	row := func(name string) string {
		m := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(name) + `\s.*$`).FindString(card)
		require.NotEmpty(t, m, "no row for %s in\n%s", name, card)
		return strings.Join(strings.Fields(m), " ")
	}
	// NAME STATUS OPEN FULFILLED WITHDRAWN OVERDUE VOTED BLOCKS PROXIES-HELD GIVEN
	require.Equal(t, "Cardinal Distribution active 0 0 0 0 1 of 1 1 0 1", row("Cardinal Distribution"))
	require.Equal(t, "Patients for Safe Medicines active 0 0 0 0 1 of 1 0 0 0", row("Patients for Safe Medicines"))
	require.Equal(t, "McKesson active 0 0 0 0 0 of 1 0 1 0", row("McKesson"), "its own stance was never cast; it still holds a's grant")
	require.Equal(t, "Intermountain Health active 0 0 0 0 0 of 1 0 0 0", row("Intermountain Health"))

	var sc client.Scorecard
	require.NoError(t, json.Unmarshal([]byte(e.ok("scorecard", "--json")), &sc))
	require.Equal(t, 1, sc.Members[3].Votes.ProxyVotes)
	early := e.ok("scorecard", "--at-seq", "7")
	require.Regexp(t, `seq\s+7`, early)
	require.Regexp(t, `Cardinal Distribution\s+active\s+0\s+0\s+0\s+0\s+0 of 0`, early)
	require.Contains(t, e.fail(2, "scorecard", "--at-seq", "3", "--at", "2026-01-01"), "not both")
}

func TestCLISuccession(t *testing.T) {
	e := newCLIEnv(t)
	a, tok, _ := e.lifeAlliance("First term")
	pid := e.id("--token-file", tok["a"], "proposal", "submit", "--kind", "position", "--title", "Last word", "--body", "Thanks.")
	e.ok("--token-file", tok["conv"], "voting", "open", pid)
	require.Contains(t, e.fail(1, "--token-file", tok["conv"], "alliance", "conclude", "--reason", "Done"), "close it before concluding")
	require.Contains(t, e.fail(2, "--token-file", tok["conv"], "alliance", "conclude"), "give --reason")
	e.ok("--token-file", tok["conv"], "voting", "close", pid)
	require.Contains(t, e.fail(1, "--token-file", tok["a"], "alliance", "conclude", "--reason", "Done"), "only a convener")
	require.Regexp(t, `^Concluded the alliance at seq \d+ — "Renewed for 2028"\n$`,
		e.ok("--token-file", tok["conv"], "alliance", "conclude", "--reason", "Renewed for 2028"))
	require.Contains(t, e.fail(1, "--token-file", tok["a"], "proposal", "submit", "--kind", "position", "--title", "T", "--body", "B"), "concluded")

	t.Setenv("ACCORD_ALLIANCE", "")
	b := e.id("alliance", "create", "--name", "Second term", "--purpose", "Carry on", "--predecessor", a[:12])
	require.Contains(t, e.fail(1, "alliance", "create", "--name", "X", "--purpose", "Y", "--predecessor", "0190c0de-0000-7000-8000-000000000000"), "predecessor")

	showA := e.ok("alliance", "show", a)
	require.Regexp(t, `concluded\s+seq \d+, .* — "Renewed for 2028"`, showA)
	require.Regexp(t, `succeeded by\s+`+b+` 'Second term'`, showA)
	showB := e.ok("alliance", "show", b)
	require.Regexp(t, `succeeds\s+`+a+` \(its seq \d+`, showB)
	var st client.AllianceState
	require.NoError(t, json.Unmarshal([]byte(e.ok("alliance", "show", a, "--json")), &st))
	require.Len(t, st.Successors, 1)
	require.Equal(t, b, st.Successors[0].AllianceID)

	predFile, succFile := e.path("first.ndjson"), e.path("second.ndjson")
	e.ok("--alliance", a, "audit", "export", "-o", predFile)
	e.ok("--alliance", b, "audit", "export", "-o", succFile)
	out := e.ok("verify", succFile, "--predecessor", predFile)
	require.Regexp(t, `predecessor: .*first.ndjson holds seq \d+ of alliance `+a+` with hash [0-9a-f]{64}, as seq 1 of alliance `+b+` names it`, out)
	status, out, errOut := e.run("verify", succFile, "--predecessor", succFile)
	require.Equal(t, 1, status)
	require.Contains(t, out+errOut, "predecessor")
}

// The shells complete the new commands and their flags.
func TestCompletionOfAllianceLife(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash here")
	}
	script := (&cliEnv{t: t}).ok("completion", "bash")
	require.ElementsMatch(t, []string{"grant", "revoke"}, complete(t, script, "accord", "proxy", ""))
	require.ElementsMatch(t, []string{"progress"}, complete(t, script, "accord", "workgroup", "p"))
	require.ElementsMatch(t, []string{"conclude", "create"}, complete(t, script, "accord", "alliance", "c"))
	require.Contains(t, complete(t, script, "accord", "s"), "scorecard")
	require.Contains(t, complete(t, script, "accord", "vote", "P", "agree", "--f"), "--for")
	require.Contains(t, complete(t, script, "accord", "alliance", "create", "--p"), "--predecessor")
	require.Contains(t, complete(t, script, "accord", "scorecard", "--a"), "--at-seq")
	zsh := (&cliEnv{t: t}).ok("completion", "zsh")
	require.Contains(t, zsh, `("proxy grant") items=(`)
}
