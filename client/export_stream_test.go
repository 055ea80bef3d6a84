package client_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/client"
	"accord/domain"
)

// ledgerLines returns n stored lines, seqs 1…n.
func ledgerLines(n int) []byte {
	var b bytes.Buffer
	for seq := 1; seq <= n; seq++ {
		fmt.Fprintf(&b, `{"seq":%d,"type":"VoteCast","data":{"reason":"line %d"}}`+"\n", seq, seq)
	}
	return b.Bytes()
}

// exportServer serves body as an export whose head is seq head; with cut,
// the connection is dropped after the body instead of ending cleanly.
func exportServer(t *testing.T, head string, body []byte, cut bool) *client.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if head != "" {
			w.Header().Set("Accord-Head-Seq", head)
		}
		w.Header().Set("Accord-Head-Hash", "abc")
		w.WriteHeader(http.StatusOK)
		// Small writes, so the lines arrive across many reads.
		for len(body) > 0 {
			n := min(len(body), 7)
			w.Write(body[:n])
			w.(http.Flusher).Flush()
			body = body[n:]
		}
		if cut {
			panic(http.ErrAbortHandler)
		}
	}))
	t.Cleanup(srv.Close)
	return newClient(t, srv)
}

// readExport reads the whole export and returns what it read and the error
// that ended it (nil for a whole export).
func readExport(t *testing.T, c *client.Client) ([]byte, *client.Export, error) {
	t.Helper()
	ex, err := c.Export(context.Background(), "a")
	require.NoError(t, err)
	defer ex.Close()
	var got bytes.Buffer
	_, err = io.Copy(&got, ex)
	return got.Bytes(), ex, err
}

// TestExportWhole reads an export byte for byte and ends without error.
func TestExportWhole(t *testing.T) {
	body := ledgerLines(40)
	got, ex, err := readExport(t, exportServer(t, "40", body, false))
	require.NoError(t, err)
	require.Equal(t, body, got)
	require.Equal(t, uint64(40), ex.HeadSeq)
	require.Equal(t, "abc", ex.HeadHash)
	require.Equal(t, uint64(40), ex.Lines())
}

// TestExportCutOff drops the connection after 25 of 40 lines: the reader
// gets every byte that arrived, then an *IncompleteError that says what is
// missing.
func TestExportCutOff(t *testing.T) {
	body := ledgerLines(40)
	part := body[:bytes.Index(body, []byte(`{"seq":26,`))+10]
	got, _, err := readExport(t, exportServer(t, "40", part, true))
	require.Equal(t, part, got)
	var inc *client.IncompleteError
	require.ErrorAs(t, err, &inc)
	require.Equal(t, client.IncompleteError{Got: 25, Want: 40, LastSeq: 25, Err: inc.Err}, *inc)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	require.Contains(t, err.Error(), "export incomplete: got 25 of 40 events (stopped after seq 25)")
}

// TestExportShort ends cleanly with fewer lines than its header says.
func TestExportShort(t *testing.T) {
	_, _, err := readExport(t, exportServer(t, "40", ledgerLines(31), false))
	require.EqualError(t, err, "export incomplete: got 31 of 40 events (stopped after seq 31)")
}

// TestExportMismatch ends with a count or a last seq other than the head.
func TestExportMismatch(t *testing.T) {
	lines := bytes.SplitAfter(ledgerLines(5), []byte("\n"))
	skipped := bytes.Join([][]byte{lines[0], lines[1], lines[3], lines[4]}, nil)
	_, _, err := readExport(t, exportServer(t, "5", skipped, false))
	require.EqualError(t, err, "export incomplete: got 4 of 5 events (stopped after seq 5)")
	_, _, err = readExport(t, exportServer(t, "4", ledgerLines(5), false))
	require.EqualError(t, err, "export does not match its head: got 5 events ending at seq 5, the head is seq 4")
	_, _, err = readExport(t, exportServer(t, "3", ledgerLines(5)[:bytes.Index(ledgerLines(5), []byte(`{"seq":4`))-1], false))
	require.EqualError(t, err, "export incomplete: got 2 of 3 events (stopped after seq 2): the last line is cut off")
	_, _, err = readExport(t, exportServer(t, "3", nil, false))
	require.EqualError(t, err, "export incomplete: got none of 3 events")
}

// TestExportNeedsItsHead refuses an answer without Accord-Head-Seq.
func TestExportNeedsItsHead(t *testing.T) {
	_, err := exportServer(t, "", ledgerLines(2), false).Export(context.Background(), "a")
	require.ErrorIs(t, err, client.ErrProtocol)
}

// TestExportRefused returns the server's refusal.
func TestExportRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"error":{"code":"forbidden","message":"you are not a party to alliance a"}}`)
	}))
	defer srv.Close()
	_, err := newClient(t, srv).Export(context.Background(), "a")
	require.Equal(t, domain.Forbidden, domain.KindOf(err))
}
