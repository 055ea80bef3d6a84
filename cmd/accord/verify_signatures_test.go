package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
)

// signedExport runs a vote under a charter that requires signatures through
// accord serve, every member action signed, and exports it. It returns the
// export and the seq of the signed vote that blocks.
func signedExport(t *testing.T) (ledgerExport, int) {
	t.Helper()
	t.Setenv("ACCORD_ADMIN_TOKEN", verifyAdmin)
	m := startMain(t, t.TempDir())
	t.Cleanup(func() { _ = m.Close() })
	h := &verifyClient{t: t, base: m.URL()}
	out := h.must(201, "POST", "/v1/alliances", verifyAdmin, map[string]any{"name": "Signed Alliance", "purpose": "Testing",
		"charter": map[string]any{"decision_rule": "consensus", "signatures": "required"}})
	aid := out["id"].(string)
	a := verifyAlliance{path: "/v1/alliances/" + aid}
	keys := map[string]ed25519.PrivateKey{}
	for i, n := range []string{"Convener", "Member A", "Member B"} {
		role := map[bool]string{true: "convener", false: "member"}[i == 0]
		mm := h.must(201, "POST", a.path+"/members", verifyAdmin, map[string]any{"name": n, "sector": "payer", "role": role})
		id, tok := mm["id"].(string), mm["token"].(string)
		a.ids, a.tokens = append(a.ids, id), append(a.tokens, tok)
		seed := sha256.Sum256([]byte(n))
		keys[id] = ed25519.NewKeyFromSeed(seed[:])
		reg := domain.NewKeyRegistration(aid, id, keys[id])
		h.must(200, "PUT", a.path+"/members/"+id+"/key", tok, map[string]any{"public_key": reg.PublicKey, "proof": reg.Proof})
	}
	header := func(member string) domain.StatementHeader {
		return domain.StatementHeader{AllianceID: aid, MemberID: member, SignedAt: time.Now().UTC(), CommandID: fmt.Sprint("signed-", time.Now().UnixNano())}
	}
	signed := func(i int, method, path string, st domain.Statement, body map[string]any) map[string]any {
		s := domain.SignStatement(keys[a.ids[i]], st.String())
		body["signature"] = map[string]any{"statement": s.Statement, "sig": s.Sig}
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		req, err := http.NewRequest(method, h.base+path, bytes.NewReader(raw))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+a.tokens[i])
		req.Header.Set("Idempotency-Key", st.CommandID)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var got map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
		require.Less(t, resp.StatusCode, 300, "%s %s: %v", method, path, got)
		return got
	}
	pid := signed(1, "POST", a.path+"/proposals", domain.ProposeStatement(header(a.ids[1]), "position", "Joint statement", "We state."),
		map[string]any{"kind": "position", "title": "Joint statement", "body": "We state."})["id"].(string)
	h.open(a, a.tokens[0], pid)
	var blockSeq int
	for i, stance := range []domain.Stance{"agree", "agree", "block"} {
		got := signed(i, "PUT", a.path+"/proposals/"+pid+"/vote", domain.VoteStatement(header(a.ids[i]), pid, 1, stance, "", ""), map[string]any{"stance": stance})
		blockSeq = int(got["seq"].(float64))
	}
	require.Equal(t, "rejected", h.close(a, a.tokens[0], pid))
	return h.export(a), blockSeq
}

func TestVerifyCommandChecksSignatures(t *testing.T) {
	x, blockSeq := signedExport(t)
	code, out, errOut := runVerify(t, x.raw)
	require.Equal(t, 0, code, "stdout: %s\nstderr: %s", out, errOut)
	require.Contains(t, out, fmt.Sprintf("OK: %d events in 1 alliance; 1 decision re-derived; 4 signed statements verified", x.headSeq))

	// The operator turns the signed block into an agree and re-chains: the
	// outcome must change too, so it forges that as well; the signature
	// still gives it away, at the vote.
	lines := append([][]byte{}, x.lines...)
	lines[blockSeq-1] = bytes.Replace(lines[blockSeq-1], []byte(`"stance":"block"`), []byte(`"stance":"agree"`), 1)
	code, out, errOut = runVerify(t, frame(rechain(lines, blockSeq-1)))
	require.Equal(t, 1, code, "stdout: %s", out)
	require.Contains(t, out+errOut, fmt.Sprintf("seq %d", blockSeq))
	require.Contains(t, out+errOut, `the signature of this VoteCast does not hold: signed statement line 5 is "meaning block"; it must be "meaning approval"`)

	// Stripping the signature instead is caught as well: the charter requires one.
	lines = append([][]byte{}, x.lines...)
	lines[blockSeq-1] = regexp.MustCompile(`,"signature":\{[^}]*\}`).ReplaceAll(lines[blockSeq-1], nil)
	code, out, errOut = runVerify(t, frame(rechain(lines, blockSeq-1)))
	require.Equal(t, 1, code, "stdout: %s", out)
	require.Contains(t, out+errOut, fmt.Sprintf("seq %d", blockSeq))
	require.Contains(t, out+errOut, "VoteCast must be signed")
}

// withEd25519 returns python3 once it can import the cryptography package,
// which the signature checker of docs/VERIFYING.md needs; it skips the test
// where the package is missing, unless CI is set (CI installs it).
func withEd25519(t *testing.T) string {
	t.Helper()
	python := python3(t)
	if out, err := exec.Command(python, "-c", "import cryptography.hazmat.primitives.asymmetric.ed25519").CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-cryptography is needed to test docs/VERIFYING.md §9: %s", out)
		}
		t.Skip("the cryptography package for python3 is not installed (Debian: python3-cryptography)")
	}
	return python
}

// TestVerifyingDocSignatureProgram runs the signature checker printed in
// docs/VERIFYING.md §9 on a real signed export, untouched and forged.
func TestVerifyingDocSignatureProgram(t *testing.T) {
	python := withEd25519(t)
	program := docPrograms(t)["verify_signatures.py"]
	require.NotEmpty(t, program)
	x, blockSeq := signedExport(t)
	code, out := runDocProgram(t, python, program, x.raw)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "4 signed statements verified")

	forgeries := map[string][][]byte{}
	lines := append([][]byte{}, x.lines...)
	lines[blockSeq-1] = bytes.Replace(lines[blockSeq-1], []byte(`"stance":"block"`), []byte(`"stance":"agree"`), 1)
	forgeries["a signed stance changed"] = rechain(lines, blockSeq-1)
	lines = append([][]byte{}, x.lines...)
	operator := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	lines[blockSeq-1] = regexp.MustCompile(`"sig":"[^"]*"`).ReplaceAllFunc(lines[blockSeq-1], func([]byte) []byte {
		e, err := domain.Decode(x.lines[blockSeq-1])
		require.NoError(t, err)
		forged := domain.SignStatement(operator, e.Data.(domain.VoteCast).Signature.Statement)
		return []byte(`"sig":"` + forged.Sig + `"`)
	})
	forgeries["a signature made by the operator"] = rechain(lines, blockSeq-1)
	for name, forged := range forgeries {
		t.Run(name, func(t *testing.T) {
			accord, _, _ := runVerify(t, frame(forged))
			require.Equal(t, 1, accord)
			code, out := runDocProgram(t, python, program, frame(forged))
			require.Equal(t, 1, code, out)
			require.Contains(t, out, fmt.Sprintf("seq %d:", blockSeq))
		})
	}
}
