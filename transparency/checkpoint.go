package transparency

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
)

// originPrefix starts the origin of every alliance's log.
const originPrefix = "accord/"

// Origin returns the origin line (and log key name) of an alliance's log,
// "accord/<allianceID>".
func Origin(allianceID string) string {
	return originPrefix + allianceID
}

// Checkpoint is a C2SP tlog-checkpoint: the head of one alliance's tree.
type Checkpoint struct {
	Origin string   // "accord/<alliance_id>"
	Size   uint64   // the number of leaves, seqs 1…Size
	Root   [32]byte // the RFC 6962 root of the tree of that size
}

// Body returns the checkpoint's note text, exactly three lines:
//
//	<origin>\n<size in decimal>\n<base64 root>\n
//
// It does not validate the origin; SignCheckpoint does.
func (c Checkpoint) Body() []byte {
	b := make([]byte, 0, len(c.Origin)+66)
	b = append(b, c.Origin...)
	b = append(b, '\n')
	b = strconv.AppendUint(b, c.Size, 10)
	b = append(b, '\n')
	b = base64.StdEncoding.AppendEncode(b, c.Root[:])
	return append(b, '\n')
}

// ParseCheckpoint parses a checkpoint body as Body writes it. It returns an
// error wrapping ErrMalformed unless body is exactly three newline-terminated
// lines: an origin that is a valid key name, a size in decimal without
// leading zeroes, and the standard base64 of 32 bytes. Extension lines are
// refused: accord's checkpoints have none.
func ParseCheckpoint(body []byte) (Checkpoint, error) {
	lines := bytes.Split(body, []byte("\n"))
	if len(lines) != 4 || len(lines[3]) != 0 {
		return Checkpoint{}, fmt.Errorf("%w: a checkpoint is three lines, each ending in a newline, with no extension lines", ErrMalformed)
	}
	origin := string(lines[0])
	if !validKeyName(origin) {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint origin %q is empty or holds a space or '+'", ErrMalformed, origin)
	}
	size, ok := parseDecimal(string(lines[1]))
	if !ok {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint size %q is not a decimal without leading zeroes", ErrMalformed, lines[1])
	}
	root, err := decodeBase64(string(lines[2]))
	if err != nil || len(root) != HashSize {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint root %q is not the base64 of 32 bytes", ErrMalformed, lines[2])
	}
	return Checkpoint{Origin: origin, Size: size, Root: [32]byte(root)}, nil
}
