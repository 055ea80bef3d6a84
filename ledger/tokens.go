package ledger

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"accord/domain"
	"accord/eventstore"
)

// tokenPrefix starts every member and observer token.
const tokenPrefix = "acc_"

// MinSecretLen is the fewest bytes a token secret may have.
const MinSecretLen = 32

// tokenReadTimeout bounds one get of a token's record: past it the request
// answers Unavailable rather than wait for a bucket that does not answer.
const tokenReadTimeout = 3 * time.Second

// tokens resolves bearer tokens to identities and issues and revokes them.
// The admin token is held in memory; every other token lives hashed in the
// credential bucket that all instances share. An instance reads a token's
// record when it is first presented (one get) and keeps it in a bounded
// cache, which a watch of the bucket's changes keeps current: a revocation
// made anywhere reaches it as soon as the watch brings it. A token is
// derived from the secret and (alliance, party, generation): a retried
// admission answers the same token without it being stored, and a
// re-issued token differs from every earlier one.
type tokens struct {
	creds     *eventstore.Credentials
	secret    []byte
	adminHash [sha256.Size]byte

	cache *tokenCache
	gets  atomic.Uint64 // gets of token records, for tests and benchmarks
	stop  func()
}

// openTokens starts watching the credential bucket's changes; it reads none
// of what the bucket holds. It returns an error if secret is shorter than
// MinSecretLen, or an Unavailable one if the bucket cannot be watched.
func openTokens(creds *eventstore.Credentials, adminToken string, secret []byte) (*tokens, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("the token secret has %d bytes; it needs at least %d", len(secret), MinSecretLen)
	}
	t := &tokens{
		creds: creds, secret: append([]byte(nil), secret...), adminHash: sha256.Sum256([]byte(adminToken)),
		cache: newTokenCache(tokenCacheSize, absentCacheSize, absentFor),
	}
	stop, err := creds.WatchChanges(func(e eventstore.TokenEntry) { t.cache.apply(e, false) })
	if err != nil {
		return nil, err
	}
	t.stop = stop
	return t, nil
}

// close stops watching.
func (t *tokens) close() {
	if t != nil && t.stop != nil {
		t.stop()
	}
}

// mirror caches one of this instance's own writes of a token's record at
// once, unless a newer revision is in already.
func (t *tokens) mirror(e eventstore.TokenEntry) { t.cache.apply(e, true) }

// resolve returns the identity of token, or an Unauthorized error for an
// unknown, revoked or malformed token; an Unavailable error when its record
// is not cached and the bucket cannot be read before ctx ends. The admin
// token is compared by hash in constant time; other tokens are looked up by
// their SHA-256, so the lookup's timing depends on a hash the caller cannot
// steer, never on how much of a real token a guess shares.
func (t *tokens) resolve(ctx context.Context, token string) (Identity, error) {
	if token == "" {
		return Identity{}, domain.Errorf(domain.Unauthorized, "a bearer token is required")
	}
	sum := sha256.Sum256([]byte(token))
	if hmac.Equal(sum[:], t.adminHash[:]) {
		return Identity{ID: AdminID, Role: domain.RoleAdmin, Name: "admin"}, nil
	}
	m, err := t.lookup(ctx, sum)
	switch {
	case err != nil:
		return Identity{}, err
	case m.gone:
		return Identity{}, domain.Errorf(domain.Unauthorized, "the token is not valid")
	case m.id.Revoked:
		return Identity{}, domain.Errorf(domain.Unauthorized, "the token was revoked")
	}
	return m.id, nil
}

// lookup returns the record of the token whose hash is h: cached, or read
// from the bucket by this call or one racing it for the same token. It
// returns an Unavailable error when the bucket cannot be read before ctx
// ends.
func (t *tokens) lookup(ctx context.Context, h tokenHash) (held, error) {
	s, f, start := t.cache.lookup(h)
	if f == nil {
		return s, nil
	}
	if start {
		go t.fetch(h, f)
	}
	select {
	case <-f.done:
		return f.result, f.err
	case <-ctx.Done():
		return held{}, domain.Errorf(domain.Unavailable, "cannot check the token against the credential bucket: %v", ctx.Err())
	}
}

// fetch gets the record of h for every caller waiting on f. It is bounded
// by tokenReadTimeout and by no caller's context, so that one caller going
// away does not fail the others.
func (t *tokens) fetch(h tokenHash, f *tokenFetch) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenReadTimeout)
	defer cancel()
	t.gets.Add(1)
	e, err := t.creds.Token(ctx, hex.EncodeToString(h[:]))
	t.cache.finish(h, f, e, err)
}

// derive returns the token of a party's generation gen. Generation 0 is the
// token answered at admission (and again to a retried admission).
func (t *tokens) derive(allianceID, partyID string, gen int) string {
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

// issue returns the first token of a member or observer, just admitted, and
// stores its hash. Issuing again for the same id (a retried admission)
// answers the same token. It never brings back a token that was revoked or
// replaced since: that answers a Conflict error. It returns an Unavailable
// error when the bucket cannot be read or written.
func (t *tokens) issue(ctx context.Context, id Identity) (string, error) {
	rec, rev, err := t.creds.Party(ctx, id.AllianceID, id.ID)
	if err == nil && rev == 0 {
		err = t.creds.PutParty(ctx, id.AllianceID, id.ID, eventstore.PartyRecord{}, 0)
		if errors.Is(err, eventstore.ErrCredentialChanged) {
			rec, _, err = t.creds.Party(ctx, id.AllianceID, id.ID)
		}
	}
	if err != nil {
		return "", err
	}
	if rec.Revoked || rec.Generation != 0 {
		return "", replacedError(id)
	}
	token := t.derive(id.AllianceID, id.ID, 0)
	held, err := t.createToken(ctx, token, id)
	if err != nil {
		return "", err
	}
	if held.Revoked {
		return "", replacedError(id)
	}
	return token, nil
}

func replacedError(id Identity) error {
	return domain.Errorf(domain.Conflict,
		"%s %s was admitted, but its first token has since been revoked or replaced; a convener or the admin issues a new one with POST /v1/alliances/%s/tokens/%s",
		id.Role, id.ID, id.AllianceID, id.ID)
}

// createToken stores token's hash for id unless it is there already, and
// answers the identity the bucket then holds for it, mirrored.
func (t *tokens) createToken(ctx context.Context, token string, id Identity) (Identity, error) {
	e, err := t.creds.CreateToken(ctx, hashKey(token), eventstore.TokenRecord(id))
	if err != nil {
		return Identity{}, err
	}
	t.mirror(e)
	return Identity(e.Record), nil
}

// revoke revokes the current token of party id (a member or observer of
// id.AllianceID): from the answer on, this instance answers 401 to it, and
// every other instance as soon as its watch brings the change. Revoking a
// revoked token again changes nothing. It returns the party's token
// generation, or an Unavailable error when the bucket cannot be written.
func (t *tokens) revoke(ctx context.Context, id Identity) (int, error) {
	rec, err := t.updateParty(ctx, id, func(r eventstore.PartyRecord) eventstore.PartyRecord {
		r.Revoked = true
		return r
	})
	if err != nil {
		return 0, err
	}
	return rec.Generation, t.markRevoked(ctx, id, rec.Generation)
}

// reissue gives party id a new token, of the next generation, and revokes
// the one it had. It returns the new token and its generation; a Conflict
// error when a revocation raced it and won; an Unavailable error when the
// bucket cannot be written.
func (t *tokens) reissue(ctx context.Context, id Identity) (string, int, error) {
	var old int
	rec, err := t.updateParty(ctx, id, func(r eventstore.PartyRecord) eventstore.PartyRecord {
		old = r.Generation
		return eventstore.PartyRecord{Generation: r.Generation + 1}
	})
	if err != nil {
		return "", 0, err
	}
	if err := t.markRevoked(ctx, id, old); err != nil {
		return "", 0, err
	}
	id.Generation, id.Revoked = rec.Generation, false
	token := t.derive(id.AllianceID, id.ID, rec.Generation)
	held, err := t.createToken(ctx, token, id)
	if err != nil {
		return "", 0, err
	}
	if held.Revoked {
		return "", 0, domain.Errorf(domain.Conflict, "the new token of %s %s was revoked while it was being issued", id.Role, id.ID)
	}
	return token, rec.Generation, nil
}

// markRevoked stores the token of generation gen as revoked and mirrors it
// at once.
func (t *tokens) markRevoked(ctx context.Context, id Identity, gen int) error {
	id.Revoked, id.Generation = true, gen
	e, err := t.creds.PutToken(ctx, hashKey(t.derive(id.AllianceID, id.ID, gen)), eventstore.TokenRecord(id))
	if err != nil {
		return err
	}
	t.mirror(e)
	return nil
}

// updateParty applies change to the party's record with optimistic
// concurrency, retrying a few times when another instance wrote it first.
// A party admitted before records existed starts from generation 0.
func (t *tokens) updateParty(ctx context.Context, id Identity, change func(eventstore.PartyRecord) eventstore.PartyRecord) (eventstore.PartyRecord, error) {
	for range 5 {
		rec, rev, err := t.creds.Party(ctx, id.AllianceID, id.ID)
		if err != nil {
			return rec, err
		}
		next := change(rec)
		err = t.creds.PutParty(ctx, id.AllianceID, id.ID, next, rev)
		if err == nil {
			return next, nil
		}
		if !errors.Is(err, eventstore.ErrCredentialChanged) {
			return rec, err
		}
	}
	return eventstore.PartyRecord{}, domain.Errorf(domain.Conflict, "the token of %s %s is being changed by another request; try again", id.Role, id.ID)
}
