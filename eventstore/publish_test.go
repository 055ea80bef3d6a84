package eventstore

import (
	"errors"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
)

// Acknowledgements in every shape the server answers with: the usual one
// read directly, the rest through encoding/json, refusals as API errors
// that the conflict and error mapping recognise.
func TestParsePubAck(t *testing.T) {
	ok := []struct {
		name string
		in   string
		want pubAck
	}{
		{"usual", `{"stream":"ACCORD","seq":42}`, pubAck{Stream: "ACCORD", Sequence: 42}},
		{"large seq", `{"stream":"ACCORD","seq":18446744073709551615}`, pubAck{Stream: "ACCORD", Sequence: 18446744073709551615}},
		{"duplicate", `{"stream":"ACCORD","seq":7,"duplicate": true}`, pubAck{Stream: "ACCORD", Sequence: 7, Duplicate: true}},
		{"domain", `{"stream":"ACCORD","domain":"hub","seq":9}`, pubAck{Stream: "ACCORD", Sequence: 9}},
		{"spaced", `{"stream": "ACCORD", "seq": 22}`, pubAck{Stream: "ACCORD", Sequence: 22}},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			got, err := parsePubAck([]byte(c.in))
			require.NoError(t, err)
			require.Equal(t, c.want, got)
		})
	}

	wrongLast, err := parsePubAck([]byte(`{"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 5"},"stream":"ACCORD","seq":0}`))
	require.Error(t, err)
	require.Zero(t, wrongLast)
	require.True(t, isWrongLastSequence(err), "%v", err)
	var apiErr *jetstream.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 400, apiErr.Code)

	_, err = parsePubAck([]byte(`{"error":{"code":503,"err_code":10008,"description":"jetstream temporarily unavailable"}}`))
	require.ErrorIs(t, classify("append", err), ErrUnavailable)
	require.False(t, isWrongLastSequence(err))

	for _, bad := range []string{``, `not json`, `{}`, `{"seq":4}`, `{"stream":"ACCORD","seq":-1}`, `{"stream":"ACCORD","seq":}`} {
		_, err := parsePubAck([]byte(bad))
		require.True(t, errors.Is(err, jetstream.ErrInvalidJSAck), "%q: %v", bad, err)
	}
}
