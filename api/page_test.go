package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// The tests in this file drive the web page as people would: members and a
// convener, each in a browser context of its own (own cookies, own tab
// storage), working one proposal from amendment to outcome.

// css is a CSS selector for chromedp.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// newTab opens a tab in a browser context of its own inside the browser of
// parent, watched for page errors like the first.
func newTab(t *testing.T, parent context.Context, expected ...string) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	watchErrors(t, ctx, expected...)
	return ctx
}

// signInAt opens url, signs in with token and waits for the alliance to be
// followed live.
func signInAt(t *testing.T, ctx context.Context, url, token string) {
	t.Helper()
	do(t, ctx, "sign in at "+url,
		chromedp.Navigate(url),
		chromedp.WaitVisible(css(`#signin-form`)),
		chromedp.SendKeys(css(`#token`), token),
		chromedp.Click(css(`#signin-submit`)),
		chromedp.WaitVisible(css(`#live.on`)),
	)
}

// fill sets a field's value as typing would leave it (input and change
// events included); for clearing a field and for date and select fields.
func fill(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.value = %q;
	  el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); })()`, sel, value))
}

// until waits (generously) for the page's expression to be true.
func until(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	ok := get(t, ctx, what, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(25*time.Second)))
	require.True(t, ok, what)
}

// shows waits until the element sel exists and its text holds want; a live
// update may rebuild it meanwhile.
func shows(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	until(t, ctx, sel+" shows "+want, fmt.Sprintf(`(document.querySelector(%q) || {textContent: ''}).textContent.includes(%q)`, sel, want))
}

// js evaluates expr in the page.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return get(t, ctx, expr, chromedp.Evaluate[T](expr))
}

// press sends keys to whatever has the focus, as a keyboard would.
func press(t *testing.T, ctx context.Context, keys ...string) {
	t.Helper()
	for _, k := range keys {
		do(t, ctx, "press", chromedp.KeyEvent(k))
	}
}

// tabTo presses Tab until the focus is on an element matching sel, and
// fails after max presses. Every stop on the way must show its focus.
func tabTo(t *testing.T, ctx context.Context, sel string, max int) {
	t.Helper()
	for i := 0; i < max; i++ {
		press(t, ctx, kb.Tab)
		if js[bool](t, ctx, fmt.Sprintf(`document.activeElement.matches(%q)`, sel)) {
			return
		}
		require.True(t, js[bool](t, ctx, focusShown), "the focus is visible on %s", js[string](t, ctx, `document.activeElement.outerHTML.slice(0, 120)`))
	}
	t.Fatalf("%s not reached in %d presses of Tab", sel, max)
}

// focusShown is true when the focused element draws a focus ring (or is a
// radio or text field, whose ring the browser itself draws).
const focusShown = `(() => { const el = document.activeElement; if (!el || el === document.body) return true;
  const s = getComputedStyle(el); return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none' ||
  el.matches('input, textarea, select') || !!el.closest('.radio:focus-within'); })()`

// auditEvent is an event of the audit route, as a regulator reads it.
type auditEvent struct {
	Seq   uint64 `json:"seq"`
	Type  string `json:"type"`
	Actor struct {
		ID       string `json:"id"`
		Role     string `json:"role"`
		MemberID string `json:"member_id"`
	} `json:"actor"`
	CommandID string         `json:"command_id"`
	Data      map[string]any `json:"data"`
}

// auditFrom reads the alliance's events from seq on through the audit route.
func (e *testEnv) auditFrom(aid string, from uint64) []auditEvent {
	e.t.Helper()
	var out []auditEvent
	for {
		a := e.do("GET", fmt.Sprintf("/v1/alliances/%s/audit?from_seq=%d&limit=1000", aid, from), adminToken, nil)
		require.Equal(e.t, 200, a.Status, "%s", a.Body)
		var page struct {
			Events []struct {
				Event auditEvent `json:"event"`
			} `json:"events"`
			NextSeq *uint64 `json:"next_seq"`
		}
		require.NoError(e.t, json.Unmarshal(a.Body, &page))
		for _, ev := range page.Events {
			out = append(out, ev.Event)
		}
		if page.NextSeq == nil {
			return out
		}
		from = *page.NextSeq
	}
}

// darkMode switches the page's prefers-color-scheme.
func darkMode(t *testing.T, ctx context.Context, dark bool) {
	t.Helper()
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	require.NoError(t, err)
}

// screen sets the viewport: a desktop of 1280×800 or a phone of 390×844.
func screen(t *testing.T, ctx context.Context, phone bool) {
	t.Helper()
	if phone {
		do(t, ctx, "phone screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
		return
	}
	do(t, ctx, "desktop screen", chromedp.EmulateViewport(1280, 800))
}

// shots saves the page at desktop and phone size, light and dark, as
// artifacts/page-<name>-<desktop|phone>-<light|dark>.png, and checks that
// the phone never scrolls sideways.
func shots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, phone := range []bool{false, true} {
		screen(t, ctx, phone)
		if phone {
			width := js[int](t, ctx, `document.documentElement.scrollWidth`)
			require.LessOrEqual(t, width, 390, "%s scrolls sideways on a phone: %s", name, js[string](t, ctx, widest))
		}
		for _, dark := range []bool{false, true} {
			darkMode(t, ctx, dark)
			size, scheme := "desktop", "light"
			if phone {
				size = "phone"
			}
			if dark {
				scheme = "dark"
			}
			saveScreenshot(t, ctx, fmt.Sprintf("page-%s-%s-%s.png", name, size, scheme), false)
		}
	}
	darkMode(t, ctx, false)
	screen(t, ctx, false)
}

// widest names the element that reaches furthest right, to say what
// overflows.
const widest = `(() => { let w = null, r = 0; for (const el of document.querySelectorAll('body *')) {
  const b = el.getBoundingClientRect(); if (b.right > r && b.width > 0) { r = b.right; w = el; } }
  return w ? w.outerHTML.slice(0, 160) + ' right=' + r : ''; })()`

// TestPageWorkflowInBrowser: a member reads a proposal and amends it; the
// convener cannot open voting while it is pending; the author accepts it;
// the convener opens voting; two members vote (one with the keyboard alone),
// one changes its vote while its answer is lost once, and the convener's
// page sees it live; the convener closes, admits a member and forms a
// workgroup. The audit route then shows each event with its actor.
func TestPageWorkflowInBrowser(t *testing.T) {
	env := newEnv(t)
	// A refusal is logged by the browser as a failed load: expected here.
	ctx := browser(t, "409 (Conflict)")
	a := env.formAlliance(map[string]any{"decision_rule": "consensus", "quorum": "1/2", "threshold": "3/4"}, 3)
	author, amender, voter := a.Members[0], a.Members[1], a.Members[2]
	aid := "/v1/alliances/" + a.ID
	p := env.must(201, "POST", aid+"/proposals", author.Token, map[string]any{
		"kind": "resolution", "title": "Unit-level traceability", "body": "Serialise every unit by 2027.",
	})
	pid := p["id"].(string)
	start := uint64(env.head(a.ID))
	detailURL := env.URL + "/?alliance=" + a.ID + "&proposal=" + pid
	row := fmt.Sprintf(`#proposals [data-proposal=%q] a`, pid)

	// The amender signs in on the overview, reads the proposal and amends it.
	signInAt(t, ctx, env.URL+"/?alliance="+a.ID, amender.Token)
	do(t, ctx, "open the proposal from the list",
		chromedp.Click(css(row)),
		chromedp.WaitVisible(css(`#d-title`)),
	)
	require.Equal(t, detailURL, get(t, ctx, "address", chromedp.Location()))
	require.Equal(t, "Serialise every unit by 2027.", get(t, ctx, "text", chromedp.Text(css(`#d-text .body-text`))))
	require.Equal(t, "d-title", js[string](t, ctx, `document.activeElement.id`), "the heading takes the focus")
	do(t, ctx, "amend",
		chromedp.Click(css(`#d-actions [data-action=amend]`)),
		chromedp.WaitVisible(css(`dialog[open] textarea[name=body]`)),
		fill(`dialog[open] textarea[name=body]`, ""),
		chromedp.SendKeys(css(`dialog[open] textarea[name=body]`), "Serialise every unit by 2027, with a hardship waiver for small pharmacies."),
		chromedp.SendKeys(css(`dialog[open] textarea[name=rationale]`), "Small pharmacies need time."),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
		chromedp.WaitVisible(css(`#d-amendments .amendment.proposed ins`)),
	)
	until(t, ctx, "the word diff shows what the amendment adds", `[...document.querySelectorAll('#d-amendments .amendment ins')].some((el) => el.textContent.includes('with a hardship waiver for small pharmacies'))`)
	until(t, ctx, "the focus is back on the button that opened the dialog", `document.activeElement.dataset.action === 'amend'`)

	// The convener, in a context of its own, may not open voting yet: the
	// server's words show next to the form.
	conv := newTab(t, ctx, "409 (Conflict)")
	signInAt(t, conv, detailURL, a.Convener.Token)
	do(t, conv, "try to open voting",
		chromedp.WaitVisible(css(`#d-actions [data-action=open-voting]`)),
		chromedp.Click(css(`#d-actions [data-action=open-voting]`)),
		chromedp.WaitVisible(css(`dialog[open] button[type=submit]`)),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
	)
	until(t, conv, "the refusal in words", `document.querySelector('dialog[open] .error[role=alert]').textContent.includes('amendment')`)
	t.Logf("refusal shown: %q", get(t, conv, "refusal", chromedp.Text(css(`dialog[open] .error`))))
	do(t, conv, "dismiss", chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(css(`dialog[open]`)))
	require.Equal(t, "open-voting", js[string](t, conv, `document.activeElement.dataset.action || ''`), "Escape gives the focus back to the button that opened the dialog")

	// The author sees the amendment awaiting it, and accepts it.
	auth := newTab(t, ctx)
	signInAt(t, auth, env.URL+"/?alliance="+a.ID, author.Token)
	do(t, auth, "the amendment awaits its author", chromedp.WaitVisible(css(fmt.Sprintf(`#awaiting .amendments [data-proposal=%q] a`, pid))))
	do(t, auth, "accept it",
		chromedp.Click(css(fmt.Sprintf(`#awaiting .amendments [data-proposal=%q] a`, pid))),
		chromedp.WaitVisible(css(`#d-amendments .accept button`)),
		chromedp.Click(css(`#d-amendments .accept button`)),
		chromedp.WaitVisible(css(`#d-amendments .amendment.accepted`)),
	)
	until(t, auth, "version 2", `document.querySelector('#d-meta').textContent.includes('version 2')`)
	until(t, ctx, "the amender's page follows", `document.querySelector('#d-text .body-text').textContent.includes('hardship waiver')`)

	// The convener opens voting, with a deadline two days ahead.
	deadline := time.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")
	do(t, conv, "open voting",
		chromedp.WaitVisible(css(`#d-actions [data-action=open-voting]`)),
		chromedp.Click(css(`#d-actions [data-action=open-voting]`)),
		chromedp.WaitVisible(css(`dialog[open] input[name=closes_at]`)),
		fill(`dialog[open] input[name=closes_at]`, deadline),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
		chromedp.WaitVisible(css(`#d-vote .vote .vote-turnout .n`)),
	)
	until(t, ctx, "the amender gets a ballot", `!!document.querySelector('#d-ballot input[name=stance]')`)

	// The amender votes by mouse, with a double click that records once.
	do(t, ctx, "vote agree",
		chromedp.Click(css(`#d-ballot input[name=stance][value=agree]`)),
		chromedp.SendKeys(css(`#d-ballot textarea[name=reason]`), "Patients first."),
		chromedp.DoubleClick(css(`#d-ballot button[type=submit]`)),
	)
	until(t, ctx, "the stance shows", `(document.querySelector('#d-ballot .my-stance') || {}).textContent?.includes('You voted agree')`)
	until(t, conv, "the convener sees it", fmt.Sprintf(`document.querySelector('#d-vote .stance[data-member=%q]').classList.contains('agree')`, amender.ID))

	// The author votes with the keyboard alone, from the top of the page.
	do(t, auth, "open the proposal afresh", chromedp.Navigate(detailURL), chromedp.WaitVisible(css(`#d-ballot input[name=stance]`)))
	press(t, auth, kb.Tab)
	require.True(t, js[bool](t, auth, `document.activeElement.classList.contains('skip')`), "the first Tab reaches the skip link")
	press(t, auth, kb.Enter)
	require.Equal(t, "main", js[string](t, auth, `document.activeElement.id`), "the skip link moves the focus to the content")
	tabTo(t, auth, `#d-ballot input[name=stance]`, 40)
	press(t, auth, kb.ArrowRight, kb.ArrowRight, " ") // agree → disagree → abstain, and Space keeps it
	require.Equal(t, "abstain", js[string](t, auth, `document.querySelector('#d-ballot input[name=stance]:checked').value`))
	tabTo(t, auth, `#d-ballot textarea[name=reason]`, 3)
	do(t, auth, "type a reason", chromedp.KeyEvent("Our own proposal, amended: we stand aside."))
	tabTo(t, auth, `#d-ballot button[type=submit]`, 3)
	press(t, auth, kb.Enter)
	until(t, auth, "the keyboard vote is recorded", `(document.querySelector('#d-ballot .my-stance') || {}).textContent?.includes('You voted abstain')`)

	// The amender changes its vote; the first answer is lost on the way and
	// the page sends the same command again. The convener sees the change.
	js[bool](t, ctx, `(() => { const real = window.fetch; let lost = false;
	  window.fetch = async (url, init) => { const res = await real(url, init);
	    if (!lost && init && init.method === 'PUT') { lost = true; throw new TypeError('the answer was lost'); } return res; };
	  return true; })()`)
	do(t, ctx, "change to block",
		chromedp.Click(css(`#d-ballot input[name=stance][value=block]`)),
		fill(`#d-ballot textarea[name=reason]`, ""),
		chromedp.SendKeys(css(`#d-ballot textarea[name=reason]`), "The waiver has no end date; small pharmacies would never serialise."),
	)
	sent := time.Now()
	do(t, ctx, "send the change", chromedp.Click(css(`#d-ballot button[type=submit]`)))
	until(t, conv, "the convener sees the change live", fmt.Sprintf(`document.querySelector('#d-vote .stance[data-member=%q]').classList.contains('block')`, amender.ID))
	t.Logf("a vote changed in one member's page showed on the convener's page %v after the click (target 200 ms; the first answer was lost and retried)", time.Since(sent).Round(time.Millisecond))
	until(t, ctx, "the change is the amender's stance", `(document.querySelector('#d-ballot .my-stance') || {}).textContent?.includes('You voted block')`)

	// A vote from the API shows on both pages; measure its way there.
	sent = time.Now()
	env.must(200, "PUT", aid+"/proposals/"+pid+"/vote", voter.Token, map[string]any{"stance": "agree", "reason": "Aligned with our SOPs"})
	until(t, conv, "a third vote arrives", fmt.Sprintf(`document.querySelector('#d-vote .stance[data-member=%q]').classList.contains('agree')`, voter.ID))
	t.Logf("a vote sent through the API showed on another member's page %v after it was sent (target 200 ms)", time.Since(sent).Round(time.Millisecond))
	require.Equal(t, "3/4", get(t, conv, "turnout", chromedp.Text(css(`#d-vote .vote-turnout .n`))))
	shots(t, conv, "voting")

	// The convener closes: one block vetoes, and the reason shows in full.
	do(t, conv, "close voting",
		chromedp.Click(css(`#d-actions [data-action=close-voting]`)),
		chromedp.WaitVisible(css(`dialog[open] button[type=submit]`)),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
		chromedp.WaitVisible(css(`#d-outcome .blocks`)),
	)
	shows(t, conv, `#d-outcome .blocks`, "The waiver has no end date; small pharmacies would never serialise.")
	until(t, ctx, "the amender sees the outcome", `!!document.querySelector('#d-outcome .result.rejected')`)
	do(t, conv, "open the versions", chromedp.Click(css(`#d-versions [data-version="2"] summary`)), chromedp.WaitVisible(css(`#d-versions [data-version="2"] ins`)))
	shots(t, conv, "decided")

	// The convener admits a member: the token shows once and works.
	do(t, conv, "back to the overview",
		chromedp.Click(css(`#detail a.back`)),
		chromedp.WaitVisible(css(`#admit`)),
		chromedp.Click(css(`#admit`)),
		chromedp.WaitVisible(css(`dialog[open] input[name=name]`)),
		chromedp.SendKeys(css(`dialog[open] input[name=name]`), "Walgreens"),
		chromedp.SendKeys(css(`dialog[open] input[name=sector]`), "pharmacy"),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitVisible(css(`dialog[open] .token-out`)),
	)
	token := get(t, conv, "token", chromedp.Value(css(`dialog[open] .token-out`)))
	require.NotEmpty(t, token)
	require.Equal(t, 200, env.do("POST", "/v1/session", token, nil).Status, "the token shown works")
	do(t, conv, "copy it and close",
		chromedp.Click(css(`dialog[open] .copy-row button`)),
		chromedp.WaitVisible(css(`dialog[open] .copied`)),
		chromedp.Click(css(`dialog[open] .form-foot button`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	until(t, conv, "the token is gone from the page", fmt.Sprintf(`!document.body.innerHTML.includes(%q)`, token))

	// The convener forms a workgroup of two members.
	do(t, conv, "form a workgroup",
		chromedp.Click(css(`#form-workgroup`)),
		chromedp.WaitVisible(css(`dialog[open] input[name=name]`)),
		chromedp.SendKeys(css(`dialog[open] input[name=name]`), "Pharmacy pilot"),
		chromedp.SendKeys(css(`dialog[open] textarea[name=aim]`), "Serialised receiving in ten pharmacies"),
		chromedp.SendKeys(css(`dialog[open] input[name=metric]`), "pharmacies live"),
		chromedp.SendKeys(css(`dialog[open] input[name=target]`), "10"),
		chromedp.Click(css(fmt.Sprintf(`dialog[open] input[name=member_ids][value=%q]`, author.ID))),
		chromedp.Click(css(fmt.Sprintf(`dialog[open] input[name=member_ids][value=%q]`, voter.ID))),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
		chromedp.WaitVisible(css(`#workgroups .workgroup`)),
	)
	shots(t, conv, "overview")

	// The log holds each step once, by the party that took it.
	var got []string
	for _, ev := range env.auditFrom(a.ID, start+1) {
		who := ev.Actor.MemberID
		for name, id := range map[string]string{"author": author.ID, "amender": amender.ID, "voter": voter.ID, "convener": a.Convener.ID} {
			if who == id {
				who = name
			}
		}
		line := ev.Type + " by " + who
		if ev.Type == "VoteCast" {
			line += ": " + ev.Data["stance"].(string)
		}
		got = append(got, line)
	}
	require.Equal(t, []string{
		"AmendmentProposed by amender",
		"AmendmentAccepted by author",
		"VotingOpened by convener",
		"VoteCast by amender: agree",
		"VoteCast by author: abstain",
		"VoteCast by amender: block",
		"VoteCast by voter: agree",
		"VotingClosed by convener",
		"MemberAdmitted by convener",
		"WorkgroupFormed by convener",
	}, got)
}

// TestPageObserverReadsOnly: an observer sees the proposals, votes and
// records, and is offered no action.
func TestPageObserverReadsOnly(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t)
	b := env.seedBoard()
	signInAt(t, ctx, env.URL+"/?alliance="+b.ID+"&proposal="+b.Proposals["voting"], b.Observer.Token)
	do(t, ctx, "the tally shows", chromedp.WaitVisible(css(`#d-vote .vote`)))
	require.Zero(t, js[int](t, ctx, `document.querySelectorAll('#d-actions button, #d-ballot form, #new-proposal, #admit, #form-workgroup').length`))
	require.True(t, js[bool](t, ctx, `document.getElementById('awaiting-card').hidden`))
	rejected := fmt.Sprintf(`#decisions [data-proposal=%q]`, b.Proposals["rejected"])
	do(t, ctx, "the overview shows the veto with its reason",
		chromedp.Click(css(`#detail a.back`)),
		chromedp.WaitVisible(css(rejected+` .blocks`)),
	)
	shows(t, ctx, rejected+` .blocks`, "Costs would reach patients")
}

// TestPageAwaitingAndCommitments: a member sees what awaits it, commits to
// an adopted proposal, reports progress and fulfils with a final value.
func TestPageAwaitingAndCommitments(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t)
	b := env.seedBoard()
	m := b.Members["Pfizer"]
	signInAt(t, ctx, env.URL+"/?alliance="+b.ID, m.Token)
	for _, key := range []string{"voting", "contested"} {
		do(t, ctx, "a vote awaits", chromedp.WaitVisible(css(fmt.Sprintf(`#awaiting .votes [data-proposal=%q]`, b.Proposals[key]))))
	}
	adopted := b.Proposals["adopted"]
	do(t, ctx, "commit",
		chromedp.Click(css(fmt.Sprintf(`#decisions [data-proposal=%q] h3 a`, adopted))),
		chromedp.WaitVisible(css(`#d-actions [data-action=commit]`)),
		chromedp.Click(css(`#d-actions [data-action=commit]`)),
		chromedp.WaitVisible(css(`dialog[open] textarea[name=description]`)),
		chromedp.SendKeys(css(`dialog[open] textarea[name=description]`), "Serialise the remaining cold-chain SKUs"),
		chromedp.SendKeys(css(`dialog[open] input[name=metric]`), "SKUs"),
		chromedp.SendKeys(css(`dialog[open] input[name=target]`), "40"),
		fill(`dialog[open] input[name=due]`, time.Now().AddDate(0, 0, 10).Format("2006-01-02")),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
		chromedp.WaitVisible(css(`#d-commitments .commitment.open`)),
		chromedp.Click(css(`#detail a.back`)),
		chromedp.WaitVisible(css(`#awaiting .due li`)),
	)
	cid := get(t, ctx, "commitment id", chromedp.AttributeValue(css(`#awaiting .due li`), "data-commitment")).Value
	do(t, ctx, "report progress",
		chromedp.Click(css(`#awaiting .due li button`)),
		chromedp.WaitVisible(css(`dialog[open] input[name=value]`)),
		chromedp.SendKeys(css(`dialog[open] input[name=value]`), "25"),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	card := fmt.Sprintf(`#commitments [data-commitment=%q]`, cid)
	until(t, ctx, "the progress shows", fmt.Sprintf(`document.querySelector(%q).textContent.includes('25 / 40')`, card))
	do(t, ctx, "fulfil with a final value",
		chromedp.Click(css(card+` .row-actions button:nth-child(2)`)),
		chromedp.WaitVisible(css(`dialog[open] input[name=value]`)),
		chromedp.SendKeys(css(`dialog[open] input[name=value]`), "38"),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	until(t, ctx, "the final value shows", fmt.Sprintf(`document.querySelector(%q).textContent.includes('final 38 / 40')`, card))
	st := env.must(200, "GET", "/v1/alliances/"+b.ID, adminToken, nil)
	for _, c := range st["commitments"].([]any) {
		if c := c.(map[string]any); c["id"] == cid {
			require.Equal(t, "fulfilled", c["status"])
			require.EqualValues(t, 38, c["value"])
		}
	}
}

// TestPageProposeCharter: a member proposes a charter with the editor; the
// rule is said in words and the proposal is recorded with that charter.
func TestPageProposeCharter(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t)
	a := env.formAlliance(liveCharter, 2)
	signInAt(t, ctx, env.URL+"/?alliance="+a.ID, a.Members[0].Token)
	do(t, ctx, "propose a charter",
		chromedp.Click(css(`#new-proposal`)),
		chromedp.WaitVisible(css(`dialog[open] select[name=kind]`)),
		fill(`dialog[open] select[name=kind]`, "charter"),
		chromedp.WaitVisible(css(`dialog[open] .charter-editor select[name=decision_rule]`)),
		fill(`dialog[open] select[name=decision_rule]`, "supermajority"),
		fill(`dialog[open] select[name=signatures]`, "required"),
		fill(`dialog[open] input[name=max_proxies]`, "1"),
		chromedp.SendKeys(css(`dialog[open] input[name=title]`), "Decide by two thirds"),
		chromedp.SendKeys(css(`dialog[open] textarea[name=body]`), "Move from consensus to a two-thirds supermajority."),
	)
	shows(t, ctx, `dialog[open] .charter-words`, "at least 2/3 of those who agree, disagree or block agree")
	saveScreenshot(t, ctx, "page-charter-editor.png", false)
	do(t, ctx, "submit", chromedp.Click(css(`dialog[open] button[type=submit]`)), chromedp.WaitNotPresent(css(`dialog[open]`)), chromedp.WaitVisible(css(`#d-text .charter-box`)))
	shows(t, ctx, `#d-text .charter-box`, "Supermajority · threshold 2/3 · quorum 1/2 · signatures required · up to 1 proxy each")
	pid := strings.TrimPrefix(get(t, ctx, "address", chromedp.Location()), env.URL+"/?alliance="+a.ID+"&proposal=")
	p := env.must(200, "GET", "/v1/alliances/"+a.ID+"/proposals/"+pid, adminToken, nil)
	require.Equal(t, map[string]any{"decision_rule": "supermajority", "quorum": "1/2", "threshold": "2/3", "signatures": "required", "max_proxies": float64(1)}, p["charter"])
}

// axeFile is the axe-core script the accessibility test injects; CI
// installs it and sets ACCORD_AXE.
func axeFile(t *testing.T) string {
	t.Helper()
	p := os.Getenv("ACCORD_AXE")
	if p == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("ACCORD_AXE is not set: CI must install axe-core (.ci/run does)")
		}
		t.Skip("ACCORD_AXE is not set: install axe-core (npm install axe-core@4) and point ACCORD_AXE at axe.min.js; CI runs this test")
	}
	return p
}

// axeCheck runs axe-core on the page as it is and fails on any serious or
// critical violation.
func axeCheck(t *testing.T, ctx context.Context, script []byte, what string) {
	t.Helper()
	if !js[bool](t, ctx, `typeof window.axe === 'object'`) {
		do(t, ctx, "inject axe", chromedp.Evaluate[chromedp.Void](string(script)))
	}
	out := get(t, ctx, "axe on "+what, chromedp.Evaluate[[]string](`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
	  r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) =>
	    v.impact + ' ' + v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' (' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160) + ')').join('; ')))`,
		chromedp.EvalAwaitPromise))
	if len(out) > 0 {
		t.Errorf("axe-core on %s:\n%s", what, strings.Join(out, "\n"))
		return
	}
	t.Logf("axe-core: no serious or critical violation on %s", what)
}

// TestPageAccessibility runs axe-core on the main states of the page, light
// and dark, desktop and phone.
func TestPageAccessibility(t *testing.T) {
	script, err := os.ReadFile(axeFile(t))
	require.NoError(t, err)
	env := newEnv(t)
	ctx := browser(t)
	b := env.seedBoard()
	m := b.Members["Pfizer"]
	do(t, ctx, "the sign-in page", chromedp.Navigate(env.URL+"/"), chromedp.WaitVisible(css(`#signin-form`)))
	axeCheck(t, ctx, script, "the sign-in page")
	signInAt(t, ctx, env.URL+"/?alliance="+b.ID, m.Token)
	for _, dark := range []bool{false, true} {
		darkMode(t, ctx, dark)
		for _, phone := range []bool{false, true} {
			screen(t, ctx, phone)
			name := fmt.Sprintf("(dark %v, phone %v)", dark, phone)
			do(t, ctx, "overview", chromedp.Navigate(env.URL+"/?alliance="+b.ID), chromedp.WaitVisible(css(`#live.on`)))
			axeCheck(t, ctx, script, "the overview "+name)
			do(t, ctx, "a proposal in voting", chromedp.Navigate(env.URL+"/?alliance="+b.ID+"&proposal="+b.Proposals["voting"]), chromedp.WaitVisible(css(`#d-ballot form`)))
			axeCheck(t, ctx, script, "a proposal with a ballot "+name)
			do(t, ctx, "an open proposal", chromedp.Navigate(env.URL+"/?alliance="+b.ID+"&proposal="+b.Proposals["open"]), chromedp.WaitVisible(css(`#d-amendments .diff`)))
			axeCheck(t, ctx, script, "an open proposal with an amendment "+name)
			do(t, ctx, "the amend dialog", chromedp.Click(css(`#d-actions [data-action=amend]`)), chromedp.WaitVisible(css(`dialog[open]`)))
			axeCheck(t, ctx, script, "the amendment dialog "+name)
		}
	}
}

// TestPageDialogKeepsFocus: Tab and Shift+Tab stay inside an open dialog.
func TestPageDialogKeepsFocus(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t)
	b := env.seedBoard()
	signInAt(t, ctx, env.URL+"/?alliance="+b.ID+"&proposal="+b.Proposals["open"], b.Members["McKesson"].Token)
	do(t, ctx, "open the dialog by keyboard", chromedp.WaitVisible(css(`#d-actions [data-action=amend]`)), chromedp.Focus(css(`#d-actions [data-action=amend]`)))
	press(t, ctx, kb.Enter)
	do(t, ctx, "dialog", chromedp.WaitVisible(css(`dialog[open]`)))
	for i := 0; i < 12; i++ {
		press(t, ctx, kb.Tab)
		require.True(t, js[bool](t, ctx, `!!document.activeElement.closest('dialog[open]')`), "Tab %d stays in the dialog", i+1)
	}
	for i := 0; i < 12; i++ {
		do(t, ctx, "shift+tab", chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(kb.ModifierShift)))
		require.True(t, js[bool](t, ctx, `!!document.activeElement.closest('dialog[open]')`), "Shift+Tab %d stays in the dialog", i+1)
	}
	press(t, ctx, kb.Escape)
	do(t, ctx, "closed", chromedp.WaitNotPresent(css(`dialog[open]`)))
	require.Equal(t, "amend", js[string](t, ctx, `document.activeElement.dataset.action || ''`))

	// A live update that rebuilds the buttons leaves the focus where it was.
	do(t, ctx, "mark the button", chromedp.Evaluate[chromedp.Void](`document.activeElement.dataset.old = '1'`))
	head := env.head(b.ID)
	env.must(201, "POST", "/v1/alliances/"+b.ID+"/proposals/"+b.Proposals["open"]+"/amendments", b.Members["Pfizer"].Token,
		map[string]any{"body": "Support the deadline.", "rationale": "Shorter"})
	until(t, ctx, "the amendment arrives", fmt.Sprintf(`!!document.querySelector('#audit li[data-seq="%d"]') && document.querySelectorAll('#d-amendments .amendment').length === 2`, int(head)+1))
	until(t, ctx, "the buttons were rebuilt", `!document.querySelector('#d-actions [data-action=amend]').dataset.old`)
	require.Equal(t, "amend", js[string](t, ctx, `document.activeElement.dataset.action || ''`), "the focus moved to the rebuilt button")
}

// TestPageRejectAndWithdraw: an author rejects the amendment waiting on its
// proposal, then withdraws the proposal with a reason.
func TestPageRejectAndWithdraw(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t)
	b := env.seedBoard()
	pid := b.Proposals["open"]
	signInAt(t, ctx, env.URL+"/?alliance="+b.ID+"&proposal="+pid, b.Members["Patients for Safe Medicines"].Token)
	do(t, ctx, "reject the amendment",
		chromedp.WaitVisible(css(`#d-amendments .reject button`)),
		chromedp.Click(css(`#d-amendments .reject button`)),
		chromedp.WaitVisible(css(`#d-amendments .amendment.rejected`)),
	)
	shows(t, ctx, `#d-amendments .amendment.rejected`, "Small pharmacies need time")
	do(t, ctx, "withdraw",
		chromedp.Click(css(`#d-actions [data-action=withdraw]`)),
		chromedp.WaitVisible(css(`dialog[open] textarea[name=reason]`)),
		chromedp.SendKeys(css(`dialog[open] textarea[name=reason]`), "Overtaken by the federal rule"),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	shows(t, ctx, `#d-meta`, "withdrawn")
	require.Zero(t, js[int](t, ctx, `document.querySelectorAll('#d-actions button').length`), "nothing is left to do on a withdrawn proposal")
	p := env.must(200, "GET", "/v1/alliances/"+b.ID+"/proposals/"+pid, adminToken, nil)
	require.Equal(t, "withdrawn", p["status"])
	require.Equal(t, "rejected", p["amendments"].([]any)[0].(map[string]any)["status"])
}
