package eventstore

import (
	"crypto/rand"
	"sync"
	"time"

	"accord/domain"
)

// eventIDs draws the random bits of event ids (version 7 uuids, see
// domain.TimeID) from a buffer filled 4 KiB at a time: one crypto/rand read
// per 409 ids rather than one per event, which would cost a good part of an
// append.
var eventIDs randPool

// randPool hands out random bytes from a buffer it refills when spent.
type randPool struct {
	mu   sync.Mutex
	buf  [4096]byte
	left int
}

// newEventID returns a new version 7 uuid for an event stored now.
func newEventID() string { return domain.TimeID(time.Now(), eventIDs.next()) }

// next returns ten random bytes never handed out before.
func (p *randPool) next() [10]byte {
	var r [10]byte
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.left < len(r) {
		_, _ = rand.Read(p.buf[:]) // never fails (crypto/rand crashes the process instead)
		p.left = len(p.buf)
	}
	copy(r[:], p.buf[len(p.buf)-p.left:])
	p.left -= len(r)
	return r
}
