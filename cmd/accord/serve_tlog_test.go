package main

import (
	"crypto/rand"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/transparency"
)

// tlogParty is a member of a test alliance with a witness it registered.
type tlogParty struct {
	aid, token, vkey string
	signer           transparency.WitnessSigner
}

// setUpWitnessedAlliance forms an alliance through api with a member that
// registers a witness key.
func setUpWitnessedAlliance(t *testing.T, api *ledgerHTTP, admin string) tlogParty {
	t.Helper()
	aid := api.must(t, http.MethodPost, "/v1/alliances", admin, map[string]any{
		"name": "Witnessed Alliance", "purpose": "p", "charter": map[string]any{"decision_rule": "majority"},
	})["id"].(string)
	m := api.must(t, http.MethodPost, "/v1/alliances/"+aid+"/members", admin, map[string]any{"name": "Clinic", "sector": "health system", "role": "convener"})
	file, vkey, err := transparency.GenerateWitnessKey("clinic-witness", rand.Reader)
	require.NoError(t, err)
	signer, err := transparency.ParseWitnessSigner(file)
	require.NoError(t, err)
	p := tlogParty{aid: aid, token: m["token"].(string), vkey: vkey, signer: signer}
	api.must(t, http.MethodPost, "/v1/alliances/"+aid+"/witnesses", p.token, map[string]any{"name": "clinic-witness", "vkey": vkey})
	return p
}

// text GETs a text/plain route and requires 200.
func (h *ledgerHTTP) text(t *testing.T, path, token string) []byte {
	t.Helper()
	status, body, err := h.raw(http.MethodGet, path, token)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, "%s: %s", path, body)
	return body
}

// cosign has the party's witness cosign the head checkpoint, and returns
// the checkpoint's size.
func (p tlogParty) cosign(t *testing.T, api *ledgerHTTP) transparency.Checkpoint {
	t.Helper()
	vkey := strings.TrimSpace(string(api.text(t, "/v1/alliances/"+p.aid+"/log-key", p.token)))
	note := api.text(t, "/v1/alliances/"+p.aid+"/checkpoint", p.token)
	cp, err := transparency.OpenCheckpoint(note, vkey)
	require.NoError(t, err)
	line, err := p.signer.Cosign(cp, time.Now())
	require.NoError(t, err)
	api.must(t, http.MethodPost, "/v1/alliances/"+p.aid+"/checkpoint/cosignatures", p.token, map[string]any{"checkpoint": string(note), "cosignature": string(line)})
	return cp
}

// TestRestartKeepsTreesAndCosignatures checks a second start on the same
// data dir serves the same log key, the same checkpoints of every size and
// the cosigned checkpoint, from snapshots and the bucket.
func TestRestartKeepsTreesAndCosignatures(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ACCORD_ADMIN_TOKEN", "tlog-admin-token")
	m := startMain(t, dir)
	api := newLedgerHTTP(m.URL())
	p := setUpWitnessedAlliance(t, api, "tlog-admin-token")
	cp := p.cosign(t, api)
	api.must(t, http.MethodPost, "/v1/alliances/"+p.aid+"/proposals", p.token, map[string]any{"kind": "resolution", "title": "After", "body": "b"})
	base := "/v1/alliances/" + p.aid
	before := map[string][]byte{"/log-key": api.text(t, base+"/log-key", p.token), "/checkpoint/cosigned": api.text(t, base+"/checkpoint/cosigned", p.token)}
	for size := 1; size <= int(cp.Size)+1; size++ {
		path := "/checkpoint?size=" + itoa(size)
		before[path] = api.text(t, base+path, p.token)
	}
	require.NoError(t, m.Close())

	again := startMain(t, dir)
	t.Cleanup(func() { _ = again.Close() })
	api = newLedgerHTTP(again.URL())
	for path, want := range before {
		require.Equal(t, string(want), string(api.text(t, base+path, p.token)), path)
	}
	_, cosigs, err := transparency.VerifyCosigned(before["/checkpoint/cosigned"], strings.TrimSpace(string(before["/log-key"])), []string{p.vkey}, 1)
	require.NoError(t, err)
	require.Len(t, cosigs, 1)
}

// TestClusterServesIdenticalCheckpoints checks two instances on one NATS
// cluster, sharing the log key file, serve byte-identical checkpoints, and
// that a cosignature posted through one is served by the other.
func TestClusterServesIdenticalCheckpoints(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node NATS cluster")
	}
	c := startNATSCluster(t)
	c.createStream()
	a, b := startClusterMain(t, c), startClusterMain(t, c)
	apiA, apiB := newLedgerHTTP(a.URL()), newLedgerHTTP(b.URL())
	p := setUpWitnessedAlliance(t, apiA, clusterAdminToken)
	waitForToken(t, apiB, p.aid, p.token)
	cp := p.cosign(t, apiA)
	base := "/v1/alliances/" + p.aid
	require.Equal(t, string(apiA.text(t, base+"/log-key", p.token)), string(apiB.text(t, base+"/log-key", p.token)))
	var cosigned []byte
	require.Eventually(t, func() bool {
		status, body, err := apiB.raw(http.MethodGet, base+"/checkpoint/cosigned", p.token)
		cosigned = body
		return err == nil && status == http.StatusOK
	}, 30*time.Second, 20*time.Millisecond, "the other instance serves the cosignature")
	require.Equal(t, string(apiA.text(t, base+"/checkpoint/cosigned", p.token)), string(cosigned))
	for size := 1; size <= int(cp.Size); size++ {
		path := base + "/checkpoint?size=" + itoa(size)
		require.Equal(t, string(apiA.text(t, path, p.token)), string(apiB.text(t, path, p.token)), path)
		proof := base + "/proofs/inclusion?seq=1&size=" + itoa(size)
		require.Equal(t, string(apiA.text(t, proof, p.token)), string(apiB.text(t, proof, p.token)), proof)
	}
}
