package transparency

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
)

// The lines of a C2SP tlog-proof that precede the audit path.
const (
	proofHeader = "c2sp.org/tlog-proof@v1"
	extraPrefix = "extra "
	indexPrefix = "index "
)

// maxPathLen bounds an audit path: a tree of at most 2^64 leaves is at most
// 64 levels deep.
const maxPathLen = 64

// InclusionProof is a parsed C2SP tlog-proof: the proof that the leaf at
// Index is in the tree of the checkpoint that ends it.
type InclusionProof struct {
	Extra      []byte     // the optional extra data, unauthenticated; nil when absent (accord writes none)
	Index      uint64     // the leaf's 0-based index: seq-1
	Path       [][32]byte // the RFC 6962 audit path, from the leaf's sibling up
	Checkpoint []byte     // the signed checkpoint note, verbatim, with its cosignatures
}

// FormatInclusionProof returns the C2SP tlog-proof of leaf index (seq-1):
//
//	c2sp.org/tlog-proof@v1
//	index <index>
//	<base64 hash>            one line per hash of the audit path
//	                         (a blank line)
//	<the signed checkpoint note, verbatim>
//
// It writes no extra line. checkpointNote is copied as it is.
func FormatInclusionProof(index uint64, path [][32]byte, checkpointNote []byte) []byte {
	out := make([]byte, 0, len(proofHeader)+30+len(path)*45+1+len(checkpointNote))
	out = append(out, proofHeader+"\n"+indexPrefix...)
	out = strconv.AppendUint(out, index, 10)
	out = append(out, '\n')
	for _, h := range path {
		out = base64.StdEncoding.AppendEncode(out, h[:])
		out = append(out, '\n')
	}
	out = append(out, '\n')
	return append(out, checkpointNote...)
}

// ParseInclusionProof parses a C2SP tlog-proof. It returns an error wrapping
// ErrMalformed unless the file has the header line, an optional extra line
// of base64, an index line (decimal, no leading zeroes), at most 64 lines
// each the standard base64 of 32 bytes, a blank line and a non-empty
// checkpoint. The checkpoint is not opened here.
func ParseInclusionProof(file []byte) (InclusionProof, error) {
	var p InclusionProof
	rest, ok := cutLine(file, proofHeader)
	if !ok {
		return p, fmt.Errorf("%w: a proof starts with the line %s", ErrMalformed, proofHeader)
	}
	line, after, _ := bytes.Cut(rest, []byte("\n"))
	if extra, ok := bytes.CutPrefix(line, []byte(extraPrefix)); ok {
		decoded, err := decodeBase64(string(extra))
		if err != nil {
			return p, fmt.Errorf("%w: the proof's extra line is not base64", ErrMalformed)
		}
		p.Extra, rest = decoded, after
	}
	line, rest, _ = bytes.Cut(rest, []byte("\n"))
	digits, ok := bytes.CutPrefix(line, []byte(indexPrefix))
	if ok {
		p.Index, ok = parseDecimal(string(digits))
	}
	if !ok {
		return p, fmt.Errorf("%w: the proof has no line \"index <decimal>\" after its header", ErrMalformed)
	}
	path, rest, err := parsePath(rest)
	if err != nil {
		return p, err
	}
	p.Path, p.Checkpoint = path, rest
	return p, nil
}

// parsePath reads hash lines up to the blank line and returns them and what
// follows that line, which must not be empty.
func parsePath(rest []byte) ([][32]byte, []byte, error) {
	var path [][32]byte
	for {
		line, after, found := bytes.Cut(rest, []byte("\n"))
		if !found {
			return nil, nil, fmt.Errorf("%w: the proof has no blank line before its checkpoint", ErrMalformed)
		}
		rest = after
		if len(line) == 0 {
			break
		}
		h, err := decodeBase64(string(line))
		if err != nil || len(h) != HashSize || len(path) == maxPathLen {
			return nil, nil, fmt.Errorf("%w: proof line %d is not the base64 of a 32-byte hash, or the path is over %d hashes", ErrMalformed, len(path)+1, maxPathLen)
		}
		path = append(path, [32]byte(h))
	}
	if len(rest) == 0 {
		return nil, nil, fmt.Errorf("%w: the proof ends without its checkpoint", ErrMalformed)
	}
	return path, rest, nil
}

// cutLine removes want and a newline from the start of b.
func cutLine(b []byte, want string) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(b, []byte(want+"\n"))
	return rest, ok
}

// VerifyReceipt checks an inclusion proof file (a receipt) for an event
// line (its stored bytes, without the newline) against the alliance's log
// verifier key, and returns the leaf index (seq-1) and the checkpoint it
// proves inclusion in. Cosignatures on the checkpoint are ignored; see
// VerifyReceiptCosigned. The error wraps ErrMalformed for a file that does
// not parse, the errors of OpenCheckpoint for its checkpoint, and ErrProof
// when the line is not the leaf at that index of that tree.
func VerifyReceipt(proofFile, eventLine []byte, logVKey string) (uint64, Checkpoint, error) {
	return verifyReceipt(proofFile, eventLine, func(signed []byte) (Checkpoint, error) {
		return OpenCheckpoint(signed, logVKey)
	})
}

// VerifyReceiptCosigned is VerifyReceipt that also requires at least quorum
// of the given witnesses to have cosigned the receipt's checkpoint, with the
// errors of VerifyCosigned.
func VerifyReceiptCosigned(proofFile, eventLine []byte, logVKey string, witnessVKeys []string, quorum int) (uint64, Checkpoint, error) {
	return verifyReceipt(proofFile, eventLine, func(signed []byte) (Checkpoint, error) {
		cp, _, err := VerifyCosigned(signed, logVKey, witnessVKeys, quorum)
		return cp, err
	})
}

// verifyReceipt parses the proof, opens its checkpoint with open, and
// checks the audit path.
func verifyReceipt(proofFile, eventLine []byte, open func([]byte) (Checkpoint, error)) (uint64, Checkpoint, error) {
	p, err := ParseInclusionProof(proofFile)
	if err != nil {
		return 0, Checkpoint{}, err
	}
	cp, err := open(p.Checkpoint)
	if err != nil {
		return 0, Checkpoint{}, err
	}
	if err := VerifyInclusion(p.Index, cp.Size, LeafHash(eventLine), p.Path, cp.Root); err != nil {
		return 0, Checkpoint{}, err
	}
	return p.Index, cp, nil
}
