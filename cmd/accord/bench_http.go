package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"accord/api"
	"accord/ledger"
	"accord/projections"
	"accord/transparency"
)

const benchAdminToken = "bench-admin-token"

// benchAPI is the real HTTP API over the bench's embedded server, on a
// loopback port, with its own read models and ledger as accord serve wires
// them.
type benchAPI struct {
	url    string
	proj   *projections.Projection
	ledger *ledger.Ledger
	srv    *http.Server
	client *http.Client
}

func startBenchAPI(ctx context.Context, env *benchEnv, clients int) (*benchAPI, error) {
	proj := projections.New(env.store)
	if err := proj.Start(ctx); err != nil {
		return nil, err
	}
	return serveBenchAPI(ctx, env, proj, 0, clients)
}

// serveBenchAPI serves the API over read models already started, with a
// ledger whose write side evicts past writeCache bytes (0: never), for up
// to clients concurrent clients. It closes proj when it fails.
func serveBenchAPI(ctx context.Context, env *benchEnv, proj *projections.Projection, writeCache int64, clients int) (*benchAPI, error) {
	l, err := newCachedBenchLedger(ctx, env, proj, writeCache)
	if err != nil {
		proj.Close()
		return nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	handler := api.New(api.Config{Ledger: l, Log: quiet})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		l.Close()
		proj.Close()
		return nil, err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	transport := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, MaxConnsPerHost: clients * 2}
	return &benchAPI{
		url: "http://" + ln.Addr().String(), proj: proj, ledger: l, srv: srv,
		client: &http.Client{Transport: transport, Timeout: 30 * time.Second},
	}, nil
}

// newBenchLedger builds the ledger of a bench API over proj, with a secret
// and a log key of its own, and a write side that keeps every alliance it
// loads.
func newBenchLedger(ctx context.Context, env *benchEnv, proj *projections.Projection) (*ledger.Ledger, error) {
	return newCachedBenchLedger(ctx, env, proj, 0)
}

// newCachedBenchLedger is newBenchLedger with a write side that evicts
// the least recently used alliances past writeCache bytes (0: none).
func newCachedBenchLedger(ctx context.Context, env *benchEnv, proj *projections.Projection, writeCache int64) (*ledger.Ledger, error) {
	secret, err := randomBytes(32)
	if err != nil {
		return nil, err
	}
	keyFile, err := transparency.GenerateLogKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	logKey, err := transparency.ParseLogKey(keyFile)
	if err != nil {
		return nil, err
	}
	creds, err := env.store.OpenCredentials(ctx, 1)
	if err != nil {
		return nil, err
	}
	cosigs, err := env.store.OpenCosignatures(ctx, 1)
	if err != nil {
		return nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := ledgerConfig(env.store, proj, creds, cosigs, ledgerSecrets{benchAdminToken, secret, logKey}, quiet)
	cfg.WriteCacheBytes = writeCache
	return ledger.New(ctx, cfg)
}

func (b *benchAPI) close() {
	b.srv.Close()
	b.ledger.Close()
	b.proj.Close()
}

// statusError is an answer of the API other than 200 or 201.
type statusError struct {
	method, path string
	status       int
	body         []byte
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.method, e.path, e.status, bytes.TrimSpace(e.body))
}

// call sends a JSON request and decodes a JSON answer into out (if not nil).
// A status other than 200 or 201 is a *statusError carrying the body.
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
		return &statusError{method: method, path: path, status: resp.StatusCode, body: data}
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

// benchHTTPVotes measures votes through the real HTTP API from
// cfg.HTTPClients concurrent clients over loopback, each a member of one
// alliance casting its own.
func benchHTTPVotes(ctx context.Context, env *benchEnv, cfg benchConfig) (float64, error) {
	b, err := startBenchAPI(ctx, env, cfg.HTTPClients)
	if err != nil {
		return 0, err
	}
	defer b.close()
	base, tokens, pid, err := b.httpAlliance(cfg.HTTPClients)
	if err != nil {
		return 0, err
	}
	conns, reqs, err := b.voteClients(base+"/proposals/"+pid+"/vote", tokens)
	defer func() {
		for _, c := range conns {
			c.close()
		}
	}()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	err = parallel(cfg.HTTPClients, cfg.Votes, func(w, i int) error { return conns[w].do(reqs[w][i%len(stances)]) })
	return elapsedRate(cfg.Votes, start), err
}

// voteClients opens a connection for each token and renders, for each, a
// vote of every stance on path. It returns the connections opened so far
// and the first error.
func (b *benchAPI) voteClients(path string, tokens []string) ([]*apiConn, [][][]byte, error) {
	conns := make([]*apiConn, 0, len(tokens))
	reqs := make([][][]byte, len(tokens))
	for w, token := range tokens {
		c, err := dialAPI(b.url)
		if err != nil {
			return conns, nil, err
		}
		conns = append(conns, c)
		for _, stance := range stances {
			reqs[w] = append(reqs[w], renderJSONRequest("PUT", b.url, path, token, `{"stance":"`+string(stance)+`","reason":"bench"}`))
		}
	}
	return conns, reqs, nil
}

// liveInterval paces the appends of the live figure like a busy vote: the
// figure is the latency a dashboard sees, not a queue under overload.
const liveInterval = 5 * time.Millisecond

// benchLive measures, for many SSE subscribers on one alliance, the time from
// just before a vote is appended to its arrival at each subscriber, and
// returns the p99 in milliseconds over every (subscriber, event) pair.
func benchLive(ctx context.Context, env *benchEnv, cfg benchConfig) (float64, error) {
	b, err := startBenchAPI(ctx, env, cfg.Subscribers)
	if err != nil {
		return 0, err
	}
	defer b.close()
	base, tokens, pid, err := b.httpAlliance(1)
	if err != nil {
		return 0, err
	}
	var head struct{ Seq uint64 }
	if err := b.call("GET", base+"/audit/head", tokens[0], nil, &head); err != nil {
		return 0, err
	}
	sent := make([]atomic.Int64, cfg.LiveEvents)
	lat := make(chan []time.Duration, cfg.Subscribers)
	ready := make(chan error, cfg.Subscribers)
	for i := 0; i < cfg.Subscribers; i++ {
		go subscribeLive(b, base, tokens[0], head.Seq, sent, ready, lat)
	}
	for i := 0; i < cfg.Subscribers; i++ {
		if err := <-ready; err != nil {
			return 0, err
		}
	}
	path := base + "/proposals/" + pid + "/vote"
	for i := range sent {
		sent[i].Store(time.Now().UnixNano())
		if err := b.call("PUT", path, tokens[0], map[string]any{"stance": stances[i%4], "reason": "live"}, nil); err != nil {
			return 0, err
		}
		time.Sleep(liveInterval)
	}
	var all []time.Duration
	for i := 0; i < cfg.Subscribers; i++ {
		all = append(all, <-lat...)
	}
	if len(all) != cfg.Subscribers*cfg.LiveEvents {
		return 0, fmt.Errorf("subscribers received %d events, want %d", len(all), cfg.Subscribers*cfg.LiveEvents)
	}
	slices.Sort(all)
	return float64(all[len(all)*99/100]) / float64(time.Millisecond), nil
}

// subscribeLive follows the alliance's events from after seq `after`,
// reports ready once the stream is open, and sends the latency of each of
// the len(sent) events that follow.
func subscribeLive(b *benchAPI, base, token string, after uint64, sent []atomic.Int64, ready chan<- error, out chan<- []time.Duration) {
	var lat []time.Duration
	defer func() { out <- lat }()
	req, err := http.NewRequest("GET", b.url+base+"/events", nil)
	if err != nil {
		ready <- err
		return
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Last-Event-ID", strconv.FormatUint(after, 10))
	resp, err := (&http.Client{Transport: b.client.Transport}).Do(req)
	if err != nil {
		ready <- err
		return
	}
	defer resp.Body.Close()
	ready <- nil
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		id, ok := strings.CutPrefix(sc.Text(), "id: ")
		if !ok {
			continue
		}
		seq, err := strconv.ParseUint(id, 10, 64)
		if err != nil || seq <= after || seq > after+uint64(len(sent)) {
			continue
		}
		lat = append(lat, time.Duration(time.Now().UnixNano()-sent[seq-after-1].Load()))
		if seq == after+uint64(len(sent)) {
			return
		}
	}
}
