package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// The transparency routes answer text/plain: a signed note, a verifier key
// or a C2SP tlog-proof, each as the server wrote it. The client hands these
// back as bytes, unopened: what they prove is for the caller to check with
// package transparency (or package verify), never to take from the server.

// Checkpoint returns the signed checkpoint note of the alliance's tree of
// size events (0: all of them), with every witness cosignature the server
// stores for that size. It returns a NotFound *Error for an unknown
// alliance, an Invalid one for a size beyond the log, and the errors of
// every call.
func (c *Client) Checkpoint(ctx context.Context, aid string, size uint64) ([]byte, error) {
	var q url.Values
	if size != 0 {
		q = url.Values{"size": {strconv.FormatUint(size, 10)}}
	}
	return c.text(ctx, call{method: http.MethodGet, path: alliancePath(aid, "checkpoint"), query: q})
}

// CosignedCheckpoint returns the checkpoint of the largest size that a
// witness has cosigned, with its cosignatures. It returns a NotFound *Error
// when no checkpoint of the alliance has a cosignature yet.
func (c *Client) CosignedCheckpoint(ctx context.Context, aid string) ([]byte, error) {
	return c.text(ctx, call{method: http.MethodGet, path: alliancePath(aid, "checkpoint", "cosigned")})
}

// PostCosignature hands the server a witness's cosignature of a checkpoint:
// checkpoint is the note as the server served it (its log signature
// included), cosignature one signature line. The server stores it when
// both verify against a witness key registered by the caller's party;
// otherwise it answers an Invalid (or Forbidden) *Error and stores nothing.
func (c *Client) PostCosignature(ctx context.Context, aid string, checkpoint, cosignature []byte) error {
	body := map[string]string{"checkpoint": string(checkpoint), "cosignature": string(cosignature)}
	return c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "checkpoint", "cosignatures"), body: body}, nil)
}

// LogKey returns the verifier key of the alliance's checkpoints,
// accord/<aid>+<key id>+<key>, without its final newline.
func (c *Client) LogKey(ctx context.Context, aid string) (string, error) {
	raw, err := c.text(ctx, call{method: http.MethodGet, path: alliancePath(aid, "log-key")})
	return string(bytes.TrimSpace(raw)), err
}

// InclusionProof returns the receipt of the event with seq in the tree of
// size events (0: all): a C2SP tlog-proof that ends with the signed
// checkpoint of that size. It returns an Invalid or NotFound *Error for a
// seq or size beyond the log.
func (c *Client) InclusionProof(ctx context.Context, aid string, seq, size uint64) ([]byte, error) {
	q := url.Values{"seq": {strconv.FormatUint(seq, 10)}}
	if size != 0 {
		q.Set("size", strconv.FormatUint(size, 10))
	}
	return c.text(ctx, call{method: http.MethodGet, path: alliancePath(aid, "proofs", "inclusion"), query: q})
}

// ConsistencyProof is the RFC 6962 proof that the tree of size From is a
// prefix of the tree of size To.
type ConsistencyProof struct {
	From   uint64
	To     uint64
	Hashes [][32]byte
}

// ConsistencyProof returns the consistency proof between the alliance's
// trees of sizes from and to. It returns an Invalid *Error for sizes out of
// order or beyond the log, and an error wrapping ErrProtocol when the
// answer is not for those sizes or a hash is not the base64 of 32 bytes.
func (c *Client) ConsistencyProof(ctx context.Context, aid string, from, to uint64) (ConsistencyProof, error) {
	q := url.Values{"from": {strconv.FormatUint(from, 10)}, "to": {strconv.FormatUint(to, 10)}}
	var answer struct {
		From   uint64   `json:"from"`
		To     uint64   `json:"to"`
		Hashes []string `json:"hashes"`
	}
	cl := call{method: http.MethodGet, path: alliancePath(aid, "proofs", "consistency"), query: q}
	if err := c.do(ctx, cl, &answer); err != nil {
		return ConsistencyProof{}, err
	}
	if answer.From != from || answer.To != to {
		return ConsistencyProof{}, fmt.Errorf("%w: asked for the consistency of sizes %d and %d, got %d and %d", ErrProtocol, from, to, answer.From, answer.To)
	}
	p := ConsistencyProof{From: from, To: to, Hashes: make([][32]byte, len(answer.Hashes))}
	for i, h := range answer.Hashes {
		b, err := base64.StdEncoding.DecodeString(h)
		if err != nil || len(b) != 32 {
			return ConsistencyProof{}, fmt.Errorf("%w: consistency proof hash %d is not the base64 of 32 bytes", ErrProtocol, i+1)
		}
		p.Hashes[i] = [32]byte(b)
	}
	return p, nil
}

// RegisteredWitness is a witness key registered in an alliance.
type RegisteredWitness struct {
	ID      string `json:"id"`
	PartyID string `json:"party_id"`
	Name    string `json:"name"`
	VKey    string `json:"vkey"`
	Seq     uint64 `json:"seq"`
}

// RegisterWitness registers a witness key for the caller's own party (a
// member or observer): vkey is a verifier key of type 0x04 named name. It
// records WitnessAdded. It returns an Invalid *Error for a key that does
// not parse, Forbidden for the admin, and Conflict for a key already
// registered.
func (c *Client) RegisterWitness(ctx context.Context, aid, name, vkey string) (RegisteredWitness, error) {
	var w RegisteredWitness
	body := map[string]string{"name": name, "vkey": vkey}
	err := c.do(ctx, call{method: http.MethodPost, path: alliancePath(aid, "witnesses"), body: body}, &w)
	return w, err
}

// text sends a GET whose 2xx answer is text, and returns its bytes.
func (c *Client) text(ctx context.Context, cl call) ([]byte, error) {
	cl.accept = "text/plain"
	return c.doRaw(ctx, cl)
}
