// Package transparency makes each alliance's event log a transparency log in
// the sense of RFC 6962 and the C2SP specifications (tlog-checkpoint,
// signed-note, tlog-cosignature, tlog-proof), so that anyone can hold the
// operator to what it showed before. It is pure: no I/O, no clock, and
// randomness only from the io.Reader a key generator is given.
//
// # The tree
//
// Leaf i (0-based) is the stored line of seq i+1, its exact bytes without a
// newline. Leaf hash = SHA-256(0x00 ‖ line); interior node =
// SHA-256(0x01 ‖ left ‖ right); the tree of size N covers seqs 1…N, and the
// empty tree's root is SHA-256 of nothing (RFC 6962 §2.1). Tree keeps every
// complete subtree's hash, so roots, inclusion proofs (audit paths) and
// consistency proofs for any past size are answered in O(log N); a snapshot
// of it (MarshalBinary) is 55 bytes plus 32 per leaf.
//
// # Checkpoints and the log key
//
// A checkpoint body is exactly three lines, with no extension lines:
//
//	accord/<alliance_id>
//	<N, decimal, no leading zeroes>
//	<standard base64 of the 32-byte root of the tree of size N>
//
// It is signed as a signed note with one Ed25519 log key for every
// alliance, under the key name of the origin, accord/<alliance_id>: the body,
// a blank line, then
//
//	— accord/<alliance_id> base64(key id ‖ 64-byte Ed25519 signature of the body)
//
// where key id = SHA-256("accord/<alliance_id>" ‖ "\n" ‖ 0x01 ‖ public key)[:4]
// as 4 big-endian bytes. The verifier key of alliance X is the standard
// signed-note vkey
//
//	accord/X+<key id, 8 lower-case hex digits>+<base64(0x01 ‖ 32-byte public key)>
//
// The log key file is one line, "accord-log-key/v1 " and the standard
// base64 of the 32-byte Ed25519 seed, then a newline.
//
// # Witnesses and cosignatures
//
// A witness key is an Ed25519 key of signed-note type 0x04 (C2SP
// cosignature/v1). Its verifier key is
//
//	<name>+<key id>+<base64(0x04 ‖ 32-byte public key)>
//
// with key id = SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4], and its private
// key file the signed-note signer key form of the same type,
// "PRIVATE+KEY+<name>+<key id>+<base64(0x04 ‖ 32-byte seed)>" and a newline.
// A cosignature at Unix time T (seconds) is an Ed25519 signature over
//
//	cosignature/v1
//	time <T, decimal>
//	<the checkpoint body>
//
// written as one more signature line of the checkpoint note,
//
//	— <name> base64(key id ‖ T as 8 big-endian bytes ‖ 64-byte signature)
//
// A checkpoint "with its cosignatures" is the log's signed note with such
// lines appended, one per witness key (AddCosignatures). VerifyCosigned
// checks the log's signature and counts the given witnesses whose
// cosignature verifies; lines of other keys are ignored, and a bad line of a
// given key refuses the note.
//
// # Receipts
//
// The inclusion proof of the event of seq S in the tree of size N is a C2SP
// tlog-proof:
//
//	c2sp.org/tlog-proof@v1
//	index <S-1>
//	<base64 of each hash of the RFC 6962 audit path, leaf's sibling first, one a line>
//	(a blank line)
//	<the checkpoint of size N as a signed note, with its cosignatures>
//
// accord writes no "extra" line; ParseInclusionProof accepts one, as the
// specification allows, and returns it unauthenticated. VerifyReceipt checks
// such a file against an event line and the log's verifier key.
//
// # Errors
//
// Every error wraps one of ErrRange, ErrMalformed, ErrKey, ErrSignature,
// ErrOrigin, ErrUnknownWitness, ErrQuorum or ErrProof (match with
// errors.Is), except that a key generator returns its random source's error.
package transparency
