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

	"accord/transparency"
	"accord/verify"
)

const verifyAbout = `Usage: accord verify [--head HASH]... [--predecessor PFILE]
                    [--checkpoint CP [--log-key VKEY] [--witness VKEY]... [--quorum K]] FILE|-
       accord verify receipt FILE.tlog-proof --event LINE-FILE --log-key VKEY [--witness VKEY]... [--quorum K]

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

Nor can it tell a history rewritten and re-chained by whoever ran the server:
hold the file to a checkpoint (GET …/checkpoint, a signed note) with
--checkpoint CP. The Merkle root of the alliance's first N lines (N the
checkpoint's size) must be the checkpoint's, the log's signature must verify
with --log-key (the text of GET …/log-key; without it the signature is not
checked), and at least K of the witnesses given by --witness (each a witness's
verifier key text) must have cosigned it (--quorum K; default: all of them).

An alliance that succeeds another records, in its first event, the head of
its predecessor (alliance, seq, hash). With --predecessor PFILE, the
predecessor's export, that export is verified too and must hold that event
at that seq with that hash.

"accord verify receipt" checks one event's receipt (GET …/proofs/inclusion):
that the event line in LINE-FILE is in the tree of the checkpoint the
receipt carries, which the log signed and the witnesses cosigned.

The format is specified in docs/VERIFYING.md, for independent verifiers.

Flags:
`

// verifyFlags are the flags of accord verify.
type verifyFlags struct {
	heads       verifyHeads
	predecessor string
	proof       proofFlags
	checkpoint  string
}

// proofFlags are the keys a checkpoint is checked with, shared by accord
// verify and accord verify receipt.
type proofFlags struct {
	logKey    string
	witnesses verifyWitnesses
	quorum    int
}

func (p *proofFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.logKey, "log-key", "", "`VKEY`, the log's verifier key of the alliance (the text GET …/log-key answers)")
	fs.Var(&p.witnesses, "witness", "`VKEY` of a witness that must have cosigned the checkpoint (repeatable)")
	fs.IntVar(&p.quorum, "quorum", 0, "how many of the given witnesses must have cosigned, `K` (default: all)")
}

// check refuses a quorum no set of the witnesses given could meet, and an
// explicit --quorum 0 (which would ask nothing of them).
func (p *proofFlags) check(fs *flag.FlagSet) error {
	p.logKey = strings.TrimSpace(p.logKey)
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "quorum" })
	if p.quorum < 0 || p.quorum > len(p.witnesses) || (given && p.quorum == 0) {
		return fmt.Errorf("--quorum %d: give a number from 1 to the number of --witness keys (%d)", p.quorum, len(p.witnesses))
	}
	return nil
}

// verifyCommand is `accord verify`. It returns the exit status.
func verifyCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("accord verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f verifyFlags
	fs.Var(&f.heads, "head", "`HASH` of an event the file must contain, e.g. the head when the export was made (repeatable)")
	fs.StringVar(&f.predecessor, "predecessor", "", "`PFILE`, the export of the alliance FILE succeeds: it must hold the event FILE's first event names as its predecessor")
	fs.StringVar(&f.checkpoint, "checkpoint", "", "`CP`, a file holding a signed checkpoint of the alliance the file must match")
	f.proof.register(fs)
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
	if err := f.check(fs); err != nil {
		fmt.Fprintln(stderr, "accord verify:", err)
		fs.Usage()
		return 2
	}
	cp, code := openCheckpointFlag(stdout, stderr, f)
	if code >= 0 {
		return code
	}
	return verifyFile(stdin, stdout, stderr, fs.Arg(0), f, cp)
}

// check refuses a call without one FILE, or with checkpoint keys but no
// checkpoint.
func (f *verifyFlags) check(fs *flag.FlagSet) error {
	if fs.NArg() != 1 {
		return errors.New("give one FILE, or - for standard input")
	}
	keys := f.proof.logKey != "" || len(f.proof.witnesses) > 0 || f.proof.quorum != 0
	if f.checkpoint == "" && keys {
		return errors.New("--log-key, --witness and --quorum check a checkpoint: give it with --checkpoint CP")
	}
	return f.proof.check(fs)
}

// openCheckpointFlag reads and opens the checkpoint of --checkpoint, if
// any. It returns the exit status to end with (1 when the checkpoint's
// signatures do not hold, 2 when it cannot be read), or -1 to go on.
func openCheckpointFlag(stdout, stderr io.Writer, f verifyFlags) (*verify.Checkpoint, int) {
	if f.checkpoint == "" {
		return nil, -1
	}
	note, err := os.ReadFile(f.checkpoint)
	if err != nil {
		fmt.Fprintln(stderr, "accord verify: checkpoint:", err)
		return nil, 2
	}
	cp, err := verify.OpenCheckpoint(note, f.proof.logKey, f.proof.witnesses, f.proof.quorum)
	if err != nil {
		fmt.Fprintf(stdout, "FAIL: checkpoint %s: %s\n", f.checkpoint, err)
		return nil, 1
	}
	return &cp, -1
}

// verifyFile verifies the export name and reports it. It returns the exit
// status.
func verifyFile(stdin io.Reader, stdout, stderr io.Writer, name string, f verifyFlags, cp *verify.Checkpoint) int {
	in, size, err := openVerifyInput(name, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "accord verify:", err)
		return 2
	}
	defer in.Close()
	var bar *verifyBar
	if charDevice(stderr) {
		bar = newVerifyBar(stderr, size, time.Now)
	}
	sum, err := verify.Verify(in, verify.Options{Progress: bar.update, Anchors: f.heads, Checkpoint: cp})
	bar.clear()
	if err != nil || f.predecessor == "" {
		return reportVerification(stdout, stderr, name, f.checkpoint, sum, err)
	}
	link, code := checkPredecessor(stdout, stderr, f.predecessor, sum)
	if code != 0 {
		return code
	}
	code = reportVerification(stdout, stderr, name, f.checkpoint, sum, nil)
	fmt.Fprintln(stdout, link)
	return code
}

// reportVerification prints the verdict on stdout and returns the exit
// status; cpName is the checkpoint's file ("" for none).
func reportVerification(stdout, stderr io.Writer, name, cpName string, sum verify.Verification, err error) int {
	var ce *verify.ChainError
	var pe *verify.ProofError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(stdout, "FAIL: %s\n", ce)
		return 1
	case errors.As(err, &pe):
		fmt.Fprintf(stdout, "FAIL: checkpoint %s: %s\n", cpName, pe)
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
	if sum.Checkpoint != nil {
		fmt.Fprintln(stdout, checkpointLine(*sum.Checkpoint))
	}
	return 0
}

// checkpointLine says what a checkpoint that held established.
func checkpointLine(cp verify.Checkpoint) string {
	signed := "the log's signature verifies"
	if !cp.LogSigned {
		signed = "the log's signature was not checked (no --log-key)"
	}
	cosigned := "no witness asked for"
	if cp.Witnesses > 0 {
		cosigned = fmt.Sprintf("cosigned by %d of %d witnesses (%s)", len(cp.Cosigners), cp.Witnesses, strings.Join(cp.Cosigners, ", "))
	}
	return fmt.Sprintf("checkpoint: seqs 1…%d of alliance %s have its root %s; %s; %s",
		cp.Size, cp.AllianceID, cp.RootBase64(), signed, cosigned)
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

// verifyWitnesses is the repeatable --witness flag: witness verifier keys,
// name+id+key, each as given.
type verifyWitnesses []string

func (w *verifyWitnesses) String() string { return strings.Join(*w, ",") }

func (w *verifyWitnesses) Set(v string) error {
	v = strings.TrimSpace(v)
	if _, err := transparency.ParseWitnessKey(v); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "transparency: "))
	}
	*w = append(*w, v)
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
