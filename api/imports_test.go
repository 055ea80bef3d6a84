package api_test

import (
	"testing"

	"accord/internal/layout"
)

// api imports only what its row of the layout table allows.
func TestImportsOnlyItsRow(t *testing.T) { layout.Check(t, "api") }
