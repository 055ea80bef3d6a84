package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/eventstore/eventstoretest"
)

// countingHandler counts log records by message.
type countingHandler struct {
	mu     sync.Mutex
	counts map[string]int
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *countingHandler) WithGroup(string) slog.Handler            { return h }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.counts[r.Message]++
	h.mu.Unlock()
	return nil
}

func (h *countingHandler) count(prefix string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for msg, c := range h.counts {
		if strings.HasPrefix(msg, prefix) {
			n += c
		}
	}
	return n
}

// seamStack is a real server over an embedded JetStream, for the tests that
// need the package's insides (a tiny live buffer).
func seamStack(t *testing.T, logs slog.Handler) (url string) {
	t.Helper()
	ctx, nc := t.Context(), eventstoretest.StartNATS(t, t.TempDir()).Conn
	s, _, _, _ := BuildTestAPI(t, ctx, nc, "admin", slog.New(logs))
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return hs.URL
}

// call sends a JSON request and decodes the answer; it never fails the
// test, so that goroutines may use it.
func call(url, method, path, token string, body any) (int, map[string]any) {
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(method, url+path, bytes.NewReader(raw))
	if err != nil {
		return 0, nil
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestSeamSurvivesLossesDuringReplayAndDrops shrinks the live buffer to two
// records, so that a stream replaying the log while members append loses
// live records again and again, and a live client is dropped for falling
// behind. The reader reconnects with Last-Event-ID each time the server
// drops it, and must still see every seq exactly once.
func TestSeamSurvivesLossesDuringReplayAndDrops(t *testing.T) {
	defer func(n int) { liveBuffer = n }(liveBuffer)
	liveBuffer = 2
	logs := &countingHandler{counts: map[string]int{}}
	url := seamStack(t, logs)

	status, a := call(url, "POST", "/v1/alliances", "admin", map[string]any{"name": "Seam", "purpose": "p", "charter": map[string]any{"decision_rule": "majority", "quorum": "1/2"}})
	require.Equal(t, 201, status)
	aid := a["id"].(string)
	var tokens []string
	for i := range 4 {
		status, m := call(url, "POST", "/v1/alliances/"+aid+"/members", "admin", map[string]any{"name": fmt.Sprint("M", i), "sector": "s", "role": "member"})
		require.Equal(t, 201, status)
		tokens = append(tokens, m["token"].(string))
	}
	submit := func(tok string, i int) {
		call(url, "POST", "/v1/alliances/"+aid+"/proposals", tok, map[string]any{"kind": "resolution", "title": fmt.Sprint("P", i), "body": "b"})
	}
	for i := range 150 {
		submit(tokens[i%len(tokens)], i)
	}

	// The members go on appending until the reader's first connection
	// ends, so that live records keep arriving while it replays the log.
	var wg sync.WaitGroup
	var writing, firstRead atomic.Bool
	writing.Store(true)
	for w, tok := range tokens {
		wg.Go(func() {
			for i := 0; i < 1000 && (i < 40 || !firstRead.Load()); i++ {
				submit(tok, 1000*w+i)
			}
		})
	}
	go func() { wg.Wait(); writing.Store(false) }()

	var got []uint64
	connects := 0
	last := ""
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, h := call(url, "GET", "/v1/alliances/"+aid+"/audit/head", tokens[0], nil)
		head := uint64(h["seq"].(float64))
		if !writing.Load() && uint64(len(got)) == head {
			break
		}
		require.True(t, time.Now().Before(deadline), "stream stuck at %d of %d", len(got), head)
		req, err := http.NewRequest("GET", url+"/v1/alliances/"+aid+"/events?from_seq=1", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tokens[1])
		if last != "" {
			req.Header.Set("Last-Event-ID", last)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		require.NoError(t, err)
		require.Equal(t, 200, resp.StatusCode)
		connects++
		got, last = readSeqs(resp.Body, got, last)
		firstRead.Store(true)
		cancel()
		resp.Body.Close()
	}
	for i, seq := range got {
		require.Equal(t, uint64(i+1), seq, "gap or repeat")
	}
	t.Logf("%d events over %d connections; %d re-reads of the log during catch-up, %d drops", len(got), connects,
		logs.count("live stream lost records while catching up"), logs.count("live stream dropped a slow client"))
	require.Positive(t, logs.count("live stream lost records while catching up")+logs.count("live stream dropped a slow client"),
		"the tiny buffer overflowed at least once")
}

// readSeqs appends the seqs of the stream's events to got until the body
// ends, and returns the id of the last event read whole. As in a browser's
// EventSource, an event counts (and its id becomes the one to resume
// after) only at the blank line that ends it: a read cut off between an
// event's id and its data must not skip that event on the next connection.
func readSeqs(body io.Reader, got []uint64, last string) ([]uint64, string) {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	id, seq, hasData := "", uint64(0), false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if hasData {
				got = append(got, seq)
				if id != "" {
					last = id
				}
			}
			id, hasData = "", false
		case strings.HasPrefix(line, "id: "):
			id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			var e struct {
				Event struct {
					Seq uint64 `json:"seq"`
				} `json:"event"`
			}
			if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &e) == nil {
				seq, hasData = e.Event.Seq, true
			}
		}
	}
	return got, last
}
