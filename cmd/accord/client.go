package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Client is a small client of accord's HTTP API: a base URL, a bearer token,
// JSON in and out, and the documented error shape turned into an *APIError.
type Client struct {
	BaseURL string
	Token   string
	// IdempotencyKey, when set, is sent with every write instead of a new
	// key per command.
	IdempotencyKey string
	HTTP           *http.Client
}

// APIError is an error answer of the API: its HTTP status and the
// {"error":{"code","message"}} it carried.
type APIError struct {
	Status  int
	Code    string
	Message string
}

// Error returns the server's message.
func (e *APIError) Error() string { return e.Message }

// writeRetries bounds how often a write is resent, with the same
// Idempotency-Key, after the connection failed or the server was unavailable.
const writeRetries = 3

// requestTimeout bounds one ordinary request; streams have no such bound.
const requestTimeout = 30 * time.Second

// NewClient returns a client of the API at base with token.
func NewClient(base, token string) *Client {
	return &Client{BaseURL: strings.TrimRight(base, "/"), Token: token, HTTP: &http.Client{}}
}

// Do sends a request and decodes a 2xx JSON answer into out (unless out is
// nil). body, when not nil, is sent as JSON. Writes carry an Idempotency-Key
// and are retried a few times with it when the server could not be reached
// or was unavailable, so a retried write is recorded once. It returns an
// *APIError for an error answer, or an error naming the server when it
// cannot be reached.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	raw, err := c.DoRaw(ctx, method, path, query, body)
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("the server's answer to %s %s is not what accord expects: %w", method, path, err)
	}
	return nil
}

// DoRaw is Do returning the answer's bytes undecoded.
func (c *Client) DoRaw(ctx context.Context, method, path string, query url.Values, body any) ([]byte, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}
	key := c.IdempotencyKey
	if key == "" && method != http.MethodGet {
		key = uuid.NewString()
	}
	var err error
	for attempt := 0; ; attempt++ {
		var raw []byte
		var retry bool
		raw, retry, err = c.once(ctx, method, path, query, payload, key)
		if !retry || attempt == writeRetries || ctx.Err() != nil {
			return raw, err
		}
		if !sleep(ctx, time.Duration(200<<attempt)*time.Millisecond) {
			return raw, err
		}
	}
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

// once sends one request. retry reports whether sending it again could help.
func (c *Client) once(ctx context.Context, method, path string, query url.Values, payload []byte, key string) (raw []byte, retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := c.newRequest(ctx, method, path, query, payload)
	if err != nil {
		return nil, false, err
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, true, c.unreachable(err)
	}
	defer resp.Body.Close()
	raw, err = io.ReadAll(resp.Body)
	if err != nil {
		return nil, true, c.unreachable(err)
	}
	if resp.StatusCode >= 300 {
		return nil, resp.StatusCode == http.StatusServiceUnavailable, c.apiError(resp.StatusCode, raw)
	}
	return raw, false, nil
}

// Open sends a GET and returns the answer for the caller to stream; the
// caller closes its body. It returns an *APIError for an error answer.
func (c *Client) Open(ctx context.Context, path string, query url.Values, header http.Header) (*http.Response, error) {
	req, err := c.newRequest(ctx, http.MethodGet, path, query, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, c.unreachable(err)
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return nil, c.apiError(resp.StatusCode, raw)
	}
	return resp, nil
}

func (c *Client) newRequest(ctx context.Context, method, path string, query url.Values, payload []byte) (*http.Request, error) {
	u := c.BaseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("bad server URL %q: %w", c.BaseURL, err)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	req.Header.Set("User-Agent", "accord-cli")
	return req, nil
}

// apiError decodes an error answer; one that is not in the documented shape
// (a proxy's page, say) is named by its status.
func (c *Client) apiError(status int, raw []byte) error {
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	e := &APIError{Status: status}
	if json.Unmarshal(raw, &body) == nil && body.Error.Message != "" {
		e.Code, e.Message = body.Error.Code, body.Error.Message
	} else {
		e.Message = fmt.Sprintf("the server answered %d %s", status, http.StatusText(status))
	}
	if status == http.StatusUnauthorized && c.Token == "" {
		e.Message += " (no token given: use --token, --token-file, ACCORD_TOKEN or ACCORD_TOKEN_FILE)"
	}
	return e
}

// unreachable names the server in a transport error.
func (c *Client) unreachable(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return fmt.Errorf("cannot reach the accord server at %s: %w (start one with `accord serve`, or point --server / ACCORD_SERVER at it)", c.BaseURL, err)
}
