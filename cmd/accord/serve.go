package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"accord/api"
	"accord/eventstore"
	"accord/projections"
)

// Read models checkpoint their snapshots when this many events came in since
// the last one (checked at this interval), and at shutdown.
const (
	snapshotEvery    = 10000
	snapshotInterval = 10 * time.Second
)

// Main is `accord serve`: the embedded or external NATS, the store, the read
// models and the HTTP API, wired together. End-to-end tests run it with ":0"
// ports and a temporary data dir.
type Main struct {
	HTTPAddr   string
	DataDir    string
	NatsURL    string
	NatsListen string
	Replicas   int
	Sync       string
	AdminToken string
	Log        *slog.Logger

	srv        *eventstore.Server
	nc         *nats.Conn
	store      *eventstore.Store
	proj       *projections.Projection
	tokens     *api.Tokens
	api        *api.Server
	httpServer *http.Server
	listener   net.Listener
	cancel     context.CancelFunc
	deadlines  *DeadlineCloser
}

// NewMain returns a Main with the documented defaults and a text logger on
// stderr.
func NewMain() *Main {
	return &Main{
		HTTPAddr: "127.0.0.1:8080", DataDir: "./accord-data", NatsListen: "127.0.0.1:4222",
		Sync: "default", Log: slog.New(slog.NewTextHandler(os.Stderr, nil)),
	}
}

// ParseFlags reads serve's flags, each defaulting to its ACCORD_ environment
// variable. It returns an error for an unknown flag or a bad value.
func (m *Main) ParseFlags(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("accord serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&m.HTTPAddr, "http", env("ACCORD_HTTP", m.HTTPAddr), "`address` of the HTTP API (env ACCORD_HTTP)")
	fs.StringVar(&m.DataDir, "data-dir", env("ACCORD_DATA_DIR", m.DataDir), "`directory` for the embedded server's JetStream files and the admin token (env ACCORD_DATA_DIR)")
	fs.StringVar(&m.NatsURL, "nats-url", env("ACCORD_NATS_URL", m.NatsURL), "use an existing NATS at this `url` (comma-separated seeds) instead of the embedded server (env ACCORD_NATS_URL)")
	fs.StringVar(&m.NatsListen, "nats-listen", env("ACCORD_NATS_LISTEN", m.NatsListen), "client `address` of the embedded server for other NATS clients such as the nats CLI, or none (env ACCORD_NATS_LISTEN)")
	replicas := env("ACCORD_REPLICAS", "")
	fs.StringVar(&replicas, "replicas", replicas, "stream replicas `N` (default 1 embedded, 3 with --nats-url) (env ACCORD_REPLICAS)")
	fs.StringVar(&m.Sync, "sync", env("ACCORD_SYNC", m.Sync), "embedded JetStream fsync: default (every 2 minutes, and at clean shutdown) or always (before every acknowledgement) (env ACCORD_SYNC)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: accord serve [flags]\n\nStarts the ledger: an embedded NATS server with JetStream (or --nats-url) and the HTTP API.\nThe admin token is read from ACCORD_ADMIN_TOKEN, or generated into <data-dir>/admin.token.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return m.parseReplicas(replicas)
}

func (m *Main) parseReplicas(v string) error {
	switch {
	case v == "" && m.NatsURL != "":
		m.Replicas = 3
	case v == "":
		m.Replicas = 1
	default:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5 {
			return fmt.Errorf("--replicas must be 1 to 5, not %q", v)
		}
		m.Replicas = n
	}
	if m.Sync != "default" && m.Sync != "always" {
		return fmt.Errorf("--sync must be default or always, not %q", m.Sync)
	}
	return nil
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// Run starts everything and returns once the API is listening. It returns an
// error if the log cannot be reached or opened, or the address is taken.
func (m *Main) Run(ctx context.Context) error {
	if err := m.connect(); err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	store, err := eventstore.Open(ctx, m.nc, eventstore.WithReplicas(m.Replicas))
	if err != nil {
		return err
	}
	m.store = store
	start := time.Now()
	m.proj = projections.New(store)
	snaps, err := store.OpenSnapshots(ctx, m.Replicas)
	if err != nil {
		return err
	}
	m.proj.UseSnapshots(snaps, snapshotEvery, snapshotInterval)
	if err := m.proj.Start(runCtx); err != nil {
		return fmt.Errorf("build read models: %w", err)
	}
	m.Log.Info("read models built", "duration", time.Since(start).Round(time.Millisecond))
	if err := m.openTokens(ctx); err != nil {
		return err
	}
	m.api = api.New(api.Config{Runner: eventstore.NewRunner(store), Store: store, Projection: m.proj, Tokens: m.tokens, Log: m.Log})
	m.deadlines = StartDeadlineCloser(eventstore.NewRunner(store), m.proj, m.Log)
	return m.listen()
}

// connect starts the embedded server or dials the external NATS.
func (m *Main) connect() error {
	if m.NatsURL != "" {
		nc, err := eventstore.Connect(m.NatsURL)
		if err != nil {
			return fmt.Errorf("connect to NATS at %s: %w", m.NatsURL, err)
		}
		m.nc = nc
		m.Log.Info("using external NATS", "url", m.NatsURL, "replicas", m.Replicas)
		return nil
	}
	listen := m.NatsListen
	if listen == "none" {
		listen = ""
	}
	srv, err := eventstore.StartServer(eventstore.ServerConfig{Dir: filepath.Join(m.DataDir, "jetstream"), Listen: listen, SyncAlways: m.Sync == "always"})
	if err != nil {
		return err
	}
	m.srv = srv
	nc, err := eventstore.ConnectInProcess(srv)
	if err != nil {
		return err
	}
	m.nc = nc
	m.Log.Info("embedded NATS started", "data_dir", m.DataDir, "nats_listen", m.NatsListen, "sync", m.Sync)
	return nil
}

// openTokens loads the admin token and the credential buckets.
func (m *Main) openTokens(ctx context.Context) error {
	admin, err := m.adminToken()
	if err != nil {
		return err
	}
	js, err := jetstream.New(m.nc)
	if err != nil {
		return err
	}
	m.tokens, err = api.OpenTokens(ctx, js, admin, m.Replicas)
	return err
}

// adminToken returns ACCORD_ADMIN_TOKEN (or AdminToken), else the token in
// <data-dir>/admin.token, generating it on first start.
func (m *Main) adminToken() (string, error) {
	if m.AdminToken == "" {
		m.AdminToken = os.Getenv("ACCORD_ADMIN_TOKEN")
	}
	if m.AdminToken != "" {
		return m.AdminToken, nil
	}
	path := filepath.Join(m.DataDir, "admin.token")
	if raw, err := os.ReadFile(path); err == nil {
		m.AdminToken = strings.TrimSpace(string(raw))
		m.Log.Info("admin token", "path", path)
		return m.AdminToken, nil
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	m.AdminToken = "acc_admin_" + base64.RawURLEncoding.EncodeToString(buf)
	if err := os.MkdirAll(m.DataDir, 0o700); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(m.AdminToken+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write admin token: %w", err)
	}
	m.Log.Info("admin token generated", "path", path)
	return m.AdminToken, nil
}

// listen starts the HTTP server with timeouts that a slow or hostile client
// cannot hold open forever. Live streams set their own deadlines.
func (m *Main) listen() error {
	ln, err := net.Listen("tcp", m.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.HTTPAddr, err)
	}
	m.listener = ln
	m.httpServer = &http.Server{
		Handler:           m.api,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	go func() {
		if err := m.httpServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("http server", "err", err)
		}
	}()
	m.Log.Info("accord listening", "http", "http://"+ln.Addr().String())
	return nil
}

// URL returns the API's base URL.
func (m *Main) URL() string { return "http://" + m.listener.Addr().String() }

// Close drains requests, then stops the read models, the connection and the
// embedded server.
func (m *Main) Close() error {
	var errs []error
	if m.httpServer != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, m.httpServer.Shutdown(ctx))
		cancel()
	}
	m.deadlines.Stop()
	if m.proj != nil {
		// Stopping the follower waits for its consumer, which never answers
		// while NATS is unreachable: give up after a while rather than hang.
		closed := make(chan struct{})
		go func() { m.proj.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			m.Log.Warn("read models did not stop in time; the log is unreachable")
		}
	}
	if m.cancel != nil {
		m.cancel()
	}
	if m.tokens != nil {
		m.tokens.Close()
	}
	if m.nc != nil {
		errs = append(errs, m.nc.Drain())
	}
	if m.srv != nil {
		m.srv.Shutdown()
		m.srv.WaitForShutdown()
	}
	return errors.Join(errs...)
}
