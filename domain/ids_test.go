package domain

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestCreatedIDIsDerivedFromTheCommand(t *testing.T) {
	first := CreatedID(aid, "key-1", CreatesProposal)
	require.Equal(t, first, CreatedID(aid, "key-1", CreatesProposal), "a retry creates the same id")
	u, err := uuid.Parse(first)
	require.NoError(t, err)
	require.Equal(t, uuid.Version(5), u.Version())
	require.Equal(t, first, u.String(), "canonical lowercase form")

	seen := map[string]string{first: "proposal key-1"}
	for what, got := range map[string]string{
		"another command":  CreatedID(aid, "key-2", CreatesProposal),
		"another kind":     CreatedID(aid, "key-1", CreatesAmendment),
		"another alliance": CreatedID(id(2), "key-1", CreatesProposal),
		"an alliance":      CreatedID("", "key-1", CreatesAlliance),
	} {
		require.NotContains(t, seen, got, "%s collides with %s", what, seen[got])
		seen[got] = what
	}
}
