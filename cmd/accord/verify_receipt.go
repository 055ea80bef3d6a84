package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"accord/verify"
)

const receiptAbout = `Usage: accord verify receipt FILE.tlog-proof --event LINE-FILE --log-key VKEY [--witness VKEY]... [--quorum K]

Checks an event's receipt offline: FILE.tlog-proof is what
GET /v1/alliances/{aid}/proofs/inclusion?seq=S answered (a C2SP tlog-proof
ending with a signed checkpoint), LINE-FILE holds the event's stored line
(from the export, or as the API carried it). It holds when the log's
signature on the checkpoint verifies with --log-key, at least K of the
witnesses given by --witness cosigned it (--quorum K; default: all of them),
and the line is the leaf of its seq in that checkpoint's tree: the event is
in the log the witnesses saw, exactly as given.

Exit status: 0 when it holds, 1 naming what fails, 2 for a usage or read
error. The format is specified in docs/VERIFYING.md.

Flags:
`

// receiptCommand is `accord verify receipt`. It returns the exit status.
func receiptCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("accord verify receipt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var p proofFlags
	event := fs.String("event", "", "`LINE-FILE`, a file holding the event's stored line")
	p.register(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), receiptAbout)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := checkReceiptFlags(fs, *event, &p); err != nil {
		fmt.Fprintln(stderr, "accord verify receipt:", err)
		fs.Usage()
		return 2
	}
	proof, line, err := readReceipt(fs.Arg(0), *event)
	if err != nil {
		fmt.Fprintln(stderr, "accord verify receipt:", err)
		return 2
	}
	r, err := verify.VerifyReceipt(proof, line, p.logKey, p.witnesses, p.quorum)
	if err != nil {
		fmt.Fprintf(stdout, "FAIL: receipt %s: %s\n", fs.Arg(0), err)
		return 1
	}
	fmt.Fprintf(stdout, "OK: seq %d of alliance %s (%s, hash %s) is in the log's tree of size %d.\n",
		r.Seq, r.AllianceID, r.Type, r.Hash, r.Checkpoint.Size)
	fmt.Fprintln(stdout, checkpointLine(r.Checkpoint))
	return 0
}

// checkReceiptFlags refuses a call without one receipt, its event or the
// log's key.
func checkReceiptFlags(fs *flag.FlagSet, event string, p *proofFlags) error {
	switch {
	case fs.NArg() != 1:
		return errors.New("give one receipt FILE")
	case event == "":
		return errors.New("give the event's line with --event LINE-FILE")
	case p.logKey == "":
		return errors.New("give the log's verifier key with --log-key VKEY")
	}
	return p.check(fs)
}

// readReceipt reads the receipt and the event's one line.
func readReceipt(proofFile, eventFile string) (proof, line []byte, err error) {
	if proof, err = os.ReadFile(proofFile); err != nil {
		return nil, nil, err
	}
	if line, err = os.ReadFile(eventFile); err != nil {
		return nil, nil, err
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	if bytes.Contains(line, []byte("\n")) {
		return nil, nil, fmt.Errorf("%s holds more than one line: give the one event the receipt is for", eventFile)
	}
	return proof, line, nil
}
