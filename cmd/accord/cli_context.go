package main

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"strings"
)

// cli is one run of a client command: where it writes, how, and the client
// it talks to the API with.
type cli struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	g      *globals
	api    *Client
	out    *printer
}

func newCLI(ctx context.Context, g *globals, stdin io.Reader, stdout, stderr io.Writer) (*cli, error) {
	token, err := g.resolveToken()
	if err != nil {
		return nil, err
	}
	server := firstOf(g.server, os.Getenv("ACCORD_SERVER"), defaultServer)
	api := NewClient(server, token)
	api.IdempotencyKey = g.idemKey
	return &cli{
		ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, g: g, api: api,
		out: newPrinter(stdout, !g.noColor),
	}, nil
}

// allianceID returns --alliance or ACCORD_ALLIANCE, or a usage error.
func (c *cli) allianceID() (string, error) {
	aid := firstOf(c.g.alliance, os.Getenv("ACCORD_ALLIANCE"))
	if aid == "" {
		return "", usagef("which alliance? give --alliance ID or set ACCORD_ALLIANCE (see `accord alliance list`)")
	}
	return aid, nil
}

// alliancePath returns /v1/alliances/{aid} followed by the parts.
func (c *cli) alliancePath(parts ...string) (string, error) {
	aid, err := c.allianceID()
	if err != nil {
		return "", err
	}
	return "/v1/alliances/" + url.PathEscape(aid) + joinPath(parts...), nil
}

func joinPath(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString("/" + url.PathEscape(p))
	}
	return b.String()
}

// call sends a request. With --json it prints the answer as it came and
// reports false; otherwise it decodes the answer into v and reports true, for
// the caller to print it for people.
func (c *cli) call(method, path string, query url.Values, body, v any) (bool, error) {
	raw, err := c.api.DoRaw(c.ctx, method, path, query, body)
	if err != nil {
		return false, err
	}
	if c.g.json {
		c.out.json(raw)
		return false, nil
	}
	if v == nil {
		return true, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, err
	}
	return true, nil
}

// get decodes the answer to a GET into v, whatever --json says: for the
// lookups (names, titles) that human output needs.
func (c *cli) get(path string, query url.Values, v any) error {
	return c.api.Do(c.ctx, "GET", path, query, nil, v)
}
