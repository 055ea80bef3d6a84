//go:build unix

package api_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/api"
	"accord/eventstore/eventstoretest"
)

// brokenLedgerSize is how many proposals the ledger of the broken-stream
// tests holds: well past what the socket buffers, the export's buffer, one
// page of the alliance stream's catch-up (1,000 events) and the consumer's
// prefetch (500 messages) hold together, so that reads of the log are still
// to come when the log goes away.
const brokenLedgerSize = 2500

// TestBrokenStreamsEndAsBrokenTransfers makes the log unreachable for real
// while an export or a live stream's replay is reading it half-way, and
// requires the client to see a broken transfer (the chunked body ends
// without its last chunk: io.ErrUnexpectedEOF), never a clean end; and the
// request to be logged and counted as broken.
//
// The client reads nothing while the connection to NATS closes, and both
// ends of the HTTP connection have small socket buffers, so the server is
// held on its writes a few hundred events in, with thousands still unread
// in the log.
func TestBrokenStreamsEndAsBrokenTransfers(t *testing.T) {
	srv := eventstoretest.StartNATS(t, t.TempDir())
	aid, total := fillLedger(t, srv, brokenLedgerSize)
	cases := []struct {
		name, path, route string
		isEvent           func(line string) bool
	}{
		{"export", "/v1/alliances/" + aid + "/audit/export", "GET /v1/alliances/{aid}/audit/export",
			func(line string) bool { return strings.HasPrefix(line, "{") }},
		{"alliance events", "/v1/alliances/" + aid + "/events?from_seq=1", "GET /v1/alliances/{aid}/events",
			func(line string) bool { return strings.HasPrefix(line, "data: ") }},
		{"every alliance's events", "/v1/events?from_stream_seq=1", "GET /v1/events",
			func(line string) bool { return strings.HasPrefix(line, "data: ") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nc := srv.Connect(t)
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			logs := &syncBuffer{}
			s, _, _, _ := api.BuildTestAPI(t, ctx, nc, adminToken, slog.New(slog.NewTextHandler(logs, nil)))
			url := serveWithSmallBuffers(t, s)

			resp := getWithSmallWindow(t, url+c.path)
			defer resp.Body.Close()
			require.Equal(t, 200, resp.StatusCode)
			body := bufio.NewReader(resp.Body)
			events := 0
			for events == 0 {
				line, err := body.ReadString('\n')
				require.NoError(t, err, "the answer has begun")
				if c.isEvent(line) {
					events++
				}
			}

			start := time.Now()
			nc.Close() // the instance can no longer reach the log
			rest, err := io.ReadAll(body)
			took := time.Since(start)
			require.ErrorIs(t, err, io.ErrUnexpectedEOF, "a broken transfer, not a clean end of the body")
			for line := range strings.Lines(string(rest)) {
				if c.isEvent(line) {
					events++
				}
			}
			t.Logf("%s: %d of %d events arrived, then the transfer broke %v after the log went away",
				c.name, events, total, took.Round(time.Millisecond))
			require.Less(t, events, total, "the answer was cut off before its end")

			require.Len(t, logs.lines("msg=request", `route="`+c.route+`"`, "status=200", "broken="), 1, logs.String())
			metrics := httpGet(t, url+"/metrics")
			require.Contains(t, metrics, fmt.Sprintf("accord_http_streams_broken_total{route=%q} 1\n", c.route))
			require.Contains(t, metrics, fmt.Sprintf("accord_http_requests_total{route=%q,status=\"200\"} 1\n", c.route))
		})
	}
}

// TestExportEndsCleanlyWhenWhole is the counterpart: an export that reads
// the whole log ends with its last chunk, and nothing is counted as broken.
func TestExportEndsCleanlyWhenWhole(t *testing.T) {
	srv := eventstoretest.StartNATS(t, t.TempDir())
	aid, total := fillLedger(t, srv, 300)
	nc := srv.Connect(t)
	s, _, _, _ := api.BuildTestAPI(t, context.Background(), nc, adminToken, slog.New(slog.DiscardHandler))
	url := serveWithSmallBuffers(t, s)

	resp := getWithSmallWindow(t, url+"/v1/alliances/"+aid+"/audit/export")
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, total, strings.Count(string(raw), "\n"))
	require.Equal(t, fmt.Sprint(total), resp.Header.Get("Accord-Head-Seq"))
	require.NotContains(t, httpGet(t, url+"/metrics"), "accord_http_streams_broken_total{")
}

// fillLedger forms an alliance through an API instance of its own and has a
// member submit n proposals of about a kilobyte, one at a time, so each is
// a message of the log. It returns the alliance id and its head seq.
func fillLedger(t *testing.T, srv *eventstoretest.Server, n int) (string, int) {
	t.Helper()
	nc := srv.Connect(t)
	s, store, proj, _ := api.BuildTestAPI(t, context.Background(), nc, adminToken, slog.New(slog.DiscardHandler))
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	e := &testEnv{t: t, URL: hs.URL, Store: store, Proj: proj}
	a := e.formAlliance(liveCharter, 1)
	body := strings.Repeat("The alliance resolves to keep its ledger whole. ", 20)
	start := time.Now()
	for i := range n {
		e.must(201, "POST", "/v1/alliances/"+a.ID+"/proposals", a.Members[0].Token,
			map[string]any{"kind": "resolution", "title": fmt.Sprint("Resolution ", i), "body": body})
	}
	t.Logf("%d proposals submitted in %v", n, time.Since(start).Round(time.Millisecond))
	return a.ID, int(e.head(a.ID))
}

// serveWithSmallBuffers serves h on a loopback port whose connections have
// a small send buffer (set on the listener, which accepted sockets
// inherit), so that a client that does not read holds the handler's writes.
func serveWithSmallBuffers(t *testing.T, h http.Handler) string {
	t.Helper()
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		return setSocketBuffer(c, syscall.SO_SNDBUF, 4<<10)
	}}
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	hs := httptest.NewUnstartedServer(h)
	require.NoError(t, hs.Listener.Close())
	hs.Listener = ln
	hs.Start()
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
	})
	return hs.URL
}

// getWithSmallWindow sends a GET as the admin over a connection with a small
// receive buffer, and returns as soon as the answer's headers arrive.
func getWithSmallWindow(t *testing.T, url string) *http.Response {
	t.Helper()
	dialer := &net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return setSocketBuffer(c, syscall.SO_RCVBUF, 4<<10)
	}}
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{DialContext: dialer.DialContext}}
	t.Cleanup(client.CloseIdleConnections)
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := client.Do(req)
	require.NoError(t, err)
	return resp
}

// setSocketBuffer sets the socket's buffer opt (SO_SNDBUF or SO_RCVBUF) to
// size bytes, which also stops the kernel from growing it.
func setSocketBuffer(c syscall.RawConn, opt, size int) error {
	var setErr error
	err := c.Control(func(fd uintptr) {
		setErr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, opt, size)
	})
	return errors.Join(err, setErr)
}

// httpGet returns the body of a GET that needs no token.
func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(raw)
}
