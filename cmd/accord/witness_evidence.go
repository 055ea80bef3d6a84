package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// refusal is a checkpoint the witness will not cosign: why, and the path
// its evidence files start with.
type refusal struct {
	reason   string
	evidence string
}

func (r *refusal) Error() string { return "refused to cosign: " + r.reason }

// refusedBefore is the last checkpoint refused for an alliance.
type refusedBefore struct {
	sum      string // SHA-256 of the served note
	evidence string
}

// refuse writes the evidence of a refused checkpoint and returns the
// *refusal. The same note refused again (a long run polling a server that
// keeps lying) is not written down again.
func (w *witness) refuse(st *witnessed, served []byte, reason string) error {
	sum := sha256.Sum256(served)
	key := hex.EncodeToString(sum[:])
	if before, ok := w.refused[st.aid]; ok && before.sum == key {
		return &refusal{reason: reason, evidence: before.evidence}
	}
	base, err := w.writeEvidence(st, served, reason)
	if err != nil {
		return fmt.Errorf("refused to cosign (%s), and could not write the evidence: %w", reason, err)
	}
	w.refused[st.aid] = refusedBefore{sum: key, evidence: base}
	return &refusal{reason: reason, evidence: base}
}

// writeEvidence writes, to DIR/evidence/<aid>-<UTC time>.*, the checkpoint
// served (.served.checkpoint), the one cosigned before if any
// (.cosigned.checkpoint) and why it was refused (.reason.txt), and returns
// the path they start with.
func (w *witness) writeEvidence(st *witnessed, served []byte, reason string) (string, error) {
	dir := filepath.Join(w.dir, "evidence")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	at := w.now().UTC()
	base := filepath.Join(dir, st.aid+"-"+at.Format("20060102T150405.000000000Z"))
	var text strings.Builder
	fmt.Fprintf(&text, "alliance %s\ntime %s\nwitness %s\nlog key %s\nreason %s\n", st.aid, at.Format(time.RFC3339Nano),
		w.signer.WitnessKey().String(), st.logVKey, reason)
	fmt.Fprintf(&text, "served %s\n", filepath.Base(base)+".served.checkpoint")
	files := map[string][]byte{".served.checkpoint": served}
	if st.note != nil {
		fmt.Fprintf(&text, "cosigned before %s (size %d, root %s)\n", filepath.Base(base)+".cosigned.checkpoint", st.cp.Size, b64(st.cp.Root))
		files[".cosigned.checkpoint"] = st.note
	}
	files[".reason.txt"] = []byte(text.String())
	for suffix, data := range files {
		if err := writeAtomic(base+suffix, data); err != nil {
			return "", err
		}
	}
	return base, nil
}
