package projections

import (
	"hash/fnv"
	"time"

	"accord/domain"
	"accord/eventstore"
)

// The directory holds a few facts of every alliance in the log — what a
// listing, the successors index and the deadline closer need — so that
// none of them has to load an alliance's read model. It is kept current by
// every record the projection sees, loaded or not, and costs a few hundred
// bytes an alliance however long its history. Snapshots store it in
// dirShards shards (see directory_store.go), so start-up reads it instead
// of replaying the log.

// dirEntry is what the directory knows of one alliance.
type dirEntry struct {
	Name        string               `json:"name"`
	Purpose     string               `json:"purpose"`
	FormedAt    time.Time            `json:"formed_at"`
	Predecessor *domain.AllianceHead `json:"predecessor,omitempty"`
	// Seq is the alliance seq of its last event seen, and StreamSeq the
	// stream seq of the message that holds it.
	Seq       uint64 `json:"seq"`
	StreamSeq uint64 `json:"stream_seq"`
	// Deadlines maps each proposal whose vote is open with a closes_at to
	// that instant.
	Deadlines map[string]time.Time `json:"deadlines,omitempty"`
}

// dirShards is how many shards the directory is stored in: at 100,000
// alliances each holds about a hundred entries, far from the bucket's
// value limit even at ten times that.
const dirShards = 1024

// dirShard returns the shard that holds an alliance's entry.
func dirShard(allianceID string) int {
	h := fnv.New32a()
	h.Write([]byte(allianceID))
	return int(h.Sum32() % dirShards)
}

// Deadline is a vote that closes by itself at At.
type Deadline struct {
	AllianceID string
	ProposalID string
	At         time.Time
}

// observeDirectory notes rec in the directory, under the write lock, and
// reports whether the record was new to it. Records at or below an
// alliance's known head are ignored, so replaying a stretch of the log
// twice changes nothing.
func (p *Projection) observeDirectory(rec eventstore.Record) bool {
	aid := rec.Event.AllianceID
	e, ok := p.dir[aid]
	if ok && rec.Event.Seq <= e.Seq {
		return false
	}
	if !ok {
		e = &dirEntry{}
		p.dir[aid] = e
	}
	switch d := rec.Event.Data.(type) {
	case domain.AllianceFormed:
		e.Name, e.Purpose, e.FormedAt, e.Predecessor = d.Name, d.Purpose, rec.Event.At, d.Predecessor
		p.indexSuccessor(aid, e)
	case domain.VotingOpened:
		if d.ClosesAt != nil {
			if e.Deadlines == nil {
				e.Deadlines = map[string]time.Time{}
			}
			e.Deadlines[d.ProposalID] = *d.ClosesAt
		}
	case domain.VotingClosed:
		delete(e.Deadlines, d.ProposalID)
	}
	e.Seq, e.StreamSeq = rec.Event.Seq, rec.StreamSeq
	p.dirDirty[dirShard(aid)] = true
	return true
}

// Deadlines returns every open vote that closes by itself, as the
// directory knows them.
func (p *Projection) Deadlines() []Deadline {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var out []Deadline
	for aid, e := range p.dir {
		for pid, at := range e.Deadlines {
			out = append(out, Deadline{AllianceID: aid, ProposalID: pid, At: at})
		}
	}
	return out
}
