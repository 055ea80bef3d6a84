package eventstoretest

import (
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
)

// Votes returns n VoteCast events of one new command for an alliance.
func Votes(allianceID string, n int) []domain.Event {
	return VotesOf(allianceID, uuid.NewString(), n)
}

// VotesOf returns n VoteCast events of command commandID for an alliance.
func VotesOf(allianceID, commandID string, n int) []domain.Event {
	meta := domain.Meta{
		AllianceID: allianceID,
		CommandID:  commandID,
		At:         time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC),
		Actor:      domain.Actor{ID: "actor-1", Role: domain.RoleMember, MemberID: "member-1"},
	}
	events := make([]domain.Event, n)
	for i := range events {
		events[i] = domain.NewEvent(meta, domain.VoteCast{
			ProposalID: "proposal-1", MemberID: fmt.Sprintf("member-%d", i), Stance: "agree", Reason: "fits the charter",
		})
	}
	return events
}

// MustAppend appends events at the alliance's head and returns their
// records; it fails t unless they were written as new.
func MustAppend(t testing.TB, log Log, allianceID string, events []domain.Event) []eventstore.Record {
	t.Helper()
	ctx := Context(t)
	at, err := log.Head(ctx, allianceID)
	require.NoError(t, err)
	res, err := log.Append(ctx, allianceID, at, events)
	require.NoError(t, err)
	require.False(t, res.Duplicate)
	require.Len(t, res.Records, len(events))
	return res.Records
}

// ReadAll returns every record of an alliance; it fails t when the read
// fails.
func ReadAll(t testing.TB, log Log, allianceID string) []eventstore.Record {
	t.Helper()
	var records []eventstore.Record
	for r, err := range log.ReadAlliance(Context(t), allianceID, 0) {
		require.NoError(t, err)
		records = append(records, r)
	}
	return records
}

// Collect returns the records seq yields before its error, and that error.
func Collect(seq iter.Seq2[eventstore.Record, error]) ([]eventstore.Record, error) {
	var records []eventstore.Record
	for r, err := range seq {
		if err != nil {
			return records, err
		}
		records = append(records, r)
	}
	return records, nil
}
