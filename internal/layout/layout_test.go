package layout

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestImportsOnlyItsRow(t *testing.T) { Check(t, "internal/layout") }

// The check can fail: accord's packages outside the row, other modules, and
// modules whose path merely starts like an allowed one are caught.
func TestForeignImportsAreCaught(t *testing.T) {
	got, err := Foreign(map[string]string{
		"bad.go": "package api\nimport (\n\t\"fmt\"\n\t\"accord/ledger\"\n\t\"accord/api/web\"\n\t\"accord/eventstore\"\n" +
			"\t\"accord/ledgerx\"\n\tnats \"github.com/nats-io/nats.go\"\n)\n",
	}, Rows["api"])
	require.NoError(t, err)
	require.Equal(t, []string{
		"bad.go imports accord/eventstore",
		"bad.go imports accord/ledgerx",
		"bad.go imports github.com/nats-io/nats.go",
	}, got)

	_, err = Foreign(map[string]string{"broken.go": "package x\nimport (\n"}, nil)
	require.Error(t, err)
}

// Every package of the table's rows exists, so a row cannot outlive its
// package unnoticed.
func TestEveryRowIsAPackage(t *testing.T) {
	for pkg := range Rows {
		sources, err := packageSources("../../" + pkg)
		require.NoError(t, err)
		require.NotEmpty(t, sources, "%s has a row but no Go file", pkg)
	}
}
