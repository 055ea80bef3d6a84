package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCommitmentTowardAWorkgroup makes a commitment toward a workgroup's
// aim through the commitments route, and refuses one by a member outside
// it or naming both a proposal and a workgroup, writing nothing.
func TestCommitmentTowardAWorkgroup(t *testing.T) {
	e := newEnv(t)
	a := e.formAlliance(consensus, 2)
	base := "/v1/alliances/" + a.ID
	inside, outside := a.Members[0], a.Members[1]
	wg := e.must(201, "POST", base+"/workgroups", a.Convener.Token, map[string]any{
		"name": "Data", "aim": "Share data", "metric": "sites", "target": 12, "due": "2027-03-31", "member_ids": []string{inside.ID},
	})["id"].(string)
	body := map[string]any{"workgroup_id": wg, "description": "Connect two sites", "metric": "sites", "target": 2, "due": "2027-03-31"}

	c := e.must(201, "POST", base+"/commitments", inside.Token, body)
	require.Equal(t, wg, c["workgroup_id"])
	require.NotContains(t, c, "proposal_id")
	require.Equal(t, "open", c["status"])

	head := e.head(a.ID)
	errorAnswer(t, e.do("POST", base+"/commitments", outside.Token, body), 403, "forbidden", "are made by its members")
	both := map[string]any{"proposal_id": wg, "workgroup_id": wg, "description": "d", "metric": "m", "target": 1, "due": "2027-03-31"}
	errorAnswer(t, e.do("POST", base+"/commitments", inside.Token, both), 400, "invalid", "give proposal_id or workgroup_id, not both")
	require.Equal(t, head, e.head(a.ID), "nothing written")
}

// TestProxyVoteWithoutAllowance refuses a vote cast on behalf of another
// member when the rule allows no proxies (409), and when the rule does but
// no grant is in force (403), writing nothing.
func TestProxyVoteWithoutAllowance(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		charter map[string]any
		status  int
		code    string
		msg     string
	}{
		{consensus, 409, "conflict", "allows no proxies (max_proxies 0)"},
		{map[string]any{"decision_rule": "consensus", "max_proxies": 1}, 403, "forbidden", "holds no proxy from member"},
	} {
		a := e.formAlliance(c.charter, 2)
		base := "/v1/alliances/" + a.ID
		pid := e.must(201, "POST", base+"/proposals", a.Members[0].Token, map[string]any{"kind": "resolution", "title": "Recall", "body": "b"})["id"].(string)
		e.must(200, "POST", base+"/proposals/"+pid+"/voting", a.Convener.Token, map[string]any{})
		head := e.head(a.ID)
		ans := e.do("PUT", base+"/proposals/"+pid+"/vote", a.Members[0].Token, map[string]any{"stance": "agree", "on_behalf_of": a.Members[1].ID})
		errorAnswer(t, ans, c.status, c.code, c.msg)
		require.Equal(t, head, e.head(a.ID), "nothing written")
	}
}
