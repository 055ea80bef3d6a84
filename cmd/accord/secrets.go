package main

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"accord/eventstore"
	"accord/ledger"
	"accord/transparency"
)

// The files accord keeps its secrets in, all mode 0600: the secret member
// tokens derive from (its bytes as they are), and the passwords of the
// embedded NATS server's two users (one line of text each).
const (
	tokenSecretFile    = "token.secret"
	accordPasswordFile = "nats-accord.password"
	readerPasswordFile = "nats-reader.password"
	logKeyFile         = "log.key"
)

// errSecretMismatch is returned when the token secret file and the bucket an
// older accord kept the secret in both exist and differ.
var errSecretMismatch = errors.New("two different token secrets")

// readOrCreate returns the content of the file at path. When there is none,
// it first writes fresh() there, mode 0600, atomically: instances starting
// at once on one shared file all end up with whichever was written first.
// It returns an error when the file cannot be read or written.
func readOrCreate(path string, fresh func() ([]byte, error)) ([]byte, error) {
	data, err := os.ReadFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return data, err
	}
	content, err := fresh()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(content)
	if err = errors.Join(err, tmp.Sync(), tmp.Close()); err != nil {
		return nil, err
	}
	// CreateTemp made it 0600; Link does not replace a file that appeared
	// meanwhile.
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	return os.ReadFile(path)
}

// loadTokenSecret returns the secret member tokens derive from, kept in the
// file at path. legacy is the secret an older accord kept in NATS, or nil:
// when the file does not exist yet it is created with legacy, else with 32
// random bytes. It returns an error wrapping errSecretMismatch when the file
// and legacy differ, and one when the file cannot be read or written or
// holds fewer than ledger.MinSecretLen bytes.
func loadTokenSecret(path string, legacy []byte) ([]byte, error) {
	secret, err := readOrCreate(path, func() ([]byte, error) {
		if legacy != nil {
			return legacy, nil
		}
		return randomBytes(32)
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("token secret %s: %w", path, err)
	case legacy != nil && !bytes.Equal(secret, legacy):
		return nil, fmt.Errorf("token secret: %w: %s and the %s bucket differ; tokens were issued from the bucket's. Remove %s to move the bucket's secret there, or delete the bucket to keep the file's (every member token issued before then stops working)",
			errSecretMismatch, path, eventstore.LegacySecretBucket, path)
	case len(secret) < ledger.MinSecretLen:
		return nil, fmt.Errorf("token secret %s holds %d bytes; it needs at least %d", path, len(secret), ledger.MinSecretLen)
	}
	return secret, nil
}

// loadLogKey returns the key that signs every alliance's checkpoints, kept
// in the file at path and generated there on first start. It returns an
// error when the file cannot be read or written, or does not hold a log key
// (transparency.ParseLogKey's format).
func loadLogKey(path string) (transparency.LogKey, error) {
	raw, err := readOrCreate(path, func() ([]byte, error) { return transparency.GenerateLogKey(rand.Reader) })
	if err != nil {
		return transparency.LogKey{}, fmt.Errorf("log key %s: %w", path, err)
	}
	key, err := transparency.ParseLogKey(raw)
	if err != nil {
		return transparency.LogKey{}, fmt.Errorf("log key %s: %w", path, err)
	}
	return key, nil
}

// loadPassword returns the password in the file at path, generating it on
// first start. It returns an error when the file cannot be read or written,
// or is empty.
func loadPassword(path string) (string, error) {
	raw, err := readOrCreate(path, func() ([]byte, error) {
		pw, err := eventstore.NewPassword()
		return []byte(pw + "\n"), err
	})
	if err != nil {
		return "", fmt.Errorf("NATS password %s: %w", path, err)
	}
	pw := strings.TrimSpace(string(raw))
	if pw == "" {
		return "", fmt.Errorf("NATS password %s is empty", path)
	}
	return pw, nil
}

func randomBytes(n int) ([]byte, error) {
	buf := make([]byte, n)
	_, err := rand.Read(buf)
	return buf, err
}
