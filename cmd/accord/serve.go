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

	"accord/api"
	"accord/eventstore"
	"accord/ledger"
	"accord/projections"
	"accord/transparency"
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
	HTTPAddr        string
	DataDir         string
	NatsURL         string
	NatsListen      string
	NatsWait        time.Duration
	Replicas        int
	Sync            string
	CacheMB         int
	TokenSecretFile string
	LogKeyFile      string
	AdminToken      string
	Log             *slog.Logger

	srv        *eventstore.Server
	nc         *nats.Conn
	store      *eventstore.Store
	snaps      *eventstore.Snapshots
	creds      *eventstore.Credentials
	cosigs     *eventstore.Cosignatures
	secret     []byte
	logKey     transparency.LogKey
	proj       *projections.Projection
	ledger     *ledger.Ledger
	api        *api.Server
	gate       *gate
	httpServer *http.Server
	listener   net.Listener
	listening  chan struct{}
	cancel     context.CancelFunc
}

// NewMain returns a Main with the documented defaults and a text logger on
// stderr.
func NewMain() *Main {
	return &Main{
		HTTPAddr: "127.0.0.1:8080", DataDir: "./accord-data", NatsListen: "127.0.0.1:4222",
		NatsWait: time.Minute, Sync: "default", CacheMB: DefaultCacheMB, Log: slog.New(slog.NewTextHandler(os.Stderr, nil)),
		listening: make(chan struct{}),
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
	fs.StringVar(&m.TokenSecretFile, "token-secret-file", env("ACCORD_TOKEN_SECRET_FILE", m.TokenSecretFile), "`file` of the secret member tokens derive from, created with 32 random bytes if missing (default <data-dir>/token.secret; required with --nats-url, shared by every instance) (env ACCORD_TOKEN_SECRET_FILE)")
	fs.StringVar(&m.LogKeyFile, "log-key-file", env("ACCORD_LOG_KEY_FILE", m.LogKeyFile), "`file` of the key that signs checkpoints, generated if missing (default <data-dir>/log.key; required with --nats-url, shared by every instance) (env ACCORD_LOG_KEY_FILE)")
	cacheMB := env("ACCORD_CACHE_MB", strconv.Itoa(m.CacheMB))
	fs.StringVar(&cacheMB, "cache-mb", cacheMB, "memory `budget` in MiB for the alliances held in memory (read models and write side); the least recently used are evicted past it and loaded again on demand; 0 loads every alliance at start and keeps it (env ACCORD_CACHE_MB)")
	wait := env("ACCORD_NATS_WAIT", m.NatsWait.String())
	fs.StringVar(&wait, "nats-wait", wait, "with --nats-url, how long to keep trying to reach NATS and open the stream at start, e.g. while the cluster elects its leader (env ACCORD_NATS_WAIT)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: accord serve [flags]\n\nStarts the ledger: an embedded NATS server with JetStream (or --nats-url) and the HTTP API.\nThe admin token is read from ACCORD_ADMIN_TOKEN, or generated into <data-dir>/admin.token.\nThe embedded server takes only users accord and reader, with the passwords in\n<data-dir>/nats-accord.password and <data-dir>/nats-reader.password (generated on first start).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := m.parseNATS(wait); err != nil {
		return err
	}
	if n, err := strconv.Atoi(cacheMB); err != nil || n < 0 {
		return fmt.Errorf("--cache-mb must be a whole number of MiB, 0 or more, not %q", cacheMB)
	} else {
		m.CacheMB = n
	}
	return m.parseReplicas(replicas)
}

// parseNATS checks the flags about NATS: --nats-wait is a duration, and
// --nats-url comes with --token-secret-file and --log-key-file.
func (m *Main) parseNATS(wait string) error {
	d, err := time.ParseDuration(wait)
	if err != nil || d < 0 {
		return fmt.Errorf("--nats-wait must be a duration such as 1m or 30s, not %q", wait)
	}
	m.NatsWait = d
	if m.NatsURL != "" && m.TokenSecretFile == "" {
		return errors.New("--nats-url needs --token-secret-file (or ACCORD_TOKEN_SECRET_FILE): every instance on the cluster must derive member tokens from the same secret")
	}
	if m.NatsURL != "" && m.LogKeyFile == "" {
		return errors.New("--nats-url needs --log-key-file (or ACCORD_LOG_KEY_FILE): every instance on the cluster must sign checkpoints with the same log key")
	}
	return nil
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

// Run starts everything and returns once the API serves. Its HTTP port
// listens first, answering 503 until the log is open (see openLog). It
// returns an error if the address is taken, the log cannot be reached or
// opened in time, or a secret file cannot be read or written.
func (m *Main) Run(ctx context.Context) error {
	if err := m.listen(); err != nil {
		return err
	}
	admin, err := m.adminToken()
	if err != nil {
		return err
	}
	if m.logKey, err = loadLogKey(m.logKeyPath()); err != nil {
		return err
	}
	m.Log.Info("log key", "path", m.logKeyPath())
	if err := m.startEmbedded(); err != nil {
		return err
	}
	if err := m.openLog(ctx); err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.gate.wait("accord is starting: building the read models")
	start := time.Now()
	m.proj = projections.New(m.store)
	m.proj.UseSnapshots(m.snaps, snapshotEvery, snapshotInterval)
	m.proj.UseCache(m.readCacheBytes())
	if err := m.proj.Start(runCtx); err != nil {
		return fmt.Errorf("build read models: %w", err)
	}
	m.Log.Info("read models built", "duration", time.Since(start).Round(time.Millisecond))
	cfg := ledgerConfig(m.store, m.proj, m.creds, m.cosigs, ledgerSecrets{admin, m.secret, m.logKey}, m.Log)
	cfg.WriteCacheBytes = m.writeCacheBytes()
	cfg.Snapshots = m.snaps
	if m.ledger, err = ledger.New(ctx, cfg); err != nil {
		return err
	}
	m.ledger.CloseDeadlines()
	m.api = api.New(api.Config{Ledger: m.ledger, Log: m.Log})
	m.gate.open(m.api)
	m.Log.Info("accord listening", "http", m.URL())
	return nil
}

// DefaultCacheMB is --cache-mb's default: room for about a million events'
// worth of alliances, half of it for the read models and half for the
// write side.
const DefaultCacheMB = 256

// readCacheBytes and writeCacheBytes split --cache-mb between the read
// models and the write side's cache.
func (m *Main) readCacheBytes() int64  { return int64(m.CacheMB) << 20 / 2 }
func (m *Main) writeCacheBytes() int64 { return int64(m.CacheMB) << 20 / 2 }

// startEmbedded starts the embedded server, unless NATS is external, with
// the passwords of its two users from their files in the data dir, and
// connects to it in process.
func (m *Main) startEmbedded() error {
	if m.NatsURL != "" {
		return nil
	}
	accordPassword, err := loadPassword(filepath.Join(m.DataDir, accordPasswordFile))
	if err != nil {
		return err
	}
	readerPassword, err := loadPassword(filepath.Join(m.DataDir, readerPasswordFile))
	if err != nil {
		return err
	}
	listen := m.NatsListen
	if listen == "none" {
		listen = ""
	}
	srv, err := eventstore.StartServer(eventstore.ServerConfig{
		Dir: filepath.Join(m.DataDir, "jetstream"), Listen: listen, SyncAlways: m.Sync == "always",
		AccordPassword: accordPassword, ReaderPassword: readerPassword,
	})
	if err != nil {
		return err
	}
	m.srv = srv
	if m.nc, err = eventstore.ConnectInProcess(srv); err != nil {
		return err
	}
	listening := "none"
	if addr := srv.Addr(); addr != nil {
		listening = addr.String()
	}
	m.Log.Info("embedded NATS started", "data_dir", m.DataDir, "nats_listen", listening, "sync", m.Sync,
		"reader_password_file", filepath.Join(m.DataDir, readerPasswordFile))
	return nil
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
// cannot hold open forever. Live streams set their own deadlines. Until Run
// opens the gate, every request answers 503.
func (m *Main) listen() error {
	ln, err := net.Listen("tcp", m.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.HTTPAddr, err)
	}
	m.listener = ln
	m.gate = newGate()
	m.httpServer = &http.Server{
		Handler:           m.gate,
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
	m.Log.Info("HTTP API up; it answers 503 until the event log is open", "http", m.URL())
	if m.listening != nil {
		close(m.listening)
	}
	return nil
}

// URL returns the API's base URL.
func (m *Main) URL() string { return "http://" + m.listener.Addr().String() }

// Listening is closed once the HTTP port listens, before Run returns: from
// then on URL answers, and the API answers 503 until Run is done.
func (m *Main) Listening() <-chan struct{} { return m.listening }

// Close drains requests, then stops the read models, the connection and the
// embedded server.
func (m *Main) Close() error {
	var errs []error
	if m.httpServer != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, m.httpServer.Shutdown(ctx))
		cancel()
	}
	if m.ledger != nil {
		m.ledger.Close()
	}
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
	if m.nc != nil {
		errs = append(errs, m.nc.Drain())
	}
	if m.srv != nil {
		m.srv.Shutdown()
		m.srv.WaitForShutdown()
	}
	return errors.Join(errs...)
}
