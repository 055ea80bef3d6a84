package eventstore_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

// TestSnapshotsUpdateLosesNoRacingChange: two instances (each its own
// connection) add lines to one key at once; every line of both is there
// at the end, however the writes interleaved.
func TestSnapshotsUpdateLosesNoRacingChange(t *testing.T) {
	ctx := eventstoretest.Context(t)
	srv := eventstoretest.Start(t)
	var writers [2]*eventstore.Snapshots
	for i := range writers {
		store, err := eventstore.Open(ctx, srv.Connect(t))
		require.NoError(t, err)
		writers[i], err = store.OpenSnapshots(ctx, 1)
		require.NoError(t, err)
	}
	const each = 40
	var wg sync.WaitGroup
	for i, w := range writers {
		wg.Go(func() {
			for n := range each {
				line := fmt.Appendf(nil, "writer %d line %d\n", i, n)
				err := w.Update(ctx, "dir.7", func(old []byte) ([]byte, bool, error) {
					return append(bytes.Clone(old), line...), true, nil
				})
				if err != nil {
					t.Errorf("writer %d line %d: %v", i, n, err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, err := writers[0].Get(ctx, "dir.7")
	require.NoError(t, err)
	lines := bytes.Split(bytes.TrimSuffix(got, []byte("\n")), []byte("\n"))
	require.Len(t, lines, 2*each)
	for i := range writers {
		for n := range each {
			require.Contains(t, string(got), fmt.Sprintf("writer %d line %d\n", i, n))
		}
	}
}

// TestSnapshotsUpdateRefusals: a change that reports nothing changed
// writes nothing, a value larger than one part is refused with nothing
// written, and change's error comes back as it is.
func TestSnapshotsUpdateRefusals(t *testing.T) {
	ctx := eventstoretest.Context(t)
	srv := eventstoretest.Start(t)
	snaps, err := srv.Store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)

	require.NoError(t, snaps.Update(ctx, "dir.1", func(old []byte) ([]byte, bool, error) {
		require.Nil(t, old, "no value yet")
		return []byte("ignored"), false, nil
	}))
	got, err := snaps.Get(ctx, "dir.1")
	require.NoError(t, err)
	require.Nil(t, got, "an unchanged update writes nothing")

	require.NoError(t, snaps.Put(ctx, "dir.1", []byte("first")))
	err = snaps.Update(ctx, "dir.1", func(old []byte) ([]byte, bool, error) {
		require.Equal(t, "first", string(old))
		return bigValue(t, 1_000_000), true, nil
	})
	require.Equal(t, domain.Internal, domain.KindOf(err), "%v", err)
	got, err = snaps.Get(ctx, "dir.1")
	require.NoError(t, err)
	require.Equal(t, "first", string(got), "nothing written")

	refused := fmt.Errorf("no")
	require.ErrorIs(t, snaps.Update(ctx, "dir.1", func([]byte) ([]byte, bool, error) { return nil, false, refused }), refused)

	// A value stored in parts is passed whole, and replaced by one value.
	big := bigValue(t, 1_500_000)
	require.NoError(t, snaps.Put(ctx, "dir.2", big))
	require.NoError(t, snaps.Update(ctx, "dir.2", func(old []byte) ([]byte, bool, error) {
		require.True(t, bytes.Equal(big, old), "read whole")
		return []byte("small now"), true, nil
	}))
	got, err = snaps.Get(ctx, "dir.2")
	require.NoError(t, err)
	require.Equal(t, "small now", string(got))
}
