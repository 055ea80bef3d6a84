package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// yearOf is a workgroup's year as the API serves it: the alliance, its
// parties and the workgroup's routes.
type yearOf struct {
	e       *testEnv
	clock   *fakeClock
	a       alliance
	base    string
	wg      string
	lastSeq float64
}

// on moves the ledger's clock to a day of 2027 (at noon UTC).
func (y *yearOf) on(month time.Month, day int) {
	y.clock.Set(time.Date(2027, month, day, 12, 0, 0, 0, time.UTC))
}

// write sends a write that must answer status, and notes the head after it.
func (y *yearOf) write(status int, method, path, token string, body any) map[string]any {
	y.e.t.Helper()
	out := y.e.must(status, method, y.base+path, token, body)
	y.lastSeq = y.e.head(y.a.ID)
	return out
}

// card returns the scorecard as of seq (0: now), by member name and
// workgroup.
func (y *yearOf) card(seq float64) (map[string]any, map[string]map[string]any, map[string]any) {
	y.e.t.Helper()
	path := y.base + "/scorecard"
	if seq != 0 {
		path += fmt.Sprintf("?at_seq=%d", int(seq))
	}
	start := time.Now()
	card := y.e.must(200, "GET", path, y.a.Observer.Token, nil)
	y.e.t.Logf("GET %s took %v", path[len(y.base):], time.Since(start))
	conformsTo(y.e.t, "Scorecard", card)
	members := map[string]map[string]any{}
	for _, m := range card["members"].([]any) {
		members[m.(map[string]any)["name"].(string)] = m.(map[string]any)
	}
	return card, members, card["workgroups"].([]any)[0].(map[string]any)
}

// commitments returns a member's commitment counts.
func commitments(m map[string]any) map[string]any { return m["commitments"].(map[string]any) }

// TestWorkgroupYear follows a workgroup through 2027 on a ledger whose
// clock runs through the year: formed in January, its members changed,
// progress reported each quarter, commitments made toward it and
// fulfilled (one late), a vote and a proxy on the way, closed as met in
// December; the scorecard as of each quarter's report is read back with
// at_seq and judged on that day.
func TestWorkgroupYear(t *testing.T) {
	clock := &fakeClock{}
	y := &yearOf{e: newEnvWithClock(t, clock), clock: clock}
	y.on(time.January, 4)
	y.a = y.e.formAlliance(consensus, 4)
	y.base = "/v1/alliances/" + y.a.ID
	conv, ma, mb, mc, md := y.a.Convener.Token, y.a.Members[0], y.a.Members[1], y.a.Members[2], y.a.Members[3]

	y.on(time.January, 5)
	y.wg = "/workgroups/" + y.write(201, "POST", "/workgroups", conv, map[string]any{
		"name": "Serialisation pilots", "aim": "Serialise every unit at pilot sites", "metric": "pilot sites live",
		"target": 12, "due": "2027-12-31", "member_ids": []string{ma.ID, mb.ID},
	})["id"].(string)
	y.on(time.January, 10)
	y.write(200, "POST", y.wg+"/members", conv, map[string]any{"add": []string{mc.ID}, "remove": []string{mb.ID}})
	y.on(time.January, 15)
	wid := y.wg[len("/workgroups/"):]
	ca := y.write(201, "POST", "/commitments", ma.Token, map[string]any{"workgroup_id": wid, "description": "Two pilot sites", "metric": "sites", "target": 2, "due": "2027-06-30"})["id"].(string)
	cc := y.write(201, "POST", "/commitments", mc.Token, map[string]any{"workgroup_id": wid, "description": "Three pilot sites", "metric": "sites", "target": 3, "due": "2027-09-30"})["id"].(string)
	y.e.refused(y.a.ID, 403, "forbidden", "POST", y.base+"/commitments", mb.Token, map[string]any{"workgroup_id": wid, "description": "d", "metric": "m", "target": 1, "due": "2027-06-30"}, "members")
	y.write(201, "POST", "/proxies", md.Token, map[string]any{"proxy_id": ma.ID})

	y.on(time.March, 31)
	y.write(200, "POST", y.wg+"/progress", ma.Token, map[string]any{"value": 3, "note": "Three sites live"})
	q1 := y.lastSeq

	y.on(time.May, 20)
	pid := y.write(201, "POST", "/proposals", ma.Token, map[string]any{"kind": "operating_agreement", "title": "Pilot protocol", "body": "One protocol for every pilot site."})["id"].(string)
	y.write(200, "POST", "/proposals/"+pid+"/voting", conv, map[string]any{})
	for tok, stance := range map[string]string{conv: "agree", ma.Token: "agree", mb.Token: "block", md.Token: "abstain"} {
		y.write(200, "PUT", "/proposals/"+pid+"/vote", tok, map[string]any{"stance": stance})
	}
	y.write(200, "POST", "/proposals/"+pid+"/close", conv, nil)
	y.write(200, "POST", "/commitments/"+ca+"/progress", ma.Token, map[string]any{"value": 1, "note": "first site"})
	y.on(time.June, 30)
	y.write(200, "POST", y.wg+"/progress", conv, map[string]any{"value": 6, "note": "Six sites live"})
	q2 := y.lastSeq

	y.on(time.August, 15)
	y.write(200, "POST", "/commitments/"+cc+"/fulfil", mc.Token, map[string]any{"note": "three live", "value": 3})
	y.on(time.September, 30)
	y.write(200, "POST", y.wg+"/progress", mc.Token, map[string]any{"value": 9, "note": "Nine sites live"})
	q3 := y.lastSeq

	y.on(time.October, 5)
	y.write(200, "POST", "/commitments/"+ca+"/fulfil", ma.Token, map[string]any{"note": "closing at the value last reported"})
	y.on(time.December, 20)
	y.write(200, "POST", y.wg+"/close", conv, map[string]any{"outcome": "met", "note": "Twelve sites live"})
	q4 := y.lastSeq
	y.e.refused(y.a.ID, 409, "conflict", "POST", y.base+y.wg+"/progress", mc.Token, map[string]any{"value": 13}, "closed as met")

	// Q1: three of twelve, nothing overdue, no vote closed yet.
	card, m, w := y.card(q1)
	require.Equal(t, "2027-03-31", card["today"])
	require.Equal(t, 3.0, w["latest"])
	require.Equal(t, 12.0, w["target"])
	require.Equal(t, "open", w["status"])
	require.Equal(t, 2.0, w["members"])
	require.Equal(t, 2.0, commitments(w)["open"])
	require.Equal(t, 1.0, commitments(m["Member A"])["open"])
	require.Nil(t, commitments(m["Member A"])["items"].([]any)[0].(map[string]any)["latest"])
	require.Equal(t, 0.0, m["Member A"]["votes"].(map[string]any)["eligible"])
	require.Len(t, m["Member A"]["proxies"].(map[string]any)["held"], 1)
	require.Len(t, m["Member D"]["proxies"].(map[string]any)["given"], 1)

	// Q2: six; A's commitment is due today, not overdue yet; the vote closed
	// (B blocked it, C never voted).
	card, m, w = y.card(q2)
	require.Equal(t, "2027-06-30", card["today"])
	require.Equal(t, 6.0, w["latest"])
	require.Equal(t, 2.0, w["reports"])
	require.Equal(t, 0.0, commitments(m["Member A"])["overdue"])
	require.Equal(t, 1.0, commitments(m["Member A"])["items"].([]any)[0].(map[string]any)["latest"])
	require.Equal(t, map[string]any{"eligible": 1.0, "took_part": 1.0, "blocks": 1.0, "proxy_votes": 0.0}, m["Member B"]["votes"])
	require.Equal(t, map[string]any{"eligible": 1.0, "took_part": 0.0, "blocks": 0.0, "proxy_votes": 0.0}, m["Member C"]["votes"])

	// Q3: nine; C fulfilled, A is now overdue.
	card, m, w = y.card(q3)
	require.Equal(t, "2027-09-30", card["today"])
	require.Equal(t, 9.0, w["latest"])
	require.Equal(t, 1.0, commitments(m["Member C"])["fulfilled"])
	require.Equal(t, 1.0, commitments(m["Member A"])["overdue"])
	require.Equal(t, map[string]any{"open": 1.0, "fulfilled": 1.0, "withdrawn": 0.0, "overdue": 1.0}, countsOf(commitments(w)))

	// Q4: closed as met, every commitment fulfilled, none overdue.
	card, m, w = y.card(q4)
	require.Equal(t, "2027-12-20", card["today"])
	require.Equal(t, "met", w["status"])
	require.Equal(t, false, w["overdue"])
	require.Equal(t, map[string]any{"open": 0.0, "fulfilled": 2.0, "withdrawn": 0.0, "overdue": 0.0}, countsOf(commitments(w)))
	require.Equal(t, 1.0, commitments(m["Member A"])["items"].([]any)[0].(map[string]any)["latest"], "fulfilled with the last reported value")

	// Now (January 2028) the scorecard is the same as at its last event,
	// judged on the ledger's clock.
	clock.Set(time.Date(2028, time.January, 10, 0, 0, 0, 0, time.UTC))
	now, mNow, wNow := y.card(0)
	require.Equal(t, "2028-01-10", now["today"])
	require.Equal(t, q4, now["seq"])
	require.Equal(t, m, mNow)
	require.Equal(t, w, wNow)

	// The workgroup's history, as the workgroup route serves it.
	got := y.e.must(200, "GET", y.base+y.wg, y.a.Observer.Token, nil)
	require.Len(t, got["progress"], 3)
	require.Equal(t, []any{ma.ID, mc.ID}, got["member_ids"])
	require.ElementsMatch(t, []any{ca, cc}, got["commitments"])
	require.Equal(t, "Twelve sites live", got["closure"].(map[string]any)["note"])
	require.Equal(t, true, y.e.must(200, "GET", y.base+"/audit/verify", y.a.Observer.Token, nil)["ok"])
}

// countsOf is a commitment summary without its items.
func countsOf(c map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range c {
		if k != "items" {
			out[k] = v
		}
	}
	return out
}
