package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"accord/client"
)

func exportCommand() command {
	return command{
		path: "audit export", summary: "export the ledger as NDJSON: each line one event's stored bytes, in order",
		about: "The export streams to standard output, or to -o FILE: written to a temporary file beside it and\n" +
			"renamed only when whole, so FILE never holds part of a ledger. The export is checked against the\n" +
			"head the server announced (its Accord-Head-Seq): when lines are missing or the transfer breaks\n" +
			"off, it exits 1 naming what is missing. Progress shows on standard error when it is a terminal.\n" +
			"Check the export offline with `accord verify FILE`.",
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
// memory; the client checks it reached the head the server announced.
func auditExport(c *cli, file string) error {
	aid, err := c.allianceID()
	if err != nil {
		return err
	}
	dst, finish, err := exportDestination(c, file)
	if err != nil {
		return err
	}
	ex, err := c.api.Export(c.ctx, aid)
	if err != nil {
		return finish(err)
	}
	defer ex.Close()
	bar := newProgress(c.stderr, ex.HeadSeq)
	_, err = io.Copy(&progressWriter{w: dst, ex: ex, bar: bar}, ex)
	bar.done()
	if err = finish(err); err != nil {
		return err
	}
	reportExport(c, exportSummary{File: file, Events: ex.Lines(), HeadSeq: ex.HeadSeq, HeadHash: ex.HeadHash})
	return nil
}

// exportDestination opens a temporary file beside FILE (or takes standard
// output) and returns a finish function that renames it to FILE when the
// export is whole and removes it when not.
func exportDestination(c *cli, file string) (io.Writer, func(error) error, error) {
	if file == "" {
		return c.stdout, func(err error) error { return err }, nil
	}
	f, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.partial")
	if pathErr := (*fs.PathError)(nil); errors.As(err, &pathErr) {
		return nil, nil, fmt.Errorf("cannot write %s: %w", file, pathErr.Err)
	}
	if err != nil {
		return nil, nil, err
	}
	return f, func(err error) error {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(f.Name(), 0o644)
		}
		if err == nil {
			err = os.Rename(f.Name(), file)
		}
		if err != nil {
			os.Remove(f.Name())
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

// progressWriter passes the export through and shows how far it is.
type progressWriter struct {
	w   io.Writer
	ex  *client.Export
	bar *progress
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.bar.show(p.ex.Lines())
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
