package ledger

import (
	"testing"

	"github.com/stretchr/testify/require"

	"accord/eventstore"
)

// TestCosignatureCacheIsBounded: the cache holds the latest cosignatures
// of a bounded number of alliances, the least recently asked for going
// first, and a new cosignature of an alliance held replaces a smaller
// size's, joins its own size's and leaves a larger one alone.
func TestCosignatureCacheIsBounded(t *testing.T) {
	c := newCosignatures(nil)
	c.max = 2
	for _, aid := range []string{"a", "b", "a", "c"} {
		_, err := c.get(aid)
		require.NoError(t, err)
	}
	require.Equal(t, 2, c.order.Len())
	require.Contains(t, c.latest, "a")
	require.Contains(t, c.latest, "c")
	require.NotContains(t, c.latest, "b", "the least recently asked for went")

	c.add(eventstore.StoredCosignature{AllianceID: "a", Size: 5, WitnessID: "w1", Line: []byte("one")})
	c.add(eventstore.StoredCosignature{AllianceID: "a", Size: 5, WitnessID: "w2", Line: []byte("two")})
	c.add(eventstore.StoredCosignature{AllianceID: "a", Size: 3, WitnessID: "w3", Line: []byte("older")})
	c.add(eventstore.StoredCosignature{AllianceID: "b", Size: 9, WitnessID: "w1", Line: []byte("not held")})
	l, err := c.get("a")
	require.NoError(t, err)
	require.Equal(t, uint64(5), l.size)
	require.Equal(t, map[string][]byte{"w1": []byte("one"), "w2": []byte("two")}, l.lines)
	require.NotContains(t, c.latest, "b", "a cosignature of an alliance not held is read when asked for")
	c.add(eventstore.StoredCosignature{AllianceID: "a", Size: 8, WitnessID: "w2", Line: []byte("newer")})
	lines, err := c.lines("a", 8)
	require.NoError(t, err)
	require.Equal(t, [][]byte{[]byte("newer")}, lines)
}
