package transparency

import "errors"

// The errors of this package. Every error it returns wraps exactly one of
// them (test with errors.Is) and adds a message that names what failed; the
// one exception is a failing random source given to a key generator, whose
// own error is wrapped instead.
var (
	// ErrRange: a leaf index or tree size beyond the tree, or sizes in the
	// wrong order.
	ErrRange = errors.New("transparency: out of range")

	// ErrMalformed: input that does not parse as the format it claims to be
	// (a checkpoint body, a signed note, a cosignature line, a proof file, a
	// tree snapshot).
	ErrMalformed = errors.New("transparency: malformed")

	// ErrKey: a key that does not parse or is of the wrong type (a log key
	// file, a verifier key, a witness key or key file), or an unusable key
	// name.
	ErrKey = errors.New("transparency: bad key")

	// ErrSignature: a required signature is missing, or a signature by a
	// known key does not verify.
	ErrSignature = errors.New("transparency: signature does not verify")

	// ErrOrigin: a checkpoint names another log than the key it was opened
	// with.
	ErrOrigin = errors.New("transparency: wrong origin")

	// ErrUnknownWitness: a cosignature made by none of the given witness keys.
	ErrUnknownWitness = errors.New("transparency: unknown witness")

	// ErrQuorum: fewer valid cosignatures than required, or a quorum that no
	// set of the given witnesses could reach.
	ErrQuorum = errors.New("transparency: quorum not met")

	// ErrProof: an inclusion or consistency proof that does not verify.
	ErrProof = errors.New("transparency: proof does not verify")
)
