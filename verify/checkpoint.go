package verify

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"accord/transparency"
)

// Checkpoint is a signed checkpoint of one alliance's log whose signatures
// were checked (OpenCheckpoint): what an export is held to with
// Options.Checkpoint.
type Checkpoint struct {
	AllianceID string   `json:"alliance_id"`
	Size       uint64   `json:"size"` // it covers seqs 1…Size
	Root       [32]byte `json:"-"`
	// LogSigned is set when the log's signature was checked with the
	// verifier key given; without one, only the cosignatures vouch for it.
	LogSigned bool `json:"log_signed"`
	// Cosigners are the key names of the given witnesses whose cosignature
	// verified, in the note's order; Witnesses is how many were given.
	Cosigners []string `json:"cosigners"`
	Witnesses int      `json:"witnesses"`
}

// ProofError is a checkpoint, cosignature or receipt that does not hold:
// Reason says which and why, Err is the transparency error behind it (nil
// when the export, not the note, falls short).
type ProofError struct {
	Reason string
	Err    error
}

// Error returns the reason.
func (e *ProofError) Error() string { return e.Reason }

// Unwrap returns the transparency error, so errors.Is(err,
// transparency.ErrQuorum) and the like work.
func (e *ProofError) Unwrap() error { return e.Err }

// OpenCheckpoint checks a signed checkpoint note: that the log's signature
// verifies with logVKey (skipped when logVKey is ""), and that at least
// quorum of the given witness verifier keys cosigned it (quorum 0: all of
// them). It returns the checkpoint, or a *ProofError naming what fails: a
// key that does not parse, a note that is not a checkpoint, a signature or
// cosignature that does not verify, or too few cosignatures.
func OpenCheckpoint(note []byte, logVKey string, witnesses []string, quorum int) (Checkpoint, error) {
	if quorum == 0 {
		quorum = len(witnesses)
	}
	var cp transparency.Checkpoint
	var cosigs []transparency.Cosignature
	var err error
	if logVKey != "" {
		cp, cosigs, err = transparency.VerifyCosigned(note, logVKey, witnesses, quorum)
	} else {
		cp, cosigs, err = openUnsigned(note, witnesses, quorum)
	}
	if err != nil {
		return Checkpoint{}, checkpointFailure(err, cosigs, len(witnesses))
	}
	aid, ok := strings.CutPrefix(cp.Origin, transparency.Origin(""))
	if !ok || aid == "" {
		return Checkpoint{}, &ProofError{Reason: fmt.Sprintf("the checkpoint's origin %q is not an accord alliance's (accord/<alliance id>)", cp.Origin)}
	}
	out := Checkpoint{AllianceID: aid, Size: cp.Size, Root: cp.Root, LogSigned: logVKey != "", Witnesses: len(witnesses)}
	for _, c := range cosigs {
		out.Cosigners = append(out.Cosigners, c.Witness.Name())
	}
	return out, nil
}

// checkpointFailure names what a failed opening of a checkpoint shows.
func checkpointFailure(err error, cosigs []transparency.Cosignature, given int) error {
	reason := trimPkg(err)
	switch {
	case errors.Is(err, transparency.ErrQuorum) && given > 0:
		names := make([]string, len(cosigs))
		for i, c := range cosigs {
			names[i] = c.Witness.Name()
		}
		reason = fmt.Sprintf("too few witnesses: %s (cosigned by: %s)", detail(err, transparency.ErrQuorum), orNone(names))
	case errors.Is(err, transparency.ErrKey):
		reason = "a verifier key does not parse: " + detail(err, transparency.ErrKey)
	case errors.Is(err, transparency.ErrSignature):
		reason = "a signature does not verify: " + detail(err, transparency.ErrSignature)
	case errors.Is(err, transparency.ErrOrigin):
		reason = "the checkpoint is of another log than the key: " + detail(err, transparency.ErrOrigin)
	case errors.Is(err, transparency.ErrMalformed):
		reason = "not a signed checkpoint: " + detail(err, transparency.ErrMalformed)
	}
	return &ProofError{Reason: reason, Err: err}
}

// detail returns err's message after the sentinel's own, which the
// transparency package writes first ("<sentinel>: <detail>").
func detail(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error()+": ")
}

// trimPkg returns err's message without the package name that opens it.
func trimPkg(err error) string { return strings.TrimPrefix(err.Error(), "transparency: ") }

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// openUnsigned opens a checkpoint note without the log's key: it parses the
// text and verifies the cosignatures of the given witnesses, as
// transparency.VerifyCosigned does with the log's signature left out. A
// line of another key (the log's, or a witness not given) is passed over;
// one of a given witness that does not verify refuses the note.
func openUnsigned(note []byte, witnessVKeys []string, quorum int) (transparency.Checkpoint, []transparency.Cosignature, error) {
	keys := make([]transparency.WitnessKey, 0, len(witnessVKeys))
	listed := map[string]bool{}
	for _, v := range witnessVKeys {
		k, err := transparency.ParseWitnessKey(v)
		if err != nil {
			return transparency.Checkpoint{}, nil, err
		}
		if listed[k.String()] {
			return transparency.Checkpoint{}, nil, fmt.Errorf("%w: witness key %s is listed twice", transparency.ErrKey, k.Name())
		}
		listed[k.String()] = true
		keys = append(keys, k)
	}
	if quorum < 0 || quorum > len(keys) {
		return transparency.Checkpoint{}, nil, fmt.Errorf("%w: a quorum of %d among %d witnesses", transparency.ErrQuorum, quorum, len(keys))
	}
	text, sigs, ok := splitNote(note)
	if !ok {
		return transparency.Checkpoint{}, nil, fmt.Errorf("%w: a signed note is text, a blank line and signature lines", transparency.ErrMalformed)
	}
	cp, err := transparency.ParseCheckpoint(text)
	if err != nil {
		return transparency.Checkpoint{}, nil, err
	}
	cosigs, err := cosignaturesOf(cp, sigs, keys)
	if err == nil && len(cosigs) < quorum {
		err = fmt.Errorf("%w: %d of %d witnesses cosigned the checkpoint, %d required", transparency.ErrQuorum, len(cosigs), len(keys), quorum)
	}
	return cp, cosigs, err
}

// cosignaturesOf verifies the signature lines of the given witnesses, one
// per key.
func cosignaturesOf(cp transparency.Checkpoint, sigs []byte, keys []transparency.WitnessKey) ([]transparency.Cosignature, error) {
	var out []transparency.Cosignature
	seen := map[string]bool{}
	for line := range bytes.Lines(sigs) {
		c, err := transparency.VerifyCosignature(cp, line, keys)
		if errors.Is(err, transparency.ErrUnknownWitness) {
			continue
		}
		if err != nil {
			return out, err
		}
		if k := c.Witness.String(); !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	return out, nil
}

// splitNote splits a signed note into its text (with its final newline)
// and its signature lines: the text ends at the last blank line.
func splitNote(note []byte) (text, sigs []byte, ok bool) {
	i := bytes.LastIndex(note, []byte("\n\n"))
	if i < 0 || !bytes.HasSuffix(note, []byte("\n")) || i+2 == len(note) {
		return nil, nil, false
	}
	return note[:i+1], note[i+2:], true
}

// RootBase64 returns the checkpoint's root as the note writes it.
func (c Checkpoint) RootBase64() string { return base64.StdEncoding.EncodeToString(c.Root[:]) }

// heldTo is an export being held to a checkpoint: the tree of the
// checkpoint's alliance's lines, seqs 1…Size, as they are checked.
type heldTo struct {
	cp   Checkpoint
	tree frontier
}

// add takes a checked line into the tree when it is of the checkpoint's
// alliance and within its size.
func (h *heldTo) add(allianceID string, seq uint64, line []byte) {
	if h == nil || allianceID != h.cp.AllianceID || seq != h.tree.size+1 || seq > h.cp.Size {
		return
	}
	h.tree.push(transparency.LeafHash(line))
}

// check compares the tree of the lines read with the checkpoint: a
// *ProofError when the export holds fewer of the alliance's events than
// the checkpoint covers, or they do not hash to its root.
func (h *heldTo) check() error {
	if h == nil {
		return nil
	}
	if h.tree.size < h.cp.Size {
		return &ProofError{Reason: fmt.Sprintf(
			"the checkpoint covers seqs 1…%d of alliance %s, but the input holds only %d of them: it is cut short, or is another alliance's",
			h.cp.Size, h.cp.AllianceID, h.tree.size)}
	}
	if root := h.tree.root(); root != h.cp.Root {
		return &ProofError{Reason: fmt.Sprintf(
			"the Merkle root of seqs 1…%d of alliance %s is %s, the checkpoint's is %s: these are not the events the log signed",
			h.cp.Size, h.cp.AllianceID, base64.StdEncoding.EncodeToString(root[:]), h.cp.RootBase64())}
	}
	return nil
}
