package domaintest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
)

// MemLog decides commands with the domain and seals their events the way
// the event store does (id, seq, prev_hash, encode), keeping the stored
// lines of one alliance in memory.
type MemLog struct {
	T     testing.TB
	AID   string
	State domain.Alliance
	Lines [][]byte
	Clock time.Time
}

// Run decides cmd by actor a minute after the last command and seals its
// events; it fails the test when the domain refuses it.
func (l *MemLog) Run(actor domain.Actor, cmd domain.Command) {
	l.T.Helper()
	l.Clock = l.Clock.Add(time.Minute)
	m := domain.Meta{AllianceID: l.AID, CommandID: fmt.Sprintf("cmd-%d", len(l.Lines)+1), At: l.Clock, Actor: actor}
	events, err := domain.Decide(l.State, m, cmd)
	require.NoError(l.T, err, "%s", cmd.CommandName())
	l.Seal(events)
}

// Seal stores events as the store does: id, seq, prev_hash, encode, and
// folds what was stored into State. It fails the test when one does not
// encode.
func (l *MemLog) Seal(events []domain.Event) {
	l.T.Helper()
	for _, e := range events {
		e.ID = TestID(100000 + len(l.Lines))
		e.Seq = uint64(len(l.Lines) + 1)
		e.PrevHash = domain.ZeroHash
		if len(l.Lines) > 0 {
			e.PrevHash = domain.Hash(l.Lines[len(l.Lines)-1])
		}
		line, err := domain.Encode(e)
		require.NoError(l.T, err)
		stored, err := domain.Decode(line)
		require.NoError(l.T, err)
		l.State = domain.Evolve(l.State, stored)
		l.Lines = append(l.Lines, line)
	}
}

// StoryLines returns the story's 33 stored lines for an alliance numbered
// base.
func StoryLines(t testing.TB, base int) (Story, [][]byte) {
	t.Helper()
	s := NewStory(base)
	l := &MemLog{T: t, AID: s.AID, Clock: T0}
	s.Tell(l.Run)
	require.Len(t, l.Lines, 33)
	return s, l.Lines
}
