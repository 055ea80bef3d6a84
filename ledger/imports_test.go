package ledger_test

import (
	"testing"

	"accord/internal/layout"
)

// ledger imports only what its row of the layout table allows.
func TestImportsOnlyItsRow(t *testing.T) { layout.Check(t, "ledger") }
