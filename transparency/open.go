package transparency

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// OpenCheckpoint verifies a signed checkpoint note with the alliance's log
// verifier key (type 0x01, named by the origin) and returns the checkpoint.
// Other signature lines, such as witness cosignatures, are ignored. It
// returns an error wrapping
//   - ErrKey when logVKey does not parse or is not an Ed25519 note key;
//   - ErrMalformed when note is not a signed note, or its text not a
//     checkpoint body (extension lines, a bad size or root encoding);
//   - ErrSignature when no signature of the log key is on it, or one does
//     not verify;
//   - ErrOrigin when the checkpoint names another log than the key.
func OpenCheckpoint(signed []byte, logVKey string) (Checkpoint, error) {
	log, err := parseLogVKey(logVKey)
	if err != nil {
		return Checkpoint{}, err
	}
	cp, _, err := openCheckpoint(signed, log, nil)
	return cp, err
}

// openCheckpoint opens signed with the log's verifier and the given
// witness verifiers, requires the log's signature, and parses the text. It
// returns the checkpoint and the opened note, whose Sigs are the
// signatures that verified.
func openCheckpoint(signed []byte, log logVerifier, witnesses []note.Verifier) (Checkpoint, *note.Note, error) {
	known := append([]note.Verifier{log}, witnesses...)
	n, err := note.Open(signed, note.VerifierList(known...))
	if err != nil {
		return Checkpoint{}, nil, noteError(err, log)
	}
	if !hasSignature(n, log.origin, log.id) {
		return Checkpoint{}, nil, fmt.Errorf("%w: the checkpoint carries no signature of the log key %s", ErrSignature, log.origin)
	}
	cp, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, nil, err
	}
	if cp.Origin != log.origin {
		return Checkpoint{}, nil, fmt.Errorf("%w: the checkpoint is of %q, the key of %q", ErrOrigin, cp.Origin, log.origin)
	}
	return cp, n, nil
}

// hasSignature reports whether a verified signature of key (name, id) is on n.
func hasSignature(n *note.Note, name string, id uint32) bool {
	for _, s := range n.Sigs {
		if s.Name == name && s.Hash == id {
			return true
		}
	}
	return false
}

// noteError translates note.Open's errors into this package's.
func noteError(err error, log logVerifier) error {
	var unverified *note.UnverifiedNoteError
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &unverified):
		return fmt.Errorf("%w: the checkpoint carries no signature of the log key %s", ErrSignature, log.origin)
	case errors.As(err, &invalid):
		return fmt.Errorf("%w: the signature of %s (key id %08x) on the checkpoint does not verify", ErrSignature, invalid.Name, invalid.Hash)
	default:
		return fmt.Errorf("%w: not a signed note: %v", ErrMalformed, err)
	}
}
