package client_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/client"
	"accord/domain"
)

// newClient returns a client of srv that retries quickly.
func newClient(t *testing.T, srv *httptest.Server, opts ...client.Option) *client.Client {
	t.Helper()
	c, err := client.New(srv.URL, "tok", append([]client.Option{client.WithRetries(3, time.Millisecond)}, opts...)...)
	require.NoError(t, err)
	return c
}

// TestErrorDecodesKinds decodes each documented error answer into an
// *Error that stands for the domain kind the server meant.
func TestErrorDecodesKinds(t *testing.T) {
	cases := []struct {
		status int
		body   string
		kind   domain.Kind
		msg    string
	}{
		{400, `{"error":{"code":"invalid","message":"title is required"}}`, domain.Invalid, "title is required"},
		{401, `{"error":{"code":"unauthorized","message":"unknown token"}}`, domain.Unauthorized, "unknown token"},
		{403, `{"error":{"code":"forbidden","message":"observers read and never write"}}`, domain.Forbidden, "observers read and never write"},
		{404, `{"error":{"code":"not_found","message":"no proposal x"}}`, domain.NotFound, "no proposal x"},
		{409, `{"error":{"code":"conflict","message":"voting is closed"}}`, domain.Conflict, "voting is closed"},
		{413, `{"error":{"code":"too_large","message":"over 1 MiB"}}`, domain.TooLarge, "over 1 MiB"},
		{429, `{"error":{"code":"rate_limited","message":"slow down"}}`, domain.RateLimited, "slow down"},
		{500, `{"error":{"code":"internal","message":"internal error"}}`, domain.Internal, "internal error"},
		// A code this client does not know falls back on the status.
		{409, `{"error":{"code":"newer_kind","message":"m"}}`, domain.Conflict, "m"},
		// A page that is not the documented shape, from a proxy say.
		{404, `<html>not here</html>`, domain.NotFound, "the server answered 404 Not Found"},
		{405, ``, domain.Invalid, "the server answered 405 Method Not Allowed"},
	}
	for _, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(tc.status)
			io.WriteString(w, tc.body)
		}))
		_, err := newClient(t, srv).Alliances(context.Background())
		srv.Close()

		var apiErr *client.Error
		require.ErrorAs(t, err, &apiErr, tc.body)
		require.Equal(t, tc.status, apiErr.Status)
		require.Equal(t, tc.msg, err.Error())
		require.Equal(t, tc.kind, apiErr.Kind())
		require.Equal(t, tc.kind, domain.KindOf(err), "domain.KindOf reads the server's kind")
		require.Equal(t, tc.msg, domain.MessageOf(err))
		require.ErrorIs(t, err, &domain.Error{Kind: tc.kind})
		other := domain.NotFound
		if tc.kind == domain.NotFound {
			other = domain.Conflict
		}
		require.False(t, errors.Is(err, &domain.Error{Kind: other}), "%s is not %s", tc.kind, other)
	}
}

// TestErrorUnreachable wraps ErrUnreachable and names the server.
func TestErrorUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, err := client.New(url, "tok", client.WithRetries(1, time.Millisecond))
	require.NoError(t, err)
	_, err = c.Head(context.Background(), "0190a0a0-0000-7000-8000-000000000000")
	require.ErrorIs(t, err, client.ErrUnreachable)
	require.Contains(t, err.Error(), "cannot reach the accord server at "+url+": ")
	var apiErr *client.Error
	require.False(t, errors.As(err, &apiErr))
}

// TestNewRefusesBadSettings refuses a server that is not an http URL and
// invalid options.
func TestNewRefusesBadSettings(t *testing.T) {
	for _, base := range []string{"", "127.0.0.1:8080", "ftp://x", "http://"} {
		_, err := client.New(base, "")
		require.Error(t, err, base)
	}
	_, err := client.New("http://x", "", client.WithRetries(-1, 0))
	require.Error(t, err)
	_, err = client.New("http://x", "", client.WithHTTPClient(nil))
	require.Error(t, err)
	_, err = client.New("http://x", "", client.WithRequestTimeout(0))
	require.Error(t, err)
	c, err := client.New("https://accord.example/", "")
	require.NoError(t, err)
	require.Equal(t, "https://accord.example", c.Server())
}
