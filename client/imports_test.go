package client

import (
	"testing"

	"github.com/stretchr/testify/require"

	"accord/internal/layout"
)

// The client speaks HTTP with the standard library and the domain's types;
// of the project it may import domain and transparency only, so any Go
// program can use it without the server's packages.
func TestClientImportsOnlyDomainAndTransparency(t *testing.T) { layout.Check(t, "client") }

// The check can fail: imports of the server's packages, of NATS and of
// other modules are caught; domain and transparency pass.
func TestClientForeignImportsAreCaught(t *testing.T) {
	got, err := layout.Foreign(map[string]string{
		"bad.go": "package client\nimport (\n\t\"net/http\"\n\t\"accord/domain\"\n\t\"accord/transparency\"\n\t\"accord/api\"\n\t\"accord/projections\"\n\tnats \"github.com/nats-io/nats.go\"\n\t\"github.com/google/uuid\"\n)\n",
	}, layout.Rows["client"])
	require.NoError(t, err)
	require.Equal(t, []string{
		"bad.go imports accord/api", "bad.go imports accord/projections",
		"bad.go imports github.com/google/uuid", "bad.go imports github.com/nats-io/nats.go",
	}, got)
}
