package projections

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"accord/domain"
	"accord/domain/domaintest"
	"accord/eventstore"
)

// BenchmarkFoldStoredLines is a rebuild's own work without the log: the
// stored lines of 20 alliances of 1,000 events each (mostly votes, taken
// in turns as a replay meets them) decoded, hashed for the chain and
// applied to fresh read models, with Merkle trees and without. What it
// reports per op is per event.
func BenchmarkFoldStoredLines(b *testing.B) {
	lines := storedVotes(b, 20, 1000)
	for _, trees := range []bool{true, false} {
		b.Run(map[bool]string{true: "trees", false: "bare"}[trees], func(b *testing.B) {
			b.ReportAllocs()
			var p *Projection
			for n := 0; n < b.N; n++ {
				i := n % len(lines)
				if i == 0 {
					p = New(nil)
					p.noTrees = !trees
				}
				ev, err := domain.Decode(lines[i])
				if err != nil {
					b.Fatal(err)
				}
				p.apply(eventstore.Record{Event: ev, Raw: lines[i], Hash: domain.Hash(lines[i]), StreamSeq: uint64(i + 1)})
			}
			if events, _ := p.Applied(); events == 0 {
				b.Fatal("nothing was applied")
			}
		})
	}
}

// storedVotes returns the stored lines of alliances of n events each,
// shaped like accord bench's seeded ledger, in turns: one line of each
// alliance, then the next of each.
func storedVotes(b *testing.B, alliances, n int) [][]byte {
	b.Helper()
	logs := make([]*domaintest.MemLog, alliances)
	for a := range logs {
		logs[a] = &domaintest.MemLog{T: b, AID: uuid.NewString(), Clock: domaintest.T0}
		logs[a].Seal(voteStory(logs[a].AID, n))
	}
	var out [][]byte
	for i := 0; i < n; i++ {
		for _, l := range logs {
			out = append(out, l.Lines[i])
		}
	}
	return out
}

// voteStory returns n events of one alliance: it forms, admits ten
// members, opens a vote and takes the rest as votes.
func voteStory(aid string, n int) []domain.Event {
	at := time.Date(2026, 11, 22, 9, 0, 0, 123456789, time.UTC)
	pid := uuid.NewString()
	admin := domain.Meta{AllianceID: aid, At: at, Actor: domain.Actor{ID: uuid.NewString(), Role: domain.RoleAdmin}}
	rule := domain.Charter{DecisionRule: "consensus", Quorum: "1/2", Threshold: "3/4"}
	members := make([]string, 10)
	events := []domain.Event{domain.NewEvent(admin, domain.AllianceFormed{Name: "Seed", Purpose: "rebuild", Charter: rule})}
	for i := range members {
		members[i] = uuid.NewString()
		events = append(events, domain.NewEvent(admin, domain.MemberAdmitted{MemberID: members[i], Name: fmt.Sprintf("Member %d", i), Sector: "payer", Role: domain.RoleMember}))
	}
	conv := domain.Meta{AllianceID: aid, At: at, Actor: domain.Actor{ID: members[0], Role: domain.RoleMember, MemberID: members[0]}}
	events = append(events,
		domain.NewEvent(conv, domain.ProposalSubmitted{ProposalID: pid, Kind: "resolution", Title: "Seed", Body: "b", AuthorID: members[0]}),
		domain.NewEvent(conv, domain.VotingOpened{ProposalID: pid, Version: 1, Rule: rule, Eligible: members}))
	stances := []domain.Stance{domain.StanceAgree, domain.StanceDisagree, domain.StanceAbstain, domain.StanceBlock}
	for i := 0; len(events) < n; i++ {
		m := domain.Meta{AllianceID: aid, At: at, Actor: domain.Actor{ID: members[i%10], Role: domain.RoleMember, MemberID: members[i%10]}}
		events = append(events, domain.NewEvent(m, domain.VoteCast{ProposalID: pid, MemberID: members[i%10], Stance: stances[i%4], Reason: "seeded vote"}))
	}
	for i := range events {
		events[i].CommandID = uuid.NewString()
	}
	return events[:n]
}
