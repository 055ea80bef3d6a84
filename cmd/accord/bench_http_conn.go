package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// apiConn is one keep-alive HTTP/1.1 connection to the API that sends
// requests rendered beforehand and reads each answer with the standard
// library's parser: a client that costs little, so that on a machine of
// two cores the server gets most of them. net/http's client spends about
// a third of the HTTP votes' CPU time on its own (its connection's read
// and write goroutines, building each request).
type apiConn struct {
	conn net.Conn
	r    *bufio.Reader
}

// dialAPI opens a connection to the API at base (http://host:port).
func dialAPI(base string) (*apiConn, error) {
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		return nil, err
	}
	return &apiConn{conn: conn, r: bufio.NewReader(conn)}, nil
}

// renderJSONRequest returns the bytes of a request with a JSON body and a
// bearer token, as any HTTP/1.1 client sends it.
func renderJSONRequest(method, base, path, token, body string) []byte {
	return fmt.Appendf(nil, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		method, path, strings.TrimPrefix(base, "http://"), token, len(body), body)
}

// do sends a rendered request and reads its answer to the end. It returns
// a *statusError for a status other than 200 or 201, and the connection's
// error.
func (c *apiConn) do(req []byte) error {
	if _, err := c.conn.Write(req); err != nil {
		return err
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return &statusError{method: "request", path: strings.SplitN(string(req), " ", 3)[1], status: resp.StatusCode, body: body}
	}
	return err
}

func (c *apiConn) close() { c.conn.Close() }
