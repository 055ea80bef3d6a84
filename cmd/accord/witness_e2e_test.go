package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/transparency"
)

// requireTransparencyRoutes skips the test when the server has no
// transparency log yet: its routes answer 404 for an alliance that exists.
func requireTransparencyRoutes(t *testing.T, h *verifyClient, a verifyAlliance) {
	t.Helper()
	for _, route := range []string{"/log-key", "/checkpoint"} {
		if status, raw, _ := h.do("GET", a.path+route, verifyAdmin, nil); status == http.StatusNotFound {
			t.Skipf("the server has no GET /v1/alliances/{aid}%s route yet (%s): the server side of the transparency log is not on this branch", route, raw)
		}
	}
}

// registerSigningKey registers an Ed25519 signing key for a member, as
// PUT …/members/{mid}/key documents it.
func registerSigningKey(t *testing.T, h *verifyClient, a verifyAlliance, i int) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{byte(i + 1)}, ed25519.SeedSize))
	pub := base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))
	aid := strings.TrimPrefix(a.path, "/v1/alliances/")
	statement := "accord-key/v1\nalliance " + aid + "\nmember " + a.ids[i] + "\nkey " + pub + "\n"
	proof := base64.StdEncoding.EncodeToString(ed25519.Sign(priv, []byte(statement)))
	h.must(200, "PUT", a.path+"/members/"+a.ids[i]+"/key", a.tokens[i], map[string]any{"public_key": pub, "proof": proof})
}

// TestWitnessEndToEnd runs the honest path against a real accord serve: a
// member registers a witness key, the witness cosigns the alliance's
// checkpoint as the log grows, the server serves the cosigned checkpoint,
// and the export, a vote's receipt and the cosigned checkpoint verify
// offline with the log's key and the witness's.
func TestWitnessEndToEnd(t *testing.T) {
	t.Setenv("ACCORD_ADMIN_TOKEN", verifyAdmin)
	m := startMain(t, t.TempDir())
	t.Cleanup(func() { _ = m.Close() })
	h := &verifyClient{t: t, base: m.URL()}
	a := h.form("Drug Supply Chain Alliance", "convener", "Member A", "Member B")
	aid := strings.TrimPrefix(a.path, "/v1/alliances/")
	requireTransparencyRoutes(t, h, a)

	e := newWitnessEnv(t)
	require.NoError(t, os.WriteFile(e.token, []byte(a.tokens[1]), 0o600))
	var stdout, stderr bytes.Buffer
	code := run([]string{"witness", "register", "--server", m.URL(), "--token-file", e.token, "--key-file", e.keyFile}, nil, &stdout, &stderr)
	require.Equal(t, 0, code, "%s%s", stdout.String(), stderr.String())
	require.Contains(t, stdout.String(), "alliance "+aid+": witness key regulator registered")
	registerSigningKey(t, h, a, 1)

	p := h.propose(a, a.tokens[1], map[string]any{"kind": "resolution", "title": "Traceability", "body": "Serialise every unit."})
	h.open(a, a.tokens[0], p)
	h.vote(a, a.tokens[1], p, "agree")
	code, out := e.once(m.URL())
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "alliance "+aid+": cosigned the checkpoint of size ")
	require.Contains(t, out, "registered for your member id "+a.ids[1])

	h.vote(a, a.tokens[2], p, "agree")
	require.Equal(t, "adopted", h.close(a, a.tokens[0], p))
	code, out = e.once(m.URL())
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "cosigned the checkpoint of size ")
	require.Empty(t, e.evidence())

	// What the server now serves as cosigned verifies offline.
	status, logVKey, _ := h.do("GET", a.path+"/log-key", verifyAdmin, nil)
	require.Equal(t, 200, status)
	status, cosigned, _ := h.do("GET", a.path+"/checkpoint/cosigned", verifyAdmin, nil)
	require.Equal(t, 200, status, "%s", cosigned)
	cp, cosigs, err := transparency.VerifyCosigned(cosigned, strings.TrimSpace(string(logVKey)), []string{e.vkey}, 1)
	require.NoError(t, err)
	require.Len(t, cosigs, 1)
	x := h.export(a)
	require.Equal(t, uint64(x.headSeq), cp.Size)

	code, vout, verr := runVerify(t, x.raw, "--checkpoint", writeTemp(t, "cp", cosigned), "--log-key", strings.TrimSpace(string(logVKey)), "--witness", e.vkey)
	require.Equal(t, 0, code, "%s%s", vout, verr)
	require.Contains(t, vout, "cosigned by 1 of 1 witnesses (regulator)")

	seq := x.seqOf(t, `"type":"VoteCast"`)
	status, receipt, _ := h.do("GET", a.path+"/proofs/inclusion?seq="+itoa(seq), verifyAdmin, nil)
	require.Equal(t, 200, status, "%s", receipt)
	stdout.Reset()
	code = run([]string{"verify", "receipt", writeTemp(t, "vote.tlog-proof", receipt), "--event", writeTemp(t, "vote.json", x.lines[seq-1]),
		"--log-key", strings.TrimSpace(string(logVKey)), "--witness", e.vkey}, nil, &stdout, &stderr)
	require.Equal(t, 0, code, "%s%s", stdout.String(), stderr.String())
	require.Contains(t, stdout.String(), "OK: seq "+itoa(seq)+" of alliance "+aid)
}
