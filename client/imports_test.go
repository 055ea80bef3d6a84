package client

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

// The client speaks HTTP with the standard library and the domain's types;
// of the project it may import domain and transparency only, so any Go
// program can use it without the server's packages.
func TestClientImportsOnlyDomainAndTransparency(t *testing.T) {
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

// The check can fail: imports of the server's packages, of NATS and of
// other modules are caught; domain and transparency pass.
func TestClientForeignImportsAreCaught(t *testing.T) {
	got := foreignImports(t, map[string]string{
		"bad.go": "package client\nimport (\n\t\"net/http\"\n\t\"accord/domain\"\n\t\"accord/transparency\"\n\t\"accord/api\"\n\t\"accord/projections\"\n\tnats \"github.com/nats-io/nats.go\"\n\t\"github.com/google/uuid\"\n)\n",
	})
	require.Equal(t, []string{
		"bad.go imports accord/api", "bad.go imports accord/projections",
		"bad.go imports github.com/google/uuid", "bad.go imports github.com/nats-io/nats.go",
	}, got)
}

// foreignImports lists the imports of the given sources that are neither in
// the standard library (whose paths have no dot in their first element) nor
// accord/domain or accord/transparency.
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
			if path == "accord/domain" || path == "accord/transparency" || !strings.Contains(first, ".") && first != "accord" {
				continue
			}
			bad = append(bad, name+" imports "+path)
		}
	}
	sort.Strings(bad)
	return bad
}
