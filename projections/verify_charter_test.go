package projections

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
)

// A ledger formed before charters were held to their bounds (here a
// supermajority of a third with a quorum of 0) still verifies: the opening
// froze the charter in force, and the outcome is re-derived under it.
func TestVerifyKeepsChartersRecordedBeforeTheirBounds(t *testing.T) {
	old := domain.Charter{DecisionRule: domain.RuleSupermajority, Quorum: "0/1", Threshold: "1/3"}
	_, err := domain.NormalizeCharter(old)
	require.Error(t, err, "no longer accepted for a new alliance")

	aid, conv, m1, m2, pid := testID(7001), testID(7010), testID(7011), testID(7012), testID(7030)
	l := &memLedger{t: t, aid: aid, clock: t0}
	l.seal([]domain.Event{domain.NewEvent(domain.Meta{AllianceID: aid, CommandID: "form", At: t0, Actor: admin},
		domain.AllianceFormed{Name: "Older Alliance", Purpose: "p", Charter: old})})
	l.run(admin, domain.AdmitMember{MemberID: conv, Name: "Convener", Sector: "agency", Role: domain.RoleConvener})
	l.run(admin, domain.AdmitMember{MemberID: m1, Name: "Member A", Sector: "payer", Role: domain.RoleMember})
	l.run(admin, domain.AdmitMember{MemberID: m2, Name: "Member B", Sector: "payer", Role: domain.RoleMember})
	l.run(member(m1), domain.SubmitProposal{ProposalID: pid, Kind: domain.KindResolution, Title: "Shared data", Body: "b"})
	l.run(member(conv), domain.OpenVoting{ProposalID: pid})
	l.run(member(m1), domain.CastVote{ProposalID: pid, Stance: domain.StanceAgree})
	l.run(member(m2), domain.CastVote{ProposalID: pid, Stance: domain.StanceDisagree})
	l.run(member(conv), domain.CastVote{ProposalID: pid, Stance: domain.StanceBlock})
	l.run(member(conv), domain.CloseVoting{ProposalID: pid})
	require.Contains(t, string(l.lines[len(l.lines)-1]), `"result":"adopted"`, "1/3 ≥ 1/3 under the recorded rule")

	got, err := Verify(bytes.NewReader(export(l.lines)), VerifyOptions{})
	require.NoError(t, err)
	require.Equal(t, 1, got.Decisions)
}
