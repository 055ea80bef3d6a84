package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// printer writes human output: lines, aligned tables, and colour only when
// its writer is a terminal and NO_COLOR is unset.
type printer struct {
	w     io.Writer
	tty   bool
	color bool
}

func newPrinter(w io.Writer, allowColor bool) *printer {
	tty := isTTY(w)
	color := allowColor && tty && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	return &printer{w: w, tty: tty, color: color}
}

// isTTY reports whether w is a character device such as a terminal.
func isTTY(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// The styles of human output.
const (
	bold   = "1"
	dim    = "2"
	red    = "31"
	green  = "32"
	yellow = "33"
	cyan   = "36"
)

// paint wraps s in the style's escape codes when colour is on.
func (p *printer) paint(style, s string) string {
	if !p.color || s == "" {
		return s
	}
	return "\x1b[" + style + "m" + s + "\x1b[0m"
}

// linef writes one line.
func (p *printer) linef(format string, args ...any) {
	fmt.Fprintf(p.w, format+"\n", args...)
}

// json writes an answer as the server sent it, indented on a terminal.
func (p *printer) json(raw []byte) {
	raw = bytes.TrimSpace(raw)
	if p.tty {
		var buf bytes.Buffer
		if json.Indent(&buf, raw, "", "  ") == nil {
			raw = buf.Bytes()
		}
	}
	p.w.Write(raw)
	io.WriteString(p.w, "\n")
}

// value writes v as JSON, for a --json answer that the CLI takes from a
// larger one (a workgroup out of the alliance's state, say).
func (p *printer) value(v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	p.json(raw)
	return nil
}

// section writes a heading for the table or lines that follow.
func (p *printer) section(title string) {
	fmt.Fprintf(p.w, "\n%s\n", p.paint(bold, title))
}

// table is rows of cells under a header, aligned by their visible width.
type table struct {
	header []string
	rows   [][]string
	indent string
}

func newTable(header ...string) *table { return &table{header: header} }

// add appends a row.
func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// table writes t, or "(none)" when it has no rows.
func (p *printer) table(t *table) {
	if len(t.rows) == 0 {
		fmt.Fprintf(p.w, "%s%s\n", t.indent, p.paint(dim, "(none)"))
		return
	}
	widths := make([]int, len(t.header))
	for _, row := range append([][]string{t.header}, t.rows...) {
		for i, cell := range row {
			widths[i] = max(widths[i], visibleWidth(cell))
		}
	}
	header := make([]string, len(t.header))
	for i, h := range t.header {
		header[i] = p.paint(dim, h)
	}
	p.row(t.indent, header, widths)
	for _, row := range t.rows {
		p.row(t.indent, row, widths)
	}
}

func (p *printer) row(indent string, cells []string, widths []int) {
	var b strings.Builder
	b.WriteString(indent)
	for i, cell := range cells {
		b.WriteString(cell)
		if i < len(cells)-1 {
			b.WriteString(strings.Repeat(" ", widths[i]-visibleWidth(cell)+2))
		}
	}
	fmt.Fprintln(p.w, strings.TrimRight(b.String(), " "))
}

// visibleWidth counts the runes of s that show, skipping colour codes.
func visibleWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			end := strings.IndexByte(s[i:], 'm')
			if end < 0 {
				break
			}
			i += end + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// clip shortens s to n runes, ending it with "…", and puts it on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// short returns the first 12 characters of a hash.
func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

// plural returns "1 event" or "2 events".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
