package api_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"accord/domain"
)

// The tests in this file drive the page's signing: a member's key made in
// the browser (WebCrypto Ed25519, non-extractable, kept in IndexedDB), its
// registration, and every signable action signed with it, checked by the
// ledger and by its verifier.

// jsCase is one statement for the page's builder to make: the builder's
// name in statement.js, the header and the arguments after it.
type jsCase struct {
	Fn      string `json:"fn"`
	At      string `json:"at"`
	Command string `json:"command"`
	Args    []any  `json:"args"`
}

// statementCases are fixed inputs for every builder, with what the
// ledger's own builders make of them.
func statementCases(t *testing.T) ([]jsCase, []string) {
	t.Helper()
	const aid, mid = "0190a8c2-7c1e-7000-8000-000000000001", "0190a8c2-7c1e-7000-8000-000000000002"
	const pid, amid, cid, wid = "0190a8c2-7c1e-7000-8000-00000000000a", "0190a8c2-7c1e-7000-8000-00000000000b", "0190a8c2-7c1e-7000-8000-00000000000c", "0190a8c2-7c1e-7000-8000-00000000000d"
	instants := []string{"2026-11-22T10:00:00Z", "2026-11-22T10:00:00.12Z", "2027-01-01T23:59:59.999Z", "2026-02-03T04:05:06.5Z", "2026-11-22T10:00:00.001Z"}
	texts := []string{"", "Patients first.", "naïve café — “quoted”, 漢字 and 🧪", "line one\nline two\r\nthree\ttab", "  spaced  ", "nul\x00inside"}
	numbers := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 0.1 + 0.2, 12, 100, 1e20, 1e21, 1.5e21, 1e-6, 1e-7, 1.5e-7, 2.5e-10,
		123456789.125, -1234.5678, 33.333333333333336, 9007199254740993, 5e-324, math.MaxFloat64}
	var cases []jsCase
	var want []string
	add := func(fn string, i int, st domain.Statement, args ...any) {
		at := instants[i%len(instants)]
		ts, err := time.Parse(time.RFC3339Nano, at)
		require.NoError(t, err)
		cmd := fmt.Sprintf("cmd-%d-%s", i, fn)
		st.StatementHeader = domain.StatementHeader{AllianceID: aid, MemberID: mid, SignedAt: ts, CommandID: cmd}
		cases = append(cases, jsCase{Fn: fn, At: at, Command: cmd, Args: args})
		want = append(want, st.String())
	}
	h := domain.StatementHeader{}
	for i, stance := range []domain.Stance{domain.StanceAgree, domain.StanceDisagree, domain.StanceAbstain, domain.StanceBlock} {
		reason := texts[i%len(texts)]
		add("voteStatement", i, domain.VoteStatement(h, pid, i+1, stance, reason, ""), pid, i+1, stance, reason, "")
	}
	add("voteStatement", 4, domain.VoteStatement(h, pid, 3, domain.StanceAgree, "for a grantor", amid), pid, 3, domain.StanceAgree, "for a grantor", amid)
	for i, text := range texts {
		kind := []domain.ProposalKind{domain.KindResolution, domain.KindCharter, domain.KindOperatingAgreement, domain.KindPosition}[i%4]
		add("proposeStatement", i, domain.ProposeStatement(h, kind, text, texts[(i+1)%len(texts)]), kind, text, texts[(i+1)%len(texts)])
		add("amendStatement", i, domain.AmendStatement(h, pid, text, texts[(i+2)%len(texts)]), pid, text, texts[(i+2)%len(texts)])
	}
	add("acceptAmendmentStatement", 1, domain.AcceptAmendmentStatement(h, pid, amid), pid, amid)
	add("rejectAmendmentStatement", 2, domain.RejectAmendmentStatement(h, pid, amid), pid, amid)
	for i, n := range numbers {
		text := texts[i%len(texts)]
		if i%2 == 0 {
			add("commitStatement", i, domain.CommitStatement(h, pid, "", text, "SKUs", n, "2027-06-30"), pid, "", text, "SKUs", n, "2027-06-30")
		} else {
			add("commitStatement", i, domain.CommitStatement(h, "", wid, text, "% live", n, "2027-06-30"), "", wid, text, "% live", n, "2027-06-30")
		}
		add("reportProgressStatement", i, domain.ReportProgressStatement(h, cid, n, text), cid, n, text)
		add("fulfilStatement", i, domain.FulfilStatement(h, cid, n, text), cid, n, text)
	}
	return cases, want
}

// compareJS is the page's side of TestPageStatementsMatchGo: it makes every
// case with statement.js and answers the texts, then the trimmed texts,
// the key registration statement and the key id.
const compareJS = `(async () => {
  const m = await import('/assets/js/statement.js');
  const input = %s;
  const statements = [];
  for (const c of input.cases) {
    const h = { allianceID: %q, memberID: %q, signedAt: new Date(c.at), commandID: c.command };
    statements.push(await m[c.fn](h, ...c.args));
  }
  const raw = Uint8Array.from(atob(input.publicKey), (ch) => ch.charCodeAt(0));
  return {
    statements,
    trimmed: input.trims.map(m.trimSpace),
    registration: m.keyRegistrationStatement(%q, %q, input.publicKey),
    keyId: await m.keyID(raw),
  };
})()`

// TestPageStatementsMatchGo: the page's statement builders make, byte for
// byte, the statements the ledger's builders make for the same inputs,
// trim as the ledger trims, and name a key as the ledger does.
func TestPageStatementsMatchGo(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t)
	cases, want := statementCases(t)
	trims := []string{"  Shared recall notices  ", "\u0085 next line\u00a0", "\ufeffbyte order mark\ufeff", "\u3000ideographic\u2029", "\t\n\v\f\r x \r\n", "no space", ""}
	pub := testKey("browser-compare").Public().(ed25519.PublicKey)
	pubB64 := base64.StdEncoding.EncodeToString(pub)
	const aid, mid = "0190a8c2-7c1e-7000-8000-000000000001", "0190a8c2-7c1e-7000-8000-000000000002"
	input, err := json.Marshal(map[string]any{"cases": cases, "trims": trims, "publicKey": pubB64})
	require.NoError(t, err)

	do(t, ctx, "open the page", chromedp.Navigate(env.URL+"/"), chromedp.WaitVisible(css(`#signin-form`)))
	var got struct {
		Statements   []string `json:"statements"`
		Trimmed      []string `json:"trimmed"`
		Registration string   `json:"registration"`
		KeyID        string   `json:"keyId"`
	}
	raw := get(t, ctx, "the page's statements", chromedp.Evaluate[json.RawMessage](fmt.Sprintf(compareJS, input, aid, mid, aid, mid), chromedp.EvalAwaitPromise))
	require.NoError(t, json.Unmarshal(raw, &got))

	require.Len(t, got.Statements, len(want))
	for i := range want {
		require.Equal(t, want[i], got.Statements[i], "case %d: %s%v", i, cases[i].Fn, cases[i].Args)
	}
	for i, s := range trims {
		require.Equal(t, strings.TrimSpace(s), got.Trimmed[i], "trimming %q", s)
	}
	require.Equal(t, domain.KeyRegistrationStatement(aid, mid, pubB64), got.Registration)
	require.Equal(t, domain.KeyID(pub), got.KeyID)
	t.Logf("%d statements from the page's builders match the ledger's byte for byte", len(want))
}

// storedKey is a member's key as the page keeps it in IndexedDB, with what
// WebCrypto answered to each attempt to export its private half.
type storedKey struct {
	ID          string            `json:"id"`
	KeyID       string            `json:"keyId"`
	PublicKey   string            `json:"publicKey"`
	Member      string            `json:"member"`
	Type        string            `json:"type"`
	Algorithm   string            `json:"algorithm"`
	Extractable bool              `json:"extractable"`
	IsCryptoKey bool              `json:"isCryptoKey"`
	Exports     map[string]string `json:"exports"`
}

// storedKeysJS reads every key the page keeps, as the page itself could.
const storedKeysJS = `(async () => {
  const req = (r) => new Promise((ok, no) => { r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  const db = await req(indexedDB.open('accord-keys'));
  const recs = await req(db.transaction('keys').objectStore('keys').getAll());
  db.close();
  const out = [];
  for (const rec of recs) {
    const k = rec.private_key;
    const exports = {};
    for (const f of ['pkcs8', 'jwk', 'raw']) {
      try { await crypto.subtle.exportKey(f, k); exports[f] = 'exported'; } catch (e) { exports[f] = e.name; }
    }
    out.push({ id: rec.id, keyId: rec.key_id, publicKey: rec.public_key, member: rec.member_id, type: k.type,
      algorithm: k.algorithm.name, extractable: k.extractable, isCryptoKey: k instanceof CryptoKey, exports });
  }
  return out;
})()`

// storedKeys answers the keys the page of ctx keeps in its IndexedDB.
func storedKeys(t *testing.T, ctx context.Context) []storedKey {
	t.Helper()
	return get(t, ctx, "the keys in IndexedDB", chromedp.Evaluate[[]storedKey](storedKeysJS, chromedp.EvalAwaitPromise))
}

// createKeyInPage presses "Create a signing key" and answers the key id the
// card then shows as the key signing.
func createKeyInPage(t *testing.T, ctx context.Context) string {
	t.Helper()
	do(t, ctx, "create a key",
		chromedp.WaitVisible(css(`#key .create-key button`)),
		chromedp.Click(css(`#key .create-key button`)),
		chromedp.WaitVisible(css(`#key .key-state.signed code.key-id`)),
	)
	return js[string](t, ctx, `document.querySelector('#key .key-state.signed code.key-id').textContent`)
}

// clickLive clicks sel as soon as it is shown, finding and clicking it in
// one step in the page, so that a live update rebuilding it in between
// cannot make the click miss.
func clickLive(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	until(t, ctx, "click "+sel, fmt.Sprintf(`(() => { const el = document.querySelector(%q);
	  if (!el || !el.offsetParent) return false; el.click(); return true; })()`, sel))
}

// memberKey answers the key in force of member mid in the alliance's state.
func (e *testEnv) memberKey(aid, mid string) map[string]any {
	e.t.Helper()
	for _, m := range e.must(200, "GET", "/v1/alliances/"+aid, adminToken, nil)["members"].([]any) {
		if m := m.(map[string]any); m["id"] == mid {
			k, _ := m["key"].(map[string]any)
			return k
		}
	}
	e.t.Fatalf("no member %s", mid)
	return nil
}

// checkSigned requires that ev carries a signature by key keyID, of a
// statement for its own command, that verifies with pub; it answers the
// statement.
func checkSigned(t *testing.T, ev auditEvent, keyID string, pub ed25519.PublicKey) domain.Statement {
	t.Helper()
	sig, ok := ev.Data["signature"].(map[string]any)
	require.True(t, ok, "seq %d %s carries a signature: %v", ev.Seq, ev.Type, ev.Data)
	require.Equal(t, keyID, sig["key_id"], "seq %d", ev.Seq)
	raw, err := base64.StdEncoding.DecodeString(sig["sig"].(string))
	require.NoError(t, err)
	require.True(t, ed25519.Verify(pub, []byte(sig["statement"].(string)), raw), "seq %d: the signature verifies with the registered key", ev.Seq)
	st, err := domain.ParseStatement(sig["statement"].(string))
	require.NoError(t, err)
	require.Equal(t, ev.CommandID, st.CommandID, "the statement's command is the event's")
	require.Equal(t, ev.Actor.MemberID, st.MemberID)
	return st
}

// publicKeyOf decodes a key in force's public key.
func publicKeyOf(t *testing.T, key map[string]any) ed25519.PublicKey {
	t.Helper()
	pub, err := domain.ParsePublicKey("public_key", key["public_key"].(string))
	require.NoError(t, err)
	return pub
}

// lastOf answers the last event of type typ in evs.
func lastOf(t *testing.T, evs []auditEvent, typ string) auditEvent {
	t.Helper()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == typ {
			return evs[i]
		}
	}
	t.Fatalf("no %s", typ)
	return auditEvent{}
}

// axeWhereInstalled runs axe-core on the page, light and dark, when
// ACCORD_AXE names it (TestPageAccessibility says how to install it).
func axeWhereInstalled(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	path := os.Getenv("ACCORD_AXE")
	if path == "" {
		return
	}
	script, err := os.ReadFile(path)
	require.NoError(t, err)
	// A live event's row flashes in: judge the colours it settles on.
	until(t, ctx, "the new rows settle", `[...document.querySelectorAll('#audit li.fresh')].every((li) => li.getAnimations().every((a) => a.playState !== 'running'))`)
	for _, dark := range []bool{false, true} {
		darkMode(t, ctx, dark)
		axeCheck(t, ctx, script, fmt.Sprintf("%s (dark %v)", what, dark))
	}
	darkMode(t, ctx, false)
}

// TestPageKeySignsVote: a member creates a key in the page and registers
// it; the state shows it in force, the browser keeps it non-extractable;
// the member's vote is signed with it, shown as signed, and verifies. The
// member then replaces its key, and the changed vote is signed with the new
// one, which the page still holds after a reload.
func TestPageKeySignsVote(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t)
	a := env.formAlliance(liveCharter, 2)
	me, other := a.Members[0], a.Members[1]
	base := "/v1/alliances/" + a.ID
	pid := env.must(201, "POST", base+"/proposals", other.Token, map[string]any{"kind": "resolution", "title": "Shared recall notices", "body": "Notify within 24 hours."})["id"].(string)
	env.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
	signInAt(t, ctx, env.URL+"/?alliance="+a.ID+"&proposal="+pid, me.Token)

	// No key yet: the page offers one, and says the ballot goes unsigned.
	do(t, ctx, "the key card", chromedp.WaitVisible(css(`#key-card #key .create-key button`)), chromedp.WaitVisible(css(`#d-ballot .sign-note`)))
	shows(t, ctx, `#d-ballot .sign-note`, "Sent unsigned")

	// A registration refused is shown in words, and its key is not kept.
	js[bool](t, ctx, `(() => { const real = window.fetch; window.fetch = async (url, init) => {
	    if (init && init.method === 'PUT' && String(url).endsWith('/key')) { window.fetch = real;
	      return new Response('{"error":{"code":"conflict","message":"the test refuses this registration"}}', { status: 409 }); }
	    return real(url, init); };
	  return true; })()`)
	do(t, ctx, "a refused registration", chromedp.Click(css(`#key .create-key button`)))
	shows(t, ctx, `#key .error`, "the test refuses this registration")
	require.Empty(t, storedKeys(t, ctx), "a key the ledger refused is not kept")
	require.Nil(t, env.memberKey(a.ID, me.ID))

	started := time.Now()
	keyID := createKeyInPage(t, ctx)
	t.Logf("a key was made, kept and registered %v after the click", time.Since(started).Round(time.Millisecond))

	// The state shows it in force; the browser's copy is that key, and its
	// private half cannot leave the browser.
	inForce := env.memberKey(a.ID, me.ID)
	require.NotNil(t, inForce, "the state shows the member's key")
	require.Equal(t, keyID, inForce["key_id"])
	pub := publicKeyOf(t, inForce)
	require.Equal(t, domain.KeyID(pub), keyID)
	keys := storedKeys(t, ctx)
	require.Len(t, keys, 1)
	k := keys[0]
	require.Equal(t, keyID, k.KeyID)
	require.Equal(t, inForce["public_key"], k.PublicKey)
	require.Equal(t, me.ID, k.Member)
	require.True(t, k.IsCryptoKey, "stored as a CryptoKey object")
	require.Equal(t, "private", k.Type)
	require.Equal(t, "Ed25519", k.Algorithm)
	require.False(t, k.Extractable)
	for format, answer := range k.Exports {
		require.NotEqual(t, "exported", answer, "exportKey(%q) of the private key rejects", format)
	}
	t.Logf("exportKey of the private key: %v", k.Exports)
	shows(t, ctx, fmt.Sprintf(`#members [data-member=%q] .member-key`, me.ID), keyID)
	shows(t, ctx, `#d-ballot .sign-note.signed`, "Signed with your key "+keyID)

	// The vote goes signed with that key.
	do(t, ctx, "vote agree",
		chromedp.Click(css(`#d-ballot input[name=stance][value=agree]`)),
		chromedp.SendKeys(css(`#d-ballot textarea[name=reason]`), "Faster recalls — fewer harmed."),
		chromedp.Click(css(`#d-ballot button[type=submit]`)),
	)
	until(t, ctx, "the vote is recorded", `(document.querySelector('#d-ballot .my-stance') || {}).textContent?.includes('You voted agree')`)
	vote := lastOf(t, env.auditFrom(a.ID, 1), "VoteCast")
	st := checkSigned(t, vote, keyID, pub)
	require.Equal(t, domain.ActionVote, st.Action)
	require.Equal(t, domain.MeaningApproval, st.Meaning)
	verdict := env.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)
	require.Equal(t, true, verdict["ok"], "%v", verdict)
	require.GreaterOrEqual(t, verdict["signatures"], 1.0)

	// The page shows the stance as signed (§11.50), another's unsigned one
	// as unsigned, and the audit trail the same.
	env.must(200, "PUT", base+"/proposals/"+pid+"/vote", other.Token, map[string]any{"stance": "abstain", "reason": ""})
	mine := fmt.Sprintf(`#d-votes [data-member=%q] .sig.signed`, me.ID)
	for _, want := range []string{"Signed by Member A", "approval", "key " + keyID, st.SignedAt.UTC().Format("2006-01-02 15:04:05") + " UTC"} {
		shows(t, ctx, mine, want)
	}
	shows(t, ctx, fmt.Sprintf(`#d-votes [data-member=%q] .sig.unsigned`, other.ID), "Unsigned")
	shows(t, ctx, fmt.Sprintf(`#audit li[data-seq="%d"] .sig.signed`, vote.Seq), keyID)
	t.Logf("shown: %q", js[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).textContent`, mine)))

	// Replacing the key: the new one is in force, the old one is gone from
	// the browser, and the changed vote is signed with the new one.
	do(t, ctx, "replace the key",
		chromedp.Click(css(`#key [data-action=replace-key]`)),
		chromedp.WaitVisible(css(`dialog[open] button[type=submit]`)),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	until(t, ctx, "the new key signs", fmt.Sprintf(`(document.querySelector('#key .key-state.signed code.key-id') || {}).textContent !== %q`, keyID))
	newID := js[string](t, ctx, `document.querySelector('#key .key-state.signed code.key-id').textContent`)
	replaced := env.memberKey(a.ID, me.ID)
	require.Equal(t, newID, replaced["key_id"])
	require.Greater(t, replaced["seq"], inForce["seq"])
	keys = storedKeys(t, ctx)
	require.Len(t, keys, 1, "the replaced key is forgotten")
	require.Equal(t, newID, keys[0].KeyID)

	do(t, ctx, "reload: the key is still there", chromedp.Reload(), chromedp.WaitVisible(css(`#live.on`)), chromedp.WaitVisible(css(`#key .key-state.signed`)))
	require.Equal(t, newID, js[string](t, ctx, `document.querySelector('#key code.key-id').textContent`))
	do(t, ctx, "change the vote",
		chromedp.WaitVisible(css(`#d-ballot input[name=stance][value=disagree]`)),
		chromedp.Click(css(`#d-ballot input[name=stance][value=disagree]`)),
		fill(`#d-ballot textarea[name=reason]`, "On reflection: the 24 hours are not workable for small pharmacies."),
		chromedp.Click(css(`#d-ballot button[type=submit]`)),
	)
	until(t, ctx, "the change is recorded", `(document.querySelector('#d-ballot .my-stance') || {}).textContent?.includes('You voted disagree')`)
	evs := env.auditFrom(a.ID, 1)
	changed := lastOf(t, evs, "VoteCast")
	require.Equal(t, me.ID, changed.Actor.MemberID)
	st = checkSigned(t, changed, newID, publicKeyOf(t, replaced))
	require.Equal(t, domain.MeaningObjection, st.Meaning)
	verdict = env.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)
	require.Equal(t, true, verdict["ok"], "%v", verdict)
	require.Equal(t, 2.0, verdict["signatures"], "both votes, each with the key in force when it was cast")
	shows(t, ctx, fmt.Sprintf(`#d-votes [data-member=%q] .sig.signed`, me.ID), "objection · key "+newID)
}

// TestPageKeyRequiredCharter: under a charter that requires signatures the
// page says so before a member acts, and the ledger refuses an unsigned
// action (the page's, then one through the API) and writes nothing. With
// keys made in their pages, two members then do every signable action from
// the page — propose, amend, accept and reject an amendment, vote, commit,
// report progress and fulfil — each accepted signed, and the export
// verifies every signature.
func TestPageKeyRequiredCharter(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t, "403 (Forbidden)")
	a := env.formAlliance(map[string]any{"decision_rule": "consensus", "quorum": "1/2", "threshold": "3/4", "signatures": "required"}, 2)
	author, amender := a.Members[0], a.Members[1]
	base := "/v1/alliances/" + a.ID
	signInAt(t, ctx, env.URL+"/?alliance="+a.ID, author.Token)

	// Without a key: the page says signing is required, and an unsigned
	// proposal is refused in the ledger's words, with nothing written.
	shows(t, ctx, `#key .sign-required`, "requires signatures: create your signing key before you act")
	axeWhereInstalled(t, ctx, "the key card under a charter that requires signatures")
	saveScreenshot(t, ctx, "page-keys-required.png", false)
	head := env.head(a.ID)
	do(t, ctx, "propose unsigned",
		chromedp.Click(css(`#new-proposal`)),
		chromedp.WaitVisible(css(`dialog[open] input[name=title]`)),
		chromedp.SendKeys(css(`dialog[open] input[name=title]`), "Shared recall notices"),
		chromedp.SendKeys(css(`dialog[open] textarea[name=body]`), "Notify within 24 hours."),
	)
	shows(t, ctx, `dialog[open] .sign-note.required`, "Signing is required here")
	do(t, ctx, "send it", chromedp.Click(css(`dialog[open] button[type=submit]`)))
	shows(t, ctx, `dialog[open] .error`, "must be signed")
	t.Logf("refusal shown: %q", js[string](t, ctx, `document.querySelector('dialog[open] .error').textContent`))
	require.Equal(t, head, env.head(a.ID), "nothing is written")
	do(t, ctx, "dismiss", chromedp.Click(css(`dialog[open] .dialog-head button`)), chromedp.WaitNotPresent(css(`dialog[open]`)))

	// With a key, the same proposal (its title with spaces around, which the
	// ledger trims) is accepted.
	authorKey := createKeyInPage(t, ctx)
	require.Zero(t, js[int](t, ctx, `document.querySelectorAll('#key .sign-required').length`), "the requirement is met")
	do(t, ctx, "propose signed",
		chromedp.Click(css(`#new-proposal`)),
		chromedp.WaitVisible(css(`dialog[open] input[name=title]`)),
		chromedp.SendKeys(css(`dialog[open] input[name=title]`), "  Shared recall notices  "),
		chromedp.SendKeys(css(`dialog[open] textarea[name=body]`), "Notify within 24 hours."),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
		chromedp.WaitVisible(css(`#d-title`)),
	)
	pid := strings.TrimPrefix(get(t, ctx, "address", chromedp.Location()), env.URL+"/?alliance="+a.ID+"&proposal=")
	detailURL := env.URL + "/?alliance=" + a.ID + "&proposal=" + pid
	require.Equal(t, "Shared recall notices", env.must(200, "GET", base+"/proposals/"+pid, adminToken, nil)["title"])

	// The amender, in a browser context of its own, makes its key and
	// amends twice; the author accepts the first and rejects the second.
	am := newTab(t, ctx, "403 (Forbidden)")
	signInAt(t, am, detailURL, amender.Token)
	amenderKey := createKeyInPage(t, am)
	amend := func(text, why string) {
		t.Helper()
		clickLive(t, am, `#d-actions [data-action=amend]`)
		do(t, am, "amend",
			chromedp.WaitVisible(css(`dialog[open] textarea[name=body]`)),
			fill(`dialog[open] textarea[name=body]`, text),
			chromedp.SendKeys(css(`dialog[open] textarea[name=rationale]`), why),
			chromedp.Click(css(`dialog[open] button[type=submit]`)),
			chromedp.WaitNotPresent(css(`dialog[open]`)),
		)
	}
	amend("Notify within 24 hours, by the shared channel.", "One channel, not fifty.")
	clickLive(t, ctx, `#d-amendments .accept button`)
	do(t, ctx, "accepted", chromedp.WaitVisible(css(`#d-amendments .amendment.accepted`)))
	until(t, am, "version 2 reaches the amender", `document.querySelector('#d-meta').textContent.includes('version 2')`)
	amend("Notify within 48 hours, by the shared channel.", "Weekends.")
	clickLive(t, ctx, `#d-amendments .reject button`)
	do(t, ctx, "rejected", chromedp.WaitVisible(css(`#d-amendments .amendment.rejected`)))

	// Voting: an unsigned vote through the API is refused; both members vote
	// signed in their pages; the convener closes it.
	env.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
	head = env.head(a.ID)
	unsigned := env.do("PUT", base+"/proposals/"+pid+"/vote", amender.Token, map[string]any{"stance": "agree", "reason": ""})
	require.Equal(t, 403, unsigned.Status, "%s", unsigned.Body)
	require.Equal(t, head, env.head(a.ID), "nothing is written")
	for _, tab := range []context.Context{ctx, am} {
		do(t, tab, "vote agree",
			chromedp.WaitVisible(css(`#d-ballot input[name=stance][value=agree]`)),
			chromedp.Click(css(`#d-ballot input[name=stance][value=agree]`)),
			chromedp.SendKeys(css(`#d-ballot textarea[name=reason]`), "One channel saves days."),
			chromedp.Click(css(`#d-ballot button[type=submit]`)),
		)
		until(t, tab, "the vote is recorded", `(document.querySelector('#d-ballot .my-stance') || {}).textContent?.includes('You voted agree')`)
	}
	require.Equal(t, "adopted", env.must(200, "POST", base+"/proposals/"+pid+"/close", a.Convener.Token, map[string]any{})["result"])

	// The author commits (its metric with spaces around), reports progress
	// and fulfils without a final value: the ledger records the last one,
	// which the page signs.
	clickLive(t, ctx, `#d-actions [data-action=commit]`)
	do(t, ctx, "commit",
		chromedp.WaitVisible(css(`dialog[open] textarea[name=description]`)),
		chromedp.SendKeys(css(`dialog[open] textarea[name=description]`), "Join the shared channel at every site"),
		chromedp.SendKeys(css(`dialog[open] input[name=metric]`), "  sites live  "),
		chromedp.SendKeys(css(`dialog[open] input[name=target]`), "40"),
		fill(`dialog[open] input[name=due]`, time.Now().AddDate(0, 0, 30).Format("2006-01-02")),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	clickLive(t, ctx, `#d-commitments .commitment.open [data-action=progress]`)
	do(t, ctx, "report progress",
		chromedp.WaitVisible(css(`dialog[open] input[name=value]`)),
		chromedp.SendKeys(css(`dialog[open] input[name=value]`), "25.5"),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
	)
	until(t, ctx, "the progress shows", `document.querySelector('#d-commitments .commitment').textContent.includes('25.5 / 40')`)
	clickLive(t, ctx, `#d-commitments [data-action=fulfil]`)
	do(t, ctx, "fulfil",
		chromedp.WaitVisible(css(`dialog[open] textarea[name=note]`)),
		chromedp.SendKeys(css(`dialog[open] textarea[name=note]`), "All but the rural sites."),
		chromedp.Click(css(`dialog[open] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`dialog[open]`)),
		chromedp.WaitVisible(css(`#d-commitments .commitment.fulfilled`)),
	)

	// Every member action is signed with its member's key in force, and the
	// ledger's verifier accepts them all.
	keys := map[string]string{author.ID: authorKey, amender.ID: amenderKey}
	pubs := map[string]ed25519.PublicKey{author.ID: publicKeyOf(t, env.memberKey(a.ID, author.ID)), amender.ID: publicKeyOf(t, env.memberKey(a.ID, amender.ID))}
	var signed []string
	for _, ev := range env.auditFrom(a.ID, 1) {
		if _, ok := ev.Data["signature"]; !ok {
			continue
		}
		st := checkSigned(t, ev, keys[ev.Actor.MemberID], pubs[ev.Actor.MemberID])
		signed = append(signed, fmt.Sprintf("%s %s", ev.Type, st.Meaning))
		if ev.Type == "CommitmentFulfilled" {
			require.Equal(t, 25.5, ev.Data["value"], "the last value reported is the final one")
		}
		if ev.Type == "CommitmentMade" {
			require.Equal(t, "sites live", ev.Data["metric"])
		}
	}
	require.Equal(t, []string{
		"ProposalSubmitted authorship", "AmendmentProposed authorship", "AmendmentAccepted acceptance",
		"AmendmentProposed authorship", "AmendmentRejected rejection", "VoteCast approval", "VoteCast approval",
		"CommitmentMade commitment", "ProgressReported report", "CommitmentFulfilled attestation",
	}, signed)
	verdict := env.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)
	require.Equal(t, true, verdict["ok"], "%v", verdict)
	require.Equal(t, float64(len(signed)), verdict["signatures"])
	rec := env.must(200, "GET", base+"/proposals/"+pid+"/record", adminToken, nil)
	require.Len(t, rec["signatures"], 7, "the record shows the signatures of the proposal, its amendments and the votes")
	shows(t, ctx, `#d-record .record-sigs`, "Signed by Member B")
	do(t, ctx, "open the record", chromedp.Click(css(`#d-record summary`)))
	shows(t, ctx, fmt.Sprintf(`#d-votes [data-member=%q] .sig.signed`, amender.ID), "Signed by Member B")
	axeWhereInstalled(t, ctx, "signed stances, the record's signatures and the key in force")
	shots(t, ctx, "keys-signed")
}
