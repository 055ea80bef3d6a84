package eventstore_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// These tests pin the JetStream behaviour that Append relies on, on the
// server version in go.mod, below the eventstore.Store's API.

// publishRaw publishes body on subject with a message id and an expected
// last subject sequence, as Append does.
func publishRaw(t *testing.T, js jetstream.JetStream, subject, msgID string, expected uint64, body string) (*jetstream.PubAck, error) {
	t.Helper()
	msg := nats.NewMsg(subject)
	msg.Data = []byte(body)
	msg.Header.Set(jetstream.MsgIDHeader, msgID)
	return js.PublishMsg(eventstoretest.Context(t), msg, jetstream.WithExpectLastSequencePerSubject(expected))
}

func requireWrongLastSequence(t *testing.T, err error) {
	t.Helper()
	var apiErr *jetstream.APIError
	require.True(t, errors.As(err, &apiErr), "got %v", err)
	require.Equal(t, jetstream.JSErrCodeStreamWrongLastSequence, apiErr.ErrorCode)
	require.True(t, eventstore.IsWrongLastSequence(err))
}

// An expected last subject sequence of 0 is checked, and means the subject
// must be empty: the server treats "no message" as sequence 0.
func TestJetStreamExpectedLastSubjectSequenceZero(t *testing.T) {
	ts := eventstoretest.Start(t)
	js := ts.JetStream(t)
	subject := eventstore.Subject(uuid.NewString())

	ack, err := publishRaw(t, js, subject, uuid.NewString(), 0, "first")
	require.NoError(t, err)
	require.False(t, ack.Duplicate)

	_, err = publishRaw(t, js, subject, uuid.NewString(), 0, "second")
	requireWrongLastSequence(t, err)

	// Another subject is still empty although the stream is not.
	_, err = publishRaw(t, js, eventstore.Subject(uuid.NewString()), uuid.NewString(), 0, "other")
	require.NoError(t, err)
}

// On a single-node stream the expected-sequence check runs before
// de-duplication: a retry at the old position is refused as a conflict, not
// acknowledged as a duplicate. Only at the current position does the
// duplicate ack come back. Hence Append's search for the command id.
func TestJetStreamSequenceCheckBeforeDedupe(t *testing.T) {
	ts := eventstoretest.Start(t)
	js := ts.JetStream(t)
	subject, id := eventstore.Subject(uuid.NewString()), uuid.NewString()

	first, err := publishRaw(t, js, subject, id, 0, "command")
	require.NoError(t, err)

	_, err = publishRaw(t, js, subject, id, 0, "command")
	requireWrongLastSequence(t, err)

	again, err := publishRaw(t, js, subject, id, first.Sequence, "command")
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, first.Sequence, again.Sequence)

	require.Equal(t, uint64(1), streamMsgs(t, js))
}

// streamMsgs returns how many messages the ACCORD stream holds.
func streamMsgs(t *testing.T, js jetstream.JetStream) uint64 {
	t.Helper()
	stream, err := js.Stream(eventstoretest.Context(t), eventstore.StreamName)
	require.NoError(t, err)
	info, err := stream.Info(eventstoretest.Context(t))
	require.NoError(t, err)
	return info.State.Msgs
}
