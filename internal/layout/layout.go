// Package layout is accord's layout table as code: what each package may
// import. Each package's imports test checks its own row with Check, and
// fails on an import outside it; README.md's Layout section is the same
// table in words. Only tests import it.
package layout

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Rows maps each package, named by its folder, to what it may import
// besides the standard library: accord's packages by folder (and their
// subfolders), other modules by import path (and the packages under it).
// cmd/accord, the wiring, may import everything and has no row.
var Rows = map[string][]string{
	"domain":                    {"github.com/google/uuid"},
	"domain/domaintest":         {"domain", "github.com/stretchr/testify"},
	"eventstore":                {"domain", "github.com/nats-io/nats.go", "github.com/nats-io/nats-server/v2"},
	"eventstore/eventstoretest": {"domain", "eventstore", "github.com/nats-io/nats.go", "github.com/stretchr/testify", "github.com/google/uuid"},
	"transparency":              {"golang.org/x/mod/sumdb/note", "github.com/transparency-dev/merkle", "github.com/transparency-dev/formats"},
	"projections":               {"domain", "eventstore", "transparency"},
	"ledger":                    {"domain", "eventstore", "projections", "transparency"},
	"verify":                    {"domain", "transparency"},
	"api":                       {"domain", "ledger", "projections", "api/web"},
	"api/web":                   {},
	"client":                    {"domain", "transparency"},
	"internal/layout":           {},
}

// module is accord's module path, the first element of its packages'.
const module = "accord"

// Check fails t when a Go file of the package in the working directory
// (a test's: the package's folder), tests aside, imports outside pkg's row
// of Rows, naming each such import.
func Check(t testing.TB, pkg string) {
	t.Helper()
	row, ok := Rows[pkg]
	if !ok {
		t.Fatalf("layout: no row for package %q", pkg)
	}
	sources, err := packageSources(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) == 0 {
		t.Fatalf("layout: no Go file of %s in the working directory", pkg)
	}
	bad, err := Foreign(sources, row)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("%s, outside its row of the layout table (%s)", b, strings.Join(row, ", "))
	}
}

// packageSources returns the Go files of dir that are not tests, by name.
func packageSources(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	sources := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		sources[filepath.Base(f)] = string(b)
	}
	return sources, nil
}

// Foreign returns, sorted, "<file> imports <path>" for each import of the
// given sources (file name → Go source) that row does not allow. It returns
// an error when a source's imports do not parse.
func Foreign(sources map[string]string, row []string) ([]string, error) {
	var bad []string
	for name, src := range sources {
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			return nil, err
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return nil, err
			}
			if !allowed(path, row) {
				bad = append(bad, name+" imports "+path)
			}
		}
	}
	sort.Strings(bad)
	return bad, nil
}

// allowed reports whether row allows importing path: the standard library
// (whose paths have no dot in their first element), or a package under one
// of the row's entries.
func allowed(path string, row []string) bool {
	first, _, _ := strings.Cut(path, "/")
	if first != module && !strings.Contains(first, ".") {
		return true
	}
	for _, entry := range row {
		if !strings.Contains(entry, ".") {
			entry = module + "/" + entry
		}
		if path == entry || strings.HasPrefix(path, entry+"/") {
			return true
		}
	}
	return false
}
