package eventstore

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// ServerConfig configures the embedded nats-server.
type ServerConfig struct {
	// Dir is where JetStream keeps its files.
	Dir string
	// Listen is the "host:port" other NATS clients (such as the nats CLI)
	// connect to; port 0 picks a free one. "" or "none" serves in-process
	// clients only.
	Listen string
	// SyncAlways makes JetStream fsync every write before acknowledging it
	// (sync_interval: always) instead of every two minutes.
	SyncAlways bool
	// AccordPassword and ReaderPassword are the passwords of AccordUser and
	// ReaderUser. StartServer makes up a random one for each left empty
	// (for servers nobody connects to from outside, such as tests').
	AccordPassword string
	ReaderPassword string
}

// Server is an embedded nats-server started by StartServer. It knows the
// password of AccordUser, with which ConnectInProcess connects.
type Server struct {
	*server.Server
	accordPassword string
}

// readyTimeout bounds how long StartServer waits for the server to accept
// connections.
const readyTimeout = 10 * time.Second

// StartServer starts an embedded nats-server with JetStream on file storage
// under cfg.Dir and waits until it accepts connections. Its client port, and
// in-process connections, take only AccordUser and ReaderUser with their
// passwords. Its own logging is quiet: only warnings and errors reach slog.
// It returns an error, and leaves nothing running, when cfg is invalid,
// another server of this machine uses Dir, the listen address is taken or
// JetStream cannot start.
func StartServer(cfg ServerConfig) (*Server, error) {
	if err := fillPasswords(&cfg); err != nil {
		return nil, err
	}
	opts, err := serverOptions(cfg)
	if err != nil {
		return nil, err
	}
	lock, err := lockDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	srv, err := startServer(opts)
	if err != nil {
		lock.Close()
		return nil, err
	}
	go func() {
		srv.WaitForShutdown()
		lock.Close()
	}()
	return &Server{Server: srv, accordPassword: cfg.AccordPassword}, nil
}

// startServer starts a nats-server with opts and waits until it is ready.
func startServer(opts *server.Options) (*server.Server, error) {
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("nats-server: %w", err)
	}
	logger := &serverLog{log: slog.Default().With("component", "nats-server")}
	srv.SetLoggerV2(logger, false, false, false)
	// Start returns once the listener and JetStream are set up (or have
	// failed, which our logger records instead of exiting the process).
	srv.Start()
	if err := startFailure(srv, opts, logger); err != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, err
	}
	return srv, nil
}

// startFailure returns why srv did not come up, or nil when it is ready.
func startFailure(srv *server.Server, opts *server.Options, logger *serverLog) error {
	if fatal := logger.fatal(); fatal != "" {
		return fmt.Errorf("nats-server did not start: %s", fatal)
	}
	if !opts.DontListen && srv.Addr() == nil {
		return fmt.Errorf("nats-server did not start: cannot listen on %s:%d", opts.Host, opts.Port)
	}
	if !srv.ReadyForConnections(readyTimeout) {
		return fmt.Errorf("nats-server not ready for connections after %s", readyTimeout)
	}
	if !srv.JetStreamEnabled() {
		return errors.New("nats-server started without JetStream")
	}
	return nil
}

// serverOptions translates cfg into nats-server options. It returns an
// error when cfg has no directory, a password is missing or the listen
// address is malformed.
func serverOptions(cfg ServerConfig) (*server.Options, error) {
	if cfg.Dir == "" {
		return nil, errors.New("nats-server: a data directory is required")
	}
	users, err := serverUsers(cfg)
	if err != nil {
		return nil, err
	}
	opts := &server.Options{
		ServerName: "accord",
		JetStream:  true,
		StoreDir:   cfg.Dir,
		NoSigs:     true,
		SyncAlways: cfg.SyncAlways,
		Users:      users,
	}
	if cfg.Listen == "" || cfg.Listen == "none" {
		opts.DontListen = true
		return opts, nil
	}
	host, port, err := splitListen(cfg.Listen)
	if err != nil {
		return nil, err
	}
	opts.Host, opts.Port = host, port
	return opts, nil
}

// splitListen parses "host:port". nats-server reads port 0 as its default
// 4222, so a requested 0 becomes server.RANDOM_PORT.
func splitListen(listen string) (string, int, error) {
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return "", 0, fmt.Errorf("nats-server listen address %q: %w", listen, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("nats-server listen address %q: bad port", listen)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	return host, port, nil
}

// ConnectInProcess connects to an embedded server without a network socket,
// as AccordUser. It returns an error of kind domain.Unavailable when the
// server refuses.
func ConnectInProcess(srv *Server) (*nats.Conn, error) {
	return connectInProcess(srv.Server, srv.accordPassword)
}

func connectInProcess(srv *server.Server, password string) (*nats.Conn, error) {
	nc, err := nats.Connect(srv.ClientURL(), nats.InProcessServer(srv), nats.Name("accord"),
		nats.UserInfo(AccordUser, password), accordInbox(), asyncErrorsToLog())
	if err != nil {
		return nil, classify("connect in-process", err)
	}
	return nc, nil
}

// Connect connects to an external NATS (a JetStream cluster) at url, with
// the user and password of the URL if it has them. Replies come under
// InboxPrefix. It keeps reconnecting forever once connected, even through
// refused credentials (which an operator may be rotating), and does not
// buffer publishes while disconnected, so appends fail fast as Unavailable
// instead of waiting. It returns an error of kind domain.Unavailable when no
// server answers, and one wrapping nats.ErrAuthorization when the server
// refuses the credentials.
func Connect(url string) (*nats.Conn, error) {
	log := slog.Default().With("component", "nats")
	nc, err := nats.Connect(url,
		nats.Name("accord"),
		accordInbox(),
		nats.IgnoreAuthErrorAbort(),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.ReconnectJitter(500*time.Millisecond, time.Second),
		nats.ReconnectBufSize(-1),
		nats.PingInterval(10*time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil { // nil when the connection is closed on purpose
				log.Warn("disconnected from NATS", "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) {
			log.Info("reconnected to NATS", "url", c.ConnectedUrlRedacted())
		}),
		asyncErrorsToLog(),
	)
	if err != nil {
		return nil, classify("connect to NATS at "+redactURLs(url), err)
	}
	return nc, nil
}

// redactURLs returns comma-separated NATS URLs with their passwords replaced
// by "xxxxx", for errors and logs.
func redactURLs(urls string) string {
	parts := strings.Split(urls, ",")
	for i, p := range parts {
		if u, err := url.Parse(strings.TrimSpace(p)); err == nil {
			parts[i] = u.Redacted()
		}
	}
	return strings.Join(parts, ",")
}

// asyncErrorsToLog sends the client's asynchronous errors (a consumer the
// server dropped, a pipe closed at shutdown) to slog: without a handler
// nats.go prints them straight to the process's output.
func asyncErrorsToLog() nats.Option {
	return nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
		subject := ""
		if sub != nil {
			subject = sub.Subject
		}
		slog.Debug("nats: asynchronous error", "subject", subject, "err", err)
	})
}
