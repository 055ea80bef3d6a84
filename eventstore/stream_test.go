package eventstore

import (
	"testing"
	"time"

	"accord/domain"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
)

func TestCheckStream(t *testing.T) {
	require.NoError(t, checkStream(streamConfig(defaultOptions())))
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
			cfg := streamConfig(defaultOptions())
			change(&cfg)
			err := checkStream(cfg)
			require.ErrorIs(t, err, ErrUnsafeStream)
			require.ErrorContains(t, err, mention)
		})
	}
}

// createUnsafe creates the ACCORD stream with a change to accord's settings
// and returns the error of opening a Store on it.
func openOnUnsafe(t *testing.T, change func(*jetstream.StreamConfig)) error {
	t.Helper()
	ts := startTestServer(t, t.TempDir())
	cfg := streamConfig(defaultOptions())
	change(&cfg)
	_, err := testJetStream(t, ts).CreateStream(testContext(t), cfg)
	require.NoError(t, err)
	_, err = Open(testContext(t), ts.nc)
	return err
}

func TestOpenRefusesStreamWithMaxAge(t *testing.T) {
	err := openOnUnsafe(t, func(c *jetstream.StreamConfig) { c.MaxAge = 24 * time.Hour })
	require.ErrorIs(t, err, ErrUnsafeStream)
	require.ErrorContains(t, err, "max age")
	require.Equal(t, domain.Internal, domain.KindOf(err))
}

func TestOpenRefusesStreamWithoutDenyDelete(t *testing.T) {
	err := openOnUnsafe(t, func(c *jetstream.StreamConfig) { c.DenyDelete = false })
	require.ErrorIs(t, err, ErrUnsafeStream)
	require.ErrorContains(t, err, "deny_delete")
}

func TestOpenRefusesStreamWithPerSubjectLimit(t *testing.T) {
	err := openOnUnsafe(t, func(c *jetstream.StreamConfig) { c.MaxMsgsPerSubject = 1 })
	require.ErrorIs(t, err, ErrUnsafeStream)
	require.ErrorContains(t, err, "per-subject")
}

func TestOpenCreatesTheStream(t *testing.T) {
	_, ts := openTestStore(t)
	stream, err := testJetStream(t, ts).Stream(testContext(t), StreamName)
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

	_, err = Open(testContext(t), ts.nc)
	require.NoError(t, err, "an existing accord stream passes the check")
}

func TestOpenOptions(t *testing.T) {
	ts := startTestServer(t, t.TempDir())
	for _, opt := range []Option{WithReplicas(0), WithReplicas(6), WithDuplicateWindow(0), WithDuplicateWindow(48 * time.Hour)} {
		_, err := Open(testContext(t), ts.nc, opt)
		require.Error(t, err)
	}
	_, err := Open(testContext(t), ts.nc, WithReplicas(3))
	require.Error(t, err, "a single server cannot keep three replicas")
	require.NotEqual(t, domain.Unavailable, domain.KindOf(err))

	_, err = Open(testContext(t), ts.nc, WithReplicas(1), WithDuplicateWindow(time.Hour))
	require.NoError(t, err)
}

// A server restarted on the same directory finds every event, passes the
// stream check and continues each alliance's chain.
func TestRestartKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	first := startTestServer(t, dir)
	s, err := Open(testContext(t), first.nc)
	require.NoError(t, err)
	a, b := uuid.NewString(), uuid.NewString()
	for i := 0; i < 3; i++ {
		mustAppend(t, s, a, votes(a, 2))
		mustAppend(t, s, b, votes(b, 1))
	}
	before := readAll(t, s, a)
	headB, err := s.Head(testContext(t), b)
	require.NoError(t, err)
	first.stop()

	second := startTestServer(t, dir)
	s, err = Open(testContext(t), second.nc)
	require.NoError(t, err)
	require.Equal(t, before, readAll(t, s, a))
	head, err := s.Head(testContext(t), b)
	require.NoError(t, err)
	require.Equal(t, headB, head)

	mustAppend(t, s, a, votes(a, 1))
	after := readAll(t, s, a)
	require.Len(t, after, 7)
	requireChain(t, after, a)
}
