package verify

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
)

// lifeStory is a successor alliance's ledger: seqs 1–21.
//
//	1     AllianceFormed (consensus 3/4, quorum 1/2, max_proxies 1), succeeding pred at its head
//	2–5   conv (convener), m1…m3 admitted
//	6–10  workgroup wg of m1, m2; m3 joins and m1 leaves; m2 reports 12.5;
//	      m3 commits toward it; it closes as met
//	11    m1 submits p1; 12 m2 grants m1 a proxy for p1; 13 m3 a standing one
//	14    voting on p1 opens
//	15    m1 agrees for m2; 16 m1 agrees; 17 m3 revokes; 18 conv agrees; 19 m3 disagrees
//	20    p1 closes: adopted, 3 agree 1 disagree
//	21    the alliance concludes
type lifeStory struct {
	aid, conv, m1, m2, m3, wg, p1, cmt string
	pred                               domain.AllianceHead
}

func lifeLines(t testing.TB, base int, pred domain.AllianceHead) (lifeStory, [][]byte) {
	t.Helper()
	s := lifeStory{aid: domaintest.TestID(base + 1), conv: domaintest.TestID(base + 10), m1: domaintest.TestID(base + 11), m2: domaintest.TestID(base + 12), m3: domaintest.TestID(base + 13),
		wg: domaintest.TestID(base + 60), p1: domaintest.TestID(base + 30), cmt: domaintest.TestID(base + 50), pred: pred}
	l := &domaintest.MemLog{T: t, AID: s.aid, Clock: domaintest.T0}
	charter := domain.Charter{DecisionRule: domain.RuleConsensus, Quorum: "1/2", Threshold: "3/4", MaxProxies: domain.Proxies(1)}
	l.Run(domaintest.Admin, domain.FormAlliance{Name: "Care Alliance II", Purpose: "Carry on", Charter: charter, Predecessor: &pred})
	l.Run(domaintest.Admin, domain.AdmitMember{MemberID: s.conv, Name: "Northside Health", Sector: "health system", Role: domain.RoleConvener})
	for i, m := range []string{s.m1, s.m2, s.m3} {
		l.Run(domaintest.Admin, domain.AdmitMember{MemberID: m, Name: "Member " + string(rune('A'+i)), Sector: "payer", Role: domain.RoleMember})
	}
	conv, m1, m2, m3 := domaintest.Member(s.conv), domaintest.Member(s.m1), domaintest.Member(s.m2), domaintest.Member(s.m3)
	l.Run(conv, domain.FormWorkgroup{WorkgroupID: s.wg, Name: "Data", Aim: "Share data", Metric: "sites", Target: 12, Due: "2027-03-31", MemberIDs: []string{s.m1, s.m2}})
	l.Run(conv, domain.ChangeWorkgroupMembers{WorkgroupID: s.wg, Add: []string{s.m3}, Remove: []string{s.m1}})
	l.Run(m2, domain.ReportWorkgroupProgress{WorkgroupID: s.wg, Value: 12.5, Note: "all live"})
	l.Run(m3, domain.MakeCommitment{CommitmentID: s.cmt, WorkgroupID: s.wg, Description: "Keep it live", Metric: "sites", Target: 3, Due: "2027-06-30"})
	l.Run(conv, domain.CloseWorkgroup{WorkgroupID: s.wg, Outcome: domain.WorkgroupMet, Note: "done"})
	l.Run(m1, domain.SubmitProposal{ProposalID: s.p1, Kind: domain.KindResolution, Title: "Shared formulary", Body: "One formulary."})
	l.Run(m2, domain.GrantProxy{ProxyID: s.m1, ProposalID: s.p1})
	l.Run(m3, domain.GrantProxy{ProxyID: s.m1})
	l.Run(conv, domain.OpenVoting{ProposalID: s.p1})
	l.Run(m1, domain.CastVote{ProposalID: s.p1, Stance: domain.StanceAgree, OnBehalfOf: s.m2})
	l.Run(m1, domain.CastVote{ProposalID: s.p1, Stance: domain.StanceAgree})
	l.Run(m3, domain.RevokeProxy{ProxyID: s.m1})
	l.Run(conv, domain.CastVote{ProposalID: s.p1, Stance: domain.StanceAgree})
	l.Run(m3, domain.CastVote{ProposalID: s.p1, Stance: domain.StanceDisagree})
	l.Run(conv, domain.CloseVoting{ProposalID: s.p1})
	l.Run(conv, domain.ConcludeAlliance{Reason: "Mandate fulfilled"})
	require.Len(t, l.Lines, 21)
	return s, l.Lines
}

// predecessorOf returns the head of a story's ledger at seq.
func headAt(aid string, lines [][]byte, seq int) domain.AllianceHead {
	return domain.AllianceHead{AllianceID: aid, Seq: uint64(seq), Hash: domain.Hash(lines[seq-1])}
}

func TestVerifyAllianceLifeHolds(t *testing.T) {
	p, plines := domaintest.StoryLines(t, 0)
	s, lines := lifeLines(t, 2000, headAt(p.AID, plines, 33))
	got, err := Verify(bytes.NewReader(export(lines)), Options{})
	require.NoError(t, err)
	require.Equal(t, 21, got.Events)
	require.Equal(t, 1, got.Decisions)
	require.Equal(t, &s.pred, got.Alliances[0].Predecessor)
	require.Contains(t, string(lines[14]), `"member_id":"`+s.m2+`","stance":"agree","reason":"","cast_by":"`+s.m1+`"`)
	require.Contains(t, string(lines[19]), `"tally":{"agree":3,"disagree":1,"abstain":0,"block":0}`, "the proxy's stance counts as the grantor's")
}

func TestVerifyCatchesAllianceLife(t *testing.T) {
	p, plines := domaintest.StoryLines(t, 0)
	s, lines := lifeLines(t, 2000, headAt(p.AID, plines, 33))
	drop := func(seq int) [][]byte {
		return reseal(append(append([][]byte{}, lines[:seq-1]...), lines[seq:]...), seq-1)
	}
	castByProxy := func(b []byte) []byte {
		b = bytes.ReplaceAll(b, []byte(`"member_id":"`+s.m3+`"},`), []byte(`"member_id":"`+s.m1+`"},`))
		b = bytes.ReplaceAll(b, []byte(`"id":"`+s.m3+`"`), []byte(`"id":"`+s.m1+`"`))
		return bytes.Replace(b, []byte(`"reason":""}`), []byte(`"reason":"","cast_by":"`+s.m1+`"}`), 1)
	}
	noProxies := func(b []byte) []byte { return bytes.Replace(b, []byte(`,"max_proxies":1`), nil, 1) }
	cases := []struct {
		name   string
		lines  [][]byte
		seq    uint64
		reason string
	}{
		{"a proxy vote whose grant was dropped, chain recomputed", drop(12), 14,
			"member " + s.m1 + " cast the stance of member " + s.m2 + " on proposal " + s.p1 + ", which no grant allowed: member " + s.m1 + " holds no proxy from member " + s.m2},
		{"a proxy vote after the grant was revoked", reseal(edit(lines, 19, castByProxy), 19), 19,
			"member " + s.m1 + " cast the stance of member " + s.m3 + " on proposal " + s.p1 + ", which no grant allowed"},
		{"a proxy vote by another actor", reseal(edit(lines, 15, func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"actor":{"id":"`+s.m1+`","role":"member","member_id":"`+s.m1+`"}`),
				[]byte(`"actor":{"id":"`+s.m3+`","role":"member","member_id":"`+s.m3+`"}`), 1)
		}), 15), 15, "names member " + s.m1 + " as its proxy but was cast by actor " + s.m3},
		{"a proxy vote under a rule allowing none", reseal(edit(edit(lines, 1, noProxies), 14, noProxies), 1), 15,
			"opened under a rule that allows no proxies (max_proxies 0)"},
		{"a grant made by its proxy", reseal(edit(lines, 12, func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"actor":{"id":"`+s.m2+`","role":"member","member_id":"`+s.m2+`"}`),
				[]byte(`"actor":{"id":"`+s.m1+`","role":"member","member_id":"`+s.m1+`"}`), 1)
		}), 12), 12, "the proxy of member " + s.m1 + " for member " + s.m2 + " was granted by actor " + s.m1 + ", not by the grantor"},
		{"a revocation by someone else", reseal(edit(lines, 17, func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"actor":{"id":"`+s.m3+`","role":"member","member_id":"`+s.m3+`"}`),
				[]byte(`"actor":{"id":"`+s.conv+`","role":"member","member_id":"`+s.conv+`"}`), 1)
		}), 17), 17, "was revoked by actor " + s.conv},
		{"the proxy's stance left out of the tally", reseal(edit(lines, 20, replace(`"agree":3`, `"agree":2`)), 20), 20,
			"tally recorded 2 agree, 1 disagree, 0 abstain, 0 block, re-derived 3 agree"},
		{"the proxy vote dropped, chain recomputed", drop(15), 19, "the recorded outcome of proposal " + s.p1},
		{"an event after the conclusion", reseal(append(append([][]byte{}, lines...), lines[12]), 21), 22,
			"ProxyGranted after the alliance was concluded at seq 21"},
		{"concluded while the vote was open", reseal(append(append(append([][]byte{}, lines[:19]...), lines[20]), lines[19]), 19), 20,
			"AllianceConcluded while voting on proposal " + s.p1 + " was open"},
		{"a predecessor naming itself", reseal(edit(lines, 1, replace(`"predecessor":{"alliance_id":"`+p.AID, `"predecessor":{"alliance_id":"`+s.aid)), 1), 1,
			"AllianceFormed names the alliance itself as its predecessor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Verify(bytes.NewReader(export(c.lines)), Options{})
			requireChainError(t, err, c.seq, c.reason)
		})
	}
}

// Expect pins events by alliance, seq and hash: how a successor's link to
// its predecessor is checked against the predecessor's export.
func TestVerifyExpect(t *testing.T) {
	p, plines := domaintest.StoryLines(t, 0)
	q, qlines := domaintest.StoryLines(t, 1000)
	at20 := headAt(p.AID, plines, 20)
	_, err := Verify(bytes.NewReader(export(plines)), Options{Expect: []domain.AllianceHead{at20, headAt(p.AID, plines, 33)}})
	require.NoError(t, err)

	wrong := at20
	wrong.Hash = domain.Hash(plines[20])
	_, err = Verify(bytes.NewReader(export(plines)), Options{Expect: []domain.AllianceHead{wrong}})
	requireChainError(t, err, 20, "its hash is "+at20.Hash+", not the expected "+wrong.Hash)

	_, err = Verify(bytes.NewReader(export(plines[:19])), Options{Expect: []domain.AllianceHead{at20}})
	requireChainError(t, err, 0, "the input holds no seq 20 of alliance "+p.AID+", expected with hash "+at20.Hash)

	_, err = Verify(bytes.NewReader(export(qlines)), Options{Expect: []domain.AllianceHead{at20}})
	requireChainError(t, err, 0, "the input holds no seq 20 of alliance "+p.AID)
	var ce *ChainError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, p.AID, ce.AllianceID)
	require.NotEqual(t, q.AID, ce.AllianceID)
}
