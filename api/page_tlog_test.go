package api_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"accord/transparency"
)

// The tests in this file drive the page's Transparency card: the checkpoint
// witnesses cosigned and whose witnesses they are, and the browser's own
// check, by a consistency proof verified in the page, that each head
// extends the checkpoint it saw before.

// consistencyCase is one consistency check for the page's verifier: sizes,
// proof and roots in base64, as the server answers them.
type consistencyCase struct {
	What  string   `json:"what"`
	M     uint64   `json:"m"`
	N     uint64   `json:"n"`
	Proof []string `json:"proof"`
	Old   string   `json:"old"`
	New   string   `json:"new"`
	goErr error
}

// consistencyJS is the page's side of TestPageConsistencyMatchesGo: it runs
// merkle.js's verifier on every case and answers "" for a proof accepted,
// else the error's name and message.
const consistencyJS = `(async () => {
  const { verifyConsistency } = await import('/assets/js/merkle.js');
  const { fromBase64 } = await import('/assets/js/bytes.js');
  const out = [];
  for (const c of %s) {
    try {
      await verifyConsistency(c.m, c.n, c.proof.map(fromBase64), fromBase64(c.old), fromBase64(c.new));
      out.push('');
    } catch (e) {
      out.push(e.name + ': ' + e.message);
    }
  }
  return out;
})()`

// flipped returns a copy of h with one bit changed.
func flipped(h [32]byte, bit int) [32]byte {
	h[bit/8%32] ^= 1 << (bit % 8)
	return h
}

// consistencyCases builds, for each pair of sizes, the true proof from
// tree and the same with one thing wrong: a proof hash, either root, a hash
// missing or one too many, or the proof of size n claimed for size n+1.
// Each case carries transparency's verdict.
func consistencyCases(t *testing.T, tree *transparency.Tree, pairs [][2]uint64) []consistencyCase {
	t.Helper()
	b64 := func(h [32]byte) string { return base64.StdEncoding.EncodeToString(h[:]) }
	var cases []consistencyCase
	add := func(what string, m, n uint64, proof [][32]byte, oldRoot, newRoot [32]byte) {
		c := consistencyCase{What: what, M: m, N: n, Proof: []string{}, Old: b64(oldRoot), New: b64(newRoot)}
		for _, h := range proof {
			c.Proof = append(c.Proof, b64(h))
		}
		c.goErr = transparency.VerifyConsistency(m, n, oldRoot, newRoot, proof)
		cases = append(cases, c)
	}
	for i, p := range pairs {
		m, n := p[0], p[1]
		proof, err := tree.ConsistencyProof(m, n)
		require.NoError(t, err)
		oldRoot, err := tree.RootAt(m)
		require.NoError(t, err)
		newRoot, err := tree.RootAt(n)
		require.NoError(t, err)
		add("true", m, n, proof, oldRoot, newRoot)
		add("old root changed", m, n, proof, flipped(oldRoot, i), newRoot)
		add("new root changed", m, n, proof, oldRoot, flipped(newRoot, 3*i))
		add("a hash too many", m, n, append(append([][32]byte{}, proof...), oldRoot), oldRoot, newRoot)
		if len(proof) > 0 {
			bad := append([][32]byte{}, proof...)
			k := i % len(bad)
			bad[k] = flipped(bad[k], 5*i+1)
			add(fmt.Sprintf("proof hash %d changed", k+1), m, n, bad, oldRoot, newRoot)
			add("a hash missing", m, n, proof[:len(proof)-1], oldRoot, newRoot)
		}
		if n < tree.Size() {
			next, err := tree.RootAt(n + 1)
			require.NoError(t, err)
			add("the proof of n claimed for n+1", m, n+1, proof, oldRoot, next)
		}
	}
	return cases
}

// TestPageConsistencyMatchesGo: the page's consistency verifier, run in
// the browser, accepts every true proof of transparency's tree and rejects
// every proof with one thing wrong, exactly as transparency's verifier
// does: for all pairs of sizes up to 40, and for pairs of larger sizes
// around and between powers of two.
func TestPageConsistencyMatchesGo(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t)
	var tree transparency.Tree
	for i := 1; i <= 300; i++ {
		tree.Append(fmt.Appendf(nil, `{"seq":%d,"type":"Leaf"}`, i))
	}
	var pairs [][2]uint64
	for n := uint64(1); n <= 40; n++ {
		for m := uint64(1); m <= n; m++ {
			pairs = append(pairs, [2]uint64{m, n})
		}
	}
	for _, p := range [][2]uint64{{63, 64}, {64, 65}, {127, 128}, {128, 256}, {128, 129}, {255, 256}, {256, 257}, {1, 300}, {299, 300}, {100, 300}, {129, 255}} {
		pairs = append(pairs, p)
	}
	rng := mrand.New(mrand.NewPCG(11, uint64(time.Now().UnixNano())))
	for range 120 {
		n := 1 + rng.Uint64N(300)
		pairs = append(pairs, [2]uint64{1 + rng.Uint64N(n), n})
	}
	cases := consistencyCases(t, &tree, pairs)
	input, err := json.Marshal(cases)
	require.NoError(t, err)

	do(t, ctx, "open the page", chromedp.Navigate(env.URL+"/"), chromedp.WaitVisible(css(`#signin-form`)))
	start := time.Now()
	got := get(t, ctx, "the page's verdicts", chromedp.Evaluate[[]string](fmt.Sprintf(consistencyJS, input), chromedp.EvalAwaitPromise))
	took := time.Since(start)
	require.Len(t, got, len(cases))
	accepted := 0
	for i, c := range cases {
		where := fmt.Sprintf("case %d (%s) from %d to %d", i, c.What, c.M, c.N)
		if c.What == "true" {
			require.NoError(t, c.goErr, "%s: transparency", where)
			require.Empty(t, got[i], "%s: the page", where)
			accepted++
			continue
		}
		require.Error(t, c.goErr, "%s: transparency accepts it", where)
		require.True(t, strings.HasPrefix(got[i], "ConsistencyError: "), "%s: the page answered %q", where, got[i])
	}
	t.Logf("%d cases over %d pairs of sizes (trees up to 300 leaves): the page accepted the %d true proofs and rejected the %d altered ones, as transparency did, in %v in the browser",
		len(cases), len(pairs), accepted, len(cases)-accepted, took.Round(time.Millisecond))
}

// tlogPage is an alliance whose page the tests open, with its log key and
// helpers to read the log as the server serves it.
type tlogPage struct {
	alliance
	env  *testEnv
	base string
	vkey string
}

func newTlogPage(t *testing.T, env *testEnv) tlogPage {
	t.Helper()
	a := env.formAlliance(liveCharter, 2)
	p := tlogPage{alliance: a, env: env, base: "/v1/alliances/" + a.ID}
	key := env.do("GET", p.base+"/log-key", a.Observer.Token, nil)
	require.Equal(t, 200, key.Status)
	p.vkey = strings.TrimSpace(string(key.Body))
	return p
}

// checkpoint answers the served checkpoint of size (0: the head), opened
// with the log key.
func (p tlogPage) checkpoint(t *testing.T, size int) ([]byte, transparency.Checkpoint) {
	t.Helper()
	path := p.base + "/checkpoint"
	if size > 0 {
		path += "?size=" + itoa(size)
	}
	ans := p.env.do("GET", path, p.Observer.Token, nil)
	require.Equal(t, 200, ans.Status, "%s", ans.Body)
	cp, err := transparency.OpenCheckpoint(ans.Body, p.vkey)
	require.NoError(t, err)
	return ans.Body, cp
}

// witness registers a witness key named name for party who.
func (p tlogPage) witness(t *testing.T, who party, name string) transparency.WitnessSigner {
	t.Helper()
	w, vkey := newWitness(t, name)
	p.env.must(201, "POST", p.base+"/witnesses", who.Token, map[string]any{"name": name, "vkey": vkey})
	return w
}

// cosign has who's witness w cosign the head and post its cosignature.
func (p tlogPage) cosign(t *testing.T, who party, w transparency.WitnessSigner) {
	t.Helper()
	note, cp := p.checkpoint(t, 0)
	p.env.must(201, "POST", p.base+"/checkpoint/cosignatures", who.Token, map[string]any{"checkpoint": string(note), "cosignature": string(mustCosign(t, w, cp))})
}

// propose adds an event to the log.
func (p tlogPage) propose(t *testing.T, title string) {
	t.Helper()
	p.env.must(201, "POST", p.base+"/proposals", p.Members[0].Token, map[string]any{"kind": "resolution", "title": title, "body": "b"})
}

const verdictJS = `document.getElementById('tlog').dataset.verdict`

// waitVerdict waits for the card's verdict with the head of size shown.
func waitVerdict(t *testing.T, ctx context.Context, verdict string, size int) {
	t.Helper()
	expr := fmt.Sprintf(`%s === %q && (document.querySelector('#tlog .tlog-head .size') || {}).textContent === %q`, verdictJS, verdict, itoa(size))
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(25*time.Second)))
	require.NoError(t, err, "the verdict %s at size %d; the card shows %q", verdict, size, js[string](t, ctx, `document.getElementById('tlog').textContent`))
}

// TestPageTransparencyCosignedAndExtends: a member's page shows the head
// checkpoint's size and root, the checkpoint the observer's and a member's
// witnesses cosigned, with their parties' names; after more events it
// verifies the consistency proof to the new head and says it extends the
// checkpoint it saw, which it then remembers.
func TestPageTransparencyCosignedAndExtends(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t)
	p := newTlogPage(t, env)
	regulator := p.witness(t, p.Observer, "fda-witness")
	member := p.witness(t, p.Members[1], "member-b-witness")
	p.cosign(t, p.Observer, regulator)
	p.cosign(t, p.Members[1], member)
	_, cosigned := p.checkpoint(t, 0)
	size := int(cosigned.Size)

	signInAt(t, ctx, env.URL+"/?alliance="+p.ID, p.Members[0].Token)
	waitVerdict(t, ctx, "first", size)
	require.Equal(t, base64.StdEncoding.EncodeToString(cosigned.Root[:]), js[string](t, ctx, `document.querySelector('#tlog .tlog-head .root').textContent`))
	shows(t, ctx, `#tlog .tlog-cosigned .size`, itoa(size))
	shows(t, ctx, `#tlog .cosigners`, "Food and Drug Administration")
	shows(t, ctx, `#tlog .cosigners`, "Member B")
	require.Equal(t, 2, js[int](t, ctx, `document.querySelectorAll('#tlog .cosigners li .ok').length`), "both cosignatures verify in the page")
	shows(t, ctx, `#tlog .tlog-facts`, "signature verified")
	require.False(t, js[bool](t, ctx, `!!document.getElementById('tlog-alarm').offsetParent`), "no alarm for an honest log")

	start := time.Now()
	p.propose(t, "Later")
	p.propose(t, "Later still")
	head := size + 2
	waitVerdict(t, ctx, "extends", head)
	t.Logf("the page verified the proof to the new head %v after the events were posted", time.Since(start).Round(time.Millisecond))
	shows(t, ctx, `#tlog .tlog-verdict`, "extends the checkpoint this browser saw before")
	shows(t, ctx, `#tlog .tlog-cosigned`, "the head extends it")
	_, now := p.checkpoint(t, head)
	var seen struct {
		Size int    `json:"size"`
		Root string `json:"root"`
	}
	require.NoError(t, json.Unmarshal([]byte(js[string](t, ctx, fmt.Sprintf(`localStorage.getItem('accord.tlog.%s')`, p.ID))), &seen))
	require.Equal(t, head, seen.Size)
	require.Equal(t, base64.StdEncoding.EncodeToString(now.Root[:]), seen.Root, "the page remembers the head it checked")
	shots(t, ctx, "transparency")
	saveScreenshot(t, ctx, "page-transparency-full.png", true)
	axeWhereInstalled(t, ctx, "the transparency card")
}

// setStorage sets localStorage key to value's JSON in the page of ctx.
func setStorage(t *testing.T, ctx context.Context, key string, value any) {
	t.Helper()
	raw, err := json.Marshal(value)
	require.NoError(t, err)
	do(t, ctx, "set "+key, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`localStorage.setItem(%q, %q)`, key, raw)))
}

// reload loads the page again and waits for it to follow the alliance.
func reload(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(css(`#live.on`)))
}

// TestPageTransparencyFlagsTampering: a checkpoint that does not extend the
// one the browser remembers — another root for the same size, a proof that
// fails from an earlier size, a tree smaller than one seen — or a log key
// other than the one pinned, or a checkpoint whose log signature fails, is
// flagged with both checkpoints shown, and what the browser remembered is
// kept as it was.
func TestPageTransparencyFlagsTampering(t *testing.T) {
	env := newEnv(t)
	ctx := browser(t)
	p := newTlogPage(t, env)
	p.propose(t, "Shared recall notices")
	headNote, head := p.checkpoint(t, 0)
	size := int(head.Size)
	_, earlier := p.checkpoint(t, size-3)
	b64 := func(root [32]byte) string { return base64.StdEncoding.EncodeToString(root[:]) }
	file, err := transparency.GenerateLogKey(rand.Reader)
	require.NoError(t, err)
	otherKey, err := transparency.ParseLogKey(file)
	require.NoError(t, err)
	otherVKey, err := otherKey.VerifierKey(p.ID)
	require.NoError(t, err)

	signInAt(t, ctx, env.URL+"/?alliance="+p.ID, p.Members[0].Token)
	waitVerdict(t, ctx, "first", size)
	seenKey, pinKey := "accord.tlog."+p.ID, "accord.tlog-key."+p.ID
	truth := map[string]any{"size": size, "root": b64(head.Root)}
	pin := map[string]any{"vkey": p.vkey, "at": time.Now().UTC().Format(time.RFC3339)}
	for _, c := range []struct {
		what          string
		seen, pinned  map[string]any
		problem, kept string
	}{
		{"another root for the same size", map[string]any{"size": size, "root": b64(earlier.Root)}, pin,
			fmt.Sprintf("another root for size %d", size), b64(earlier.Root)},
		{"a proof from an earlier size that fails", map[string]any{"size": size - 3, "root": b64(head.Root)}, pin,
			fmt.Sprintf("does not extend the one this browser saw (size %d)", size-3), b64(head.Root)},
		{"a larger tree seen before", map[string]any{"size": size + 5, "root": b64(head.Root)}, pin,
			fmt.Sprintf("fewer than the %d this browser saw", size+5), itoa(size + 5)},
		{"another log key pinned", truth, map[string]any{"vkey": otherVKey, "at": pin["at"]},
			"not the one this browser pinned", b64(head.Root)},
	} {
		setStorage(t, ctx, seenKey, c.seen)
		setStorage(t, ctx, pinKey, c.pinned)
		reload(t, ctx)
		until(t, ctx, c.what+" is flagged", verdictJS+` === 'flagged'`)
		shows(t, ctx, `#tlog .tlog-verdict[role=alert]`, c.problem)
		require.True(t, js[bool](t, ctx, `!!document.getElementById('tlog-alarm').offsetParent`), "%s: the alarm shows at the top", c.what)
		shows(t, ctx, `#tlog .tlog-evidence pre.seen`, c.kept)
		require.Equal(t, string(headNote), js[string](t, ctx, `document.querySelector('#tlog .tlog-evidence pre.now').textContent`), c.what)
		var kept map[string]any
		require.NoError(t, json.Unmarshal([]byte(js[string](t, ctx, fmt.Sprintf(`localStorage.getItem(%q)`, seenKey))), &kept))
		require.Equal(t, c.seen["root"], kept["root"], "%s: the checkpoint seen before is kept", c.what)
		require.EqualValues(t, c.seen["size"], kept["size"], c.what)
		t.Logf("%s: flagged", c.what)
	}
	shots(t, ctx, "transparency-flagged")
	saveScreenshot(t, ctx, "page-transparency-flagged-full.png", true)
	axeWhereInstalled(t, ctx, "a flagged log")
	clickLive(t, ctx, `#tlog-alarm [data-action=show-tlog]`)
	until(t, ctx, "the card has the focus", `document.activeElement.id === 'tlog-h'`)

	// The truth again: the page agrees it is the same checkpoint. Then the
	// server answers a head whose root was changed after the log signed it.
	setStorage(t, ctx, seenKey, truth)
	setStorage(t, ctx, pinKey, pin)
	reload(t, ctx)
	waitVerdict(t, ctx, "same", size)
	js[bool](t, ctx, fmt.Sprintf(`(() => { const real = window.fetch; window.fetch = async (url, init) => {
	    const res = await real(url, init);
	    if (!String(url).endsWith('/checkpoint')) return res;
	    const lines = (await res.text()).split('\n');
	    lines[2] = %q;
	    return new Response(lines.join('\n'), { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }); };
	  return true; })()`, b64(earlier.Root)))
	p.propose(t, "Later")
	until(t, ctx, "a forged head is flagged", verdictJS+` === 'flagged'`)
	shows(t, ctx, `#tlog .tlog-verdict`, fmt.Sprintf("The head checkpoint (size %d) does not carry a valid signature of the pinned log key", size+1))
	require.Equal(t, float64(size), js[float64](t, ctx, fmt.Sprintf(`JSON.parse(localStorage.getItem(%q)).size`, seenKey)), "a forged head is not remembered")
}
