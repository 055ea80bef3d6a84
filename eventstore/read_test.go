package eventstore

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"accord/domain"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestReplayInStreamOrder(t *testing.T) {
	s, _ := openTestStore(t)
	alliances := []string{uuid.NewString(), uuid.NewString(), uuid.NewString()}
	var want []Record
	var midway uint64
	for i := 0; i < 9; i++ {
		a := alliances[(i*7)%3]
		records := mustAppend(t, s, a, votes(a, 1+i%2))
		if i == 5 {
			midway = records[0].StreamSeq
		}
		want = append(want, records...)
	}

	got := replayAll(t, s, 0)
	require.Equal(t, keys(want), keys(got))
	require.Equal(t, want, got)

	var tail []Record
	for _, r := range want {
		if r.StreamSeq >= midway {
			tail = append(tail, r)
		}
	}
	require.Equal(t, keys(tail), keys(replayAll(t, s, midway)))
}

// replayAll returns every record of the stream from a stream seq on.
func replayAll(t *testing.T, s *Store, from uint64) []Record {
	t.Helper()
	var got []Record
	err := s.Replay(testContext(t), from, func(r Record) error {
		got = append(got, r)
		return nil
	})
	require.NoError(t, err)
	return got
}

// keys names records briefly (stream seq, alliance, seq) for readable diffs.
func keys(records []Record) []string {
	out := make([]string, len(records))
	for i, r := range records {
		out[i] = fmt.Sprintf("%d %s #%d", r.StreamSeq, r.Event.AllianceID[:8], r.Event.Seq)
	}
	return out
}

func TestReplayEmptyStream(t *testing.T) {
	s, _ := openTestStore(t)
	err := s.Replay(testContext(t), 0, func(Record) error { return errors.New("called on an empty stream") })
	require.NoError(t, err)
}

func TestReplayStopsOnError(t *testing.T) {
	s, _ := openTestStore(t)
	a := uuid.NewString()
	mustAppend(t, s, a, votes(a, 3))
	stop := errors.New("stop")
	err := s.Replay(testContext(t), 0, func(Record) error { return stop })
	require.ErrorIs(t, err, stop)
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
			s, ts := openTestStore(t)
			a := uuid.NewString()
			good := mustAppend(t, s, a, votes(a, 1))
			body = strings.ReplaceAll(body, "ALLIANCE", a)
			body = strings.ReplaceAll(body, "LINE", string(good[0].Raw))
			_, err := testJetStream(t, ts).Publish(testContext(t), Subject(a), []byte(body))
			require.NoError(t, err)
			requireMalformedAt(t, s, a, good[0].StreamSeq+1)
		})
	}
}

// requireMalformedAt checks that every read of alliance a fails at the
// message at streamSeq, after delivering what comes before it.
func requireMalformedAt(t *testing.T, s *Store, a string, streamSeq uint64) {
	t.Helper()
	var delivered []uint64
	err := s.ReadAlliance(testContext(t), a, 0, func(r Record) error {
		delivered = append(delivered, r.StreamSeq)
		return nil
	})
	requireMalformed(t, err, streamSeq)
	require.Equal(t, []uint64{streamSeq - 1}, delivered)

	_, err = s.Head(testContext(t), a)
	requireMalformed(t, err, streamSeq)
	err = s.Replay(testContext(t), 0, func(Record) error { return nil })
	requireMalformed(t, err, streamSeq)
}

func requireMalformed(t *testing.T, err error, streamSeq uint64) {
	t.Helper()
	var malformed *MalformedError
	require.ErrorAs(t, err, &malformed)
	require.Equal(t, streamSeq, malformed.StreamSeq)
	require.ErrorIs(t, err, ErrMalformed)
	require.ErrorContains(t, err, "stream seq")
	require.Equal(t, domain.Internal, domain.KindOf(err))
}
