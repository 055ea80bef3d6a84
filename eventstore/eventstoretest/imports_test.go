package eventstoretest_test

import (
	"testing"

	"accord/internal/layout"
)

// eventstoretest imports only what its row of the layout table allows.
func TestImportsOnlyItsRow(t *testing.T) { layout.Check(t, "eventstore/eventstoretest") }
