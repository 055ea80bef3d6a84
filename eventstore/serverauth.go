package eventstore

import (
	"crypto/rand"
	"encoding/base64"
	"errors"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// The embedded server's two users. Whoever can write to the server can write
// the ledger, so its client port takes no connection without one of them.
const (
	// AccordUser is the service itself, with every right.
	AccordUser = "accord"
	// ReaderUser may only read the ACCORD stream, e.g. a regulator with the
	// nats CLI.
	ReaderUser = "reader"
)

// InboxPrefix is where accord's own connections receive replies and
// consumer deliveries. It is not the usual _INBOX, which ReaderUser may
// subscribe to for its own replies: under _INBOX it would also receive
// what accord reads from its key-value buckets.
const InboxPrefix = "_INBOX_ACCORD"

// readerPublish lists every subject ReaderUser may publish to: JetStream API
// requests that read the ACCORD stream (account and stream info, message and
// direct gets, creating a consumer on it, pulling from it and deleting it
// when done, as the nats CLI's pager does), and the acknowledgements and
// flow-control answers of those consumers. Nothing publishes to accord.>,
// reaches a key-value bucket ($KV.…, KV_… streams), lists consumers, or
// creates, changes, purges or deletes a stream. It subscribes to _INBOX.>
// only, for the answers.
var readerPublish = []string{
	"$JS.API.INFO",
	"$JS.API.STREAM.INFO." + StreamName,
	"$JS.API.STREAM.MSG.GET." + StreamName,
	"$JS.API.DIRECT.GET." + StreamName,
	"$JS.API.DIRECT.GET." + StreamName + ".>",
	"$JS.API.CONSUMER.CREATE." + StreamName,
	"$JS.API.CONSUMER.CREATE." + StreamName + ".>",
	"$JS.API.CONSUMER.INFO." + StreamName + ".*",
	"$JS.API.CONSUMER.MSG.NEXT." + StreamName + ".*",
	"$JS.API.CONSUMER.DELETE." + StreamName + ".*",
	"$JS.ACK." + StreamName + ".>",
	"$JS.FC." + StreamName + ".>",
}

// readerSubscribe lists the subjects ReaderUser may subscribe to.
var readerSubscribe = []string{"_INBOX.>"}

// ReaderPermissions returns the permissions of ReaderUser: a fresh copy, so
// a caller may change it (e.g. to compare it with a configuration file).
func ReaderPermissions() *server.Permissions {
	return &server.Permissions{
		Publish:   &server.SubjectPermission{Allow: append([]string(nil), readerPublish...)},
		Subscribe: &server.SubjectPermission{Allow: append([]string(nil), readerSubscribe...)},
	}
}

// serverUsers returns the users of the embedded server. It returns an error
// when a password is empty: a user without one would let anybody in.
func serverUsers(cfg ServerConfig) ([]*server.User, error) {
	if cfg.AccordPassword == "" || cfg.ReaderPassword == "" {
		return nil, errors.New("nats-server: the accord and reader users need passwords")
	}
	return []*server.User{
		{Username: AccordUser, Password: cfg.AccordPassword},
		{Username: ReaderUser, Password: cfg.ReaderPassword, Permissions: ReaderPermissions()},
	}, nil
}

// NewPassword returns a random password of 43 URL-safe characters (256
// bits), fit for a nats:// URL as it is. It returns an error only when the
// system's random source fails.
func NewPassword() (string, error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(buf), nil
}

// fillPasswords gives each user of cfg without a password a random one.
func fillPasswords(cfg *ServerConfig) error {
	for _, p := range []*string{&cfg.AccordPassword, &cfg.ReaderPassword} {
		if *p != "" {
			continue
		}
		pw, err := NewPassword()
		if err != nil {
			return err
		}
		*p = pw
	}
	return nil
}

// accordInbox makes a connection receive its replies under InboxPrefix.
func accordInbox() nats.Option {
	return nats.CustomInboxPrefix(InboxPrefix)
}
