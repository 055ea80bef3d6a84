package projections

import (
	"hash/fnv"
	"time"

	"accord/domain"
	"accord/eventstore"
)

// The directory holds a few facts of every alliance in the log — what a
// listing, the successors index and the deadline closer need — so that
// none of them has to load an alliance's read model. It lives in dirShards
// shards in the snapshot bucket (directory_store.go); an instance holds in
// memory only:
//
//   - the entries of the alliances whose records it saw since it last
//     stored the directory (recent), until they are stored;
//   - every open vote with a deadline (deadlines);
//   - the successors index (successors.go);
//
// so its memory grows with the alliances being written to, with open
// votes and with successions, never with the alliances of the log that are
// at rest. Without a snapshot bucket nothing is stored and every entry
// stays recent: the directory is then whole in memory.

// dirEntry is what the directory knows of one alliance. An entry the
// instance began from a record after the alliance's formation, without
// reading the stored one, is partial: it holds the alliance's head, and
// its name, purpose, formation and predecessor stay empty until it is
// merged with the stored entry.
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
	// that instant. Only stored entries carry it: in memory the
	// projection's deadlines map holds them for every alliance.
	Deadlines map[string]time.Time `json:"deadlines,omitempty"`
}

// formed reports whether e holds the alliance's formation: not partial.
func (e *dirEntry) formed() bool { return e.Name != "" }

// mergeInto makes e the entry of aid in stored unless the entry there is
// as far along already; a partial e takes the formation facts of the entry
// it replaces.
func (e dirEntry) mergeInto(stored map[string]*dirEntry, aid string) {
	old := stored[aid]
	if old != nil && old.Seq >= e.Seq {
		return
	}
	if !e.formed() && old != nil {
		e.Name, e.Purpose, e.FormedAt, e.Predecessor = old.Name, old.Purpose, old.FormedAt, old.Predecessor
	}
	stored[aid] = &e
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
// reports whether the record was new to it. A record at or below the head
// of an alliance's recent entry is ignored, so a record seen twice
// changes nothing.
func (p *Projection) observeDirectory(rec eventstore.Record) bool {
	aid := rec.Event.AllianceID
	e, ok := p.recent[aid]
	if ok && rec.Event.Seq <= e.Seq {
		return false
	}
	if !ok {
		e = &dirEntry{}
		p.recent[aid] = e
	}
	switch d := rec.Event.Data.(type) {
	case domain.AllianceFormed:
		e.Name, e.Purpose, e.FormedAt, e.Predecessor = d.Name, d.Purpose, rec.Event.At, d.Predecessor
		p.known++
		p.indexSuccessor(aid, e)
	case domain.VotingOpened:
		if d.ClosesAt != nil {
			open := p.deadlines[aid]
			if open == nil {
				open = map[string]time.Time{}
				p.deadlines[aid] = open
			}
			open[d.ProposalID] = *d.ClosesAt
		}
	case domain.VotingClosed:
		if open := p.deadlines[aid]; open != nil {
			delete(open, d.ProposalID)
			if len(open) == 0 {
				delete(p.deadlines, aid)
			}
		}
	}
	e.Seq, e.StreamSeq = rec.Event.Seq, rec.StreamSeq
	return true
}

// Deadlines returns every open vote that closes by itself, as the
// directory knows them.
func (p *Projection) Deadlines() []Deadline {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var out []Deadline
	for aid, open := range p.deadlines {
		for pid, at := range open {
			out = append(out, Deadline{AllianceID: aid, ProposalID: pid, At: at})
		}
	}
	return out
}

// settledCounts is where the log stood after a message applied whole: its
// stream seq, and the events and formed alliances up to it.
type settledCounts struct {
	streamSeq uint64
	events    uint64
	alliances int
}
