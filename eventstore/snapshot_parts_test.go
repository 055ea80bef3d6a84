package eventstore_test

import (
	"bytes"
	"crypto/rand"
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// bigValue is a value of n random bytes, too large for one NATS message
// when n passes 1 MiB.
func bigValue(t *testing.T, n int) []byte {
	t.Helper()
	v := make([]byte, n)
	_, err := rand.Read(v)
	require.NoError(t, err)
	v[0] = '{'
	return v
}

// snapshotKeys lists the keys of the snapshot bucket.
func snapshotKeys(t *testing.T, srv *eventstoretest.Server) (jetstream.KeyValue, []string) {
	t.Helper()
	js, err := jetstream.New(srv.Conn)
	require.NoError(t, err)
	kv, err := js.KeyValue(eventstoretest.Context(t), eventstore.SnapshotBucket)
	require.NoError(t, err)
	keys, err := kv.ListKeys(eventstoretest.Context(t))
	require.NoError(t, err)
	var out []string
	for k := range keys.Keys() {
		out = append(out, k)
	}
	slices.Sort(out)
	return kv, out
}

// TestSnapshotsInParts: a value past a NATS message's 1 MiB is stored in
// parts and read back whole, by Get and by Scan; rewriting it leaves only
// the new parts; and parts that do not add up to the manifest (another
// instance rewriting them, or damage) read as no snapshot, not as a wrong
// one.
func TestSnapshotsInParts(t *testing.T) {
	ctx := eventstoretest.Context(t)
	srv := eventstoretest.Start(t)
	snaps, err := srv.Store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)

	first := bigValue(t, 2_500_000)
	require.NoError(t, snaps.Put(ctx, "alliance.a", first))
	got, err := snaps.Get(ctx, "alliance.a")
	require.NoError(t, err)
	require.True(t, bytes.Equal(first, got), "read back whole")
	kv, keys := snapshotKeys(t, srv)
	require.Len(t, keys, 5, "a manifest and four parts: %v", keys)

	second := bigValue(t, 1_000_000)
	require.NoError(t, snaps.Put(ctx, "alliance.a", second))
	got, err = snaps.Get(ctx, "alliance.a")
	require.NoError(t, err)
	require.True(t, bytes.Equal(second, got))
	_, keys = snapshotKeys(t, srv)
	require.Len(t, keys, 3, "the first value's parts are gone: %v", keys)

	require.NoError(t, snaps.Put(ctx, "dir.1", second))
	require.NoError(t, snaps.Put(ctx, "dir.2", []byte("small")))
	scanned := map[string][]byte{}
	require.NoError(t, snaps.Scan(ctx, "dir.*", func(k string, v []byte) { scanned[k] = v }))
	require.Equal(t, map[string][]byte{"dir.1": second, "dir.2": []byte("small")}, scanned)

	// A part replaced by other bytes, then a part missing.
	var part string
	for _, k := range keys {
		if strings.HasPrefix(k, "alliance.a.part.") {
			part = k
		}
	}
	_, err = kv.Put(ctx, part, []byte("other bytes"))
	require.NoError(t, err)
	got, err = snaps.Get(ctx, "alliance.a")
	require.NoError(t, err)
	require.Nil(t, got, "parts that do not add up are no snapshot")
	require.NoError(t, kv.Purge(ctx, part))
	got, err = snaps.Get(ctx, "alliance.a")
	require.NoError(t, err)
	require.Nil(t, got, "a missing part is no snapshot")

	// A small value replaces a large one whole, and its parts go.
	require.NoError(t, snaps.Put(ctx, "alliance.a", []byte(`{"small":true}`)))
	got, err = snaps.Get(ctx, "alliance.a")
	require.NoError(t, err)
	require.Equal(t, `{"small":true}`, string(got))
	_, keys = snapshotKeys(t, srv)
	require.Equal(t, []string{"alliance.a"}, slices.DeleteFunc(keys, func(k string) bool { return strings.HasPrefix(k, "dir.") }))

	// So does one merged in by Update, on an instance that only read it.
	require.NoError(t, snaps.Put(ctx, "alliance.b", second))
	other, err := eventstore.Open(ctx, srv.Connect(t))
	require.NoError(t, err)
	reader, err := other.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	require.NoError(t, reader.Update(ctx, "alliance.b", func(old []byte) ([]byte, bool, error) {
		require.True(t, bytes.Equal(second, old))
		return []byte(`{"merged":true}`), true, nil
	}))
	_, keys = snapshotKeys(t, srv)
	require.Equal(t, []string{"alliance.a", "alliance.b"}, slices.DeleteFunc(keys, func(k string) bool { return strings.HasPrefix(k, "dir.") }))
}
