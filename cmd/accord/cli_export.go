package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

func exportCommand() command {
	return command{
		path: "audit export", summary: "export the ledger as NDJSON: each line one event's stored bytes, in order",
		about: "The export streams to standard output, or to -o FILE (written as FILE.partial, renamed when\n" +
			"complete). Progress shows on standard error when it is a terminal. Check it offline with `accord verify FILE`.",
		example: "accord audit export -o ledger.ndjson\naccord audit export | sha256sum",
		setup: func(fs *flag.FlagSet) action {
			out := fs.String("output", "", "write to `FILE` instead of standard output")
			fs.StringVar(out, "o", "", "")
			return func(c *cli, _ []string) error { return auditExport(c, *out) }
		},
	}
}

// exportSummary is what an export wrote.
type exportSummary struct {
	File     string `json:"file,omitempty"`
	Events   uint64 `json:"events"`
	HeadSeq  uint64 `json:"head_seq"`
	HeadHash string `json:"head_hash"`
}

// auditExport streams the export to its destination, never holding it in
// memory, and checks it reached the head the server announced.
func auditExport(c *cli, file string) error {
	path, err := c.alliancePath("audit", "export")
	if err != nil {
		return err
	}
	resp, err := c.api.Open(c.ctx, path, nil, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sum := exportSummary{File: file, HeadHash: resp.Header.Get("Accord-Head-Hash")}
	sum.HeadSeq, _ = strconv.ParseUint(resp.Header.Get("Accord-Head-Seq"), 10, 64)
	dst, finish, err := exportDestination(c, file)
	if err != nil {
		return err
	}
	lines := &lineCounter{w: dst, progress: newProgress(c.stderr, sum.HeadSeq)}
	_, err = io.Copy(lines, resp.Body)
	lines.progress.done()
	sum.Events = lines.n
	if err == nil && sum.HeadSeq != 0 && sum.Events != sum.HeadSeq {
		err = fmt.Errorf("the export was cut short: %d of %d events", sum.Events, sum.HeadSeq)
	}
	if err = finish(err); err != nil {
		return err
	}
	reportExport(c, sum)
	return nil
}

// exportDestination opens FILE.partial (or standard output) and returns a
// finish function that renames it into place when the export succeeded and
// removes it when not.
func exportDestination(c *cli, file string) (io.Writer, func(error) error, error) {
	if file == "" {
		return c.stdout, func(err error) error { return err }, nil
	}
	partial := file + ".partial"
	f, err := os.OpenFile(partial, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, err
	}
	return f, func(err error) error {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(partial, file)
		}
		if err != nil {
			os.Remove(partial)
		}
		return err
	}, nil
}

// reportExport says what was exported: on stdout when the export went to a
// file, else on stderr when that is a terminal.
func reportExport(c *cli, sum exportSummary) {
	if c.g.json && sum.File != "" {
		raw, _ := json.Marshal(sum)
		c.out.json(raw)
		return
	}
	line := fmt.Sprintf("Exported %s (head seq %d, hash %s)", plural(int(sum.Events), "event"), sum.HeadSeq, short(sum.HeadHash))
	switch {
	case sum.File != "":
		c.out.linef("%s to %s", line, sum.File)
	case isTTY(c.stderr):
		fmt.Fprintln(c.stderr, line)
	}
}

// lineCounter passes bytes through and counts the lines.
type lineCounter struct {
	w        io.Writer
	n        uint64
	progress *progress
}

func (l *lineCounter) Write(b []byte) (int, error) {
	n, err := l.w.Write(b)
	l.n += uint64(bytes.Count(b[:n], []byte{'\n'}))
	l.progress.show(l.n)
	return n, err
}

// progress shows "Exporting… 1200/5000 events (24%)" on a terminal, at most
// ten times a second; elsewhere it shows nothing.
type progress struct {
	w     io.Writer
	total uint64
	last  time.Time
	shown bool
}

func newProgress(w io.Writer, total uint64) *progress {
	if !isTTY(w) {
		return nil
	}
	return &progress{w: w, total: total}
}

func (p *progress) show(n uint64) {
	if p == nil || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last, p.shown = time.Now(), true
	if p.total == 0 {
		fmt.Fprintf(p.w, "\rExporting… %d events", n)
		return
	}
	fmt.Fprintf(p.w, "\rExporting… %d/%d events (%d%%)", n, p.total, n*100/p.total)
}

// done clears the progress line.
func (p *progress) done() {
	if p != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
