package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"accord/verify"
)

const verifyAbout = `Usage: accord verify [--head HASH]... [--predecessor PFILE] FILE|-

Checks an export (GET /v1/alliances/{aid}/audit/export, or several
concatenated) offline, with no server: each line decodes as an event, each
alliance's seqs run 1, 2, 3… with no gap, each prev_hash is the SHA-256 of the
previous line's exact bytes, and every vote's opening, stances and outcome
re-derive from the events before them with the decision rules.

Exit status: 0 when everything holds (a summary is printed), 1 naming the
first seq that fails and why, 2 for a usage or read error. "-" reads standard
input. A progress bar shows on standard error when it is a terminal.

The chain cannot tell a file cut short after any line from a complete one:
give the head hash taken from GET …/audit/head (or the export's
Accord-Head-Hash header) with --head, and the file must contain that event.

An alliance that succeeds another records, in its first event, the head of
its predecessor (alliance, seq, hash). With --predecessor PFILE, the
predecessor's export, that export is verified too and must hold that event
at that seq with that hash.

The format is specified in docs/VERIFYING.md, for independent verifiers.

Flags:
`

// verifyCommand is `accord verify`. It returns the exit status.
func verifyCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("accord verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var heads verifyHeads
	fs.Var(&heads, "head", "`HASH` of an event the file must contain, e.g. the head when the export was made (repeatable)")
	pfile := fs.String("predecessor", "", "`PFILE`, the export of the alliance FILE succeeds: it must hold the event FILE's first event names as its predecessor")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), verifyAbout)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "accord verify: give one FILE, or - for standard input")
		fs.Usage()
		return 2
	}
	in, size, err := openVerifyInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintln(stderr, "accord verify:", err)
		return 2
	}
	defer in.Close()
	var bar *verifyBar
	if charDevice(stderr) {
		bar = newVerifyBar(stderr, size, time.Now)
	}
	sum, err := verify.Verify(in, verify.Options{Progress: bar.update, Anchors: heads})
	bar.clear()
	if err != nil || *pfile == "" {
		return reportVerification(stdout, stderr, fs.Arg(0), sum, err)
	}
	link, code := checkPredecessor(stdout, stderr, *pfile, sum)
	if code != 0 {
		return code
	}
	code = reportVerification(stdout, stderr, fs.Arg(0), sum, nil)
	fmt.Fprintln(stdout, link)
	return code
}

// reportVerification prints the verdict on stdout and returns the exit status.
func reportVerification(stdout, stderr io.Writer, name string, sum verify.Verification, err error) int {
	var ce *verify.ChainError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(stdout, "FAIL: %s\n", ce)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "accord verify: reading %s: %v\n", name, err)
		return 2
	}
	fmt.Fprintf(stdout, "OK: %s in %s; %s re-derived; %s verified; every chain holds.\n",
		count(sum.Events, "event"), count(len(sum.Alliances), "alliance"), count(sum.Decisions, "decision"),
		count(sum.Signatures, "signed statement"))
	for _, a := range sum.Alliances {
		fmt.Fprintf(stdout, "alliance %s %q: %s, %s, head seq %d hash %s\n",
			a.AllianceID, a.Name, count(a.Events, "event"), count(a.Decisions, "decision"), a.Seq, a.Hash)
	}
	return 0
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// openVerifyInput opens FILE, or standard input for "-", and returns its size
// when known (a regular file), else 0.
func openVerifyInput(name string, stdin io.Reader) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(stdin), regularSize(stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	return f, regularSize(f), nil
}

func regularSize(r io.Reader) int64 {
	f, ok := r.(*os.File)
	if !ok {
		return 0
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return 0
	}
	return info.Size()
}

// charDevice reports whether w is a terminal (a character device).
func charDevice(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// verifyHeads is the repeatable --head flag: 64 lowercase hex digits each.
type verifyHeads []string

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (h *verifyHeads) String() string { return strings.Join(*h, ",") }

func (h *verifyHeads) Set(v string) error {
	v = strings.ToLower(strings.TrimSpace(v))
	if !hexHash.MatchString(v) {
		return fmt.Errorf("a hash is 64 hex digits, not %q", v)
	}
	*h = append(*h, v)
	return nil
}

// verifyBar draws a progress bar on a terminal. It waits a moment before
// drawing, so a small file never flashes one, and redraws at most ten times
// a second. A nil *verifyBar draws nothing.
type verifyBar struct {
	w     io.Writer
	total int64 // 0 when unknown
	now   func() time.Time
	start time.Time
	drawn time.Time
	shown bool
}

// Progress bar timing: how long before the first draw, and between draws.
const (
	barDelay    = 300 * time.Millisecond
	barInterval = 100 * time.Millisecond
)

func newVerifyBar(w io.Writer, total int64, now func() time.Time) *verifyBar {
	return &verifyBar{w: w, total: total, now: now, start: now()}
}

// update is the verifier's progress callback: n bytes read so far.
func (b *verifyBar) update(n int64) {
	if b == nil {
		return
	}
	t := b.now()
	if t.Sub(b.start) < barDelay || (b.shown && t.Sub(b.drawn) < barInterval) {
		return
	}
	b.shown, b.drawn = true, t
	fmt.Fprintf(b.w, "\r%s\x1b[K", barText(n, b.total, t.Sub(b.start)))
}

// clear erases the bar, if one was drawn, before the verdict is printed.
func (b *verifyBar) clear() {
	if b != nil && b.shown {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
}

// barText is one frame: "verifying [#####·····]  50%  12.0/24.0 MB  6.0 MB/s",
// or without the bar and percentage when the size is unknown.
func barText(n, total int64, elapsed time.Duration) string {
	const width = 30
	rate := ""
	if s := elapsed.Seconds(); s > 0 {
		rate = fmt.Sprintf("  %s/s", megabytes(int64(float64(n)/s)))
	}
	if total <= 0 {
		return fmt.Sprintf("verifying  %s read%s", megabytes(n), rate)
	}
	done := min(n, total)
	filled := int(done * width / total)
	return fmt.Sprintf("verifying [%s%s] %3d%%  %s / %s%s", strings.Repeat("#", filled), strings.Repeat("·", width-filled),
		done*100/total, megabytes(done), megabytes(total), rate)
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
