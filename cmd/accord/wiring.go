package main

import (
	"log/slog"

	"accord/eventstore"
	"accord/ledger"
	"accord/projections"
	"accord/transparency"
	"accord/verify"
)

// ledgerSecrets are the secrets a ledger runs with: the admin token, the
// secret member tokens derive from, and the key that signs checkpoints.
type ledgerSecrets struct {
	admin  string
	secret []byte
	logKey transparency.LogKey
}

// ledgerConfig is the configuration of a process's one ledger over its
// store, read models, credentials and cosignatures, with the offline
// verifier's check for the API's verification of an alliance's log.
func ledgerConfig(store *eventstore.Store, proj *projections.Projection, creds *eventstore.Credentials, cosigs *eventstore.Cosignatures, s ledgerSecrets, log *slog.Logger) ledger.Config {
	return ledger.Config{
		Store: store, Projection: proj, Credentials: creds, AdminToken: s.admin, TokenSecret: s.secret,
		LogKey: s.logKey, Cosignatures: cosigs,
		NewChecker: func() ledger.ChainChecker { return verify.NewVerifier(verify.Options{}) }, Log: log,
	}
}
