package verify_test

import (
	"testing"

	"accord/internal/layout"
)

// verify imports only what its row of the layout table allows.
func TestImportsOnlyItsRow(t *testing.T) { layout.Check(t, "verify") }
