package verify

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
)

// A ledger formed before charters were held to their bounds (here a
// supermajority of a third with a quorum of 0) still verifies: the opening
// froze the charter in force, and the outcome is re-derived under it.
func TestVerifyKeepsChartersRecordedBeforeTheirBounds(t *testing.T) {
	old := domain.Charter{DecisionRule: domain.RuleSupermajority, Quorum: "0/1", Threshold: "1/3"}
	_, err := domain.NormalizeCharter(old)
	require.Error(t, err, "no longer accepted for a new alliance")

	aid, conv, m1, m2, pid := domaintest.TestID(7001), domaintest.TestID(7010), domaintest.TestID(7011), domaintest.TestID(7012), domaintest.TestID(7030)
	l := &domaintest.MemLog{T: t, AID: aid, Clock: domaintest.T0}
	l.Seal([]domain.Event{domain.NewEvent(domain.Meta{AllianceID: aid, CommandID: "form", At: domaintest.T0, Actor: domaintest.Admin},
		domain.AllianceFormed{Name: "Older Alliance", Purpose: "p", Charter: old})})
	l.Run(domaintest.Admin, domain.AdmitMember{MemberID: conv, Name: "Convener", Sector: "agency", Role: domain.RoleConvener})
	l.Run(domaintest.Admin, domain.AdmitMember{MemberID: m1, Name: "Member A", Sector: "payer", Role: domain.RoleMember})
	l.Run(domaintest.Admin, domain.AdmitMember{MemberID: m2, Name: "Member B", Sector: "payer", Role: domain.RoleMember})
	l.Run(domaintest.Member(m1), domain.SubmitProposal{ProposalID: pid, Kind: domain.KindResolution, Title: "Shared data", Body: "b"})
	l.Run(domaintest.Member(conv), domain.OpenVoting{ProposalID: pid})
	l.Run(domaintest.Member(m1), domain.CastVote{ProposalID: pid, Stance: domain.StanceAgree})
	l.Run(domaintest.Member(m2), domain.CastVote{ProposalID: pid, Stance: domain.StanceDisagree})
	l.Run(domaintest.Member(conv), domain.CastVote{ProposalID: pid, Stance: domain.StanceBlock})
	l.Run(domaintest.Member(conv), domain.CloseVoting{ProposalID: pid})
	require.Contains(t, string(l.Lines[len(l.Lines)-1]), `"result":"adopted"`, "1/3 ≥ 1/3 under the recorded rule")

	got, err := Verify(bytes.NewReader(export(l.Lines)), Options{})
	require.NoError(t, err)
	require.Equal(t, 1, got.Decisions)
}
