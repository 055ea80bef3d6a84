package domain

import (
	"encoding/binary"
	"time"

	"github.com/google/uuid"
)

// The domain is where accord's packages get their uuids formatted and
// parsed, so that only it imports the uuid package; it draws no randomness
// and reads no clock itself: those are the caller's.

// NameID returns the name-based uuid (version 5, SHA-1) of name in the URL
// namespace: the same id for the same name everywhere, such as the admin's
// actor id. It never fails.
func NameID(name string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(name)).String()
}

// TimeID returns the version 7 uuid of at's millisecond and ten random
// bytes the caller drew: ids made this way sort by time. It never fails.
func TimeID(at time.Time, random [10]byte) string {
	var u uuid.UUID
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(at.UnixMilli()))
	copy(u[:6], ms[2:])
	copy(u[6:], random[:])
	u[6] = u[6]&0x0f | 0x70 // version 7
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u.String()
}

// CanonicalID returns s in lower case and true when s is a uuid in its
// 36-character hyphenated form; "" and false otherwise.
func CanonicalID(s string) (string, bool) {
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return "", false
	}
	return id.String(), true
}
