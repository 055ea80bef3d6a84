package eventstore

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// plaintextWarning is the server's advice about passwords written in a
// configuration file. The embedded server's passwords are in its memory
// only (their files are accord's), so the advice does not apply.
const plaintextWarning = "Plaintext passwords detected"

// serverLog adapts nats-server's logger to slog, keeping only warnings and
// errors. Its Fatalf records the message instead of exiting the process, so
// that StartServer can return it as an error.
type serverLog struct {
	log *slog.Logger

	mu        sync.Mutex
	lastFatal string
}

func (l *serverLog) Noticef(string, ...any) {}
func (l *serverLog) Debugf(string, ...any)  {}
func (l *serverLog) Tracef(string, ...any)  {}

func (l *serverLog) Warnf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	if strings.HasPrefix(msg, plaintextWarning) {
		return
	}
	l.log.Warn(msg)
}

func (l *serverLog) Errorf(format string, v ...any) {
	l.log.Error(fmt.Sprintf(format, v...))
}

func (l *serverLog) Fatalf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	l.mu.Lock()
	l.lastFatal = msg
	l.mu.Unlock()
	l.log.Error(msg)
}

// fatal returns the last fatal message, or "" when there was none.
func (l *serverLog) fatal() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastFatal
}
