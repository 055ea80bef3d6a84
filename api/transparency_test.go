package api_test

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"accord/transparency"
)

// tlogAlliance is a decided alliance with its export's lines and log key.
type tlogAlliance struct {
	decided
	lines [][]byte
	vkey  string
}

func newTlogAlliance(t *testing.T, e *testEnv) tlogAlliance {
	t.Helper()
	d := decide(t, e)
	a := tlogAlliance{decided: d}
	export := e.do("GET", d.base+"/audit/export", d.Observer.Token, nil)
	require.Equal(t, 200, export.Status)
	a.lines = bytes.Split(bytes.TrimSuffix(export.Body, []byte("\n")), []byte("\n"))
	key := e.do("GET", d.base+"/log-key", d.Observer.Token, nil)
	require.Equal(t, 200, key.Status)
	require.Equal(t, "text/plain; charset=utf-8", key.Header.Get("Content-Type"))
	a.vkey = strings.TrimSuffix(string(key.Body), "\n")
	return a
}

// merkleRoot is the RFC 6962 root of lines computed by hand, from the
// definition, with nothing of accord's.
func merkleRoot(lines [][]byte) []byte {
	h := rfc6962.DefaultHasher
	switch len(lines) {
	case 0:
		return h.EmptyRoot()
	case 1:
		return h.HashLeaf(lines[0])
	}
	k := 1
	for k*2 < len(lines) {
		k *= 2
	}
	return h.HashChildren(merkleRoot(lines[:k]), merkleRoot(lines[k:]))
}

// TestCheckpointsOpenWithTheServedKey checks the head checkpoint and one
// of every size open with the served log key, both with transparency and
// with the sumdb note library, and carry the root computed independently
// from the export's lines.
func TestCheckpointsOpenWithTheServedKey(t *testing.T) {
	e := newEnv(t)
	a := newTlogAlliance(t, e)
	verifier, err := note.NewVerifier(a.vkey)
	require.NoError(t, err)
	for size := 1; size <= len(a.lines); size++ {
		path := a.base + "/checkpoint?size=" + itoa(size)
		if size == len(a.lines) {
			path = a.base + "/checkpoint"
		}
		ans := e.do("GET", path, a.Members[0].Token, nil)
		require.Equal(t, 200, ans.Status, "%s", ans.Body)
		require.Equal(t, "text/plain; charset=utf-8", ans.Header.Get("Content-Type"))
		cp, err := transparency.OpenCheckpoint(ans.Body, a.vkey)
		require.NoError(t, err)
		require.Equal(t, uint64(size), cp.Size)
		require.Equal(t, merkleRoot(a.lines[:size]), cp.Root[:], "size %d", size)
		n, err := note.Open(ans.Body, note.VerifierList(verifier))
		require.NoError(t, err)
		require.Equal(t, "accord/"+a.ID+"\n"+itoa(size)+"\n"+base64.StdEncoding.EncodeToString(cp.Root[:])+"\n", n.Text)
	}
	for _, bad := range []string{"0", "-1", "x", ""} {
		ans := e.do("GET", a.base+"/checkpoint?size="+bad, a.Members[0].Token, nil)
		errorAnswer(t, ans, 400, "invalid")
	}
	errorAnswer(t, e.do("GET", a.base+"/checkpoint?size="+itoa(len(a.lines)+1), a.Members[0].Token, nil), 404, "not_found")
	errorAnswer(t, e.do("GET", a.base+"/checkpoint/cosigned", a.Members[0].Token, nil), 404, "not_found")
}

// TestReceiptsVerifyAgainstTheServedCheckpoint checks inclusion proofs of
// several events in trees of several sizes verify against the served
// checkpoint and the export's lines, and that bad seqs and sizes are
// refused.
func TestReceiptsVerifyAgainstTheServedCheckpoint(t *testing.T) {
	e := newEnv(t)
	a := newTlogAlliance(t, e)
	n := len(a.lines)
	for _, size := range []int{1, 2, 5, n - 1, n} {
		for _, seq := range []int{1, (size + 1) / 2, size} {
			path := a.base + "/proofs/inclusion?seq=" + itoa(seq) + "&size=" + itoa(size)
			ans := e.do("GET", path, a.Observer.Token, nil)
			require.Equal(t, 200, ans.Status, "%s: %s", path, ans.Body)
			index, cp, err := transparency.VerifyReceipt(ans.Body, a.lines[seq-1], a.vkey)
			require.NoError(t, err, path)
			require.Equal(t, uint64(seq-1), index)
			require.Equal(t, uint64(size), cp.Size)
			checkpoint := e.do("GET", a.base+"/checkpoint?size="+itoa(size), a.Observer.Token, nil)
			require.True(t, bytes.HasSuffix(ans.Body, checkpoint.Body), "the receipt ends with the served checkpoint")
			if seq != size || seq > 1 {
				_, _, err = transparency.VerifyReceipt(ans.Body, a.lines[seq%size], a.vkey)
				require.Error(t, err, "another event's line does not verify")
			}
		}
	}
	head := e.do("GET", a.base+"/proofs/inclusion?seq=3", a.Observer.Token, nil)
	_, cp, err := transparency.VerifyReceipt(head.Body, a.lines[2], a.vkey)
	require.NoError(t, err)
	require.Equal(t, uint64(n), cp.Size, "the default size is the head")
	for path, status := range map[string]int{
		"?seq=0": 400, "?seq=x": 400, "": 400, "?seq=3&size=2": 400, "?seq=1&size=0": 400,
		"?seq=" + itoa(n+1): 400, "?seq=1&size=" + itoa(n+1): 404,
	} {
		errorAnswer(t, e.do("GET", a.base+"/proofs/inclusion"+path, a.Observer.Token, nil), status, codeOf(status))
	}
}

// TestConsistencyProofsVerify checks consistency proofs between random
// pairs of sizes verify with the merkle library against roots computed
// from the export's lines.
func TestConsistencyProofsVerify(t *testing.T) {
	e := newEnv(t)
	a := newTlogAlliance(t, e)
	n := len(a.lines)
	rng := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
	pairs := [][2]int{{1, 1}, {1, n}, {n, n}}
	for range 12 {
		m := 1 + rng.IntN(n)
		pairs = append(pairs, [2]int{m, m + rng.IntN(n-m+1)})
	}
	for _, p := range pairs {
		from, to := p[0], p[1]
		got := e.must(200, "GET", a.base+"/proofs/consistency?from="+itoa(from)+"&to="+itoa(to), a.Observer.Token, nil)
		require.Equal(t, float64(from), got["from"])
		require.Equal(t, float64(to), got["to"])
		var hashes [][]byte
		for _, h := range got["hashes"].([]any) {
			raw, err := base64.StdEncoding.DecodeString(h.(string))
			require.NoError(t, err)
			hashes = append(hashes, raw)
		}
		err := proof.VerifyConsistency(rfc6962.DefaultHasher, uint64(from), uint64(to), hashes, merkleRoot(a.lines[:from]), merkleRoot(a.lines[:to]))
		require.NoError(t, err, "from %d to %d", from, to)
	}
	for path, status := range map[string]int{
		"?from=0&to=2": 400, "?from=3&to=2": 400, "?to=2": 400, "?from=1": 400, "?from=1&to=" + itoa(n+1): 404,
	} {
		errorAnswer(t, e.do("GET", a.base+"/proofs/consistency"+path, a.Observer.Token, nil), status, codeOf(status))
	}
}

// TestWitnessesCosign checks a member's and an observer's witnesses
// register and cosign, the cosigned route serves their cosignatures, and
// cosignatures of unknown keys, of another party's witness, over another
// root, or on a note the log did not sign are refused with nothing stored.
func TestWitnessesCosign(t *testing.T) {
	e := newEnv(t)
	a := newTlogAlliance(t, e)
	member, observer := a.Members[0], a.Observer
	mw, mvkey := newWitness(t, "member-witness")
	ow, ovkey := newWitness(t, "regulator-witness")
	registered := e.must(201, "POST", a.base+"/witnesses", member.Token, map[string]any{"name": "member-witness", "vkey": mvkey})
	require.Equal(t, member.ID, registered["party_id"])
	e.must(201, "POST", a.base+"/witnesses", observer.Token, map[string]any{"name": "regulator-witness", "vkey": ovkey})
	errorAnswer(t, e.do("POST", a.base+"/witnesses", observer.Token, map[string]any{"name": "other-name", "vkey": ovkey}), 400, "invalid")
	errorAnswer(t, e.do("POST", a.base+"/witnesses", observer.Token, map[string]any{"name": "x", "vkey": "x+00000000+AQ=="}), 400, "invalid")
	errorAnswer(t, e.do("POST", a.base+"/witnesses", member.Token, map[string]any{"name": "member-witness", "vkey": mvkey}), 409, "conflict")
	state := e.must(200, "GET", a.base, observer.Token, nil)
	require.Len(t, state["witnesses"], 2)

	size := int(e.head(a.ID))
	served := e.do("GET", a.base+"/checkpoint", member.Token, nil).Body
	cp, err := transparency.OpenCheckpoint(served, a.vkey)
	require.NoError(t, err)
	post := func(tok string, cpNote []byte, line []byte) answer {
		return e.do("POST", a.base+"/checkpoint/cosignatures", tok, map[string]any{"checkpoint": string(cpNote), "cosignature": string(line)})
	}
	nothingStored := func() {
		t.Helper()
		errorAnswer(t, e.do("GET", a.base+"/checkpoint/cosigned", member.Token, nil), 404, "not_found")
		require.Equal(t, served, e.do("GET", a.base+"/checkpoint", member.Token, nil).Body)
	}
	stranger, _ := newWitness(t, "member-witness") // the same name, another key
	errorAnswer(t, post(member.Token, served, mustCosign(t, stranger, cp)), 400, "invalid")
	errorAnswer(t, post(observer.Token, served, mustCosign(t, mw, cp)), 403, "forbidden")
	other := cp
	other.Root[0] ^= 1
	errorAnswer(t, post(member.Token, served, mustCosign(t, mw, other)), 400, "invalid")
	forged := bytes.Replace(served, []byte("\n"+itoa(size)+"\n"), []byte("\n"+itoa(size-1)+"\n"), 1)
	errorAnswer(t, post(member.Token, forged, mustCosign(t, mw, cp)), 400, "invalid")
	errorAnswer(t, post(member.Token, served, []byte("— member-witness bm90IGEgc2lnbmF0dXJl")), 400, "invalid")
	errorAnswer(t, post(adminToken, served, mustCosign(t, mw, cp)), 403, "forbidden")
	nothingStored()

	stored := e.must(201, "POST", a.base+"/checkpoint/cosignatures", member.Token, map[string]any{"checkpoint": string(served), "cosignature": string(mustCosign(t, mw, cp))})
	require.Equal(t, float64(size), stored["size"])
	require.Equal(t, registered["id"], stored["witness_id"])
	e.must(201, "POST", a.base+"/checkpoint/cosignatures", observer.Token, map[string]any{"checkpoint": string(served), "cosignature": strings.TrimSuffix(string(mustCosign(t, ow, cp)), "\n")})

	cosigned := e.do("GET", a.base+"/checkpoint/cosigned", observer.Token, nil)
	require.Equal(t, 200, cosigned.Status)
	got, cosigs, err := transparency.VerifyCosigned(cosigned.Body, a.vkey, []string{mvkey, ovkey}, 2)
	require.NoError(t, err)
	require.Equal(t, cp, got)
	require.Len(t, cosigs, 2)
	require.Equal(t, cosigned.Body, e.do("GET", a.base+"/checkpoint?size="+itoa(size), member.Token, nil).Body)

	// A later event moves the head; the cosigned checkpoint stays where it was.
	e.must(201, "POST", a.base+"/proposals", member.Token, map[string]any{"kind": "resolution", "title": "Later", "body": "b"})
	head := e.do("GET", a.base+"/checkpoint", member.Token, nil)
	headCP, err := transparency.OpenCheckpoint(head.Body, a.vkey)
	require.NoError(t, err)
	require.Equal(t, uint64(size+1), headCP.Size)
	require.Equal(t, cosigned.Body, e.do("GET", a.base+"/checkpoint/cosigned", member.Token, nil).Body)
	receipt := e.do("GET", a.base+"/proofs/inclusion?seq=2&size="+itoa(size), member.Token, nil)
	_, _, err = transparency.VerifyReceiptCosigned(receipt.Body, a.lines[1], a.vkey, []string{mvkey, ovkey}, 2)
	require.NoError(t, err, "a receipt carries the cosignatures of its checkpoint")
}

func mustCosign(t *testing.T, w transparency.WitnessSigner, cp transparency.Checkpoint) []byte {
	t.Helper()
	line, err := w.Cosign(cp, time.Now())
	require.NoError(t, err)
	return line
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestRecordNamesItsCheckpoint checks the decision record names the head's
// checkpoint until one covering its events is cosigned, then that one, and
// the printable record shows it.
func TestRecordNamesItsCheckpoint(t *testing.T) {
	e := newEnv(t)
	a := newTlogAlliance(t, e)
	recordPath := a.base + "/proposals/" + a.pid + "/record"
	cpOf := func() map[string]any {
		rec := e.must(200, "GET", recordPath, a.Observer.Token, nil)
		conformsTo(t, "DecisionRecord", rec)
		return rec["checkpoint"].(map[string]any)
	}
	n := len(a.lines)
	head := cpOf()
	require.Equal(t, float64(n), head["size"])
	require.Equal(t, false, head["cosigned"])
	require.Equal(t, "/v1/alliances/"+a.ID+"/checkpoint?size="+itoa(n), head["url"])
	cp, err := transparency.OpenCheckpoint([]byte(head["note"].(string)), a.vkey)
	require.NoError(t, err)
	require.Equal(t, base64.StdEncoding.EncodeToString(merkleRoot(a.lines)), head["root"])

	w, vkey := newWitness(t, "record-witness")
	e.must(201, "POST", a.base+"/witnesses", a.Observer.Token, map[string]any{"name": "record-witness", "vkey": vkey})
	e.must(201, "POST", a.base+"/checkpoint/cosignatures", a.Observer.Token, map[string]any{"checkpoint": head["note"], "cosignature": string(mustCosign(t, w, cp))})
	e.must(201, "POST", a.base+"/proposals", a.Members[0].Token, map[string]any{"kind": "resolution", "title": "Later", "body": "b"})
	cosigned := cpOf()
	require.Equal(t, float64(n), cosigned["size"], "the cosigned checkpoint, not the newer head")
	require.Equal(t, true, cosigned["cosigned"])
	_, _, err = transparency.VerifyCosigned([]byte(cosigned["note"].(string)), a.vkey, []string{vkey}, 1)
	require.NoError(t, err)

	page := e.do("GET", recordPath, a.Observer.Token, nil, "Accept", "text/html")
	require.Equal(t, 200, page.Status)
	require.Contains(t, string(page.Body), "Checkpoint that covers it")
	require.Contains(t, string(page.Body), "which witnesses cosigned")
}
