package eventstore_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/require"

	"accord/eventstore"
)

// documentedConfig is the nats-server configuration of docs/OPERATIONS.md:
// the code block that starts with "# nats-server.conf".
var documentedConfig = regexp.MustCompile("(?s)```\n(# nats-server\\.conf.*?)```")

// startDocumentedServer runs a nats-server from the configuration in
// docs/OPERATIONS.md, as written, but alone on loopback ports and a
// temporary store (the file describes one node of a cluster). It returns
// the server, its options and the passwords of accord and reader.
func startDocumentedServer(t *testing.T) (*server.Server, *server.Options, string, string) {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "docs", "OPERATIONS.md"))
	require.NoError(t, err)
	m := documentedConfig.FindSubmatch(doc)
	require.NotNil(t, m, "docs/OPERATIONS.md has no block starting with # nats-server.conf")
	path := filepath.Join(t.TempDir(), "nats-server.conf")
	require.NoError(t, os.WriteFile(path, m[1], 0o600))
	accordPassword, readerPassword := "documented-accord-password", "documented-reader-password"
	t.Setenv("NATS_ACCORD_PASSWORD", accordPassword)
	t.Setenv("NATS_READER_PASSWORD", readerPassword)
	opts, err := server.ProcessConfigFile(path)
	require.NoError(t, err)
	opts.Host, opts.Port, opts.StoreDir, opts.NoSigs = "127.0.0.1", server.RANDOM_PORT, t.TempDir(), true
	opts.Cluster, opts.Routes = server.ClusterOpts{}, nil
	srv, err := server.NewServer(opts)
	require.NoError(t, err)
	srv.Start()
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	require.True(t, srv.ReadyForConnections(30*time.Second))
	return srv, opts, accordPassword, readerPassword
}

// TestDocumentedNATSConfig checks the configuration operators are given:
// it parses, its reader has exactly the embedded server's reader
// permissions, and on a server run from it accord works as user accord
// while reader only reads the stream.
func TestDocumentedNATSConfig(t *testing.T) {
	srv, opts, accordPassword, readerPassword := startDocumentedServer(t)
	var reader *server.User
	for _, u := range opts.Users {
		if u.Username == eventstore.ReaderUser {
			reader = u
		}
	}
	require.NotNil(t, reader, "the documented configuration has no reader user")
	want := eventstore.ReaderPermissions()
	require.ElementsMatch(t, want.Publish.Allow, reader.Permissions.Publish.Allow)
	require.ElementsMatch(t, want.Subscribe.Allow, reader.Permissions.Subscribe.Allow)
	require.Empty(t, reader.Permissions.Publish.Deny)

	accord, err := eventstore.Connect(userURL(srv.ClientURL(), eventstore.AccordUser, accordPassword))
	require.NoError(t, err)
	t.Cleanup(accord.Close)
	checkReaderRights(t, accord, userURL(srv.ClientURL(), eventstore.ReaderUser, readerPassword))
}
