package eventstore

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"accord/domain"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestAppendWritesOneMessage(t *testing.T) {
	s, ts := openTestStore(t)
	js := testJetStream(t, ts)
	alliance := uuid.NewString()
	events := votes(alliance, 3)

	res, err := s.Append(testContext(t), alliance, Position{}, events)
	require.NoError(t, err)
	require.Equal(t, uint64(1), streamMsgs(t, js))

	stream, err := js.Stream(testContext(t), StreamName)
	require.NoError(t, err)
	msg, err := stream.GetMsg(testContext(t), res.Records[0].StreamSeq)
	require.NoError(t, err)
	require.Equal(t, Subject(alliance), msg.Subject)
	require.Equal(t, events[0].CommandID, msg.Header.Get("Nats-Msg-Id"))
	lines := [][]byte{res.Records[0].Raw, res.Records[1].Raw, res.Records[2].Raw}
	require.Equal(t, bytes.Join(lines, []byte("\n")), msg.Data)
}

// A caller may commit several commands as one message. A retry of the batch
// answers with the records of its first command, the message's id.
func TestAppendBatchOfCommands(t *testing.T) {
	s, _ := openTestStore(t)
	ctx := testContext(t)
	alliance := uuid.NewString()
	batch := append(votes(alliance, 2), votes(alliance, 1)...)

	res, err := s.Append(ctx, alliance, Position{}, batch)
	require.NoError(t, err)
	require.Len(t, res.Records, 3)
	again, err := s.Append(ctx, alliance, Position{}, batch)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, res.Records[:2], again.Records)
}

// Message ids are de-duplicated across the stream, so a command id reused for
// another alliance is refused, but not as a concurrency conflict: retrying
// would not help.
func TestAppendCommandIDOfAnotherAlliance(t *testing.T) {
	s, _ := openTestStore(t)
	ctx := testContext(t)
	a, b, command := uuid.NewString(), uuid.NewString(), uuid.NewString()
	_, err := s.Append(ctx, a, Position{}, votesOf(a, command, 1))
	require.NoError(t, err)

	_, err = s.Append(ctx, b, Position{}, votesOf(b, command, 1))
	require.Error(t, err)
	require.Equal(t, domain.Conflict, domain.KindOf(err))
	require.False(t, errors.Is(err, ErrConflict))
	head, err := s.Head(ctx, b)
	require.NoError(t, err)
	require.Equal(t, Position{}, head)
}

func TestAppendRefusesBadInput(t *testing.T) {
	s, _ := openTestStore(t)
	alliance := uuid.NewString()
	noCommand := votesOf(alliance, "", 1)
	noTime := votes(alliance, 1)
	noTime[0].At = time.Time{}
	noData := votes(alliance, 1)
	noData[0].Data = nil
	cases := []struct {
		name     string
		alliance string
		at       Position
		events   []domain.Event
		kind     domain.Kind
	}{
		{"no alliance id", "", Position{}, votes("", 1), domain.Invalid},
		{"alliance id with a dot", "a.b", Position{}, votes("a.b", 1), domain.Invalid},
		{"alliance id with a wildcard", "*", Position{}, votes("*", 1), domain.Invalid},
		{"no events", alliance, Position{}, nil, domain.Internal},
		{"events of another alliance", alliance, Position{}, votes(uuid.NewString(), 1), domain.Internal},
		{"no command id", alliance, Position{}, noCommand, domain.Internal},
		{"no time", alliance, Position{}, noTime, domain.Internal},
		{"no data", alliance, Position{}, noData, domain.Internal},
		{"a seq without a hash", alliance, Position{Seq: 1, StreamSeq: 1}, votes(alliance, 1), domain.Internal},
		{"a stream seq without a seq", alliance, Position{StreamSeq: 1}, votes(alliance, 1), domain.Internal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Append(testContext(t), c.alliance, c.at, c.events)
			require.Error(t, err)
			require.Equal(t, c.kind, domain.KindOf(err), "%v", err)
		})
	}
}

func TestAppendTooLarge(t *testing.T) {
	s, _ := openTestStore(t)
	alliance := uuid.NewString()
	events := votes(alliance, 1)
	events[0].Data = domain.VoteCast{ProposalID: "p", MemberID: "m", Stance: "agree", Reason: strings.Repeat("x", 2<<20)}

	_, err := s.Append(testContext(t), alliance, Position{}, events)
	require.Equal(t, domain.TooLarge, domain.KindOf(err), "%v", err)
}

func TestAppendUnavailable(t *testing.T) {
	s, ts := openTestStore(t)
	alliance := uuid.NewString()
	ts.stop()

	_, err := s.Append(testContext(t), alliance, Position{}, votes(alliance, 1))
	require.ErrorIs(t, err, ErrUnavailable)
	require.Equal(t, domain.Unavailable, domain.KindOf(err))
	_, err = s.Head(testContext(t), alliance)
	require.Equal(t, domain.Unavailable, domain.KindOf(err))
	err = s.ReadAlliance(testContext(t), alliance, 0, func(Record) error { return nil })
	require.Equal(t, domain.Unavailable, domain.KindOf(err))
}
