// Package domaintest is what tests of accord's packages share about the
// domain: a fixed story of one alliance's decisions (Story), and MemLog,
// which seals events into stored lines as the event store does, without
// one. The read models and the offline verifier are both tested on the
// story. Only tests import it.
package domaintest

import (
	"fmt"
	"time"

	"accord/domain"
)

// TestID returns a fixed uuid for n, so that a failing test names the same
// things every run.
func TestID(n int) string { return fmt.Sprintf("01900000-0000-7000-8000-%012d", n) }

// The story's admin, its first instant, and the charter it adopts.
var (
	Admin    = domain.Actor{ID: TestID(99), Role: domain.RoleAdmin}
	T0       = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	Majority = domain.Charter{DecisionRule: domain.RuleMajority, Quorum: "1/2"}
)

// Story is the ledger the tests read: seqs 1–33 of one alliance.
//
//	1     AllianceFormed (consensus 3/4, quorum 1/2)
//	2–6   Conv (convener), M1…M4 admitted
//	7     M1 submits P1; 8 M2 proposes Am1; 9 M1 accepts it (version 2)
//	10    M3 proposes Am2; 11 M1 rejects it
//	12    voting on P1 opens (Conv, M1…M4 eligible)
//	13–17 M1 agree, M2 block, M2 agree (changed), M3 disagree, M4 agree
//	18    M4 withdraws (their stance is dropped); 19 Conv agrees
//	20    P1 closes: adopted, 3 agree 1 disagree
//	21–27 M1's charter proposal P2 (majority) is adopted; 27 CharterAmended
//	28–33 P3 under majority: 1 agree, 1 disagree, 1 block → rejected at 33
type Story struct {
	AID, Conv, M1, M2, M3, M4, P1, Am1, Am2, P2, P3 string
}

// NewStory returns the story with ids numbered from base, so that several
// stories can share a ledger.
func NewStory(base int) Story {
	return Story{
		AID: TestID(base + 1), Conv: TestID(base + 10), M1: TestID(base + 11), M2: TestID(base + 12),
		M3: TestID(base + 13), M4: TestID(base + 14), P1: TestID(base + 30), Am1: TestID(base + 40),
		Am2: TestID(base + 41), P2: TestID(base + 31), P3: TestID(base + 32),
	}
}

// Member returns the actor of member id acting as themself.
func Member(id string) domain.Actor {
	return domain.Actor{ID: id, Role: domain.RoleMember, MemberID: id}
}

// Tell runs the story's commands through run, in order.
func (s Story) Tell(run func(domain.Actor, domain.Command)) {
	run(Admin, domain.FormAlliance{Name: "Care Alliance", Purpose: "Shared care pathways",
		Charter: domain.Charter{DecisionRule: domain.RuleConsensus, Quorum: "1/2", Threshold: "3/4"}})
	run(Admin, domain.AdmitMember{MemberID: s.Conv, Name: "Northside Health", Sector: "health system", Role: domain.RoleConvener})
	for i, m := range []string{s.M1, s.M2, s.M3, s.M4} {
		run(Admin, domain.AdmitMember{MemberID: m, Name: "Member " + string(rune('A'+i)), Sector: "payer", Role: domain.RoleMember})
	}
	conv, m1, m2, m3, m4 := Member(s.Conv), Member(s.M1), Member(s.M2), Member(s.M3), Member(s.M4)
	run(m1, domain.SubmitProposal{ProposalID: s.P1, Kind: domain.KindResolution, Title: "Shared formulary", Body: "One formulary for all."})
	run(m2, domain.ProposeAmendment{ProposalID: s.P1, AmendmentID: s.Am1, Body: "One formulary, reviewed yearly.", Rationale: "Drugs change."})
	run(m1, domain.AcceptAmendment{ProposalID: s.P1, AmendmentID: s.Am1})
	run(m3, domain.ProposeAmendment{ProposalID: s.P1, AmendmentID: s.Am2, Body: "No formulary.", Rationale: "Cost."})
	run(m1, domain.RejectAmendment{ProposalID: s.P1, AmendmentID: s.Am2})
	run(conv, domain.OpenVoting{ProposalID: s.P1})
	vote := func(a domain.Actor, pid string, stance domain.Stance) {
		run(a, domain.CastVote{ProposalID: pid, Stance: stance, Reason: string(stance) + " on " + pid[len(pid)-2:]})
	}
	vote(m1, s.P1, "agree")
	vote(m2, s.P1, "block")
	vote(m2, s.P1, "agree")
	vote(m3, s.P1, "disagree")
	vote(m4, s.P1, "agree")
	run(m4, domain.WithdrawMember{MemberID: s.M4, Reason: "merged"})
	vote(conv, s.P1, "agree")
	run(conv, domain.CloseVoting{ProposalID: s.P1})

	run(m1, domain.SubmitProposal{ProposalID: s.P2, Kind: domain.KindCharter, Title: "Decide by majority", Body: "Majority rule.", Charter: &Majority})
	run(conv, domain.OpenVoting{ProposalID: s.P2})
	vote(m1, s.P2, "agree")
	vote(m2, s.P2, "agree")
	vote(conv, s.P2, "agree")
	run(conv, domain.CloseVoting{ProposalID: s.P2})

	run(m2, domain.SubmitProposal{ProposalID: s.P3, Kind: domain.KindPosition, Title: "Joint statement", Body: "We state."})
	run(conv, domain.OpenVoting{ProposalID: s.P3})
	vote(m1, s.P3, "agree")
	vote(m2, s.P3, "disagree")
	vote(m3, s.P3, "block")
	run(conv, domain.CloseVoting{ProposalID: s.P3})
}
