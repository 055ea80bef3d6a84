package client

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"sync"
	"time"

	"accord/domain"
)

// Signer is a member's signing key, held by a Client that signs every
// member action it sends (see WithSigner).
type Signer struct {
	// Key is the member's Ed25519 private key; its public half must be
	// the member's key in force (Client.RegisterKey).
	Key ed25519.PrivateKey
	// MemberID is the signer's member id. When empty, the client asks the
	// server whom its token speaks for (WhoAmI), once.
	MemberID string
	// Now is the clock signed-at is read from; nil is time.Now. The server
	// refuses a signed-at more than five minutes from its own clock.
	Now func() time.Time
}

// signing is a client's signer and the member id it signs as, once known.
type signing struct {
	Signer
	keyID string

	mu       sync.Mutex
	memberID string
}

// WithSigner makes the client sign every member action it sends with s:
// CastVote, SubmitProposal, ProposeAmendment, AcceptAmendment,
// RejectAmendment, MakeCommitment, ReportProgress and FulfilCommitment.
// For each it picks the command id once (the context's Idempotency-Key, or
// a new one), builds the statement of exactly what it sends with the
// domain's statement builders, signs it, and sends the statement with the
// command id as the request's Idempotency-Key. A command that already
// carries a signature is sent as it is. New returns an error for a key that
// is not an Ed25519 private key.
func WithSigner(s Signer) Option {
	return func(c *Client) error {
		if len(s.Key) != ed25519.PrivateKeySize {
			return fmt.Errorf("client: a signer's key is a %d-byte ed25519.PrivateKey, not %d bytes", ed25519.PrivateKeySize, len(s.Key))
		}
		if s.Now == nil {
			s.Now = time.Now
		}
		c.signing = &signing{Signer: s, keyID: KeyID(s.Key), memberID: strings.ToLower(s.MemberID)}
		return nil
	}
}

// SignerKeyID returns the id of the key the client signs with, or "" when
// it does not sign.
func (c *Client) SignerKeyID() string {
	if c.signing == nil {
		return ""
	}
	return c.signing.keyID
}

// signAction returns the signed statement of a member action on alliance
// aid, which build makes from the statement's header, and ctx carrying the
// statement's command id as the request's Idempotency-Key. When the client
// has no signer, or the command carries a signature already (have), it
// returns ctx and have as they are. It returns an error when the signer's
// member id cannot be learnt or the token is not a member of aid.
func (c *Client) signAction(ctx context.Context, aid string, have *domain.SignedStatement, build func(domain.StatementHeader) domain.Statement) (context.Context, *domain.SignedStatement, error) {
	if c.signing == nil || have != nil {
		return ctx, have, nil
	}
	aid = strings.ToLower(aid)
	mid, err := c.signerMember(ctx, aid)
	if err != nil {
		return ctx, nil, err
	}
	commandID := idempotencyKey(ctx)
	h := domain.StatementHeader{AllianceID: aid, MemberID: mid, SignedAt: c.signing.Now().UTC(), CommandID: commandID}
	st := domain.SignStatement(c.signing.Key, build(h).String())
	return WithIdempotencyKey(ctx, commandID), &st, nil
}

// signerMember returns the member id the client signs as: the Signer's, or
// whom the token speaks for, asked once. It returns a Forbidden
// *domain.Error when the token is not a member of alliance aid, and the
// WhoAmI call's error when that fails.
func (c *Client) signerMember(ctx context.Context, aid string) (string, error) {
	s := c.signing
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.memberID != "" {
		return s.memberID, nil
	}
	id, err := c.WhoAmI(ctx)
	if err != nil {
		return "", fmt.Errorf("learn whom the token speaks for, to sign as it: %w", err)
	}
	if id.Role != domain.RoleMember && id.Role != domain.RoleConvener {
		return "", domain.Errorf(domain.Forbidden, "only members sign their actions, and this token speaks for %s", describe(id))
	}
	if id.AllianceID != aid {
		return "", domain.Errorf(domain.Forbidden, "this token speaks for %s, not for a member of alliance %s", describe(id), aid)
	}
	s.memberID = id.ID
	return id.ID, nil
}

// describe names a party for a message.
func describe(id Identity) string {
	if id.Role == domain.RoleAdmin {
		return "the admin"
	}
	return fmt.Sprintf("%s %s (%s) of alliance %s", id.Role, id.ID, id.Name, id.AllianceID)
}
