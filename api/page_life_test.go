package api_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPageAllianceLife drives an alliance's life beyond one vote through
// the page, each party in a browser context of its own: a member grants
// its proxy and its proxy votes for it; a member of a workgroup reports
// progress on it; the convener changes its members and closes it; the
// scorecard follows; the convener concludes the alliance, and its page then
// links to the successor formed after it.
func TestPageAllianceLife(t *testing.T) {
	env := newEnv(t)
	a := env.formAlliance(map[string]any{"decision_rule": "majority", "max_proxies": 1}, 3)
	base := "/v1/alliances/" + a.ID
	ma, mb, mc := a.Members[0], a.Members[1], a.Members[2] // Member A, B, C
	wid := env.must(201, "POST", base+"/workgroups", a.Convener.Token, map[string]any{
		"name": "Pharmacy pilot", "aim": "Serialised receiving in twelve pharmacies", "metric": "pharmacies live", "target": 12,
		"due": "2099-12-31", "member_ids": []string{ma.ID, mb.ID},
	})["id"].(string)
	pid := env.must(201, "POST", base+"/proposals", ma.Token, map[string]any{"kind": "resolution", "title": "Recall notices", "body": "Within 24 hours."})["id"].(string)
	env.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
	url := env.URL + "/?alliance=" + a.ID

	// B grants A its standing proxy on the page.
	root := browser(t)
	bTab := newTab(t, root)
	signInAt(t, bTab, url, mb.Token)
	do(t, bTab, "grant a proxy",
		chromedp.Click(css(`#grant-proxy`)),
		chromedp.WaitVisible(css(`dialog[open] select[name=proxy_id]`)),
		chromedp.SetValue(css(`dialog[open] select[name=proxy_id]`), ma.ID),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	shows(t, bTab, "#proxies", "Member A casts for Member B")
	grants := env.must(200, "GET", base, adminToken, nil)["proxies"].([]any)
	require.Len(t, grants, 1)
	require.Equal(t, map[string]any{"grantor_id": mb.ID, "proxy_id": ma.ID, "proposal_id": ""}, pick(grants[0].(map[string]any), "grantor_id", "proxy_id", "proposal_id"))

	// A votes for B, as its proxy, from the proposal's page.
	aTab := newTab(t, root)
	signInAt(t, aTab, url+"&proposal="+pid, ma.Token)
	ballot := fmt.Sprintf(`#d-proxy [data-grantor=%q]`, mb.ID)
	do(t, aTab, "cast for B",
		chromedp.WaitVisible(css(ballot)),
		chromedp.Click(css(ballot+` input[name=stance][value=agree]`)),
		chromedp.SendKeys(css(ballot+` textarea[name=reason]`), "As Member B asked"),
		chromedp.Click(css(ballot+` button[type=submit]`)),
	)
	shows(t, aTab, ballot+" .my-stance", "cast by Member A")
	shows(t, aTab, fmt.Sprintf(`#d-votes [data-member=%q] .cast-by`, mb.ID), "cast by Member A, its proxy")
	stance := env.must(200, "GET", base+"/proposals/"+pid, adminToken, nil)["stances"].(map[string]any)[mb.ID].(map[string]any)
	require.Equal(t, "agree", stance["stance"])
	require.Equal(t, ma.ID, stance["cast_by"])
	require.Equal(t, "As Member B asked", stance["reason"])

	// A, a member of the workgroup, reports its progress.
	row := fmt.Sprintf(`#workgroups [data-workgroup=%q]`, wid)
	do(t, aTab, "report workgroup progress",
		chromedp.Click(css(`#detail a.back`)),
		chromedp.WaitVisible(css(row+` [data-action=wg-progress]`)),
		chromedp.Click(css(row+` [data-action=wg-progress]`)),
		chromedp.WaitVisible(css(`dialog[open] input[name=value]`)),
		chromedp.SendKeys(css(`dialog[open] input[name=value]`), "4"),
		chromedp.SendKeys(css(`dialog[open] textarea[name=note]`), "Four pharmacies receiving"),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	shows(t, aTab, row+" .wg-meta", "4 of 12 pharmacies live")
	shows(t, aTab, row+" .wg-history", "Four pharmacies receiving")
	w := env.must(200, "GET", base+"/workgroups/"+wid, adminToken, nil)
	require.EqualValues(t, 4, w["latest"])
	require.Equal(t, "Four pharmacies receiving", w["progress"].([]any)[0].(map[string]any)["note"])
	require.Zero(t, js[int](t, aTab, `document.querySelectorAll('#workgroups [data-action=wg-close]').length`), "a member does not close it")

	// The convener adds C, removes B and closes the workgroup as met.
	conv := newTab(t, root)
	signInAt(t, conv, url, a.Convener.Token)
	do(t, conv, "change the workgroup's members",
		chromedp.Click(css(row+` [data-action=wg-members]`)),
		chromedp.WaitVisible(css(`dialog[open] input[name=member_ids]`)),
		chromedp.Click(css(fmt.Sprintf(`dialog[open] input[name=member_ids][value=%q]`, mc.ID))),
		chromedp.Click(css(fmt.Sprintf(`dialog[open] input[name=member_ids][value=%q]`, mb.ID))),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	shows(t, conv, row+" .wg-members", "2 members: Member A, Member C")
	do(t, conv, "close the workgroup",
		chromedp.Click(css(row+` [data-action=wg-close]`)),
		chromedp.WaitVisible(css(`dialog[open] input[name=outcome][value=met]`)),
		chromedp.Click(css(`dialog[open] input[name=outcome][value=met]`)),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	shows(t, conv, row+" .wg-head", "met")
	require.Equal(t, "met", env.must(200, "GET", base+"/workgroups/"+wid, adminToken, nil)["status"])

	// The scorecard shows the proxy vote and the workgroup's progress.
	shows(t, conv, fmt.Sprintf(`#scorecard tr[data-member=%q] .sc-proxies`, ma.ID), "cast 1 vote as proxy")
	shows(t, conv, fmt.Sprintf(`#scorecard [data-workgroup=%q] .wg-meta`, wid), "4 of 12 pharmacies live")

	// B revokes its grant.
	do(t, bTab, "revoke the proxy", chromedp.Click(css(fmt.Sprintf(`#proxies [data-grant=%q] button`, mb.ID+"|"+ma.ID+"|"))))
	shows(t, bTab, "#proxies", "No proxy is in force.")

	// The convener closes the vote and concludes the alliance; a successor
	// formed after it is linked from its page.
	env.must(200, "POST", base+"/proposals/"+pid+"/close", a.Convener.Token, nil)
	do(t, conv, "conclude",
		chromedp.Click(css(`#conclude`)),
		chromedp.WaitVisible(css(`dialog[open] textarea[name=reason]`)),
		chromedp.SendKeys(css(`dialog[open] textarea[name=reason]`), "Renewed for 2028"),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	shows(t, conv, "#a-succession", "Renewed for 2028")
	require.Zero(t, js[int](t, conv, `document.querySelectorAll('#form-workgroup, #conclude, #grant-proxy').length`), "a concluded alliance offers no action")
	next := env.must(201, "POST", "/v1/alliances", adminToken, map[string]any{"name": "Pharmaceutical Distribution Security Alliance 2028", "predecessor": a.ID})
	admin := newTab(t, root)
	signInAt(t, admin, url, adminToken)
	shows(t, admin, "#a-succession", "Succeeded by Pharmaceutical Distribution Security Alliance 2028")
	do(t, admin, "follow the link to the successor", chromedp.Click(css(fmt.Sprintf(`#a-succession a[data-alliance=%q]`, next["id"]))))
	shows(t, admin, "#a-succession", "Succeeds alliance "+a.ID[:8])
	shots(t, conv, "alliance-life")
}

// pick returns the named fields of m.
func pick(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}
