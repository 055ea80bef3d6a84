package domain

import (
	"testing"
)

// votingState is an alliance with a proposal in voting, for the hot paths.
func votingState(b *testing.B) Alliance {
	b.Helper()
	var s Alliance
	for i, d := range voting() {
		s = Evolve(s, at(event(d), uint64(i+1)))
	}
	return s
}

// BenchmarkDecideEvolveVote is the write side's work for one vote.
func BenchmarkDecideEvolveVote(b *testing.B) {
	s := votingState(b)
	stances := []Stance{StanceAgree, StanceDisagree, StanceAbstain, StanceBlock}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		evs, err := Decide(s, asMember(m2), CastVote{ProposalID: prop, Stance: stances[i%4], Reason: "because"})
		if err != nil {
			b.Fatal(err)
		}
		evs[0].Seq = s.Seq + 1
		s = Evolve(s, evs[0])
	}
}

// sampleVote is one stored VoteCast as the store writes it.
func sampleVote(b *testing.B) Event {
	b.Helper()
	e := at(event(vote(m2, StanceAgree)), 42)
	e.ID = id(99)
	e.PrevHash = ZeroHash
	e.CommandID = id(98)
	return e
}

// BenchmarkEncodeHash encodes a vote to its stored line and hashes it.
func BenchmarkEncodeHash(b *testing.B) {
	e := sampleVote(b)
	b.ReportAllocs()
	for b.Loop() {
		line, err := Encode(e)
		if err != nil {
			b.Fatal(err)
		}
		_ = Hash(line)
	}
}

// BenchmarkDecode decodes a stored vote line.
func BenchmarkDecode(b *testing.B) {
	line, err := Encode(sampleVote(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, err := Decode(line); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFold folds 10,000 decoded votes into a state, as a rebuild does.
func BenchmarkFold(b *testing.B) {
	base := votingState(b)
	stances := []Stance{StanceAgree, StanceDisagree, StanceAbstain, StanceBlock}
	members := []string{conv, m1, m2, m3}
	events := make([]Event, 10000)
	for i := range events {
		events[i] = at(event(vote(members[i%4], stances[i%4])), base.Seq+uint64(i)+1)
	}
	b.ReportAllocs()
	for b.Loop() {
		s := base.Clone()
		for _, e := range events {
			s = Evolve(s, e)
		}
	}
}
