package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"accord/domain"
	"accord/verify"
)

// checkPredecessor checks the succession link of the first alliance of a
// verified export: its AllianceFormed names a predecessor, and pfile, that
// predecessor's export, verifies and holds the named event at the named seq
// with the named hash. It returns the line that says so and exit status 0;
// or, having printed why, 1 when the link does not hold (FAIL on stdout)
// and 2 when pfile cannot be read (on stderr).
func checkPredecessor(stdout, stderr io.Writer, pfile string, sum verify.Verification) (string, int) {
	first := sum.Alliances[0]
	link := first.Predecessor
	if link == nil {
		fmt.Fprintf(stdout, "FAIL: predecessor %s: seq 1 of alliance %s names no predecessor: it succeeds no alliance\n", pfile, first.AllianceID)
		return "", 1
	}
	f, err := os.Open(pfile)
	if err != nil {
		fmt.Fprintln(stderr, "accord verify: predecessor:", err)
		return "", 2
	}
	defer f.Close()
	psum, err := verify.Verify(f, verify.Options{Expect: []domain.AllianceHead{*link}})
	var ce *verify.ChainError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(stdout, "FAIL: predecessor %s, named by seq 1 of alliance %s: %s\n", pfile, first.AllianceID, ce)
		return "", 1
	case err != nil:
		fmt.Fprintf(stderr, "accord verify: reading predecessor %s: %v\n", pfile, err)
		return "", 2
	}
	return fmt.Sprintf("predecessor: %s holds seq %d of alliance %s with hash %s, as seq 1 of alliance %s names it; %s verified, every chain holds",
		pfile, link.Seq, link.AllianceID, link.Hash, first.AllianceID, count(psum.Events, "event")), 0
}
