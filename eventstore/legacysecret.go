package eventstore

import (
	"context"
	"errors"

	"github.com/nats-io/nats.go/jetstream"
)

// LegacySecretBucket is the key-value bucket where accord kept the secret
// that member tokens derive from, under the key "tokens", before the secret
// moved to a file: anybody who could read the bucket could mint tokens.
const LegacySecretBucket = "accord_secrets"

const legacySecretKey = "tokens"

// LegacyTokenSecret returns the token secret kept in LegacySecretBucket, and
// whether the bucket exists at all; nil and false when it does not. It
// returns an Unavailable error when JetStream cannot be reached.
func (s *Store) LegacyTokenSecret(ctx context.Context) ([]byte, bool, error) {
	kv, err := s.js.KeyValue(ctx, LegacySecretBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, classify("open "+LegacySecretBucket, err)
	}
	entry, err := kv.Get(ctx, legacySecretKey)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, true, nil
	}
	if err != nil {
		return nil, true, classify("read the token secret in "+LegacySecretBucket, err)
	}
	return entry.Value(), true, nil
}

// DeleteLegacySecretBucket deletes LegacySecretBucket, once its secret is
// kept elsewhere; a bucket already gone is not an error. It returns an
// Unavailable error when JetStream cannot be reached.
func (s *Store) DeleteLegacySecretBucket(ctx context.Context) error {
	err := s.js.DeleteKeyValue(ctx, LegacySecretBucket)
	if err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) {
		return classify("delete "+LegacySecretBucket, err)
	}
	return nil
}
