package api_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestDashboardServesEmbeddedAssets checks the page and its assets come out
// of the binary with a strict content policy and revalidation by ETag.
func TestDashboardServesEmbeddedAssets(t *testing.T) {
	env := newEnv(t)
	page := env.do("GET", "/", "", nil)
	require.Equal(t, 200, page.Status)
	require.Contains(t, page.Header.Get("Content-Type"), "text/html")
	require.Contains(t, page.Header.Get("Content-Security-Policy"), "script-src 'self'")
	require.Contains(t, string(page.Body), `src="/assets/app.js"`)
	require.Equal(t, 200, env.do("GET", "/?alliance=0190a8c2-7c1e-7000-8000-000000000000", "", nil).Status)

	for path, ctype := range map[string]string{"/assets/app.js": "javascript", "/assets/app.css": "text/css", "/assets/mark.svg": "image/svg+xml"} {
		a := env.do("GET", path, "", nil)
		require.Equal(t, 200, a.Status, path)
		require.Contains(t, a.Header.Get("Content-Type"), ctype, path)
		etag := a.Header.Get("ETag")
		require.NotEmpty(t, etag, path)
		require.Equal(t, 304, env.do("GET", path, "", nil, "If-None-Match", etag).Status, path)
	}
	missing := env.do("GET", "/assets/nope.js", "", nil)
	require.Equal(t, 404, missing.Status)
	require.Equal(t, "not_found", missing.ErrorCode(t))
	require.Equal(t, 404, env.do("GET", "/assets/web.go", "", nil).Status)
}

// board is an alliance seeded to look like one a board runs.
type board struct {
	ID       string
	Convener party
	Members  map[string]party
	Observer party
	// Proposals by short name: adopted, rejected, voting, contested, open.
	Proposals map[string]string
}

// seedBoard forms an alliance with named parties, a decided proposal with
// commitments, a rejected one, two in voting and one still open.
func (e *testEnv) seedBoard() board {
	e.t.Helper()
	out := e.must(201, "POST", "/v1/alliances", adminToken, map[string]any{
		"name": "Pharmaceutical Distribution Security Alliance", "purpose": "End-to-end traceability of prescription medicines, from manufacturer to pharmacy shelf.",
		"charter": map[string]any{"decision_rule": "consensus", "quorum": "1/2", "threshold": "3/4"},
	})
	b := board{ID: out["id"].(string), Members: map[string]party{}, Proposals: map[string]string{}}
	aid := "/v1/alliances/" + b.ID
	admit := func(name, sector, role string) party {
		m := e.must(201, "POST", aid+"/members", adminToken, map[string]any{"name": name, "sector": sector, "role": role})
		return party{ID: m["id"].(string), Token: m["token"].(string)}
	}
	b.Convener = admit("Intermountain Health", "Health system", "convener")
	for _, m := range [][2]string{
		{"McKesson", "Distributor"}, {"Pfizer", "Manufacturer"}, {"CVS Health", "Pharmacy"},
		{"Blue Cross Blue Shield", "Payer"}, {"Patients for Safe Medicines", "Patient group"}, {"Cardinal Health", "Distributor"},
	} {
		b.Members[m[0]] = admit(m[0], m[1], "member")
	}
	o := e.must(201, "POST", aid+"/observers", adminToken, map[string]any{"name": "Food and Drug Administration"})
	b.Observer = party{ID: o["id"].(string), Token: o["token"].(string)}

	tok := func(name string) string {
		if name == "Intermountain Health" {
			return b.Convener.Token
		}
		return b.Members[name].Token
	}
	propose := func(key, author, kind, title string) string {
		p := e.must(201, "POST", aid+"/proposals", tok(author), map[string]any{"kind": kind, "title": title, "body": title + ", as set out in the annex."})
		b.Proposals[key] = p["id"].(string)
		return b.Proposals[key]
	}
	vote := func(pid, who, stance, reason string) {
		e.must(200, "PUT", aid+"/proposals/"+pid+"/vote", tok(who), map[string]any{"stance": stance, "reason": reason})
	}
	openVoting := func(pid string) {
		e.must(200, "POST", aid+"/proposals/"+pid+"/voting", b.Convener.Token, map[string]any{})
	}

	adopted := propose("adopted", "Pfizer", "resolution", "Serialize every saleable unit at package level")
	am := e.must(201, "POST", aid+"/proposals/"+adopted+"/amendments", tok("McKesson"), map[string]any{"body": "Serialize every saleable unit at package level by June 2027.", "rationale": "A date makes it auditable"})
	e.must(200, "POST", aid+"/proposals/"+adopted+"/amendments/"+am["id"].(string)+"/accept", tok("Pfizer"), map[string]any{})
	openVoting(adopted)
	for who, stance := range map[string]string{"Intermountain Health": "agree", "McKesson": "agree", "Pfizer": "agree", "CVS Health": "agree", "Patients for Safe Medicines": "agree", "Blue Cross Blue Shield": "abstain", "Cardinal Health": "disagree"} {
		vote(adopted, who, stance, "Considered by our board")
	}
	e.must(200, "POST", aid+"/proposals/"+adopted+"/close", b.Convener.Token, map[string]any{})

	rejected := propose("rejected", "Cardinal Health", "resolution", "Fund a shared verification router from member dues")
	openVoting(rejected)
	vote(rejected, "Cardinal Health", "agree", "")
	vote(rejected, "McKesson", "agree", "")
	vote(rejected, "Patients for Safe Medicines", "block", "Costs would reach patients")
	vote(rejected, "CVS Health", "disagree", "")
	e.must(200, "POST", aid+"/proposals/"+rejected+"/close", b.Convener.Token, map[string]any{})

	for _, c := range []struct {
		who, desc, metric string
		target            float64
		due               string
		progress          []float64
	}{
		{"McKesson", "Bring every distribution centre onto serialized receiving", "% of centres live", 100, "2027-06-30", []float64{40, 65}},
		{"Pfizer", "Print 2D DataMatrix codes on all US packs", "% of SKUs", 100, "2027-03-31", []float64{80}},
		{"CVS Health", "Verify serials on all returns before resale", "stores", 9000, "2027-09-30", []float64{2100}},
	} {
		cm := e.must(201, "POST", aid+"/commitments", tok(c.who), map[string]any{"proposal_id": adopted, "description": c.desc, "metric": c.metric, "target": c.target, "due": c.due})
		for _, v := range c.progress {
			e.must(200, "POST", aid+"/commitments/"+cm["id"].(string)+"/progress", tok(c.who), map[string]any{"value": v, "note": "Quarterly report"})
		}
	}

	voting := propose("voting", "CVS Health", "operating_agreement", "Quarantine suspect product within 24 hours")
	openVoting(voting)
	vote(voting, "CVS Health", "agree", "")
	vote(voting, "Intermountain Health", "agree", "")
	vote(voting, "Blue Cross Blue Shield", "abstain", "")

	contested := propose("contested", "Blue Cross Blue Shield", "resolution", "Publish a shared recall notification channel")
	openVoting(contested)
	vote(contested, "Blue Cross Blue Shield", "agree", "")
	vote(contested, "Cardinal Health", "disagree", "")

	open := propose("open", "Patients for Safe Medicines", "position", "Position on the 2027 enforcement deadline")
	e.must(201, "POST", aid+"/proposals/"+open+"/amendments", tok("McKesson"), map[string]any{"body": "Support the deadline, with a small-dispenser exemption.", "rationale": "Small pharmacies need time"})
	return b
}

// chromium returns the browser to drive, or skips the test outside CI.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ACCORD_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium found: CI must install it (.ci/run does) or set ACCORD_CHROMIUM")
	}
	t.Skip("no chromium found: install Debian's chromium or set ACCORD_CHROMIUM; CI runs this test")
	return ""
}

// browser starts a fresh headless chromium and returns a context for it;
// any uncaught exception, console error or error logged by the browser (a
// failed load, a blocked script) fails the test, unless it contains one of
// the expected strings.
func browser(t *testing.T, expected ...string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1600, 1000),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("hide-scrollbars", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	watchErrors(t, ctx, expected...)
	return ctx
}

// watchErrors fails the test on any uncaught exception, console error or
// error logged by the browser (a failed load, a blocked script) in the tab
// of ctx, unless it contains one of the expected strings.
func watchErrors(t *testing.T, ctx context.Context, expected ...string) {
	t.Helper()
	var mu sync.Mutex
	var problems []string
	report := func(s string) {
		for _, e := range expected {
			if strings.Contains(s, e) {
				return
			}
		}
		mu.Lock()
		problems = append(problems, s)
		mu.Unlock()
	}
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			report(fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				report("console error: " + strings.Join(args, " "))
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				report(fmt.Sprintf("browser error: %s %s", ev.Entry.Text, ev.Entry.URL))
			}
		}
	}), "start chromium")
	_, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	require.NoError(t, err)
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		require.Empty(t, problems, "the page reported errors")
	})
}

// do runs browser steps with a generous deadline.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, steps...), what)
}

// get runs one browser action that answers a value.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err, what)
	return v
}

// TestDashboardInBrowser signs in on the real page in headless chromium,
// opens an alliance by its link, watches a vote cast through the API move
// its tally, and saves a screenshot under artifacts/.
func TestDashboardInBrowser(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t) // after env: its cleanup ends the page's stream first
	b := env.seedBoard()
	pid := b.Proposals["voting"]
	card := fmt.Sprintf(`#voting [data-proposal=%q]`, pid)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	do(t, ctx, "open the link and sign in",
		chromedp.Navigate(env.URL+"/?alliance="+b.ID),
		chromedp.WaitVisible(css(`#signin-form`)),
		chromedp.SendKeys(css(`#token`), b.Convener.Token),
		chromedp.Click(css(`#signin-submit`)),
		chromedp.WaitVisible(css(card+` .vote-turnout .n`)),
		chromedp.WaitVisible(css(`#live.on`)),
	)
	require.Equal(t, "Pharmaceutical Distribution Security Alliance", get(t, ctx, "name", chromedp.Text(css(`#a-name`))))
	require.Equal(t, "3/7", get(t, ctx, "turnout", chromedp.Text(css(card+` .vote-turnout .n`))))
	require.Equal(t, "2", get(t, ctx, "agree", chromedp.AttributeValue(css(card+` .seg.agree`), "data-count")).Value)
	require.Positive(t, get(t, ctx, "audit rows", chromedp.Evaluate[int](`document.querySelectorAll('#audit li').length`)))

	// A vote through the API appears on the page: the tally and the trail.
	start := time.Now()
	env.must(200, "PUT", "/v1/alliances/"+b.ID+"/proposals/"+pid+"/vote", b.Members["Pfizer"].Token, map[string]any{"stance": "agree", "reason": "Aligned with our SOPs"})
	answered := time.Since(start)
	head := int(env.head(b.ID))
	seen := get(t, ctx, "see the vote", chromedp.Poll[bool](
		fmt.Sprintf(`document.querySelector(%q).dataset.count === "3" && document.querySelector('#audit li[data-seq="%d"]') !== null`, card+" .seg.agree", head),
		chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	require.True(t, seen)
	t.Logf("the vote showed on the page %v after its request was sent (the API answered in %v)", time.Since(start).Round(time.Millisecond), answered.Round(time.Millisecond))

	// The "if closed now" line agrees with the server's provisional record.
	rec := env.must(200, "GET", "/v1/alliances/"+b.ID+"/proposals/"+pid+"/record", adminToken, nil)
	want := rec["provisional"].(map[string]any)["result"].(string)
	get(t, ctx, "turnout 4/7", chromedp.Poll[bool](fmt.Sprintf(`document.querySelector(%q).textContent === "4/7"`, card+" .vote-turnout .n"), chromedp.WithPollingTimeout(10*time.Second)))
	// Live updates redraw the card: wait for its forecast to say what the
	// server says, and show what it said instead if it never does.
	forecast := fmt.Sprintf(`document.querySelector(%q)?.textContent ?? ""`, card+" .forecast b")
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`%s === %q`, forecast, want), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		require.Equal(t, want, get(t, ctx, "forecast", chromedp.Evaluate[string](forecast)), "the forecast never agreed with the record: %v", err)
	}

	saveScreenshot(t, ctx, "dashboard-screen.png", false)

	// The decision record opens under a decision.
	adopted := fmt.Sprintf(`#decisions [data-proposal=%q]`, b.Proposals["adopted"])
	do(t, ctx, "open a decision record",
		chromedp.Click(css(adopted+` button.link`)),
		chromedp.WaitVisible(css(adopted+` .record`)),
	)
	recordText := get(t, ctx, "record text", chromedp.TextContent(css(adopted+` .record`)))
	require.Contains(t, recordText, "Stances, with every change")
	require.Contains(t, recordText, "Rests on")

	saveScreenshot(t, ctx, "dashboard.png", true)

	// Signing out ends the session: the page asks for a token again.
	do(t, ctx, "sign out",
		chromedp.Click(css(`#signout`)),
		chromedp.WaitVisible(css(`#signin-form`)),
		chromedp.Reload(),
		chromedp.WaitVisible(css(`#signin-form`)),
	)
}

// TestDashboardPickerForAdmin signs in with a wrong token, then as the
// admin, who picks an alliance from the list; the link then opens it.
func TestDashboardPickerForAdmin(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t, "401 (Unauthorized)")
	first := env.seedBoard()
	second := env.formAlliance(liveCharter, 2)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	do(t, ctx, "a wrong token",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(css(`#signin-form`)),
		chromedp.SendKeys(css(`#token`), "acc_not-a-token"),
		chromedp.Click(css(`#signin-submit`)),
	)
	// The error line is in the page from the start, empty: wait for its words.
	get(t, ctx, "the refusal in words", chromedp.Poll[bool](`document.getElementById('signin-error').textContent !== ''`, chromedp.WithPollingTimeout(10*time.Second)))
	require.Equal(t, "That token is not valid.", get(t, ctx, "error", chromedp.Text(css(`#signin-error`))))
	saveScreenshot(t, ctx, "signin.png", false)

	do(t, ctx, "the admin signs in and sees every alliance",
		chromedp.Evaluate[chromedp.Void](`document.getElementById('token').value = ''`),
		chromedp.SendKeys(css(`#token`), adminToken),
		chromedp.Click(css(`#signin-submit`)),
		chromedp.WaitVisible(css(`#picker`)),
	)
	require.Equal(t, 2, get(t, ctx, "cards", chromedp.Evaluate[int](`document.querySelectorAll('#alliance-list a').length`)))
	saveScreenshot(t, ctx, "picker.png", false)

	do(t, ctx, "pick the second",
		chromedp.Click(css(fmt.Sprintf(`#alliance-list a[href="/?alliance=%s"]`, second.ID))),
		chromedp.WaitVisible(css(`#live.on`)),
	)
	require.Equal(t, env.URL+"/?alliance="+second.ID, get(t, ctx, "location", chromedp.Location()))
	require.Equal(t, "2", get(t, ctx, "members", chromedp.Evaluate[string](`String(document.querySelectorAll('#members li').length - 1)`)), "the convener and two members")

	do(t, ctx, "open the first by its link, signed in already",
		chromedp.Navigate(env.URL+"/?alliance="+first.ID),
		chromedp.WaitVisible(css(`#live.on`)),
	)
	require.Equal(t, "Pharmaceutical Distribution Security Alliance", get(t, ctx, "name", chromedp.Text(css(`#a-name`))))
}

// saveScreenshot writes a PNG of the screen (or the whole page) to
// artifacts/ at the repository root.
func saveScreenshot(t *testing.T, ctx context.Context, name string, fullPage bool) {
	t.Helper()
	do(t, ctx, "scroll up and let the bars settle",
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`),
		chromedp.Sleep(900*time.Millisecond))
	shot := chromedp.CaptureScreenshot()
	if fullPage {
		shot = chromedp.FullScreenshot(100)
	}
	png := get(t, ctx, "screenshot", shot)
	dir := filepath.Join("..", "artifacts")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, png, 0o644))
	abs, _ := filepath.Abs(path)
	t.Logf("screenshot: %s", abs)
}
