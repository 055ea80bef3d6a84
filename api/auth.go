package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"

	"accord/domain"
)

// The key-value buckets that hold credentials. Tokens are stored only as the
// SHA-256 of the token; the secret lets a retried admission answer the same
// token as the first call did without storing it.
const (
	tokenBucket  = "accord_tokens"
	secretBucket = "accord_secrets"
	tokenPrefix  = "acc_"
)

// AdminID is the actor id of the admin in every event it causes.
var AdminID = uuid.NewSHA1(uuid.NameSpaceURL, []byte("accord:admin")).String()

// Identity is who a token belongs to.
type Identity struct {
	ID         string      `json:"id"`
	Role       domain.Role `json:"role"`
	AllianceID string      `json:"alliance_id,omitempty"`
	Name       string      `json:"name,omitempty"`
	Revoked    bool        `json:"revoked,omitempty"`
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
// share, mirrored here by a watch so a lookup costs no round trip.
type Tokens struct {
	kv        jetstream.KeyValue
	secret    []byte
	adminHash [sha256.Size]byte

	mu     sync.RWMutex
	byHash map[string]Identity
	stop   func() error
}

// OpenTokens opens (or creates) the credential buckets and starts mirroring
// them. It returns an error if the buckets cannot be opened.
func OpenTokens(ctx context.Context, js jetstream.JetStream, adminToken string, replicas int) (*Tokens, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: tokenBucket, History: 1, Replicas: replicas})
	if err != nil {
		return nil, fmt.Errorf("open token bucket: %w", err)
	}
	secret, err := loadSecret(ctx, js, replicas)
	if err != nil {
		return nil, err
	}
	t := &Tokens{kv: kv, secret: secret, adminHash: sha256.Sum256([]byte(adminToken)), byHash: map[string]Identity{}}
	if err := t.watch(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// loadSecret returns the cluster-wide secret, creating it on first start.
func loadSecret(ctx context.Context, js jetstream.JetStream, replicas int) ([]byte, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: secretBucket, History: 1, Replicas: replicas})
	if err != nil {
		return nil, fmt.Errorf("open secret bucket: %w", err)
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if _, err := kv.Create(ctx, "tokens", fresh); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return nil, fmt.Errorf("create token secret: %w", err)
	}
	entry, err := kv.Get(ctx, "tokens")
	if err != nil {
		return nil, fmt.Errorf("read token secret: %w", err)
	}
	return entry.Value(), nil
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
			t.mirror(entry)
		}
	}()
	t.stop = w.Stop
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *Tokens) mirror(entry jetstream.KeyValueEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if entry.Operation() != jetstream.KeyValuePut {
		delete(t.byHash, entry.Key())
		return
	}
	var id Identity
	if err := json.Unmarshal(entry.Value(), &id); err == nil {
		t.byHash[entry.Key()] = id
	}
}

// Close stops mirroring.
func (t *Tokens) Close() {
	if t.stop != nil {
		_ = t.stop()
	}
}

// Resolve returns the identity of token, or an Unauthorized error for an
// unknown, revoked or malformed token. Comparison is by hash in constant time.
func (t *Tokens) Resolve(token string) (Identity, error) {
	if token == "" {
		return Identity{}, domain.Errorf(domain.Unauthorized, "a bearer token is required")
	}
	sum := sha256.Sum256([]byte(token))
	if hmac.Equal(sum[:], t.adminHash[:]) {
		return Identity{ID: AdminID, Role: domain.RoleAdmin, Name: "admin"}, nil
	}
	t.mu.RLock()
	id, ok := t.byHash[hex.EncodeToString(sum[:])]
	t.mu.RUnlock()
	if !ok || id.Revoked {
		return Identity{}, domain.Errorf(domain.Unauthorized, "the token is not valid")
	}
	return id, nil
}

// Issue returns the token of a member or observer and stores its hash. The
// token is derived from the party's id, so issuing again for the same id (a
// retried admission) answers the same token. It returns an error when the
// bucket cannot be written.
func (t *Tokens) Issue(ctx context.Context, id Identity) (string, error) {
	mac := hmac.New(sha256.New, t.secret)
	mac.Write([]byte(id.AllianceID + "/" + id.ID))
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	sum := sha256.Sum256([]byte(token))
	key := hex.EncodeToString(sum[:])
	raw, err := json.Marshal(id)
	if err != nil {
		return "", err
	}
	if _, err := t.kv.Put(ctx, key, raw); err != nil {
		return "", domain.Errorf(domain.Unavailable, "cannot store the token: %v", err)
	}
	t.mirror(putEntry{key: key, value: raw})
	return token, nil
}

// bearer extracts the token of an Authorization header.
func bearer(header string) string {
	const scheme = "bearer "
	if len(header) > len(scheme) && strings.EqualFold(header[:len(scheme)], scheme) {
		return strings.TrimSpace(header[len(scheme):])
	}
	return ""
}

// putEntry lets Issue mirror its own write at once instead of waiting for the
// watch, so the token works on this instance as soon as it is answered.
type putEntry struct {
	jetstream.KeyValueEntry
	key   string
	value []byte
}

func (e putEntry) Key() string                         { return e.key }
func (e putEntry) Value() []byte                       { return e.value }
func (e putEntry) Operation() jetstream.KeyValueOp     { return jetstream.KeyValuePut }
