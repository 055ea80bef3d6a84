package client

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSSEReader reads a recorded stream with what the format allows:
// comments, a retry hint (read past), CRLF line ends, multi-line data, an event without
// an id (which keeps the last one), a block with no data, and an unfinished
// event at the end (dropped).
func TestSSEReader(t *testing.T) {
	stream := "retry: 2000\n\n" +
		": heartbeat\n\n" +
		"id: 7\nevent: VoteCast\ndata: {\"event\":{\"seq\":7},\"hash\":\"ab\"}\n\n" +
		"id: 8\r\nevent: VotingClosed\r\ndata:{\"a\":1}\r\n\r\n" +
		"data: line one\ndata: line two\n\n" +
		"id: 9\n\n" +
		"event: ignored\n\n" +
		"id: 10\nevent: VoteCast\ndata: {\"unfinished\":"
	r := NewSSEReader(strings.NewReader(stream))
	want := []SSEEvent{
		{ID: "7", Type: "VoteCast", Data: `{"event":{"seq":7},"hash":"ab"}`},
		{ID: "8", Type: "VotingClosed", Data: `{"a":1}`},
		{ID: "8", Type: "message", Data: "line one\nline two"},
	}
	for _, w := range want {
		ev, err := r.Next()
		require.NoError(t, err)
		require.Equal(t, w, ev)
	}
	_, err := r.Next()
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, "10", r.lastID)
}

// TestSSEReaderError passes a read error through.
func TestSSEReaderError(t *testing.T) {
	boom := errors.New("connection reset")
	r := NewSSEReader(io.MultiReader(strings.NewReader("id: 1\ndata: x\n\nid: 2\n"), &failingReader{boom}))
	ev, err := r.Next()
	require.NoError(t, err)
	require.Equal(t, "1", ev.ID)
	_, err = r.Next()
	require.ErrorIs(t, err, boom)
}

type failingReader struct{ err error }

func (f *failingReader) Read([]byte) (int, error) { return 0, f.err }
