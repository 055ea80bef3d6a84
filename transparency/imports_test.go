package transparency

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

// transparency is pure: it imports the standard library, x/mod's note
// package and the transparency-dev libraries, nothing of the project and
// nothing else. Tests may import more (testify).
func TestTransparencyImportsOnlyItsRow(t *testing.T) {
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

// The check can fail: imports of the project, of NATS, of another x/mod
// package or of a module whose path merely starts like an allowed one are
// caught.
func TestForeignImportsAreCaught(t *testing.T) {
	got := foreignImports(t, map[string]string{
		"bad.go": "package transparency\nimport (\n\t\"fmt\"\n\t\"golang.org/x/mod/sumdb/note\"\n" +
			"\t\"github.com/transparency-dev/merkle/proof\"\n\t\"github.com/transparency-dev/formats/log\"\n" +
			"\t\"accord/domain\"\n\tnats \"github.com/nats-io/nats.go\"\n\t\"golang.org/x/mod/semver\"\n" +
			"\t\"github.com/transparency-dev/merkletree\"\n)\n",
	})
	require.Equal(t, []string{
		"bad.go imports accord/domain",
		"bad.go imports github.com/nats-io/nats.go",
		"bad.go imports github.com/transparency-dev/merkletree",
		"bad.go imports golang.org/x/mod/semver",
	}, got)
}

// allowedModules are the import paths (and their subpackages) of the
// package's row in the layout table, besides the standard library.
var allowedModules = []string{
	"golang.org/x/mod/sumdb/note",
	"github.com/transparency-dev/merkle",
	"github.com/transparency-dev/formats",
}

// foreignImports lists the imports of the given sources that are neither in
// the standard library (whose paths have no dot in their first element) nor
// under an allowed module.
func foreignImports(t *testing.T, sources map[string]string) []string {
	t.Helper()
	var bad []string
	for name, src := range sources {
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		require.NoError(t, err, name)
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			if !allowedImport(path) {
				bad = append(bad, name+" imports "+path)
			}
		}
	}
	sort.Strings(bad)
	return bad
}

func allowedImport(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	if !strings.Contains(first, ".") && first != "accord" {
		return true
	}
	for _, m := range allowedModules {
		if path == m || strings.HasPrefix(path, m+"/") {
			return true
		}
	}
	return false
}
