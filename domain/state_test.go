package domain

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// apply decides c and folds its events into s, as the write side does.
func apply(t *testing.T, s Alliance, m Meta, c Command) Alliance {
	t.Helper()
	events, err := Decide(s, m, c)
	require.NoError(t, err, "%s", c.CommandName())
	for _, e := range events {
		e.Seq = s.Seq + 1
		s = Evolve(s, e)
	}
	return s
}

// lifecycle runs one alliance through every command.
func lifecycle(t *testing.T) Alliance {
	t.Helper()
	var s Alliance
	s = apply(t, s, asAdmin(), FormAlliance{Name: "Care Alliance", Purpose: "Shared care pathways"})
	s = apply(t, s, asAdmin(), AdmitMember{MemberID: conv, Name: "Northside Health", Sector: "health system", Role: RoleConvener})
	for i, mid := range []string{m1, m2, m3} {
		s = apply(t, s, asConvener(), AdmitMember{MemberID: mid, Name: []string{"Payer One", "MedCo", "Patients United"}[i], Sector: "payer", Role: RoleMember})
	}
	s = apply(t, s, asConvener(), AddObserver{ObserverID: obs, Name: "Regulator"})
	s = apply(t, s, asConvener(), FormWorkgroup{WorkgroupID: wg, Name: "Data", Aim: "Share", Metric: "sites", Target: 3, Due: "2027-01-31", MemberIDs: []string{m1, m2}})
	s = apply(t, s, asMember(m1), SubmitProposal{ProposalID: prop, Kind: KindResolution, Title: "Shared formulary", Body: "v1"})
	s = apply(t, s, asMember(m2), ProposeAmendment{ProposalID: prop, AmendmentID: amend, Body: "v2", Rationale: "clearer"})
	s = apply(t, s, asMember(m3), ProposeAmendment{ProposalID: prop, AmendmentID: amend2, Body: "v3"})
	s = apply(t, s, asMember(m1), AcceptAmendment{ProposalID: prop, AmendmentID: amend})
	s = apply(t, s, asMember(m1), RejectAmendment{ProposalID: prop, AmendmentID: amend2})
	deadline := now.Add(time.Hour)
	s = apply(t, s, asConvener(), OpenVoting{ProposalID: prop, ClosesAt: &deadline})
	s = apply(t, s, asMember(m1), CastVote{ProposalID: prop, Stance: StanceAgree})
	s = apply(t, s, asMember(m2), CastVote{ProposalID: prop, Stance: StanceBlock, Reason: "cost"})
	s = apply(t, s, asMember(m2), CastVote{ProposalID: prop, Stance: StanceAgree, Reason: "cost settled"})
	s = apply(t, s, asConvener(), CastVote{ProposalID: prop, Stance: StanceAbstain})
	s = apply(t, s, when(asSystem(), deadline), CloseVoting{ProposalID: prop})
	s = apply(t, s, asMember(m2), MakeCommitment{CommitmentID: cmt, ProposalID: prop, Description: "Publish", Metric: "sites", Target: 5, Due: "2027-06-30"})
	s = apply(t, s, asMember(m2), ReportProgress{CommitmentID: cmt, Value: 2, Note: "two live"})
	s = apply(t, s, asMember(m2), FulfilCommitment{CommitmentID: cmt, Note: "done"})
	s = apply(t, s, asMember(m3), WithdrawMember{MemberID: m3, Reason: "merger"})
	s = apply(t, s, asMember(m1), SubmitProposal{ProposalID: prop2, Kind: KindCharter, Title: "Majority", Body: "b", Charter: &Charter{DecisionRule: RuleMajority}})
	s = apply(t, s, asMember(m1), WithdrawProposal{ProposalID: prop2, Reason: "later"})
	return s
}

func TestStateShape(t *testing.T) {
	s := lifecycle(t)
	require.Equal(t, uint64(24), s.Seq)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(stateJSON(t, s)), &got))

	require.Equal(t, aid, got["id"])
	require.Equal(t, "Care Alliance", got["name"])
	require.Equal(t, map[string]any{"decision_rule": "consensus", "quorum": "1/2", "threshold": "3/4", "signatures": "optional", "max_proxies": 0.0}, got["charter"])
	require.EqualValues(t, 24, got["seq"])
	require.Equal(t, now.Format(time.RFC3339Nano), got["formed_at"])

	members := got["members"].([]any)
	require.Len(t, members, 4)
	require.Equal(t, map[string]any{"id": m3, "name": "Patients United", "sector": "payer", "role": "member", "status": "withdrawn", "admitted_seq": 5.0}, members[3])
	require.Equal(t, conv, members[0].(map[string]any)["id"], "admission order")
	require.Equal(t, []any{map[string]any{"id": obs, "name": "Regulator"}}, got["observers"])
	require.Equal(t, []any{map[string]any{"id": wg, "name": "Data", "aim": "Share", "metric": "sites", "target": 3.0, "due": "2027-01-31", "member_ids": []any{m1, m2}, "status": "open", "progress": []any{}}}, got["workgroups"])

	proposals := got["proposals"].([]any)
	p := proposals[0].(map[string]any)
	require.Equal(t, prop, p["id"])
	require.Equal(t, "adopted", p["status"])
	require.EqualValues(t, 2, p["version"])
	require.Equal(t, "v2", p["body"])
	require.Equal(t, m1, p["author_id"])
	require.NotContains(t, p, "charter")
	require.Equal(t, map[string]any{"id": amend, "body": "v2", "rationale": "clearer", "author_id": m2, "status": "accepted"}, p["amendments"].([]any)[0])
	require.Equal(t, "rejected", p["amendments"].([]any)[1].(map[string]any)["status"])
	voting := p["voting"].(map[string]any)
	require.ElementsMatch(t, []string{"version", "rule", "eligible", "closes_at", "opened_seq"}, keys(voting))
	require.Equal(t, []any{conv, m1, m2, m3}, voting["eligible"])
	require.EqualValues(t, 13, voting["opened_seq"])
	stance := p["stances"].(map[string]any)[m2].(map[string]any)
	require.Equal(t, map[string]any{"stance": "agree", "reason": "cost settled", "seq": 16.0, "at": now.Format(time.RFC3339Nano)}, stance)
	outcome := p["outcome"].(map[string]any)
	require.ElementsMatch(t, []string{"proposal_id", "tally", "participation", "eligible_count", "quorum_required", "quorum_met", "result", "explanation", "closed_seq"}, keys(outcome))
	require.EqualValues(t, 18, outcome["closed_seq"])
	require.Equal(t, "adopted", outcome["result"])

	p2 := proposals[1].(map[string]any)
	require.Equal(t, "withdrawn", p2["status"])
	require.Equal(t, map[string]any{"decision_rule": "majority", "quorum": "1/2", "threshold": "1/2", "signatures": "optional", "max_proxies": 0.0}, p2["charter"])
	require.Equal(t, []any{}, p2["amendments"])
	require.Equal(t, map[string]any{}, p2["stances"])
	require.NotContains(t, p2, "voting")
	require.NotContains(t, p2, "outcome")

	c := got["commitments"].([]any)[0].(map[string]any)
	require.Equal(t, "fulfilled", c["status"])
	require.Equal(t, m2, c["member_id"])
	require.Equal(t, []any{map[string]any{"value": 2.0, "note": "two live", "seq": 20.0, "at": now.Format(time.RFC3339Nano)}}, c["progress"])
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestEmptyArraysAreNotNull(t *testing.T) {
	for _, s := range []Alliance{{}, fold(t, formedWith(consensusCharter)[:1])} {
		var got map[string]any
		require.NoError(t, json.Unmarshal([]byte(stateJSON(t, s)), &got))
		for _, k := range []string{"members", "observers", "workgroups", "proposals", "commitments", "proxies"} {
			require.Equal(t, []any{}, got[k], k)
		}
	}
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(stateJSON(t, fold(t, committed()))), &got))
	require.Equal(t, []any{}, got["commitments"].([]any)[0].(map[string]any)["progress"])
}

func TestLookups(t *testing.T) {
	s := lifecycle(t)
	m, ok := s.Member(m2)
	require.True(t, ok)
	require.Equal(t, "MedCo", m.Name)
	o, ok := s.Observer(obs)
	require.True(t, ok)
	require.Equal(t, "Regulator", o.Name)
	w, ok := s.Workgroup(wg)
	require.True(t, ok)
	require.Equal(t, "Data", w.Name)
	p, ok := s.Proposal(prop)
	require.True(t, ok)
	require.Equal(t, StatusAdopted, p.Status)
	a, ok := p.Amendment(amend2)
	require.True(t, ok)
	require.Equal(t, StatusRejected, a.Status)
	c, ok := s.Commitment(cmt)
	require.True(t, ok)
	require.Equal(t, StatusFulfilled, c.Status)
	require.Equal(t, []string{conv, m1, m2}, s.ActiveMembers())

	for _, missing := range []bool{
		found(s.Member(stranger)), found(s.Observer(stranger)), found(s.Workgroup(stranger)),
		found(s.Proposal(stranger)), found(s.Commitment(stranger)), found(p.Amendment(stranger)),
	} {
		require.False(t, missing)
	}
	_, ok = Alliance{}.Member(m1)
	require.False(t, ok, "the zero state has no members")
}

func found[T any](_ T, ok bool) bool { return ok }

func TestCloneIsDeep(t *testing.T) {
	s := fold(t, voting(vote(m1, StanceAgree)))
	before := stateJSON(t, s)
	c := s.Clone()
	for i, d := range []EventData{
		vote(m2, StanceBlock), MemberWithdrew{MemberID: m1},
		AmendmentProposed{ProposalID: prop, AmendmentID: amend, Body: "x"},
		MemberAdmitted{MemberID: late, Name: "L", Sector: "s", Role: RoleMember},
	} {
		c = Evolve(c, at(event(d), s.Seq+uint64(i)+1))
	}
	require.Equal(t, before, stateJSON(t, s), "evolving a clone leaves the original alone")
	_, ok := s.Member(late)
	require.False(t, ok)
	require.Equal(t, stateJSON(t, c), stateJSON(t, c.Clone()))
	require.Equal(t, stateJSON(t, Alliance{}), stateJSON(t, Alliance{}.Clone()))
}

// A snapshot decodes into a state whose lookups work and which folds on.
func TestSnapshotRoundTrip(t *testing.T) {
	s := lifecycle(t)
	var back Alliance
	require.NoError(t, json.Unmarshal([]byte(stateJSON(t, s)), &back))
	require.Equal(t, stateJSON(t, s), stateJSON(t, back))
	p, ok := back.Proposal(prop)
	require.True(t, ok)
	require.Equal(t, StatusAdopted, p.Status)
	back = apply(t, back, asMember(m1), MakeCommitment{CommitmentID: id(51), ProposalID: prop, Description: "d", Metric: "m", Due: "2027-01-01"})
	_, ok = back.Commitment(id(51))
	require.True(t, ok)
	require.Error(t, json.Unmarshal([]byte(`{"members":3}`), &back))
}

// Evolve applies facts and never fails: events it cannot place change only Seq.
func TestEvolveIgnoresWhatItCannotPlace(t *testing.T) {
	base := fold(t, proposed())
	for _, d := range []EventData{
		nil,
		VoteCast{ProposalID: stranger, MemberID: m1, Stance: StanceAgree},
		AmendmentAccepted{ProposalID: stranger, AmendmentID: amend, Version: 2},
		VotingClosed{ProposalID: stranger, Result: ResultAdopted},
		MemberWithdrew{MemberID: stranger},
		ProgressReported{CommitmentID: stranger, Value: 1},
		CommitmentFulfilled{CommitmentID: stranger},
		CommitmentWithdrawn{CommitmentID: stranger},
		MemberAdmitted{MemberID: m1, Name: "Duplicate", Sector: "x", Role: RoleConvener},
		ProposalSubmitted{ProposalID: prop, Kind: KindPosition, Title: "Duplicate"},
	} {
		s := fold(t, proposed())
		if d == nil {
			s = Evolve(s, Event{Seq: 99})
		} else {
			s = Evolve(s, at(event(d), 99))
		}
		s.Seq = base.Seq
		require.Equal(t, stateJSON(t, base), stateJSON(t, s), "%T", d)
	}
	s := Evolve(fold(t, proposed()), Event{Seq: 42})
	require.Equal(t, uint64(42), s.Seq)
}

func TestEvolveFollowsTheProposal(t *testing.T) {
	s := fold(t, append(withAmendment(), AmendmentAccepted{ProposalID: prop, AmendmentID: amend, Version: 2}))
	p, _ := s.Proposal(prop)
	require.Equal(t, 2, p.Version)
	require.Equal(t, "v2", p.Body)
	require.Equal(t, StatusAccepted, p.Amendments[0].Status)

	s = fold(t, append(withAmendment(), AmendmentRejected{ProposalID: prop, AmendmentID: amend, Version: 1}))
	p, _ = s.Proposal(prop)
	require.Equal(t, 1, p.Version)
	require.Equal(t, "v1", p.Body)
	require.Equal(t, StatusRejected, p.Amendments[0].Status)

	s = fold(t, committed(ProgressReported{CommitmentID: cmt, Value: 3}, CommitmentWithdrawn{CommitmentID: cmt}))
	c, _ := s.Commitment(cmt)
	require.Equal(t, StatusWithdrawn, c.Status)
	require.Equal(t, []Progress{{Value: 3, Seq: 10, At: t0.Add(9 * time.Minute)}}, c.Progress)
}
