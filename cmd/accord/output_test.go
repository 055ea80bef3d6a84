package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTableAlignsColouredCells aligns columns by what shows, not by the
// bytes of colour codes.
func TestTableAlignsColouredCells(t *testing.T) {
	var buf bytes.Buffer
	p := &printer{w: &buf, color: true}
	tb := newTable("NAME", "STATUS", "NOTE")
	tb.add("Cardinal", p.status("adopted"), "ok")
	tb.add("Patients for Safe Medicines", p.status("rejected"), "—")
	p.table(tb)
	plain := stripColour(buf.String())
	require.Equal(t, "NAME                         STATUS    NOTE\n"+
		"Cardinal                     adopted   ok\n"+
		"Patients for Safe Medicines  rejected  —\n", plain)
	require.Contains(t, buf.String(), "\x1b[32madopted\x1b[0m")
}

func stripColour(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			i += strings.IndexByte(s[i:], 'm')
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestPrinterColourOnlyOnATerminal never colours a buffer or a file.
func TestPrinterColourOnlyOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newPrinter(&buf, true)
	require.False(t, p.color)
	require.Equal(t, "agree", p.stance("agree"))
	f, err := createTemp(t)
	require.NoError(t, err)
	require.False(t, newPrinter(f, true).color, "a file is not a terminal")
	p.table(newTable("A"))
	require.Equal(t, "(none)\n", buf.String())
}

func TestClip(t *testing.T) {
	require.Equal(t, "short", clip("short", 10))
	require.Equal(t, "one two", clip("one\n  two", 10))
	require.Equal(t, "Serialise…", clip("Serialise every unit", 10))
	require.Equal(t, 10, visibleWidth("Serialise…"))
}

func createTemp(t *testing.T) (*os.File, error) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err == nil {
		t.Cleanup(func() { f.Close() })
	}
	return f, err
}

// TestExportProgress shows a progress line only on a terminal, and clears
// it when done.
func TestExportProgress(t *testing.T) {
	var buf bytes.Buffer
	require.Nil(t, newProgress(&buf, 10), "not a terminal: no progress")
	var nilProgress *progress
	nilProgress.show(3)
	nilProgress.done()

	p := &progress{w: &buf, total: 200}
	p.show(50)
	p.show(60) // within 100ms of the last: not shown
	p.done()
	require.Equal(t, "\rExporting… 50/200 events (25%)\r\x1b[K", buf.String())
}
