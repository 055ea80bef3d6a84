package eventstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"testing"

	"accord/domain"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// conformanceLog is what the conformance suite needs of an event log. Any
// implementation of accord's log can run the suite with a factory that
// returns an empty one.
type conformanceLog interface {
	Append(ctx context.Context, allianceID string, at Position, events []domain.Event) (AppendResult, error)
	ReadAlliance(ctx context.Context, allianceID string, fromStreamSeq uint64, fn func(Record) error) error
	Head(ctx context.Context, allianceID string) (Position, error)
}

func TestJetStreamConformance(t *testing.T) {
	runConformance(t, func(t *testing.T) conformanceLog {
		s, _ := openTestStore(t)
		return s
	})
}

// runConformance runs every case of the suite, each on a fresh log.
func runConformance(t *testing.T, newLog func(t *testing.T) conformanceLog) {
	cases := map[string]func(t *testing.T, log conformanceLog){
		"append to an empty alliance and read back": conformAppendRead,
		"several events of a command share a write": conformOneWrite,
		"read from a stream seq":                    conformReadFrom,
		"read an empty alliance":                    conformReadEmpty,
		"an error from fn stops the read":           conformReadStops,
		"a stale position conflicts":                conformStale,
		"50 concurrent appenders":                   conformConcurrent,
		"a retry after a lost ack":                  conformLostAck,
		"a retry at the new position":               conformRetryAtHead,
		"two alliances stay independent":            conformTwoAlliances,
	}
	for name, run := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run(t, newLog(t))
		})
	}
}

// mustAppend appends events at the alliance's head and returns the records.
func mustAppend(t *testing.T, log conformanceLog, allianceID string, events []domain.Event) []Record {
	t.Helper()
	ctx := testContext(t)
	at, err := log.Head(ctx, allianceID)
	require.NoError(t, err)
	res, err := log.Append(ctx, allianceID, at, events)
	require.NoError(t, err)
	require.False(t, res.Duplicate)
	require.Len(t, res.Records, len(events))
	return res.Records
}

// requireChain checks that records are an alliance's whole log: seqs 1..n
// without gap, seq 1 chained to the zero hash, each hash the SHA-256 of the
// stored line and each prev_hash the hash of the line before.
func requireChain(t *testing.T, records []Record, allianceID string) {
	t.Helper()
	prev := domain.ZeroHash
	for i, r := range records {
		sum := sha256.Sum256(r.Raw)
		hash := hex.EncodeToString(sum[:])
		require.Equal(t, uint64(i+1), r.Event.Seq, "record %d", i)
		require.Equal(t, allianceID, r.Event.AllianceID)
		require.Equal(t, prev, r.Event.PrevHash, "prev_hash of seq %d", r.Event.Seq)
		require.Equal(t, hash, r.Hash, "hash of seq %d", r.Event.Seq)
		require.NotZero(t, r.StreamSeq)
		if i > 0 {
			require.GreaterOrEqual(t, r.StreamSeq, records[i-1].StreamSeq)
		}
		prev = hash
	}
}

func conformAppendRead(t *testing.T, log conformanceLog) {
	alliance := uuid.NewString()
	first := mustAppend(t, log, alliance, votes(alliance, 3))
	second := mustAppend(t, log, alliance, votes(alliance, 2))

	got := readAll(t, log, alliance)
	require.Len(t, got, 5)
	requireChain(t, got, alliance)
	require.Equal(t, append(first, second...), got, "Append returns what readers see")
	for _, r := range got {
		uid, err := uuid.Parse(r.Event.ID)
		require.NoError(t, err)
		require.Equal(t, uuid.Version(7), uid.Version())
		decoded, err := domain.Decode(r.Raw)
		require.NoError(t, err)
		require.Equal(t, r.Event, decoded)
	}
	head, err := log.Head(testContext(t), alliance)
	require.NoError(t, err)
	require.Equal(t, got[4].Position(), head)
}

func conformOneWrite(t *testing.T, log conformanceLog) {
	alliance := uuid.NewString()
	first := mustAppend(t, log, alliance, votes(alliance, 3))
	second := mustAppend(t, log, alliance, votes(alliance, 1))
	for _, r := range first {
		require.Equal(t, first[0].StreamSeq, r.StreamSeq)
	}
	require.Greater(t, second[0].StreamSeq, first[0].StreamSeq)
	for _, r := range readAll(t, log, alliance)[:3] {
		require.Equal(t, first[0].StreamSeq, r.StreamSeq)
	}
}

func conformReadFrom(t *testing.T, log conformanceLog) {
	alliance := uuid.NewString()
	mustAppend(t, log, alliance, votes(alliance, 2))
	tail := mustAppend(t, log, alliance, votes(alliance, 2))
	mustAppend(t, log, alliance, votes(alliance, 1))

	var got []uint64
	err := log.ReadAlliance(testContext(t), alliance, tail[0].StreamSeq, func(r Record) error {
		got = append(got, r.Event.Seq)
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, []uint64{3, 4, 5}, got)
}

func conformReadEmpty(t *testing.T, log conformanceLog) {
	alliance := uuid.NewString()
	require.Empty(t, readAll(t, log, alliance))
	head, err := log.Head(testContext(t), alliance)
	require.NoError(t, err)
	require.Equal(t, Position{}, head)

	other := uuid.NewString()
	last := mustAppend(t, log, other, votes(other, 1))
	err = log.ReadAlliance(testContext(t), other, last[0].StreamSeq+1, func(Record) error {
		return errors.New("called past the end")
	})
	require.NoError(t, err)
}

func conformReadStops(t *testing.T, log conformanceLog) {
	alliance := uuid.NewString()
	mustAppend(t, log, alliance, votes(alliance, 3))
	stop := errors.New("enough")
	calls := 0
	err := log.ReadAlliance(testContext(t), alliance, 0, func(Record) error {
		calls++
		return stop
	})
	require.ErrorIs(t, err, stop)
	require.Equal(t, 1, calls)
}

func conformStale(t *testing.T, log conformanceLog) {
	ctx := testContext(t)
	alliance := uuid.NewString()
	stored := mustAppend(t, log, alliance, votes(alliance, 1))

	_, err := log.Append(ctx, alliance, Position{}, votes(alliance, 2))
	require.ErrorIs(t, err, ErrConflict)
	require.Equal(t, domain.Conflict, domain.KindOf(err))
	require.Equal(t, stored, readAll(t, log, alliance), "nothing written")

	mustAppend(t, log, alliance, votes(alliance, 1))
	_, err = log.Append(ctx, alliance, stored[0].Position(), votes(alliance, 1))
	require.ErrorIs(t, err, ErrConflict)
	require.Len(t, readAll(t, log, alliance), 2)
}

// conformConcurrent has 50 writers race on one alliance, each re-reading the
// head and retrying on conflict: every command lands exactly once.
func conformConcurrent(t *testing.T, log conformanceLog) {
	const writers = 50
	alliance := uuid.NewString()
	ctx := testContext(t)
	commands := make([]string, writers)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := range commands {
		commands[i] = uuid.NewString()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- appendRetrying(ctx, log, alliance, votesOf(alliance, commands[i], 1))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	got := readAll(t, log, alliance)
	require.Len(t, got, writers)
	requireChain(t, got, alliance)
	landed := map[string]int{}
	for _, r := range got {
		landed[r.Event.CommandID]++
	}
	for _, c := range commands {
		require.Equal(t, 1, landed[c], "command %s", c)
	}
}

// appendRetrying appends at the head, re-reading it after each conflict.
func appendRetrying(ctx context.Context, log conformanceLog, allianceID string, events []domain.Event) error {
	for attempt := 0; attempt < 1000; attempt++ {
		at, err := log.Head(ctx, allianceID)
		if err != nil {
			return err
		}
		_, err = log.Append(ctx, allianceID, at, events)
		if !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return errors.New("still conflicting after 1000 attempts")
}

// conformLostAck retries a stored command at the position it was first
// appended at, as a caller does when the first answer was lost.
func conformLostAck(t *testing.T, log conformanceLog) {
	ctx := testContext(t)
	alliance := uuid.NewString()
	before := mustAppend(t, log, alliance, votes(alliance, 1))
	at := before[0].Position()
	command := votes(alliance, 2)

	first, err := log.Append(ctx, alliance, at, command)
	require.NoError(t, err)
	again, err := log.Append(ctx, alliance, at, command)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, first.Records, again.Records)
	require.Len(t, readAll(t, log, alliance), 3, "no second copy")

	// Still a duplicate once other commands have followed it.
	mustAppend(t, log, alliance, votes(alliance, 1))
	again, err = log.Append(ctx, alliance, at, command)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, first.Records, again.Records)
	require.Len(t, readAll(t, log, alliance), 4)
}

// conformRetryAtHead retries a stored command at the alliance's new head, as
// a caller does that reloaded before retrying.
func conformRetryAtHead(t *testing.T, log conformanceLog) {
	ctx := testContext(t)
	alliance := uuid.NewString()
	command := votes(alliance, 2)
	first := mustAppend(t, log, alliance, command)

	head, err := log.Head(ctx, alliance)
	require.NoError(t, err)
	again, err := log.Append(ctx, alliance, head, command)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, first, again.Records)
	require.Len(t, readAll(t, log, alliance), 2)
}

func conformTwoAlliances(t *testing.T, log conformanceLog) {
	a, b := uuid.NewString(), uuid.NewString()
	for i := 0; i < 4; i++ {
		mustAppend(t, log, a, votes(a, 1+i%2))
		mustAppend(t, log, b, votes(b, 1))
	}
	gotA, gotB := readAll(t, log, a), readAll(t, log, b)
	require.Len(t, gotA, 6)
	require.Len(t, gotB, 4)
	requireChain(t, gotA, a)
	requireChain(t, gotB, b)

	headA, err := log.Head(testContext(t), a)
	require.NoError(t, err)
	require.Equal(t, gotA[5].Position(), headA)
	headB, err := log.Head(testContext(t), b)
	require.NoError(t, err)
	require.Equal(t, gotB[3].Position(), headB)
}
