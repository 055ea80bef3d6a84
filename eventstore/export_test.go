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

// ConnectInProcessAs connects in process to a server started with
// StartServerWith, as AccordUser with password.
var ConnectInProcessAs = connectInProcess

// AccordPassword returns the password of AccordUser on srv.
func AccordPassword(srv *Server) string { return srv.accordPassword }

// StreamSubject is the one subject filter of the stream.
const StreamSubject = streamSubject

// JetStreamOf returns the JetStream client s works with.
func JetStreamOf(s *Store) jetstream.JetStream { return s.js }
