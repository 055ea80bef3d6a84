//go:build unix

package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// lingerAttempts is how many times each oversized body is sent: without
// the lingering read, some of them lose their answer to a reset.
const lingerAttempts = 30

// TestTooLargeAnswerReachesClientThatSendsFirst sends oversized bodies the
// way many libraries do, whole before reading anything, over a raw
// connection, and requires a complete 413 too_large every time instead of
// a connection reset.
func TestTooLargeAnswerReachesClientThatSendsFirst(t *testing.T) {
	logs := &syncBuffer{}
	e := newEnvWithLog(t, logs)
	addr := strings.TrimPrefix(e.URL, "http://")
	cases := []struct {
		name    string
		size    int
		chunked bool
	}{
		{"2 MiB", 2 << 20, false},
		{"8 MiB", 8 << 20, false},
		{"2 MiB chunked", 2 << 20, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := oversizedRequest(c.size, c.chunked)
			start := time.Now()
			for i := range lingerAttempts {
				resp, body, err := sendWholeThenRead(addr, req)
				require.NoError(t, err, "attempt %d of %d", i+1, lingerAttempts)
				require.Equal(t, "HTTP/1.1", resp.Proto)
				require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "body: %s", body)
				var ans struct {
					Error struct{ Code, Message string }
				}
				require.NoError(t, json.Unmarshal(body, &ans), "body: %s", body)
				require.Equal(t, "too_large", ans.Error.Code)
				require.NotEmpty(t, ans.Error.Message)
			}
			t.Logf("%s: %d of %d attempts answered 413 too_large, %v each on average", c.name,
				lingerAttempts, lingerAttempts, (time.Since(start) / lingerAttempts).Round(time.Microsecond))
		})
	}
	// The server logs a request once it has read the body, which may be
	// just after the client has read the answer.
	require.Eventually(t, func() bool {
		return len(logs.lines("msg=request", "status=413", "drained_bytes=")) == len(cases)*lingerAttempts
	}, 10*time.Second, 10*time.Millisecond, "each refused body was read after the answer: %s", logs.lines("status=413"))
	a := e.do("POST", "/v1/alliances", adminToken, map[string]any{"name": "Small", "purpose": "p", "charter": liveCharter})
	require.Equal(t, 201, a.Status, "an ordinary body is still read: %s", a.Body)
}

// TestTooLargeAnswerReachesPythonURLLib is the same check with the client
// that reported it: Python's urllib sends the whole body, then reads.
func TestTooLargeAnswerReachesPythonURLLib(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	e := newEnv(t)
	out, err := exec.Command(python, "-c", urllibCheck, e.URL+"/v1/alliances", adminToken, fmt.Sprint(lingerAttempts)).CombinedOutput()
	require.NoError(t, err, "%s", out)
	t.Logf("python3 urllib: %s", bytes.TrimSpace(out))
}

// urllibCheck posts a 2 MiB body n times and requires the 413 each time.
const urllibCheck = `
import json, sys, urllib.error, urllib.request
url, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
body = b'{"name":"' + b"a" * (2 << 20) + b'"}'
for i in range(n):
    req = urllib.request.Request(url, data=body, method="POST",
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=30)
        sys.exit("attempt %d: accepted" % (i + 1))
    except urllib.error.HTTPError as e:
        code = json.load(e)["error"]["code"]
        if e.code != 413 or code != "too_large":
            sys.exit("attempt %d: %d %s" % (i + 1, e.code, code))
print("%d of %d attempts answered 413 too_large" % (n, n))
`

// oversizedRequest is a POST /v1/alliances whose JSON body is size bytes,
// with a Content-Length or chunked.
func oversizedRequest(size int, chunked bool) []byte {
	body := append(append([]byte(`{"name":"`), bytes.Repeat([]byte("a"), size-len(`{"name":""}`))...), `"}`...)
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST /v1/alliances HTTP/1.1\r\nHost: accord\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n", adminToken)
	if !chunked {
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
		b.Write(body)
		return b.Bytes()
	}
	b.WriteString("Transfer-Encoding: chunked\r\n\r\n")
	for chunk := range slices.Chunk(body, 64<<10) {
		fmt.Fprintf(&b, "%x\r\n%s\r\n", len(chunk), chunk)
	}
	b.WriteString("0\r\n\r\n")
	return b.Bytes()
}

// sendWholeThenRead writes the whole request on a new connection before
// reading, then reads one complete answer: its status line, headers and the
// whole body. The connection's send buffer is small, as the data in flight
// to a distant server is, so the request cannot all be sent until the
// server reads it.
func sendWholeThenRead(addr string, req []byte) (*http.Response, []byte, error) {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: func(_, _ string, c syscall.RawConn) error {
		return setSocketBuffer(c, syscall.SO_SNDBUF, 64<<10)
	}}
	conn, err := dialer.Dial("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(time.Minute)); err != nil {
		return nil, nil, err
	}
	if _, err := conn.Write(req); err != nil {
		return nil, nil, fmt.Errorf("send: %w", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("read the answer: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("read the answer's body: %w", err)
	}
	return resp, body, nil
}
