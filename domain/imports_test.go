package domain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"accord/internal/layout"
)

// The domain is pure: it imports the standard library and uuid, nothing else
// (not the project's adapters, not NATS). Tests may import testify.
func TestDomainImportsOnlyTheStandardLibrary(t *testing.T) { layout.Check(t, "domain") }

// The check can fail: a file importing the event store is caught.
func TestForeignImportsAreCaught(t *testing.T) {
	got, err := layout.Foreign(map[string]string{
		"bad.go": "package domain\nimport (\n\t\"fmt\"\n\t\"github.com/google/uuid\"\n\t\"accord/eventstore\"\n\tnats \"github.com/nats-io/nats.go\"\n)\n",
	}, layout.Rows["domain"])
	require.NoError(t, err)
	require.Equal(t, []string{"bad.go imports accord/eventstore", "bad.go imports github.com/nats-io/nats.go"}, got)
}
