package eventstore

import "github.com/nats-io/nats.go/jetstream"

// What the external tests check below the package's API.
var (
	IsWrongLastSequence = isWrongLastSequence
	CheckStream         = checkStream
	ServerOptions       = serverOptions
	StartServerWith     = startServer
)

// DefaultStreamConfig is the stream Open creates with no options.
func DefaultStreamConfig() jetstream.StreamConfig { return streamConfig(defaultOptions()) }
