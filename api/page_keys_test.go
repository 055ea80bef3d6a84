package api_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
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
	for i, stance := range []string{"agree", "disagree", "abstain", "block"} {
		reason := texts[i%len(texts)]
		add("voteStatement", i, domain.VoteStatement(h, pid, i+1, stance, reason, ""), pid, i+1, stance, reason, "")
	}
	add("voteStatement", 4, domain.VoteStatement(h, pid, 3, "agree", "for a grantor", amid), pid, 3, "agree", "for a grantor", amid)
	for i, text := range texts {
		add("proposeStatement", i, domain.ProposeStatement(h, "resolution", text, texts[(i+1)%len(texts)]), "resolution", text, texts[(i+1)%len(texts)])
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
