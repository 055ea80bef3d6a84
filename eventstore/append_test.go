package eventstore_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

func TestAppendWritesOneMessage(t *testing.T) {
	ts := eventstoretest.Start(t)
	s := ts.Store
	js := ts.JetStream(t)
	alliance := uuid.NewString()
	events := eventstoretest.Votes(alliance, 3)

	res, err := s.Append(eventstoretest.Context(t), alliance, eventstore.Position{}, events)
	require.NoError(t, err)
	require.Equal(t, uint64(1), streamMsgs(t, js))

	stream, err := js.Stream(eventstoretest.Context(t), eventstore.StreamName)
	require.NoError(t, err)
	msg, err := stream.GetMsg(eventstoretest.Context(t), res.Records[0].StreamSeq)
	require.NoError(t, err)
	require.Equal(t, eventstore.Subject(alliance), msg.Subject)
	require.Equal(t, events[0].CommandID, msg.Header.Get("Nats-Msg-Id"))
	lines := [][]byte{res.Records[0].Raw, res.Records[1].Raw, res.Records[2].Raw}
	require.Equal(t, bytes.Join(lines, []byte("\n")), msg.Data)
}

// A caller may commit several commands as one message. A retry of the batch
// answers with the records of its first command, the message's id.
func TestAppendBatchOfCommands(t *testing.T) {
	s := eventstoretest.Start(t).Store
	ctx := eventstoretest.Context(t)
	alliance := uuid.NewString()
	batch := append(eventstoretest.Votes(alliance, 2), eventstoretest.Votes(alliance, 1)...)

	res, err := s.Append(ctx, alliance, eventstore.Position{}, batch)
	require.NoError(t, err)
	require.Len(t, res.Records, 3)
	again, err := s.Append(ctx, alliance, eventstore.Position{}, batch)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, res.Records[:2], again.Records)
}

// Message ids are de-duplicated across the stream, so a command id reused for
// another alliance is refused, but not as a concurrency conflict: retrying
// would not help.
func TestAppendCommandIDOfAnotherAlliance(t *testing.T) {
	s := eventstoretest.Start(t).Store
	ctx := eventstoretest.Context(t)
	a, b, command := uuid.NewString(), uuid.NewString(), uuid.NewString()
	_, err := s.Append(ctx, a, eventstore.Position{}, eventstoretest.VotesOf(a, command, 1))
	require.NoError(t, err)

	_, err = s.Append(ctx, b, eventstore.Position{}, eventstoretest.VotesOf(b, command, 1))
	require.Error(t, err)
	require.Equal(t, domain.Conflict, domain.KindOf(err))
	require.False(t, errors.Is(err, eventstore.ErrConflict))
	head, err := s.Head(ctx, b)
	require.NoError(t, err)
	require.Equal(t, eventstore.Position{}, head)
}

func TestAppendRefusesBadInput(t *testing.T) {
	s := eventstoretest.Start(t).Store
	alliance := uuid.NewString()
	noCommand := eventstoretest.VotesOf(alliance, "", 1)
	noTime := eventstoretest.Votes(alliance, 1)
	noTime[0].At = time.Time{}
	noData := eventstoretest.Votes(alliance, 1)
	noData[0].Data = nil
	cases := []struct {
		name     string
		alliance string
		at       eventstore.Position
		events   []domain.Event
		kind     domain.Kind
	}{
		{"no alliance id", "", eventstore.Position{}, eventstoretest.Votes("", 1), domain.Invalid},
		{"alliance id with a dot", "a.b", eventstore.Position{}, eventstoretest.Votes("a.b", 1), domain.Invalid},
		{"alliance id with a wildcard", "*", eventstore.Position{}, eventstoretest.Votes("*", 1), domain.Invalid},
		{"no events", alliance, eventstore.Position{}, nil, domain.Internal},
		{"events of another alliance", alliance, eventstore.Position{}, eventstoretest.Votes(uuid.NewString(), 1), domain.Internal},
		{"no command id", alliance, eventstore.Position{}, noCommand, domain.Internal},
		{"no time", alliance, eventstore.Position{}, noTime, domain.Internal},
		{"no data", alliance, eventstore.Position{}, noData, domain.Internal},
		{"a seq without a hash", alliance, eventstore.Position{Seq: 1, StreamSeq: 1}, eventstoretest.Votes(alliance, 1), domain.Internal},
		{"a stream seq without a seq", alliance, eventstore.Position{StreamSeq: 1}, eventstoretest.Votes(alliance, 1), domain.Internal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Append(eventstoretest.Context(t), c.alliance, c.at, c.events)
			require.Error(t, err)
			require.Equal(t, c.kind, domain.KindOf(err), "%v", err)
		})
	}
}

func TestAppendTooLarge(t *testing.T) {
	s := eventstoretest.Start(t).Store
	alliance := uuid.NewString()
	events := eventstoretest.Votes(alliance, 1)
	events[0].Data = domain.VoteCast{ProposalID: "p", MemberID: "m", Stance: "agree", Reason: strings.Repeat("x", 2<<20)}

	_, err := s.Append(eventstoretest.Context(t), alliance, eventstore.Position{}, events)
	require.Equal(t, domain.TooLarge, domain.KindOf(err), "%v", err)
}

func TestAppendUnavailable(t *testing.T) {
	ts := eventstoretest.Start(t)
	s := ts.Store
	alliance := uuid.NewString()
	ts.Stop()

	_, err := s.Append(eventstoretest.Context(t), alliance, eventstore.Position{}, eventstoretest.Votes(alliance, 1))
	require.ErrorIs(t, err, eventstore.ErrUnavailable)
	require.Equal(t, domain.Unavailable, domain.KindOf(err))
	_, err = s.Head(eventstoretest.Context(t), alliance)
	require.Equal(t, domain.Unavailable, domain.KindOf(err))
	_, err = eventstoretest.Collect(s.ReadAlliance(eventstoretest.Context(t), alliance, 0))
	require.Equal(t, domain.Unavailable, domain.KindOf(err))
}
