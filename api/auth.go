package api

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"

	"accord/domain"
)

// The key-value bucket that holds credentials. Tokens are stored only as the
// SHA-256 of the token; the secret (never in NATS: it comes from a file)
// lets a retried admission answer the same token as the first call did
// without storing it.
//
// The token bucket holds two kinds of keys: the hex SHA-256 of each token
// ever issued (its identity, and whether it was revoked), and one
// "party.<alliance>.<party>" record per party with the generation of its
// current token. A token is derived from (alliance, party, generation), so a
// re-issued token differs from every earlier one.
const (
	tokenBucket = "accord_tokens"
	tokenPrefix = "acc_"
	partyPrefix = "party."
)

// MinSecretLen is the fewest bytes a token secret may have.
const MinSecretLen = 32

// AdminID is the actor id of the admin in every event it causes.
var AdminID = uuid.NewSHA1(uuid.NameSpaceURL, []byte("accord:admin")).String()

// Identity is who a token belongs to.
type Identity struct {
	ID         string      `json:"id"`
	Role       domain.Role `json:"role"`
	AllianceID string      `json:"alliance_id,omitempty"`
	Name       string      `json:"name,omitempty"`
	Revoked    bool        `json:"revoked,omitempty"`
	Generation int         `json:"generation,omitempty"`
}

// Actor returns the event actor for this identity.
func (id Identity) Actor() domain.Actor {
	a := domain.Actor{ID: id.ID, Role: id.Role}
	if id.Role == domain.RoleMember || id.Role == domain.RoleConvener {
		a.MemberID = id.ID
	}
	return a
}

// CanRead reports whether the identity may read the alliance.
func (id Identity) CanRead(allianceID string) bool {
	return id.Role == domain.RoleAdmin || id.AllianceID == allianceID
}

// Tokens resolves bearer tokens to identities. The admin token is held in
// memory; every other token lives hashed in a KV bucket that all instances
// share, mirrored here by a watch so a lookup costs no round trip. It also
// keeps the per-address count of failed authentications.
type Tokens struct {
	kv        jetstream.KeyValue
	secret    []byte
	adminHash [sha256.Size]byte
	failures  *failureLimiter

	mu     sync.RWMutex
	byHash map[string]mirrored
	stop   func() error
}

// mirrored is one token of the bucket as this instance knows it. rev orders
// this instance's own writes (mirrored at once) against the watch, which may
// still be delivering older revisions of the same key.
type mirrored struct {
	id   Identity
	rev  uint64
	gone bool
}

// OpenTokens opens (or creates) the token bucket and starts mirroring it.
// Member and observer tokens derive from secret, which every instance must
// share. It returns an error if secret is shorter than MinSecretLen or the
// bucket cannot be opened.
func OpenTokens(ctx context.Context, js jetstream.JetStream, adminToken string, secret []byte, replicas int) (*Tokens, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("the token secret has %d bytes; it needs at least %d", len(secret), MinSecretLen)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: tokenBucket, History: 1, Replicas: replicas})
	if err != nil {
		return nil, fmt.Errorf("open token bucket: %w", err)
	}
	t := &Tokens{
		kv: kv, secret: bytes.Clone(secret), adminHash: sha256.Sum256([]byte(adminToken)),
		failures: newFailureLimiter(), byHash: map[string]mirrored{},
	}
	if err := t.watch(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// watch mirrors the token bucket; it returns once the current content is in.
func (t *Tokens) watch(ctx context.Context) error {
	w, err := t.kv.WatchAll(context.Background())
	if err != nil {
		return fmt.Errorf("watch tokens: %w", err)
	}
	ready := make(chan struct{})
	go func() {
		for entry := range w.Updates() {
			if entry == nil {
				close(ready)
				continue
			}
			t.mirror(entry.Key(), entry.Value(), entry.Revision(), entry.Operation() == jetstream.KeyValuePut)
		}
	}()
	t.stop = w.Stop
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		_ = w.Stop()
		return ctx.Err()
	}
}

// mirror applies one revision of a token key, unless a newer one is already
// in: Issue and Revoke mirror their own writes at once, so the watch may
// bring an older revision afterwards. Party records are not mirrored.
func (t *Tokens) mirror(key string, value []byte, rev uint64, put bool) {
	if strings.HasPrefix(key, partyPrefix) {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.byHash[key]; ok && old.rev >= rev {
		return
	}
	if !put {
		t.byHash[key] = mirrored{rev: rev, gone: true}
		return
	}
	var id Identity
	if err := json.Unmarshal(value, &id); err == nil {
		t.byHash[key] = mirrored{id: id, rev: rev}
	}
}

// Close stops mirroring.
func (t *Tokens) Close() {
	if t.stop != nil {
		_ = t.stop()
	}
}

// Resolve returns the identity of token, or an Unauthorized error for an
// unknown, revoked or malformed token. The admin token is compared by hash
// in constant time; other tokens are looked up by their SHA-256, so the
// lookup's timing depends on a hash the caller cannot steer, never on how
// much of a real token a guess shares.
func (t *Tokens) Resolve(token string) (Identity, error) {
	if token == "" {
		return Identity{}, domain.Errorf(domain.Unauthorized, "a bearer token is required")
	}
	sum := sha256.Sum256([]byte(token))
	if hmac.Equal(sum[:], t.adminHash[:]) {
		return Identity{ID: AdminID, Role: domain.RoleAdmin, Name: "admin"}, nil
	}
	t.mu.RLock()
	m, ok := t.byHash[hex.EncodeToString(sum[:])]
	t.mu.RUnlock()
	switch {
	case !ok || m.gone:
		return Identity{}, domain.Errorf(domain.Unauthorized, "the token is not valid")
	case m.id.Revoked:
		return Identity{}, domain.Errorf(domain.Unauthorized, "the token was revoked")
	}
	return m.id, nil
}

// partyRecord is the credential state of one member or observer: the
// generation of its current token and whether that token is revoked.
type partyRecord struct {
	Generation int  `json:"generation"`
	Revoked    bool `json:"revoked"`
}

func partyKey(allianceID, partyID string) string {
	return partyPrefix + allianceID + "." + partyID
}

// derive returns the token of a party's generation gen. Generation 0 is the
// token answered at admission (and again to a retried admission).
func (t *Tokens) derive(allianceID, partyID string, gen int) string {
	mac := hmac.New(sha256.New, t.secret)
	mac.Write([]byte(allianceID + "/" + partyID))
	if gen > 0 {
		mac.Write([]byte("/" + strconv.Itoa(gen)))
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func hashKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Issue returns the first token of a member or observer, just admitted, and
// stores its hash. The token is derived from the party's id, so issuing
// again for the same id (a retried admission) answers the same token. It
// never brings back a token that was revoked or replaced since: that answers
// a Conflict error. It returns an Unavailable error when the bucket cannot
// be read or written.
func (t *Tokens) Issue(ctx context.Context, id Identity) (string, error) {
	rec, _, err := t.party(ctx, id.AllianceID, id.ID)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		rec = partyRecord{}
		if _, err = t.kv.Create(ctx, partyKey(id.AllianceID, id.ID), mustJSON(rec)); errors.Is(err, jetstream.ErrKeyExists) {
			rec, _, err = t.party(ctx, id.AllianceID, id.ID)
		}
	}
	if err != nil {
		return "", unavailable("read the party's token record", err)
	}
	if rec.Revoked || rec.Generation != 0 {
		return "", replacedError(id)
	}
	token := t.derive(id.AllianceID, id.ID, 0)
	m, err := t.createToken(ctx, token, id)
	if err != nil {
		return "", err
	}
	if m.id.Revoked {
		return "", replacedError(id)
	}
	return token, nil
}

func replacedError(id Identity) error {
	return domain.Errorf(domain.Conflict,
		"%s %s was admitted, but its first token has since been revoked or replaced; a convener or the admin issues a new one with POST /v1/alliances/%s/tokens/%s",
		id.Role, id.ID, id.AllianceID, id.ID)
}

// createToken stores token's hash for id unless the key exists, and answers
// what the bucket then holds for it, mirrored. Creating instead of putting
// means a late retry can never overwrite a revocation.
func (t *Tokens) createToken(ctx context.Context, token string, id Identity) (mirrored, error) {
	key := hashKey(token)
	raw := mustJSON(id)
	rev, err := t.kv.Create(ctx, key, raw)
	if err == nil {
		t.mirror(key, raw, rev, true)
		return mirrored{id: id, rev: rev}, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return mirrored{}, unavailable("store the token", err)
	}
	entry, err := t.kv.Get(ctx, key)
	if err != nil {
		return mirrored{}, unavailable("read the token", err)
	}
	var held Identity
	if err := json.Unmarshal(entry.Value(), &held); err != nil {
		return mirrored{}, domain.Errorf(domain.Internal, "token record %s does not decode: %v", key, err)
	}
	t.mirror(key, entry.Value(), entry.Revision(), true)
	return mirrored{id: held, rev: entry.Revision()}, nil
}

// Revoke revokes the current token of party id (a member or observer of
// id.AllianceID): from the answer on, this instance answers 401 to it, and
// every other instance as soon as its watch brings the change. Revoking a
// revoked token again changes nothing. It returns the party's token
// generation, or an Unavailable error when the bucket cannot be written.
func (t *Tokens) Revoke(ctx context.Context, id Identity) (int, error) {
	rec, err := t.updateParty(ctx, id, func(r partyRecord) partyRecord {
		r.Revoked = true
		return r
	})
	if err != nil {
		return 0, err
	}
	return rec.Generation, t.markRevoked(ctx, id, rec.Generation)
}

// Reissue gives party id a new token, of the next generation, and revokes
// the one it had. It returns the new token and its generation; a Conflict
// error when a revocation raced it and won; an Unavailable error when the
// bucket cannot be written.
func (t *Tokens) Reissue(ctx context.Context, id Identity) (string, int, error) {
	var old int
	rec, err := t.updateParty(ctx, id, func(r partyRecord) partyRecord {
		old = r.Generation
		return partyRecord{Generation: r.Generation + 1}
	})
	if err != nil {
		return "", 0, err
	}
	if err := t.markRevoked(ctx, id, old); err != nil {
		return "", 0, err
	}
	id.Generation, id.Revoked = rec.Generation, false
	token := t.derive(id.AllianceID, id.ID, rec.Generation)
	m, err := t.createToken(ctx, token, id)
	if err != nil {
		return "", 0, err
	}
	if m.id.Revoked {
		return "", 0, domain.Errorf(domain.Conflict, "the new token of %s %s was revoked while it was being issued", id.Role, id.ID)
	}
	return token, rec.Generation, nil
}

// markRevoked stores the token of generation gen as revoked and mirrors it
// at once.
func (t *Tokens) markRevoked(ctx context.Context, id Identity, gen int) error {
	id.Revoked, id.Generation = true, gen
	key := hashKey(t.derive(id.AllianceID, id.ID, gen))
	raw := mustJSON(id)
	rev, err := t.kv.Put(ctx, key, raw)
	if err != nil {
		return unavailable("revoke the token", err)
	}
	t.mirror(key, raw, rev, true)
	return nil
}

// updateParty applies change to the party's record with optimistic
// concurrency, retrying a few times when another instance wrote it first.
// A party admitted before records existed starts from generation 0.
func (t *Tokens) updateParty(ctx context.Context, id Identity, change func(partyRecord) partyRecord) (partyRecord, error) {
	key := partyKey(id.AllianceID, id.ID)
	for range 5 {
		rec, rev, err := t.party(ctx, id.AllianceID, id.ID)
		if err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
			return rec, unavailable("read the party's token record", err)
		}
		next := change(rec)
		if rev == 0 {
			_, err = t.kv.Create(ctx, key, mustJSON(next))
		} else {
			_, err = t.kv.Update(ctx, key, mustJSON(next), rev)
		}
		if err == nil {
			return next, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return rec, unavailable("write the party's token record", err)
		}
	}
	return partyRecord{}, domain.Errorf(domain.Conflict, "the token of %s %s is being changed by another request; try again", id.Role, id.ID)
}

// party reads a party's record and its revision; ErrKeyNotFound when the
// party has none yet.
func (t *Tokens) party(ctx context.Context, allianceID, partyID string) (partyRecord, uint64, error) {
	entry, err := t.kv.Get(ctx, partyKey(allianceID, partyID))
	if err != nil {
		return partyRecord{}, 0, err
	}
	var rec partyRecord
	if err := json.Unmarshal(entry.Value(), &rec); err != nil {
		return partyRecord{}, 0, fmt.Errorf("party record %s: %w", entry.Key(), err)
	}
	return rec, entry.Revision(), nil
}

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

// bearer extracts the token of an Authorization header.
func bearer(header string) string {
	const scheme = "bearer "
	if len(header) > len(scheme) && strings.EqualFold(header[:len(scheme)], scheme) {
		return strings.TrimSpace(header[len(scheme):])
	}
	return ""
}
