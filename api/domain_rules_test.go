package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCharterBounds refuses, with 400 and nothing written, a charter whose
// quorum is 0 or whose consensus or supermajority threshold is under 1/2,
// on forming an alliance and on proposing a charter.
func TestCharterBounds(t *testing.T) {
	e := newEnv(t)
	form := func(charter map[string]any) answer {
		return e.do("POST", "/v1/alliances", adminToken, map[string]any{"name": "Bounds", "purpose": "p", "charter": charter})
	}
	for _, c := range []struct {
		charter map[string]any
		msg     string
	}{
		{map[string]any{"decision_rule": "supermajority", "threshold": "1/3"}, "charter threshold 1/3 is under 1/2: a supermajority threshold lies in [1/2, 1]"},
		{map[string]any{"decision_rule": "consensus", "threshold": "49/100"}, "charter threshold 49/100 is under 1/2"},
		{map[string]any{"decision_rule": "consensus", "quorum": "0/1"}, "charter quorum 0/1 is not more than 0: a quorum lies in (0, 1]"},
		{map[string]any{"decision_rule": "majority", "threshold": "2/3"}, "does not apply to majority"},
	} {
		errorAnswer(t, form(c.charter), 400, "invalid", c.msg)
	}
	require.Empty(t, e.must(200, "GET", "/v1/alliances", adminToken, nil)["alliances"], "nothing written")
	for _, ok := range []map[string]any{
		{"decision_rule": "supermajority", "quorum": "1/1000000", "threshold": "1/2"},
		{"decision_rule": "unanimity", "quorum": "1/1", "threshold": "1/1"},
	} {
		require.Equal(t, 201, form(ok).Status)
	}

	a := e.formAlliance(consensus, 1)
	head := e.head(a.ID)
	ans := e.do("POST", "/v1/alliances/"+a.ID+"/proposals", a.Members[0].Token, map[string]any{
		"kind": "charter", "title": "Lower the bar", "body": "b", "charter": map[string]any{"decision_rule": "supermajority", "threshold": "1/3"},
	})
	errorAnswer(t, ans, 400, "invalid", "charter threshold 1/3 is under 1/2")
	require.Equal(t, head, e.head(a.ID))
}

// TestVotingWaitsForPendingAmendments refuses to open voting while an
// amendment is pending, naming it, and opens once its author answered it.
func TestVotingWaitsForPendingAmendments(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 2)
	base := "/v1/alliances/" + a.ID
	pid := e.must(201, "POST", base+"/proposals", a.Members[0].Token, map[string]any{"kind": "resolution", "title": "Recall notices", "body": "v1"})["id"].(string)
	amid := e.must(201, "POST", base+"/proposals/"+pid+"/amendments", a.Members[1].Token, map[string]any{"body": "v2", "rationale": "r"})["id"].(string)

	head := e.head(a.ID)
	errorAnswer(t, e.do("POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{}), 409, "conflict",
		"amendment "+amid+" is still pending")
	require.Equal(t, head, e.head(a.ID), "nothing written")

	e.must(200, "POST", base+"/proposals/"+pid+"/amendments/"+amid+"/reject", a.Members[0].Token, nil)
	p := e.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
	require.Equal(t, "voting", p["status"])
	require.Equal(t, 1.0, p["version"])
}

// TestFulfilRecordsTheFinalValue fulfils commitments with a value, after
// reports without one, and with neither: the event, the answer and the
// state carry the final value.
func TestFulfilRecordsTheFinalValue(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 1)
	base := "/v1/alliances/" + a.ID
	m := a.Members[0]
	pid := e.must(201, "POST", base+"/proposals", m.Token, map[string]any{"kind": "resolution", "title": "Serialise", "body": "b"})["id"].(string)
	e.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
	for _, p := range []party{a.Convener, m} {
		e.must(200, "PUT", base+"/proposals/"+pid+"/vote", p.Token, map[string]any{"stance": "agree", "reason": ""})
	}
	e.must(200, "POST", base+"/proposals/"+pid+"/close", a.Convener.Token, nil)
	commit := func(progress ...float64) string {
		cid := e.must(201, "POST", base+"/commitments", m.Token, map[string]any{
			"proposal_id": pid, "description": "Serialise our labels", "metric": "percent", "target": 100, "due": "2027-06-30",
		})["id"].(string)
		for _, v := range progress {
			e.must(200, "POST", base+"/commitments/"+cid+"/progress", m.Token, map[string]any{"value": v, "note": ""})
		}
		return cid
	}

	given, last, none := commit(40), commit(40, 65.5), commit()
	head := e.head(a.ID)
	errorAnswer(t, e.do("POST", base+"/commitments/"+given+"/fulfil", m.Token, map[string]any{"note": "done", "value": "all"}), 400, "invalid", `"value"`)
	require.Equal(t, head, e.head(a.ID))

	for cid, want := range map[string]float64{given: 100, last: 65.5, none: 0} {
		body := map[string]any{"note": "done"}
		if cid == given {
			body["value"] = 100
		}
		c := e.must(200, "POST", base+"/commitments/"+cid+"/fulfil", m.Token, body)
		require.Equal(t, "fulfilled", c["status"])
		require.Equal(t, want, c["value"], "the answer")
	}
	for _, c := range e.must(200, "GET", base, a.Observer.Token, nil)["commitments"].([]any) {
		c := c.(map[string]any)
		require.Equal(t, map[string]float64{given: 100, last: 65.5, none: 0}[c["id"].(string)], c["value"], "the state")
	}
	fulfilled := 0
	for _, line := range e.exportLines(a.ID) {
		if strings.Contains(string(line), `"type":"CommitmentFulfilled"`) {
			require.Contains(t, string(line), `"value":`, "the event")
			fulfilled++
		}
	}
	require.Equal(t, 3, fulfilled)
	require.Equal(t, true, e.must(200, "GET", base+"/audit/verify", a.Observer.Token, nil)["ok"])
}
