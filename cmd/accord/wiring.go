package main

import (
	"log/slog"

	"accord/eventstore"
	"accord/ledger"
	"accord/projections"
	"accord/verify"
)

// ledgerConfig is the configuration of a process's one ledger over its
// store, read models and credentials, with the offline verifier's check for
// the API's verification of an alliance's log.
func ledgerConfig(store *eventstore.Store, proj *projections.Projection, creds *eventstore.Credentials, admin string, secret []byte, log *slog.Logger) ledger.Config {
	return ledger.Config{
		Store: store, Projection: proj, Credentials: creds, AdminToken: admin, TokenSecret: secret,
		NewChecker: func() ledger.ChainChecker { return verify.NewVerifier(verify.Options{}) }, Log: log,
	}
}
