package transparency

import "crypto/sha256"

// HashSize is the size of every hash in the tree: SHA-256.
const HashSize = sha256.Size

// RFC 6962 §2.1 domain separation: a leaf hash and an interior node hash are
// prefixed with different bytes, so no leaf can pose as a node.
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// LeafHash returns the RFC 6962 leaf hash of line, SHA-256(0x00 ‖ line).
// In accord, line is the stored bytes of one event, without its newline.
func LeafHash(line []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte{leafPrefix})
	h.Write(line)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// NodeHash returns the RFC 6962 interior node hash SHA-256(0x01 ‖ l ‖ r).
func NodeHash(l, r [32]byte) [32]byte {
	var buf [1 + 2*HashSize]byte
	buf[0] = nodePrefix
	copy(buf[1:], l[:])
	copy(buf[1+HashSize:], r[:])
	return sha256.Sum256(buf[:])
}

// EmptyRoot returns the root of the tree of size 0, SHA-256 of nothing.
func EmptyRoot() [32]byte {
	return sha256.Sum256(nil)
}
