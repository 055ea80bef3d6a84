//go:build unix

package eventstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockWait is how long lockDir waits for a lock held by a server that is
// shutting down, as when a process restarts its embedded server.
const lockWait = 2 * time.Second

// lockDir takes an exclusive lock on dir so that two servers never share one
// JetStream directory: nats-server does not prevent it, and two writers
// would corrupt the file store. The lock lasts until the returned file is
// closed or the process ends. It returns an error naming dir when another
// server holds it.
func lockDir(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("nats-server data directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "accord.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("nats-server data directory: %w", err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("nats-server data directory %s is in use by another server: %w", dir, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
