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
	require.False(t, newPrinter(f, true).color)
	require.Equal(t, "(none)\n", func() string { p.table(newTable("A")); return buf.String() }())
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
