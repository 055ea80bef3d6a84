package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"accord/domain"
)

// CredentialBucket is the key-value bucket that holds member and observer
// credentials, shared by every instance. It holds two kinds of keys: the
// hex SHA-256 of each token ever issued, with whose it is and whether it was
// revoked (tokens themselves are never stored), and one
// "party.<alliance>.<party>" record per party with the generation of its
// current token.
const CredentialBucket = "accord_tokens"

const partyPrefix = "party."

// ErrCredentialChanged is returned (wrapped) when a credential record was
// created or changed by another request since it was read: read it again
// and retry. Its kind is domain.Conflict.
var ErrCredentialChanged error = &domain.Error{Kind: domain.Conflict, Message: "the credential record changed concurrently"}

// TokenRecord is what the bucket holds for one token: the party it
// authenticates, and whether the token was revoked.
type TokenRecord struct {
	ID         string      `json:"id"`
	Role       domain.Role `json:"role"`
	AllianceID string      `json:"alliance_id,omitempty"`
	Name       string      `json:"name,omitempty"`
	Revoked    bool        `json:"revoked,omitempty"`
	Generation int         `json:"generation,omitempty"`
}

// TokenEntry is one revision of a token's record, under the token's hash.
// Deleted is set when the key was removed.
type TokenEntry struct {
	Hash     string
	Record   TokenRecord
	Revision uint64
	Deleted  bool
}

// PartyRecord is the credential state of one member or observer: the
// generation of its current token and whether that token is revoked.
type PartyRecord struct {
	Generation int  `json:"generation"`
	Revoked    bool `json:"revoked"`
}

// Credentials stores token and party records in CredentialBucket.
type Credentials struct {
	kv jetstream.KeyValue
}

// OpenCredentials opens (or creates) the credential bucket with replicas
// copies. It returns an error when the bucket cannot be opened.
func (s *Store) OpenCredentials(ctx context.Context, replicas int) (*Credentials, error) {
	kv, err := s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: CredentialBucket, History: 1, Replicas: max(replicas, 1)})
	if err != nil {
		return nil, fmt.Errorf("open token bucket: %w", err)
	}
	return &Credentials{kv: kv}, nil
}

// WatchChanges calls fn with every change to a token's record made from
// now on, in order, on one goroutine, until stop is called; what the bucket
// already holds is not read (Token gets one record when it is needed). Party
// records and records that do not decode are passed over. It returns an
// Unavailable error when the watch cannot start.
func (c *Credentials) WatchChanges(fn func(TokenEntry)) (stop func(), err error) {
	// The watch outlives any request's context: it ends with stop.
	w, err := c.kv.WatchAll(context.Background(), jetstream.UpdatesOnly())
	if err != nil {
		return nil, unavailable("watch the tokens", err)
	}
	go func() {
		for entry := range w.Updates() {
			if entry == nil {
				continue
			}
			if e, ok := tokenEntry(entry); ok {
				fn(e)
			}
		}
	}()
	return func() { _ = w.Stop() }, nil
}

// Token returns the record the bucket holds under a token's hash, read at
// once (one round trip). A hash the bucket does not hold (or that was
// deleted) answers an entry with Deleted set and Revision 0, older than any
// revision the watch can bring. It returns an Unavailable error when the
// bucket cannot be read before ctx ends, and an Internal one when the record
// held does not decode.
func (c *Credentials) Token(ctx context.Context, hash string) (TokenEntry, error) {
	entry, err := c.kv.Get(ctx, hash)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return TokenEntry{Hash: hash, Deleted: true}, nil
	}
	if err != nil {
		return TokenEntry{}, unavailable("check the token against the credential bucket", err)
	}
	return decodeToken(hash, entry)
}

// decodeToken reads entry as the record of the token whose hash it is
// under; an Internal error when it does not decode.
func decodeToken(hash string, entry jetstream.KeyValueEntry) (TokenEntry, error) {
	held := TokenEntry{Hash: hash, Revision: entry.Revision()}
	if err := json.Unmarshal(entry.Value(), &held.Record); err != nil {
		return TokenEntry{}, domain.Errorf(domain.Internal, "token record %s does not decode: %v", hash, err)
	}
	return held, nil
}

// tokenEntry reads a watched entry as a token's record; false for a party
// record or one that does not decode.
func tokenEntry(entry jetstream.KeyValueEntry) (TokenEntry, bool) {
	if strings.HasPrefix(entry.Key(), partyPrefix) {
		return TokenEntry{}, false
	}
	e := TokenEntry{Hash: entry.Key(), Revision: entry.Revision(), Deleted: entry.Operation() != jetstream.KeyValuePut}
	if e.Deleted {
		return e, true
	}
	err := json.Unmarshal(entry.Value(), &e.Record)
	return e, err == nil
}

// CreateToken stores rec under a token's hash unless the key exists, and
// returns what the bucket then holds for it: creating instead of putting
// means a late retry never overwrites a revocation. It returns an
// Unavailable error when the bucket cannot be read or written, and an
// Internal one when the record held does not decode.
func (c *Credentials) CreateToken(ctx context.Context, hash string, rec TokenRecord) (TokenEntry, error) {
	rev, err := c.kv.Create(ctx, hash, mustJSON(rec))
	if err == nil {
		return TokenEntry{Hash: hash, Record: rec, Revision: rev}, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return TokenEntry{}, unavailable("store the token", err)
	}
	entry, err := c.kv.Get(ctx, hash)
	if err != nil {
		return TokenEntry{}, unavailable("read the token", err)
	}
	return decodeToken(hash, entry)
}

// PutToken stores rec under a token's hash, replacing what was there. It
// returns an Unavailable error when the bucket cannot be written.
func (c *Credentials) PutToken(ctx context.Context, hash string, rec TokenRecord) (TokenEntry, error) {
	rev, err := c.kv.Put(ctx, hash, mustJSON(rec))
	if err != nil {
		return TokenEntry{}, unavailable("revoke the token", err)
	}
	return TokenEntry{Hash: hash, Record: rec, Revision: rev}, nil
}

// Party returns a party's record and its revision; revision 0 and the zero
// record when the party has none yet. It returns an Unavailable error when
// the bucket cannot be read or the record does not decode.
func (c *Credentials) Party(ctx context.Context, allianceID, partyID string) (PartyRecord, uint64, error) {
	entry, err := c.kv.Get(ctx, partyKey(allianceID, partyID))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return PartyRecord{}, 0, nil
	}
	if err != nil {
		return PartyRecord{}, 0, unavailable("read the party's token record", err)
	}
	var rec PartyRecord
	if err := json.Unmarshal(entry.Value(), &rec); err != nil {
		err = fmt.Errorf("party record %s: %w", entry.Key(), err)
		return PartyRecord{}, 0, unavailable("read the party's token record", err)
	}
	return rec, entry.Revision(), nil
}

// PutParty writes a party's record if it is still at revision rev (0: if
// it has none). It returns an error wrapping ErrCredentialChanged when
// another request wrote it first, and an Unavailable one when the bucket
// cannot be written.
func (c *Credentials) PutParty(ctx context.Context, allianceID, partyID string, rec PartyRecord, rev uint64) error {
	key := partyKey(allianceID, partyID)
	var err error
	if rev == 0 {
		_, err = c.kv.Create(ctx, key, mustJSON(rec))
	} else {
		_, err = c.kv.Update(ctx, key, mustJSON(rec), rev)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch):
		return fmt.Errorf("party record %s: %w", key, ErrCredentialChanged)
	}
	return unavailable("write the party's token record", err)
}

func partyKey(allianceID, partyID string) string {
	return partyPrefix + allianceID + "." + partyID
}

// unavailable is a failure to read or write the bucket, in the words of what
// was being done.
func unavailable(what string, err error) error {
	return domain.Errorf(domain.Unavailable, "cannot %s: %v", what, err)
}

func mustJSON(v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		panic("marshal credential record: " + err.Error()) // plain structs of strings and ints
	}
	return raw
}
