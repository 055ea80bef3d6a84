package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client is a client of accord's HTTP API: a base URL and a bearer token.
// Its methods send JSON and decode the answers into typed results. Each
// returns an *Error for an error answer (which stands for a *domain.Error
// of the server's kind), an error wrapping ErrUnreachable when no answer
// came, and an error wrapping ErrProtocol when the answer was not the JSON
// expected. A Client is safe for concurrent use once made.
type Client struct {
	base      string
	token     string
	http      *http.Client
	userAgent string
	retries   int
	backoff   time.Duration
	timeout   time.Duration
	onAnswer  func(body []byte)
	signing   *signing // nil: member actions are sent unsigned
}

// An Option sets up a Client; New returns the error of one that is invalid.
type Option func(*Client) error

// WithHTTPClient sends the requests with hc instead of a new http.Client.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("client: WithHTTPClient needs an *http.Client")
		}
		c.http = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option {
	return func(c *Client) error { c.userAgent = ua; return nil }
}

// WithRetries sets how often a request is sent again after the server could
// not be reached or answered 502, 503 or 504 (default 3), waiting backoff
// before the first retry and twice as long before each next (default 200ms).
// A write is resent with the same Idempotency-Key, so it is recorded once.
func WithRetries(n int, backoff time.Duration) Option {
	return func(c *Client) error {
		if n < 0 || backoff < 0 {
			return fmt.Errorf("client: retries (%d) and backoff (%s) cannot be negative", n, backoff)
		}
		c.retries, c.backoff = n, backoff
		return nil
	}
}

// WithRequestTimeout bounds each attempt of an ordinary request (default
// 30s); streams (Export, Follow) have no such bound.
func WithRequestTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("client: the request timeout must be positive, not %s", d)
		}
		c.timeout = d
		return nil
	}
}

// WithAnswerHook calls fn with the body of every successful JSON answer,
// as the server sent it, before it is decoded: a command-line tool prints
// it for scripts. fn runs in the goroutine of the call.
func WithAnswerHook(fn func(body []byte)) Option {
	return func(c *Client) error { c.onAnswer = fn; return nil }
}

// New returns a client of the API at base (such as http://127.0.0.1:8080)
// that authenticates with token ("" sends no credentials). It returns an
// error for a base that is not an http or https URL, or an invalid option.
func New(base, token string, opts ...Option) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("client: the server %q is not an http:// or https:// URL", base)
	}
	c := &Client{
		base: strings.TrimRight(base, "/"), token: token, http: &http.Client{},
		userAgent: "accord-client", retries: 3, backoff: 200 * time.Millisecond, timeout: 30 * time.Second,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Server returns the base URL the client talks to.
func (c *Client) Server() string { return c.base }

// HasToken reports whether the client sends credentials.
func (c *Client) HasToken() bool { return c.token != "" }

type keyCtx struct{}

// WithIdempotencyKey returns a context under which every write is sent with
// key as its Idempotency-Key, instead of a new key per call: the same
// command sent again, even much later, is then recorded once. The server
// takes 1–128 of A-Z a-z 0-9 . _ : ~ + / = - and answers 400 otherwise.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, keyCtx{}, key)
}

// idempotencyKey returns the key of ctx, or a new random one.
func idempotencyKey(ctx context.Context) string {
	if key, ok := ctx.Value(keyCtx{}).(string); ok && key != "" {
		return key
	}
	return rand.Text()
}

// call is one request of the API: its method, path (under the base URL),
// query and JSON body.
type call struct {
	method string
	path   string
	query  url.Values
	body   any
	accept string
}

// do sends cl and decodes a 2xx JSON answer into out (unless out is nil).
// It returns an *Error for an error answer, an error wrapping
// ErrUnreachable when the server cannot be reached, and an error wrapping
// ErrProtocol, naming the route, when the answer is not the JSON expected.
func (c *Client) do(ctx context.Context, cl call, out any) error {
	raw, err := c.doRaw(ctx, cl)
	if err != nil {
		return err
	}
	if c.onAnswer != nil {
		c.onAnswer(raw)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%w: the answer to %s %s: %v", ErrProtocol, cl.method, cl.path, err)
	}
	return nil
}

// doRaw sends cl, resending it after a failure that a retry can mend, and
// returns the 2xx answer's bytes. A write carries one Idempotency-Key over
// all its attempts.
func (c *Client) doRaw(ctx context.Context, cl call) ([]byte, error) {
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = json.Marshal(cl.body); err != nil {
			return nil, fmt.Errorf("encode the body of %s %s: %w", cl.method, cl.path, err)
		}
	}
	key := ""
	if cl.method != http.MethodGet {
		key = idempotencyKey(ctx)
	}
	wait := c.backoff
	for attempt := 0; ; attempt++ {
		raw, retry, err := c.once(ctx, cl, payload, key)
		if !retry || attempt == c.retries || ctx.Err() != nil {
			return raw, err
		}
		if !sleep(ctx, wait) {
			return nil, err
		}
		wait *= 2
	}
}

// once sends one attempt. retry reports whether sending it again could help.
func (c *Client) once(ctx context.Context, cl call, payload []byte, key string) (raw []byte, retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := c.newRequest(ctx, cl, payload)
	if err != nil {
		return nil, false, err
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, true, c.unreachable(err)
	}
	defer resp.Body.Close()
	raw, err = io.ReadAll(resp.Body)
	if err != nil {
		return nil, true, c.unreachable(err)
	}
	if resp.StatusCode >= 300 {
		return nil, retryable(resp.StatusCode), decodeError(resp.StatusCode, raw)
	}
	return raw, false, nil
}

// retryable reports whether a status says the server (or a gateway before
// it) could not take the request now, so that the same request may succeed.
func retryable(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// open sends a GET whose answer the caller streams and closes. It returns an
// *Error for an error answer, or an error wrapping ErrUnreachable.
func (c *Client) open(ctx context.Context, cl call, header http.Header) (*http.Response, error) {
	req, err := c.newRequest(ctx, cl, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.unreachable(err)
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return nil, decodeError(resp.StatusCode, raw)
	}
	return resp, nil
}

func (c *Client) newRequest(ctx context.Context, cl call, payload []byte) (*http.Request, error) {
	u := c.base + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, body)
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: %w", cl.method, u, err)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.accept != "" {
		req.Header.Set("Accept", cl.accept)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("User-Agent", c.userAgent)
	return req, nil
}

// ErrUnreachable is wrapped by the errors of requests that got no answer:
// the server is down, the address is wrong, or the connection broke before
// the answer was read.
var ErrUnreachable = errors.New("cannot reach the accord server")

// ErrProtocol is wrapped by the errors of answers that are not what the API
// documents, such as a server-sent event whose id is not a seq. Resending
// the request would get the same answer.
var ErrProtocol = errors.New("unexpected answer from the server")

// unreachable wraps a transport error in ErrUnreachable, naming the server;
// a cancelled context is returned as it is.
func (c *Client) unreachable(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return fmt.Errorf("%w at %s: %w", ErrUnreachable, c.base, err)
}

// sleep waits for d or until ctx is done; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// alliancePath returns /v1/alliances/{aid} followed by the parts, each
// escaped.
func alliancePath(aid string, parts ...string) string {
	var b strings.Builder
	b.WriteString("/v1/alliances/")
	b.WriteString(url.PathEscape(aid))
	for _, p := range parts {
		b.WriteString("/")
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}
