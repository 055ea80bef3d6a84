package eventstore

import (
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// Event ids drawn at once from many goroutines, across several refills of
// the pool, are distinct version 7 uuids.
func TestEventIDsAreDistinct(t *testing.T) {
	const workers, each = 8, 300 // 2,400 ids: the 4 KiB pool refills five times
	ids := make(chan string, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				ids <- newEventID()
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		u, err := uuid.Parse(id)
		require.NoError(t, err)
		require.Equal(t, uuid.Version(7), u.Version())
		require.False(t, seen[id], "id %s twice", id)
		seen[id] = true
	}
	require.Len(t, seen, workers*each)
}
