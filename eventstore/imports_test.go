package eventstore_test

import (
	"testing"

	"accord/internal/layout"
)

// eventstore imports only what its row of the layout table allows.
func TestImportsOnlyItsRow(t *testing.T) { layout.Check(t, "eventstore") }
