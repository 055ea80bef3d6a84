package domain

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The domain is pure: it imports the standard library and uuid, nothing else
// (not the project's adapters, not NATS). Tests may import testify.
func TestDomainImportsOnlyTheStandardLibrary(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	sources := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		sources[f] = string(b)
	}
	require.NotEmpty(t, sources)
	require.Empty(t, foreignImports(t, sources))
}

// The check can fail: a file importing the event store is caught.
func TestForeignImportsAreCaught(t *testing.T) {
	got := foreignImports(t, map[string]string{
		"bad.go": "package domain\nimport (\n\t\"fmt\"\n\t\"github.com/google/uuid\"\n\t\"accord/eventstore\"\n\tnats \"github.com/nats-io/nats.go\"\n)\n",
	})
	require.Equal(t, []string{"bad.go imports accord/eventstore", "bad.go imports github.com/nats-io/nats.go"}, got)
}

// foreignImports lists the imports of the given sources that are neither in
// the standard library (whose paths have no dot in their first element) nor
// github.com/google/uuid.
func foreignImports(t *testing.T, sources map[string]string) []string {
	t.Helper()
	var bad []string
	for name, src := range sources {
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		require.NoError(t, err, name)
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			first, _, _ := strings.Cut(path, "/")
			if path == "github.com/google/uuid" || !strings.Contains(first, ".") && first != "accord" {
				continue
			}
			bad = append(bad, name+" imports "+path)
		}
	}
	sort.Strings(bad)
	return bad
}
