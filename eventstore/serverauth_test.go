package eventstore_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"accord/eventstore"
	"accord/eventstore/eventstoretest"
)

const (
	testReaderPassword = "reader-test-password"
	// tokenRecord is what the test puts in accord_tokens: the reader must
	// never see it, nor change it.
	tokenRecord = `{"id":"member-1","role":"member","alliance_id":"alliance-r1"}`
)

// accordURL returns srv's client URL with eventstore.AccordUser's password in it, as an
// operator gives --nats-url.
func accordURL(srv *eventstore.Server) string {
	return userURL(srv.ClientURL(), eventstore.AccordUser, eventstore.AccordPassword(srv))
}

func userURL(clientURL, user, password string) string {
	u, err := url.Parse(clientURL)
	if err != nil {
		panic(err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

// startListeningServer starts an embedded server with a client port and a
// known reader password.
func startListeningServer(t *testing.T) *eventstore.Server {
	t.Helper()
	srv, err := eventstore.StartServer(eventstore.ServerConfig{Dir: t.TempDir(), Listen: "127.0.0.1:0", ReaderPassword: testReaderPassword})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	return srv
}

func TestServerRefusesConnectionsWithoutCredentials(t *testing.T) {
	srv := startListeningServer(t)
	for name, opts := range map[string][]nats.Option{
		"anonymous":      nil,
		"wrong password": {nats.UserInfo(eventstore.ReaderUser, "guess")},
		"unknown user":   {nats.UserInfo("admin", testReaderPassword)},
		"no password":    {nats.UserInfo(eventstore.AccordUser, "")},
	} {
		nc, err := nats.Connect(srv.ClientURL(), opts...)
		require.ErrorIs(t, err, nats.ErrAuthorization, name)
		require.Nil(t, nc, name)
	}
	nc, err := eventstore.Connect(accordURL(srv))
	require.NoError(t, err)
	nc.Close()
	nc, err = eventstore.ConnectInProcess(srv)
	require.NoError(t, err)
	nc.Close()
}

// TestReaderOnlyReadsTheStream checks the embedded server's reader user: it
// reads the ACCORD stream every way a regulator's tools do, and is refused
// everything else.
func TestReaderOnlyReadsTheStream(t *testing.T) {
	srv := startListeningServer(t)
	accord, err := eventstore.ConnectInProcess(srv)
	require.NoError(t, err)
	t.Cleanup(accord.Close)
	checkReaderRights(t, accord, userURL(srv.ClientURL(), eventstore.ReaderUser, testReaderPassword))
}

// checkReaderRights fills the log and the buckets through accord's
// connection, then checks what the user of readerURL can and cannot do.
func checkReaderRights(t *testing.T, accord *nats.Conn, readerURL string) {
	t.Helper()
	store, tokens := fillForReader(t, accord)
	reader := connectWatched(t, readerURL)
	checkReaderReads(t, reader.nc)
	checkReaderRefused(t, reader)
	checkReaderNothingChanged(t, store, tokens)
	checkReaderCannotOverhear(t, connectWatched(t, readerURL), store, tokens)
}

// fillForReader appends two messages and puts a record in accord_tokens and
// a snapshot in accord_snapshots.
func fillForReader(t *testing.T, accord *nats.Conn) (*eventstore.Store, jetstream.KeyValue) {
	t.Helper()
	ctx := eventstoretest.Context(t)
	store, err := eventstore.Open(ctx, accord)
	require.NoError(t, err)
	for _, a := range []string{"alliance-r1", "alliance-r2"} {
		_, err := store.Append(ctx, a, eventstore.Position{}, eventstoretest.Votes(a, 2))
		require.NoError(t, err)
	}
	js, err := jetstream.New(accord)
	require.NoError(t, err)
	tokens, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "accord_tokens", History: 1})
	require.NoError(t, err)
	_, err = tokens.Put(ctx, "k", []byte(tokenRecord))
	require.NoError(t, err)
	snaps, err := store.OpenSnapshots(ctx, 1)
	require.NoError(t, err)
	require.NoError(t, snaps.Put(ctx, "checkpoint", []byte(`{"stream_seq":2}`)))
	cosigs, err := store.OpenCosignatures(ctx, 1)
	require.NoError(t, err)
	require.NoError(t, cosigs.Put(ctx, eventstore.StoredCosignature{AllianceID: "alliance-r1", Size: 2, WitnessID: "w", Line: []byte("— w c2ln")}))
	return store, tokens
}

// watchedConn is a connection whose asynchronous errors (the server's
// permission violations) the test reads.
type watchedConn struct {
	nc   *nats.Conn
	errs chan error
}

func connectWatched(t *testing.T, clientURL string) *watchedConn {
	t.Helper()
	w := &watchedConn{errs: make(chan error, 100)}
	nc, err := nats.Connect(clientURL, nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		w.errs <- err
	}))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	w.nc = nc
	return w
}

// refused waits for the server's permission violation naming what (e.g.
// `Publish to "accord.events.x"`), skipping the others.
func (w *watchedConn) refused(t *testing.T, what string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case err := <-w.errs:
			if errors.Is(err, nats.ErrPermissionViolation) && strings.Contains(err.Error(), what) {
				return
			}
		case <-deadline:
			t.Fatalf("no permissions violation for %s", what)
		}
	}
}

func checkReaderReads(t *testing.T, reader *nats.Conn) {
	t.Helper()
	ctx := eventstoretest.Context(t)
	js, err := jetstream.New(reader)
	require.NoError(t, err)
	_, err = js.AccountInfo(ctx)
	require.NoError(t, err, "account info")
	stream, err := js.Stream(ctx, eventstore.StreamName)
	require.NoError(t, err, "stream info")
	require.Equal(t, uint64(2), stream.CachedInfo().State.Msgs)

	ordered, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	require.NoError(t, err, "ordered consumer")
	requireFetched(t, ordered, "ordered")

	named, err := stream.CreateConsumer(ctx, jetstream.ConsumerConfig{Name: "regulator", AckPolicy: jetstream.AckExplicitPolicy, InactiveThreshold: time.Minute})
	require.NoError(t, err, "pull consumer")
	requireFetched(t, named, "pull")
	_, err = named.Info(ctx)
	require.NoError(t, err, "consumer info")
	require.NoError(t, stream.DeleteConsumer(ctx, "regulator"), "delete its consumer")

	msg, err := stream.GetMsg(ctx, 2)
	require.NoError(t, err, "message get")
	require.Equal(t, eventstore.Subject("alliance-r2"), msg.Subject)
	last, err := stream.GetLastMsgForSubject(ctx, eventstore.Subject("alliance-r1"))
	require.NoError(t, err, "last message get")
	require.Equal(t, uint64(1), last.Sequence)
}

// requireFetched fetches the stream's two messages through c, acknowledging
// them as the nats CLI's pager does.
func requireFetched(t *testing.T, c jetstream.Consumer, what string) {
	t.Helper()
	batch, err := c.Fetch(2, jetstream.FetchMaxWait(10*time.Second))
	require.NoError(t, err, what)
	var subjects []string
	for msg := range batch.Messages() {
		subjects = append(subjects, msg.Subject())
		if what != "ordered" {
			require.NoError(t, msg.DoubleAck(eventstoretest.Context(t)), "%s: ack", what)
		}
	}
	require.NoError(t, batch.Error(), what)
	require.Equal(t, []string{eventstore.Subject("alliance-r1"), eventstore.Subject("alliance-r2")}, subjects, what)
}

// readerRefusedPublishes are requests the reader must not make, each with a
// body that would do harm if the server took it.
var readerRefusedPublishes = map[string]string{
	eventstore.Subject("alliance-r1"):                         `{"forged":true}`,
	"$KV.accord_tokens.k":                                     `{"id":"forged","role":"convener"}`,
	"$KV.accord_snapshots.checkpoint":                         `{}`,
	"$KV.accord_cosignatures.a.1.w":                           `— forged`,
	"$JS.API.STREAM.PURGE.KV_accord_cosignatures":             ``,
	"$JS.API.STREAM.MSG.GET.KV_accord_cosignatures":           `{"last_by_subj":"$KV.accord_cosignatures.a.1.w"}`,
	"$JS.API.STREAM.CREATE.FORGED":                            `{"name":"FORGED","subjects":["forged.>"]}`,
	"$JS.API.STREAM.UPDATE." + eventstore.StreamName:          `{"name":"ACCORD","subjects":["accord.events.*","forged.>"]}`,
	"$JS.API.STREAM.DELETE." + eventstore.StreamName:          ``,
	"$JS.API.STREAM.PURGE." + eventstore.StreamName:           ``,
	"$JS.API.STREAM.MSG.DELETE." + eventstore.StreamName:      `{"seq":1}`,
	"$JS.API.STREAM.DELETE.KV_accord_tokens":                  ``,
	"$JS.API.STREAM.PURGE.KV_accord_tokens":                   ``,
	"$JS.API.STREAM.INFO.KV_accord_tokens":                    ``,
	"$JS.API.STREAM.MSG.GET.KV_accord_tokens":                 `{"last_by_subj":"$KV.accord_tokens.k"}`,
	"$JS.API.DIRECT.GET.KV_accord_tokens.$KV.accord_tokens.k": ``,
	"$JS.API.CONSUMER.CREATE.KV_accord_tokens":                `{"stream_name":"KV_accord_tokens","config":{}}`,
	"$JS.API.CONSUMER.LIST." + eventstore.StreamName:          ``,
	"$JS.API.CONSUMER.NAMES." + eventstore.StreamName:         ``,
	"$JS.API.CONSUMER.DURABLE.CREATE.KV_accord_tokens.x":      `{"stream_name":"KV_accord_tokens","config":{"durable_name":"x"}}`,
	"$JS.API.STREAM.NAMES":                                    ``,
}

func checkReaderRefused(t *testing.T, reader *watchedConn) {
	t.Helper()
	for subject, body := range readerRefusedPublishes {
		require.NoError(t, reader.nc.PublishRequest(subject, reader.nc.NewRespInbox(), []byte(body)))
		reader.refused(t, `Publish to "`+subject+`"`)
	}
	for _, subject := range []string{"accord.events.>", "$KV.accord_tokens.>", "$KV.accord_cosignatures.>", eventstore.InboxPrefix + ".>"} {
		_, err := reader.nc.SubscribeSync(subject)
		require.NoError(t, err)
		reader.refused(t, `Subscription to "`+subject+`"`)
	}
	// And through the JetStream API as a program would call it.
	js, err := jetstream.New(reader.nc)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err = js.Publish(ctx, eventstore.Subject("alliance-r1"), []byte(`{"forged":true}`))
	require.Error(t, err, "publish")
	_, err = js.KeyValue(ctx, "accord_tokens")
	require.Error(t, err, "open the token bucket")
	require.Error(t, js.DeleteStream(ctx, eventstore.StreamName), "delete the stream")
}

// checkReaderNothingChanged checks, as accord, that the log and the buckets
// are as fillForReader left them.
func checkReaderNothingChanged(t *testing.T, store *eventstore.Store, tokens jetstream.KeyValue) {
	t.Helper()
	ctx := eventstoretest.Context(t)
	js := eventstore.JetStreamOf(store)
	stream, err := js.Stream(ctx, eventstore.StreamName)
	require.NoError(t, err)
	info, err := stream.Info(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(2), info.State.Msgs)
	require.Equal(t, []string{eventstore.StreamSubject}, info.Config.Subjects)
	_, err = js.Stream(ctx, "FORGED")
	require.ErrorIs(t, err, jetstream.ErrStreamNotFound)
	entry, err := tokens.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, tokenRecord, string(entry.Value()))
	require.Equal(t, uint64(1), entry.Revision())
}

// checkReaderCannotOverhear subscribes the reader to all it may (_INBOX.>)
// while accord reads its buckets and the log: accord's answers come under
// eventstore.InboxPrefix, so the reader hears none of them.
func checkReaderCannotOverhear(t *testing.T, reader *watchedConn, store *eventstore.Store, tokens jetstream.KeyValue) {
	t.Helper()
	sub, err := reader.nc.SubscribeSync("_INBOX.>")
	require.NoError(t, err)
	require.NoError(t, reader.nc.Flush())
	ctx := eventstoretest.Context(t)
	entry, err := tokens.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, tokenRecord, string(entry.Value()))
	watch, err := tokens.WatchAll(ctx)
	require.NoError(t, err)
	require.NotNil(t, <-watch.Updates())
	require.NoError(t, watch.Stop())
	_, err = store.MessageAt(ctx, 1)
	require.NoError(t, err)
	msg, err := sub.NextMsg(500 * time.Millisecond)
	require.ErrorIs(t, err, nats.ErrTimeout, "the reader overheard %s: %s", subjectOf(msg), dataOf(msg))
}

func subjectOf(m *nats.Msg) string {
	if m == nil {
		return ""
	}
	return m.Subject
}

func dataOf(m *nats.Msg) string {
	if m == nil {
		return ""
	}
	return string(m.Data)
}
