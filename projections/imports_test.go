package projections_test

import (
	"testing"

	"accord/internal/layout"
)

// projections imports only what its row of the layout table allows.
func TestImportsOnlyItsRow(t *testing.T) { layout.Check(t, "projections") }
