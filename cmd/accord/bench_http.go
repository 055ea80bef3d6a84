package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"accord/api"
	"accord/eventstore"
	"accord/projections"
)

const benchAdminToken = "bench-admin-token"

// benchAPI is the real HTTP API over the bench's embedded server, on a
// loopback port.
type benchAPI struct {
	url    string
	proj   *projections.Projection
	runner *eventstore.Runner
	srv    *http.Server
	tokens *api.Tokens
	client *http.Client
}

func startBenchAPI(ctx context.Context, env *benchEnv, clients int) (*benchAPI, error) {
	proj := projections.New(env.store)
	if err := proj.Start(ctx); err != nil {
		return nil, err
	}
	tokens, err := api.OpenTokens(ctx, env.js, benchAdminToken, 1)
	if err != nil {
		proj.Close()
		return nil, err
	}
	runner := eventstore.NewRunner(env.store)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	handler := api.New(api.Config{Runner: runner, Store: env.store, Projection: proj, Tokens: tokens, Log: quiet})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		proj.Close()
		tokens.Close()
		return nil, err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	transport := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, MaxConnsPerHost: clients * 2}
	return &benchAPI{
		url: "http://" + ln.Addr().String(), proj: proj, runner: runner, srv: srv, tokens: tokens,
		client: &http.Client{Transport: transport, Timeout: 30 * time.Second},
	}, nil
}

func (b *benchAPI) close() {
	b.srv.Close()
	b.proj.Close()
	b.tokens.Close()
}

// call sends a JSON request and decodes a JSON answer into out (if not nil).
// A status other than 200 or 201 is an error carrying the body.
func (b *benchAPI) call(method, path, token string, body, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(method, b.url+path, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// httpAlliance forms an alliance over HTTP with n members (the first a
// convener) and one proposal in voting; it returns the base path, the
// members' tokens and the proposal id.
func (b *benchAPI) httpAlliance(n int) (base string, tokens []string, pid string, err error) {
	var a struct{ ID string }
	charter := map[string]string{"decision_rule": "consensus"}
	if err = b.call("POST", "/v1/alliances", benchAdminToken, map[string]any{"name": "Bench", "purpose": "measure", "charter": charter}, &a); err != nil {
		return
	}
	base = "/v1/alliances/" + a.ID
	for i := 0; i < n; i++ {
		role := "member"
		if i == 0 {
			role = "convener"
		}
		var m struct{ Token string }
		if err = b.call("POST", base+"/members", benchAdminToken, map[string]any{"name": fmt.Sprintf("Member %d", i), "sector": "payer", "role": role}, &m); err != nil {
			return
		}
		tokens = append(tokens, m.Token)
	}
	var p struct{ ID string }
	if err = b.call("POST", base+"/proposals", tokens[0], map[string]any{"kind": "resolution", "title": "Bench", "body": "b"}, &p); err != nil {
		return
	}
	pid = p.ID
	err = b.call("POST", base+"/proposals/"+pid+"/voting", tokens[0], map[string]any{}, nil)
	return
}

// benchHTTPVotes measures votes through the real HTTP API from many
// concurrent clients over loopback.
func benchHTTPVotes(ctx context.Context, env *benchEnv, cfg benchConfig) (float64, error) {
	b, err := startBenchAPI(ctx, env, cfg.Writers)
	if err != nil {
		return 0, err
	}
	defer b.close()
	base, tokens, pid, err := b.httpAlliance(cfg.Writers)
	if err != nil {
		return 0, err
	}
	path := base + "/proposals/" + pid + "/vote"
	start := time.Now()
	err = parallel(cfg.Writers, cfg.Votes, func(w, i int) error {
		return b.call("PUT", path, tokens[w], map[string]string{"stance": stances[i%4], "reason": "bench"}, nil)
	})
	return elapsedRate(cfg.Votes, start), err
}

func benchLive(ctx context.Context, env *benchEnv, cfg benchConfig) (float64, error) {
	return 0, nil
}
