package projections

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
)

// proxyVoteRecord tells, on top of the stored story, a charter vote that
// allows one proxy each, then a vote on p5 in which M1 casts for M2 (under a
// grant for p5 alone, seq 42) and the convener for M3 (under a standing
// grant, seq 43), before M3 votes itself; and returns p5's decision record
// with the story.
func proxyVoteRecord(t *testing.T) (DecisionRecord, domaintest.Story, *Projection) {
	t.Helper()
	proj, s, run := storedStoryAnd(t)
	conv, m1, m2, m3 := domaintest.Member(s.Conv), domaintest.Member(s.M1), domaintest.Member(s.M2), domaintest.Member(s.M3)
	p4, p5 := domaintest.TestID(33), domaintest.TestID(34)
	proxies := domain.Charter{DecisionRule: domain.RuleMajority, MaxProxies: domain.Proxies(1)}
	run(m1, domain.SubmitProposal{ProposalID: p4, Kind: domain.KindCharter, Title: "Proxies", Body: "One proxy each.", Charter: &proxies})
	run(conv, domain.OpenVoting{ProposalID: p4})
	for _, a := range []domain.Actor{conv, m1, m2} {
		run(a, domain.CastVote{ProposalID: p4, Stance: domain.StanceAgree})
	}
	run(conv, domain.CloseVoting{ProposalID: p4})

	run(m1, domain.SubmitProposal{ProposalID: p5, Kind: domain.KindPosition, Title: "Statement", Body: "We state."})
	run(m2, domain.GrantProxy{ProxyID: s.M1, ProposalID: p5}) // seq 42
	run(m3, domain.GrantProxy{ProxyID: s.Conv})               // seq 43, standing
	run(conv, domain.OpenVoting{ProposalID: p5})
	run(m1, domain.CastVote{ProposalID: p5, Stance: domain.StanceAgree, Reason: "for m2", OnBehalfOf: s.M2})
	run(conv, domain.CastVote{ProposalID: p5, Stance: domain.StanceBlock, OnBehalfOf: s.M3})
	run(m3, domain.CastVote{ProposalID: p5, Stance: domain.StanceAgree, Reason: "my own"})
	run(conv, domain.CloseVoting{ProposalID: p5})

	rec, err := proj.Record(context.Background(), s.AID, p5)
	require.NoError(t, err)
	return rec, s, proj
}

// A stance a proxy cast shows in the decision record as the grantor's,
// naming the proxy; the grantor's own later vote replaces it.
func TestDecisionRecordShowsProxyVotes(t *testing.T) {
	rec, s, _ := proxyVoteRecord(t)
	require.Equal(t, 1, rec.Voting.Rule.MaxProxies.N())
	byMember := map[string]StanceHistory{}
	for _, st := range rec.Stances {
		byMember[st.MemberID] = st
	}
	require.Len(t, byMember[s.M2].History, 1)
	require.Equal(t, s.M1, byMember[s.M2].History[0].CastBy)
	require.Equal(t, "for m2", byMember[s.M2].History[0].Reason)
	require.Equal(t, domain.StanceAgree, *byMember[s.M2].Final)
	require.Len(t, byMember[s.M3].History, 2)
	require.Equal(t, s.Conv, byMember[s.M3].History[0].CastBy)
	require.Empty(t, byMember[s.M3].History[1].CastBy, "the grantor's own vote replaced the proxy's")
	require.Equal(t, domain.StanceAgree, *byMember[s.M3].Final)
	require.Equal(t, domain.Tally{Agree: 2}, rec.Outcome.Tally)
}

// The decision record lists the proxies used: who cast which stance for
// whom, under which grant, and whether it still counts; the grants it
// rests on join its events, in seq order.
func TestDecisionRecordListsProxiesUsed(t *testing.T) {
	rec, s, proj := proxyVoteRecord(t)
	require.Len(t, rec.Proxies, 2)
	first, second := rec.Proxies[0], rec.Proxies[1]
	require.Equal(t, Party{ID: s.M1, Name: "Member A"}, first.Proxy)
	require.Equal(t, Party{ID: s.M2, Name: "Member B"}, first.Grantor)
	require.Equal(t, domain.StanceAgree, first.Stance)
	require.Equal(t, GrantRef{Seq: 42, ProposalID: domaintest.TestID(34)}, first.Grant)
	require.True(t, first.Counted)
	require.Equal(t, "Northside Health", second.Proxy.Name)
	require.Equal(t, GrantRef{Seq: 43, ProposalID: ""}, second.Grant, "the standing grant")
	require.False(t, second.Counted, "the grantor's own vote replaced it")

	var seqs []uint64
	for _, e := range rec.Events {
		seqs = append(seqs, e.Seq)
		if e.Seq == 42 || e.Seq == 43 {
			require.Equal(t, domain.TypeProxyGranted, e.Type)
		}
	}
	require.Contains(t, seqs, uint64(42))
	require.Contains(t, seqs, uint64(43))
	require.IsIncreasing(t, seqs, "in seq order, each once")

	plain, err := proj.Record(context.Background(), s.AID, s.P1)
	require.NoError(t, err)
	require.Empty(t, plain.Proxies)
}
