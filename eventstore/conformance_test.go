package eventstore_test

import (
	"testing"

	"accord/eventstore/eventstoretest"
)

// The store passes the shared conformance suite on a single embedded server.
func TestJetStreamConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventstoretest.Log { return eventstoretest.Start(t).Store })
}
