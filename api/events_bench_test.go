package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// liveServer serves newAPI for benchmarks and for tests that set the
// http.Server up as accord serve does, on a loopback port. It returns the URL
// and the server.
func liveServer(tb testing.TB, configure func(*http.Server)) (string, *http.Server) {
	tb.Helper()
	s, _, _ := newAPI(tb, io.Discard)
	hs := httptest.NewUnstartedServer(s)
	if configure != nil {
		configure(hs.Config)
	}
	hs.Start()
	tb.Cleanup(hs.Close)
	return hs.URL, hs.Config
}

// benchCall sends a JSON request, requires the status and decodes the answer.
func benchCall(tb testing.TB, url string, status int, method, path, token string, body any) map[string]any {
	tb.Helper()
	raw, err := json.Marshal(body)
	require.NoError(tb, err)
	req, err := http.NewRequest(method, url+path, bytes.NewReader(raw))
	require.NoError(tb, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(tb, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	require.Equal(tb, status, resp.StatusCode, "%s %s: %s", method, path, out)
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	return m
}

// BenchmarkLiveFanout200 follows one alliance with 200 live streams and
// casts one vote per iteration through the API, waiting until every stream
// has it. It reports the latency from sending the vote's request to each
// stream parsing the event: p50, p99 and max over all receipts, and the
// API's own answer time for comparison.
func BenchmarkLiveFanout200(b *testing.B) {
	const subscribers = 200
	url, _ := liveServer(b, nil)
	a := benchCall(b, url, 201, "POST", "/v1/alliances", adminToken, map[string]any{"name": "Fan-out", "purpose": "p", "charter": map[string]any{"decision_rule": "majority", "quorum": "1/2"}})
	aid := a["id"].(string)
	conv := benchCall(b, url, 201, "POST", "/v1/alliances/"+aid+"/members", adminToken, map[string]any{"name": "C", "sector": "s", "role": "convener"})
	mem := benchCall(b, url, 201, "POST", "/v1/alliances/"+aid+"/members", adminToken, map[string]any{"name": "M", "sector": "s", "role": "member"})
	p := benchCall(b, url, 201, "POST", "/v1/alliances/"+aid+"/proposals", mem["token"].(string), map[string]any{"kind": "resolution", "title": "T", "body": "B"})
	pid := p["id"].(string)
	benchCall(b, url, 200, "POST", "/v1/alliances/"+aid+"/proposals/"+pid+"/voting", conv["token"].(string), map[string]any{})
	head := benchCall(b, url, 200, "GET", "/v1/alliances/"+aid+"/audit/head", adminToken, nil)
	base := uint64(head["seq"].(float64))

	sent := make([]atomic.Int64, b.N)
	received := make(chan time.Duration, subscribers*4)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: subscribers}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	for range subscribers {
		req, err := http.NewRequestWithContext(ctx, "GET", url+"/v1/alliances/"+aid+"/events?types=VoteCast", nil)
		require.NoError(b, err)
		req.Header.Set("Authorization", "Bearer "+mem["token"].(string))
		resp, err := client.Do(req)
		require.NoError(b, err)
		require.Equal(b, 200, resp.StatusCode)
		wg.Go(func() {
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				id, ok := strings.CutPrefix(sc.Text(), "id: ")
				if !ok {
					continue
				}
				seq, _ := strconv.ParseUint(id, 10, 64)
				at := time.Now()
				if i := int(seq - base - 1); i >= 0 && i < len(sent) {
					received <- at.Sub(time.Unix(0, sent[i].Load()))
				}
			}
		})
	}

	token := mem["token"].(string)
	path := "/v1/alliances/" + aid + "/proposals/" + pid + "/vote"
	lat := make([]time.Duration, 0, subscribers*b.N)
	var answer time.Duration
	b.ResetTimer()
	for i := range b.N {
		stance := []string{"agree", "disagree"}[i%2]
		start := time.Now()
		sent[i].Store(start.UnixNano())
		benchCall(b, url, 200, "PUT", path, token, map[string]any{"stance": stance, "reason": ""})
		answer += time.Since(start)
		for range subscribers {
			select {
			case d := <-received:
				lat = append(lat, d)
			case <-time.After(30 * time.Second):
				b.Fatalf("vote %d did not reach every stream", i)
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	b.ReportMetric(float64(pct(0.50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(pct(0.99).Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
	b.ReportMetric(float64((answer / time.Duration(b.N)).Microseconds()), "api-answer-µs")
	if testing.Verbose() {
		fmt.Printf("fan-out to %d streams over %d votes: p50 %v, p99 %v, max %v\n", subscribers, b.N, pct(0.5), pct(0.99), lat[len(lat)-1])
	}
}
