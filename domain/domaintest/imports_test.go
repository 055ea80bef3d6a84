package domaintest_test

import (
	"testing"

	"accord/internal/layout"
)

// domaintest imports only what its row of the layout table allows.
func TestImportsOnlyItsRow(t *testing.T) { layout.Check(t, "domain/domaintest") }
