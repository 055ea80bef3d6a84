package transparency

import (
	"testing"

	"github.com/stretchr/testify/require"

	"accord/internal/layout"
)

// transparency is pure: it imports the standard library, x/mod's note
// package and the transparency-dev libraries, nothing of the project and
// nothing else. Tests may import more (testify).
func TestTransparencyImportsOnlyItsRow(t *testing.T) { layout.Check(t, "transparency") }

// The check can fail: imports of the project, of NATS, of another x/mod
// package or of a module whose path merely starts like an allowed one are
// caught.
func TestForeignImportsAreCaught(t *testing.T) {
	got, err := layout.Foreign(map[string]string{
		"bad.go": "package transparency\nimport (\n\t\"fmt\"\n\t\"golang.org/x/mod/sumdb/note\"\n" +
			"\t\"github.com/transparency-dev/merkle/proof\"\n\t\"github.com/transparency-dev/formats/log\"\n" +
			"\t\"accord/domain\"\n\tnats \"github.com/nats-io/nats.go\"\n\t\"golang.org/x/mod/semver\"\n" +
			"\t\"github.com/transparency-dev/merkletree\"\n)\n",
	}, layout.Rows["transparency"])
	require.NoError(t, err)
	require.Equal(t, []string{
		"bad.go imports accord/domain",
		"bad.go imports github.com/nats-io/nats.go",
		"bad.go imports github.com/transparency-dev/merkletree",
		"bad.go imports golang.org/x/mod/semver",
	}, got)
}
