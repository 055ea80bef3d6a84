package main

import (
	"context"
	"io"
	"os"

	"accord/client"
	"accord/domain"
)

// cli is one run of a client command: where it writes, how, and the client
// it talks to the API with.
type cli struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	g      *globals
	api    *client.Client
	out    *printer
	raw    []byte           // the body of the latest answer, which --json prints
	state  *domain.Alliance // the alliance now, once read (for names and short ids)

	server, token string          // what c.api was made with, for a client that signs
	opts          []client.Option // likewise
	identity      *client.Identity
	keyID         string // the key a member action was signed with, once it was
}

func newCLI(ctx context.Context, g *globals, stdin io.Reader, stdout, stderr io.Writer) (*cli, error) {
	token, err := g.resolveToken()
	if err != nil {
		return nil, err
	}
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, g: g, out: newPrinter(stdout, !g.noColor)}
	c.server, c.token = firstOf(g.server, os.Getenv("ACCORD_SERVER"), defaultServer), token
	c.opts = []client.Option{client.WithUserAgent("accord-cli"), client.WithAnswerHook(func(body []byte) { c.raw = body })}
	c.api, err = client.New(c.server, c.token, c.opts...)
	if err != nil {
		return nil, usagef("%v (give --server or ACCORD_SERVER as http://HOST:PORT)", err)
	}
	c.ctx = ctx
	if g.idemKey != "" {
		c.ctx = client.WithIdempotencyKey(ctx, g.idemKey)
	}
	return c, nil
}

// answered reports whether a command's answer needs nothing more: the call
// failed (err is returned), or --json printed the answer as the server sent
// it. Otherwise the caller prints it for people.
func (c *cli) answered(err error) (bool, error) {
	if err != nil {
		return true, err
	}
	if c.g.json {
		c.out.json(c.raw)
		return true, nil
	}
	return false, nil
}

// alliance returns the alliance's state now, read once per command.
func (c *cli) alliance() (domain.Alliance, error) {
	if c.state != nil {
		return *c.state, nil
	}
	aid, err := c.allianceID()
	if err != nil {
		return domain.Alliance{}, err
	}
	a, err := c.api.Alliance(c.ctx, aid, client.AsOf{})
	if err != nil {
		return domain.Alliance{}, err
	}
	c.state = &a
	return a, nil
}
