package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/api"
	"accord/domain"
	"accord/eventstore/eventstoretest"
)

// commandEvents counts the events of an alliance recorded under command id
// key.
func (e *testEnv) commandEvents(aid, key string) int {
	e.t.Helper()
	page := e.must(200, "GET", "/v1/alliances/"+aid+"/audit?from_seq=1&limit=1000", adminToken, nil)
	n := 0
	for _, ev := range page["events"].([]any) {
		if ev.(map[string]any)["event"].(map[string]any)["command_id"] == key {
			n++
		}
	}
	return n
}

// retried sends a creating request twice with the same Idempotency-Key and
// checks the retry answers exactly as the first did, with 201, the id
// derived from the key, and one event in the log. It returns the answer.
func (e *testEnv) retried(aid string, what domain.Creation, path, token string, body any) map[string]any {
	e.t.Helper()
	key := "retry-" + string(what)
	first := e.do("POST", path, token, body, "Idempotency-Key", key)
	require.Equal(e.t, 201, first.Status, "%s: %s", path, first.Body)
	created := first.JSON(e.t)["id"].(string)
	if aid == "" {
		aid = created
	}
	head := e.head(aid)
	again := e.do("POST", path, token, body, "Idempotency-Key", key)
	require.Equal(e.t, 201, again.Status, "the retry of %s: %s", path, again.Body)
	require.JSONEq(e.t, string(first.Body), string(again.Body), "the retry of %s answers as the first did", path)
	require.Equal(e.t, head, e.head(aid), "the retry of %s wrote nothing", path)
	require.Equal(e.t, 1, e.commandEvents(aid, key), "one event of %s", key)
	if what == domain.CreatesAlliance {
		aid = ""
	}
	require.Equal(e.t, domain.CreatedID(aid, key, what), created, "the id is derived from the command id")
	return first.JSON(e.t)
}

// TestRetriedCreationsAnswerTheFirst retries each creating route with the
// same Idempotency-Key: the same answer with the same id, recorded once.
func TestRetriedCreationsAnswerTheFirst(t *testing.T) {
	e := newEnv(t)
	formed := e.retried("", domain.CreatesAlliance, "/v1/alliances", adminToken,
		map[string]any{"name": "Retry Alliance", "purpose": "Retries", "charter": consensus})
	aid := formed["id"].(string)
	require.Len(t, e.must(200, "GET", "/v1/alliances", adminToken, nil)["alliances"], 1, "one alliance formed")
	base := "/v1/alliances/" + aid

	conv := e.retried(aid, domain.CreatesMember, base+"/members", adminToken, map[string]any{"name": "Convener", "sector": "agency", "role": "convener"})
	convTok := conv["token"].(string)
	m1 := e.must(201, "POST", base+"/members", convTok, map[string]any{"name": "Payer", "sector": "payer", "role": "member"})
	m1Tok := m1["token"].(string)
	e.retried(aid, domain.CreatesObserver, base+"/observers", convTok, map[string]any{"name": "Regulator"})
	e.retried(aid, domain.CreatesWorkgroup, base+"/workgroups", convTok, map[string]any{
		"name": "Data", "aim": "Share data", "metric": "sites", "target": 3, "due": "2027-06-30", "member_ids": []string{m1["id"].(string)},
	})
	p := e.retried(aid, domain.CreatesProposal, base+"/proposals", m1Tok, map[string]any{"kind": "resolution", "title": "Shared data", "body": "b"})
	pid := p["id"].(string)
	am := e.retried(aid, domain.CreatesAmendment, base+"/proposals/"+pid+"/amendments", convTok, map[string]any{"body": "b2", "rationale": "r"})
	e.must(200, "POST", base+"/proposals/"+pid+"/amendments/"+am["id"].(string)+"/accept", m1Tok, nil)
	e.must(200, "POST", base+"/proposals/"+pid+"/voting", convTok, map[string]any{})
	for _, tok := range []string{convTok, m1Tok} {
		e.must(200, "PUT", base+"/proposals/"+pid+"/vote", tok, map[string]any{"stance": "agree", "reason": ""})
	}
	require.Equal(t, "adopted", e.must(200, "POST", base+"/proposals/"+pid+"/close", convTok, nil)["result"])
	e.retried(aid, domain.CreatesCommitment, base+"/commitments", m1Tok, map[string]any{
		"proposal_id": pid, "description": "Publish", "metric": "sites", "target": 10, "due": "2027-06-30",
	})

	// Another key forms another alliance.
	other := e.must(201, "POST", "/v1/alliances", adminToken, map[string]any{"name": "Retry Alliance", "purpose": "Retries", "charter": consensus},
		"Idempotency-Key", "retry-alliance-2")
	require.NotEqual(t, aid, other["id"])
}

// TestRetriedFormationRacingItself sends one formation several times at
// once: every answer is the same alliance, formed once.
func TestRetriedFormationRacingItself(t *testing.T) {
	e := newEnv(t)
	body, err := json.Marshal(map[string]any{"name": "Raced Alliance", "purpose": "p", "charter": consensus})
	require.NoError(t, err)
	const tries = 6
	var wg sync.WaitGroup
	statuses, answers := make([]int, tries), make([][]byte, tries)
	for i := range tries {
		wg.Go(func() {
			req, err := http.NewRequest("POST", e.URL+"/v1/alliances", bytes.NewReader(body))
			if err != nil {
				return
			}
			req.Header.Set("Authorization", "Bearer "+adminToken)
			req.Header.Set("Idempotency-Key", "form-raced")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			statuses[i] = resp.StatusCode
			answers[i], _ = io.ReadAll(resp.Body)
		})
	}
	wg.Wait()
	for i := range tries {
		require.Equal(t, 201, statuses[i], "%s", answers[i])
		require.JSONEq(t, string(answers[0]), string(answers[i]))
	}
	require.Len(t, e.must(200, "GET", "/v1/alliances", adminToken, nil)["alliances"], 1)
	var formed map[string]any
	require.NoError(t, json.Unmarshal(answers[0], &formed))
	require.Equal(t, 1.0, e.head(formed["id"].(string)))
}

// TestRetriedFormationOnAnotherInstance retries a formation on a second
// instance over the same NATS, which never saw the first: it finds the
// alliance the first formed and answers as the first did.
func TestRetriedFormationOnAnotherInstance(t *testing.T) {
	ctx, nc := t.Context(), eventstoretest.StartNATS(t, t.TempDir()).Conn
	envs := make([]*testEnv, 2)
	for i := range envs {
		s, store, proj, _ := api.BuildTestAPI(t, ctx, nc, adminToken, slog.New(slog.DiscardHandler))
		hs := httptest.NewServer(s)
		t.Cleanup(hs.Close)
		envs[i] = &testEnv{t: t, URL: hs.URL, Store: store, Proj: proj}
	}
	body := map[string]any{"name": "Twice Alliance", "purpose": "p", "charter": consensus}
	first := envs[0].do("POST", "/v1/alliances", adminToken, body, "Idempotency-Key", "form-elsewhere")
	require.Equal(t, 201, first.Status, "%s", first.Body)
	again := envs[1].do("POST", "/v1/alliances", adminToken, body, "Idempotency-Key", "form-elsewhere")
	require.Equal(t, 201, again.Status, "%s", again.Body)
	require.JSONEq(t, string(first.Body), string(again.Body))
	aid := first.JSON(t)["id"].(string)
	require.Equal(t, 1.0, envs[1].head(aid))
	require.Len(t, envs[1].must(200, "GET", "/v1/alliances", adminToken, nil)["alliances"], 1)
}
