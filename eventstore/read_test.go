package eventstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

func TestReplayInStreamOrder(t *testing.T) {
	s := eventstoretest.Start(t).Store
	alliances := []string{uuid.NewString(), uuid.NewString(), uuid.NewString()}
	var want []eventstore.Record
	var midway uint64
	for i := 0; i < 9; i++ {
		a := alliances[(i*7)%3]
		records := eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 1+i%2))
		if i == 5 {
			midway = records[0].StreamSeq
		}
		want = append(want, records...)
	}

	got := replayAll(t, s, 0)
	require.Equal(t, keys(want), keys(got))
	require.Equal(t, want, got)

	var tail []eventstore.Record
	for _, r := range want {
		if r.StreamSeq >= midway {
			tail = append(tail, r)
		}
	}
	require.Equal(t, keys(tail), keys(replayAll(t, s, midway)))
}

// replayAll returns every record of the stream from a stream seq on.
func replayAll(t *testing.T, s *eventstore.Store, from uint64) []eventstore.Record {
	t.Helper()
	got, err := eventstoretest.Collect(s.Replay(eventstoretest.Context(t), from))
	require.NoError(t, err)
	return got
}

// keys names records briefly (stream seq, alliance, seq) for readable diffs.
func keys(records []eventstore.Record) []string {
	out := make([]string, len(records))
	for i, r := range records {
		out[i] = fmt.Sprintf("%d %s #%d", r.StreamSeq, r.Event.AllianceID[:8], r.Event.Seq)
	}
	return out
}

func TestReplayEmptyStream(t *testing.T) {
	s := eventstoretest.Start(t).Store
	for _, err := range s.Replay(eventstoretest.Context(t), 0) {
		require.NoError(t, err)
		t.Fatal("a record of an empty stream")
	}
}

func TestReplayStopsWhenBrokenOff(t *testing.T) {
	s := eventstoretest.Start(t).Store
	a := uuid.NewString()
	eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 3))
	calls := 0
	for _, err := range s.Replay(eventstoretest.Context(t), 0) {
		require.NoError(t, err)
		calls++
		break
	}
	require.Equal(t, 1, calls)
}

// Someone other than accord can publish on an alliance's subject. Reads stop
// at such a message with an error that names it, and never skip it.
func TestMalformedMessages(t *testing.T) {
	bodies := map[string]string{
		"not json":          "not json",
		"empty":             "",
		"unknown type":      `{"id":"x","alliance_id":"ALLIANCE","seq":2,"type":"Nope","v":1,"data":{}}`,
		"another alliance":  `{"id":"x","alliance_id":"other","seq":2,"type":"VoteCast","v":1,"data":{"proposal_id":"p"}}`,
		"a bad second line": "LINE\n{",
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			ts := eventstoretest.Start(t)
			s := ts.Store
			a := uuid.NewString()
			good := eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 1))
			body = strings.ReplaceAll(body, "ALLIANCE", a)
			body = strings.ReplaceAll(body, "LINE", string(good[0].Raw))
			_, err := ts.JetStream(t).Publish(eventstoretest.Context(t), eventstore.Subject(a), []byte(body))
			require.NoError(t, err)
			requireMalformedAt(t, s, a, good[0].StreamSeq+1)
		})
	}
}

// requireMalformedAt checks that every read of alliance a fails at the
// message at streamSeq, after delivering what comes before it.
func requireMalformedAt(t *testing.T, s *eventstore.Store, a string, streamSeq uint64) {
	t.Helper()
	var delivered []uint64
	records, err := eventstoretest.Collect(s.ReadAlliance(eventstoretest.Context(t), a, 0))
	for _, r := range records {
		delivered = append(delivered, r.StreamSeq)
	}
	requireMalformed(t, err, streamSeq)
	require.Equal(t, []uint64{streamSeq - 1}, delivered)

	_, err = s.Head(eventstoretest.Context(t), a)
	requireMalformed(t, err, streamSeq)
	_, err = eventstoretest.Collect(s.Replay(eventstoretest.Context(t), 0))
	requireMalformed(t, err, streamSeq)
}

func requireMalformed(t *testing.T, err error, streamSeq uint64) {
	t.Helper()
	var malformed *eventstore.MalformedError
	require.ErrorAs(t, err, &malformed)
	require.Equal(t, streamSeq, malformed.StreamSeq)
	require.ErrorIs(t, err, eventstore.ErrMalformed)
	require.ErrorContains(t, err, "stream seq")
	require.Equal(t, domain.Internal, domain.KindOf(err))
}

// A read hands records over in batches from a reader that runs ahead; what
// its consumer sees is still every record once, in stream order, across
// many batches, and a consumer that breaks off midway leaves no reader
// behind: its consumer is deleted.
func TestReplayAcrossBatches(t *testing.T) {
	ts := eventstoretest.Start(t)
	s := ts.Store
	alliances := []string{uuid.NewString(), uuid.NewString()}
	var want []eventstore.Record
	for i := 0; i < 240; i++ {
		a := alliances[i%2]
		want = append(want, eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 1+i%3))...)
	}
	require.Greater(t, len(want), 400)
	require.Equal(t, keys(want), keys(replayAll(t, s, 0)))

	read := 0
	for _, err := range s.Replay(eventstoretest.Context(t), 0) {
		require.NoError(t, err)
		if read++; read == 300 {
			break
		}
	}
	require.Equal(t, 300, read)
	stream, err := ts.JetStream(t).Stream(eventstoretest.Context(t), eventstore.StreamName)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		names := stream.ConsumerNames(eventstoretest.Context(t))
		n := 0
		for range names.Name() {
			n++
		}
		return names.Err() == nil && n == 0
	}, 10*time.Second, 20*time.Millisecond, "the reader's consumer is deleted")
}

// A read that meets a malformed message after many good ones delivers
// every record before it, then the error.
func TestReplayDeliversEverythingBeforeAMalformedMessage(t *testing.T) {
	ts := eventstoretest.Start(t)
	s := ts.Store
	a := uuid.NewString()
	var good []eventstore.Record
	for i := 0; i < 100; i++ {
		good = append(good, eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 3))...)
	}
	_, err := ts.JetStream(t).Publish(eventstoretest.Context(t), eventstore.Subject(a), []byte("not json"))
	require.NoError(t, err)
	got, err := eventstoretest.Collect(s.Replay(eventstoretest.Context(t), 0))
	requireMalformed(t, err, good[len(good)-1].StreamSeq+1)
	require.Equal(t, keys(good), keys(got))
}
