package eventstore_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

func TestCheckStream(t *testing.T) {
	require.NoError(t, eventstore.CheckStream(eventstore.DefaultStreamConfig()))
	cases := map[string]func(*jetstream.StreamConfig){
		"deny_delete":     func(c *jetstream.StreamConfig) { c.DenyDelete = false },
		"deny_purge":      func(c *jetstream.StreamConfig) { c.DenyPurge = false },
		"rollups":         func(c *jetstream.StreamConfig) { c.AllowRollup = true },
		"message TTLs":    func(c *jetstream.StreamConfig) { c.AllowMsgTTL = true },
		"max age":         func(c *jetstream.StreamConfig) { c.MaxAge = time.Hour },
		"message limit":   func(c *jetstream.StreamConfig) { c.MaxMsgs = 1000 },
		"size limit":      func(c *jetstream.StreamConfig) { c.MaxBytes = 1 << 30 },
		"per-subject":     func(c *jetstream.StreamConfig) { c.MaxMsgsPerSubject = 1 },
		"file storage":    func(c *jetstream.StreamConfig) { c.Storage = jetstream.MemoryStorage },
		"retention":       func(c *jetstream.StreamConfig) { c.Retention = jetstream.WorkQueuePolicy },
		"async persist":   func(c *jetstream.StreamConfig) { c.PersistMode = jetstream.AsyncPersistMode },
		"accord.events.*": func(c *jetstream.StreamConfig) { c.Subjects = []string{"other.>"} },
	}
	for mention, change := range cases {
		t.Run(mention, func(t *testing.T) {
			cfg := eventstore.DefaultStreamConfig()
			change(&cfg)
			err := eventstore.CheckStream(cfg)
			require.ErrorIs(t, err, eventstore.ErrUnsafeStream)
			require.ErrorContains(t, err, mention)
		})
	}
}

// createUnsafe creates the ACCORD stream with a change to accord's settings
// and returns the error of opening a eventstore.Store on it.
func openOnUnsafe(t *testing.T, change func(*jetstream.StreamConfig)) error {
	t.Helper()
	ts := eventstoretest.StartNATS(t, t.TempDir())
	cfg := eventstore.DefaultStreamConfig()
	change(&cfg)
	_, err := ts.JetStream(t).CreateStream(eventstoretest.Context(t), cfg)
	require.NoError(t, err)
	_, err = eventstore.Open(eventstoretest.Context(t), ts.Conn)
	return err
}

func TestOpenRefusesStreamWithMaxAge(t *testing.T) {
	err := openOnUnsafe(t, func(c *jetstream.StreamConfig) { c.MaxAge = 24 * time.Hour })
	require.ErrorIs(t, err, eventstore.ErrUnsafeStream)
	require.ErrorContains(t, err, "max age")
	require.Equal(t, domain.Internal, domain.KindOf(err))
}

func TestOpenRefusesStreamWithoutDenyDelete(t *testing.T) {
	err := openOnUnsafe(t, func(c *jetstream.StreamConfig) { c.DenyDelete = false })
	require.ErrorIs(t, err, eventstore.ErrUnsafeStream)
	require.ErrorContains(t, err, "deny_delete")
}

func TestOpenRefusesStreamWithPerSubjectLimit(t *testing.T) {
	err := openOnUnsafe(t, func(c *jetstream.StreamConfig) { c.MaxMsgsPerSubject = 1 })
	require.ErrorIs(t, err, eventstore.ErrUnsafeStream)
	require.ErrorContains(t, err, "per-subject")
}

func TestOpenCreatesTheStream(t *testing.T) {
	ts := eventstoretest.Start(t)
	stream, err := ts.JetStream(t).Stream(eventstoretest.Context(t), eventstore.StreamName)
	require.NoError(t, err)
	cfg := stream.CachedInfo().Config
	require.Equal(t, []string{"accord.events.*"}, cfg.Subjects)
	require.Equal(t, jetstream.FileStorage, cfg.Storage)
	require.True(t, cfg.DenyDelete)
	require.True(t, cfg.DenyPurge)
	require.False(t, cfg.AllowRollup)
	require.Zero(t, cfg.MaxAge)
	require.Equal(t, int64(-1), cfg.MaxMsgs)
	require.Equal(t, int64(-1), cfg.MaxBytes)
	require.Equal(t, int64(-1), cfg.MaxMsgsPerSubject)
	require.Equal(t, 1, cfg.Replicas)

	_, err = eventstore.Open(eventstoretest.Context(t), ts.Conn)
	require.NoError(t, err, "an existing accord stream passes the check")
}

func TestOpenOptions(t *testing.T) {
	ts := eventstoretest.StartNATS(t, t.TempDir())
	for _, opt := range []eventstore.Option{eventstore.WithReplicas(0), eventstore.WithReplicas(6), eventstore.WithDuplicateWindow(0), eventstore.WithDuplicateWindow(48 * time.Hour)} {
		_, err := eventstore.Open(eventstoretest.Context(t), ts.Conn, opt)
		require.Error(t, err)
	}
	_, err := eventstore.Open(eventstoretest.Context(t), ts.Conn, eventstore.WithReplicas(3))
	require.Error(t, err, "a single server cannot keep three replicas")
	require.NotEqual(t, domain.Unavailable, domain.KindOf(err))

	_, err = eventstore.Open(eventstoretest.Context(t), ts.Conn, eventstore.WithReplicas(1), eventstore.WithDuplicateWindow(time.Hour))
	require.NoError(t, err)
}

// A server restarted on the same directory finds every event, passes the
// stream check and continues each alliance's chain.
func TestRestartKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	first := eventstoretest.StartNATS(t, dir)
	s, err := eventstore.Open(eventstoretest.Context(t), first.Conn)
	require.NoError(t, err)
	a, b := uuid.NewString(), uuid.NewString()
	for i := 0; i < 3; i++ {
		eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 2))
		eventstoretest.MustAppend(t, s, b, eventstoretest.Votes(b, 1))
	}
	before := eventstoretest.ReadAll(t, s, a)
	headB, err := s.Head(eventstoretest.Context(t), b)
	require.NoError(t, err)
	first.Stop()

	second := eventstoretest.StartNATS(t, dir)
	s, err = eventstore.Open(eventstoretest.Context(t), second.Conn)
	require.NoError(t, err)
	require.Equal(t, before, eventstoretest.ReadAll(t, s, a))
	head, err := s.Head(eventstoretest.Context(t), b)
	require.NoError(t, err)
	require.Equal(t, headB, head)

	eventstoretest.MustAppend(t, s, a, eventstoretest.Votes(a, 1))
	after := eventstoretest.ReadAll(t, s, a)
	require.Len(t, after, 7)
	eventstoretest.RequireChain(t, after, a)
}
