package eventstoretest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"iter"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
)

// Log is what the conformance suite needs of an event log. *eventstore.Store
// is one; any other implementation of accord's log runs the suite with a
// factory that returns an empty one.
type Log interface {
	Append(ctx context.Context, allianceID string, at eventstore.Position, events []domain.Event) (eventstore.AppendResult, error)
	ReadAlliance(ctx context.Context, allianceID string, fromStreamSeq uint64) iter.Seq2[eventstore.Record, error]
	Head(ctx context.Context, allianceID string) (eventstore.Position, error)
}

// Run runs every case of the conformance suite in parallel, each on the log
// open returns for it: a stale position conflicts, concurrent appenders
// each land once, a retried command is recorded once, reads start where
// asked and end where the caller stops.
func Run(t *testing.T, open func(t *testing.T) Log) {
	cases := map[string]func(t *testing.T, log Log){
		"append to an empty alliance and read back": conformAppendRead,
		"several events of a command share a write": conformOneWrite,
		"read from a stream seq":                    conformReadFrom,
		"read an empty alliance":                    conformReadEmpty,
		"breaking off stops the read":               conformReadStops,
		"a stale position conflicts":                conformStale,
		"50 concurrent appenders":                   conformConcurrent,
		"a retry after a lost ack":                  conformLostAck,
		"a retry at the new position":               conformRetryAtHead,
		"two alliances stay independent":            conformTwoAlliances,
	}
	for name, run := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run(t, open(t))
		})
	}
}

// RequireChain checks that records are an alliance's whole log: seqs 1..n
// without gap, seq 1 chained to the zero hash, each hash the SHA-256 of the
// stored line and each prev_hash the hash of the line before.
func RequireChain(t *testing.T, records []eventstore.Record, allianceID string) {
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

func conformAppendRead(t *testing.T, log Log) {
	alliance := uuid.NewString()
	first := MustAppend(t, log, alliance, Votes(alliance, 3))
	second := MustAppend(t, log, alliance, Votes(alliance, 2))

	got := ReadAll(t, log, alliance)
	require.Len(t, got, 5)
	RequireChain(t, got, alliance)
	require.Equal(t, append(first, second...), got, "Append returns what readers see")
	for _, r := range got {
		uid, err := uuid.Parse(r.Event.ID)
		require.NoError(t, err)
		require.Equal(t, uuid.Version(7), uid.Version())
		decoded, err := domain.Decode(r.Raw)
		require.NoError(t, err)
		require.Equal(t, r.Event, decoded)
	}
	head, err := log.Head(Context(t), alliance)
	require.NoError(t, err)
	require.Equal(t, got[4].Position(), head)
}

func conformOneWrite(t *testing.T, log Log) {
	alliance := uuid.NewString()
	first := MustAppend(t, log, alliance, Votes(alliance, 3))
	second := MustAppend(t, log, alliance, Votes(alliance, 1))
	for _, r := range first {
		require.Equal(t, first[0].StreamSeq, r.StreamSeq)
	}
	require.Greater(t, second[0].StreamSeq, first[0].StreamSeq)
	for _, r := range ReadAll(t, log, alliance)[:3] {
		require.Equal(t, first[0].StreamSeq, r.StreamSeq)
	}
}

func conformReadFrom(t *testing.T, log Log) {
	alliance := uuid.NewString()
	MustAppend(t, log, alliance, Votes(alliance, 2))
	tail := MustAppend(t, log, alliance, Votes(alliance, 2))
	MustAppend(t, log, alliance, Votes(alliance, 1))

	var got []uint64
	for r, err := range log.ReadAlliance(Context(t), alliance, tail[0].StreamSeq) {
		require.NoError(t, err)
		got = append(got, r.Event.Seq)
	}
	require.Equal(t, []uint64{3, 4, 5}, got)
}

func conformReadEmpty(t *testing.T, log Log) {
	alliance := uuid.NewString()
	require.Empty(t, ReadAll(t, log, alliance))
	head, err := log.Head(Context(t), alliance)
	require.NoError(t, err)
	require.Equal(t, eventstore.Position{}, head)

	other := uuid.NewString()
	last := MustAppend(t, log, other, Votes(other, 1))
	for _, err := range log.ReadAlliance(Context(t), other, last[0].StreamSeq+1) {
		require.NoError(t, err)
		t.Fatal("a record past the end")
	}
}

func conformReadStops(t *testing.T, log Log) {
	alliance := uuid.NewString()
	MustAppend(t, log, alliance, Votes(alliance, 3))
	calls := 0
	for _, err := range log.ReadAlliance(Context(t), alliance, 0) {
		require.NoError(t, err)
		calls++
		break
	}
	require.Equal(t, 1, calls)
	require.Len(t, ReadAll(t, log, alliance), 3, "a read broken off leaves the log as it is")
}

func conformStale(t *testing.T, log Log) {
	ctx := Context(t)
	alliance := uuid.NewString()
	stored := MustAppend(t, log, alliance, Votes(alliance, 1))

	_, err := log.Append(ctx, alliance, eventstore.Position{}, Votes(alliance, 2))
	require.ErrorIs(t, err, eventstore.ErrConflict)
	require.Equal(t, domain.Conflict, domain.KindOf(err))
	require.Equal(t, stored, ReadAll(t, log, alliance), "nothing written")

	MustAppend(t, log, alliance, Votes(alliance, 1))
	_, err = log.Append(ctx, alliance, stored[0].Position(), Votes(alliance, 1))
	require.ErrorIs(t, err, eventstore.ErrConflict)
	require.Len(t, ReadAll(t, log, alliance), 2)
}

// conformConcurrent has 50 writers race on one alliance, each re-reading the
// head and retrying on conflict: every command lands exactly once.
func conformConcurrent(t *testing.T, log Log) {
	const writers = 50
	alliance := uuid.NewString()
	ctx := Context(t)
	commands := make([]string, writers)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := range commands {
		commands[i] = uuid.NewString()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- AppendRetrying(ctx, log, alliance, VotesOf(alliance, commands[i], 1))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	got := ReadAll(t, log, alliance)
	require.Len(t, got, writers)
	RequireChain(t, got, alliance)
	landed := map[string]int{}
	for _, r := range got {
		landed[r.Event.CommandID]++
	}
	for _, c := range commands {
		require.Equal(t, 1, landed[c], "command %s", c)
	}
}

// conformLostAck retries a stored command at the position it was first
// appended at, as a caller does when the first answer was lost.
func conformLostAck(t *testing.T, log Log) {
	ctx := Context(t)
	alliance := uuid.NewString()
	before := MustAppend(t, log, alliance, Votes(alliance, 1))
	at := before[0].Position()
	command := Votes(alliance, 2)

	first, err := log.Append(ctx, alliance, at, command)
	require.NoError(t, err)
	again, err := log.Append(ctx, alliance, at, command)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, first.Records, again.Records)
	require.Len(t, ReadAll(t, log, alliance), 3, "no second copy")

	// Still a duplicate once other commands have followed it.
	MustAppend(t, log, alliance, Votes(alliance, 1))
	again, err = log.Append(ctx, alliance, at, command)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, first.Records, again.Records)
	require.Len(t, ReadAll(t, log, alliance), 4)
}

// conformRetryAtHead retries a stored command at the alliance's new head, as
// a caller does that reloaded before retrying.
func conformRetryAtHead(t *testing.T, log Log) {
	ctx := Context(t)
	alliance := uuid.NewString()
	command := Votes(alliance, 2)
	first := MustAppend(t, log, alliance, command)

	head, err := log.Head(ctx, alliance)
	require.NoError(t, err)
	again, err := log.Append(ctx, alliance, head, command)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, first, again.Records)
	require.Len(t, ReadAll(t, log, alliance), 2)
}

func conformTwoAlliances(t *testing.T, log Log) {
	a, b := uuid.NewString(), uuid.NewString()
	for i := 0; i < 4; i++ {
		MustAppend(t, log, a, Votes(a, 1+i%2))
		MustAppend(t, log, b, Votes(b, 1))
	}
	gotA, gotB := ReadAll(t, log, a), ReadAll(t, log, b)
	require.Len(t, gotA, 6)
	require.Len(t, gotB, 4)
	RequireChain(t, gotA, a)
	RequireChain(t, gotB, b)

	headA, err := log.Head(Context(t), a)
	require.NoError(t, err)
	require.Equal(t, gotA[5].Position(), headA)
	headB, err := log.Head(Context(t), b)
	require.NoError(t, err)
	require.Equal(t, gotB[3].Position(), headB)
}

// AppendRetrying appends events at the alliance's head, re-reading it after
// each conflict. It returns the first other error, or an error after 1000
// conflicts.
func AppendRetrying(ctx context.Context, log Log, allianceID string, events []domain.Event) error {
	for attempt := 0; attempt < 1000; attempt++ {
		at, err := log.Head(ctx, allianceID)
		if err != nil {
			return err
		}
		_, err = log.Append(ctx, allianceID, at, events)
		if !errors.Is(err, eventstore.ErrConflict) {
			return err
		}
	}
	return errors.New("still conflicting after 1000 attempts")
}
