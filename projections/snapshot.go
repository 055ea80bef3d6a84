package projections

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"accord/domain"
	"accord/eventstore"
	"accord/transparency"
)

// SnapshotSchema is the version of the snapshot format and of the state it
// holds. Bump it whenever domain.Alliance or Evolve changes meaning: older
// snapshots are then ignored and the read models rebuilt from the log.
// Schema 2: a fulfilled commitment holds its final value. Schema 3:
// workgroups hold their status and progress; the state holds proxy grants,
// its conclusion and its predecessor; stances name the proxy who cast them.
// Schema 4: the state holds witnesses, and each alliance snapshot the root
// of its Merkle tree, whose leaves are stored beside it (snapshot_tree.go).
// Schema 5: each alliance's snapshot holds its scorecard's vote counts.
// Schema 6: each alliance's snapshot stands alone (no checkpoint names it),
// and a directory of every alliance is stored in shards
// (directory_store.go).
const SnapshotSchema = 6

// allianceSnapshot is one alliance's state and the position it reflects.
type allianceSnapshot struct {
	Schema   int                 `json:"schema"`
	Head     eventstore.Position `json:"head"`
	State    domain.Alliance     `json:"state"`
	TreeRoot []byte              `json:"tree_root,omitempty"` // the root of the tree of Head.Seq leaves
	Votes    voteModel           `json:"votes"`
}

func allianceKey(aid string) string { return "alliance." + aid }

// UseSnapshots makes Start resume from the snapshots in snaps instead of
// replaying the whole log, and loads read models from them, and keeps them:
// a round of snapshots every `every` events (checked every interval), of
// each evicted read model that changed, and one at Close. Call it before
// Start.
func (p *Projection) UseSnapshots(snaps *eventstore.Snapshots, every uint64, interval time.Duration) {
	p.snaps, p.snapEvery, p.snapInterval = snaps, every, interval
}

// restored is what an alliance's snapshot gives back.
type restored struct {
	state      domain.Alliance
	votes      voteModel
	head       eventstore.Position
	tree       *transparency.Tree
	treeChunks int
}

// loadSnapshot returns the alliance's snapshot if it can be trusted: the
// right schema, and its head's hash found in the log at its stream seq.
func (p *Projection) loadSnapshot(ctx context.Context, aid string) (restored, bool) {
	raw, err := p.snaps.Get(ctx, allianceKey(aid))
	if err != nil || raw == nil {
		return restored{}, false
	}
	var snap allianceSnapshot
	if err := json.Unmarshal(raw, &snap); err != nil || snap.Schema != SnapshotSchema || snap.Head.Seq == 0 || snap.State.Seq != snap.Head.Seq || snap.Votes == nil {
		return restored{}, false
	}
	recs, err := p.store.MessageAt(ctx, snap.Head.StreamSeq)
	if err != nil || len(recs) == 0 {
		return restored{}, false
	}
	last := recs[len(recs)-1]
	if last.Event.AllianceID != aid || last.Hash != snap.Head.Hash || last.Event.Seq != snap.Head.Seq {
		return restored{}, false
	}
	r := restored{state: snap.State, votes: snap.Votes, head: snap.Head}
	if !p.noTrees {
		var ok bool
		if r.tree, r.treeChunks, ok = p.loadTree(ctx, aid, snap.Head.Seq, snap.TreeRoot); !ok {
			return restored{}, false
		}
	}
	return r, true
}

// snapshotWrite is one alliance's snapshot, rendered, and its tree's new
// chunks.
type snapshotWrite struct {
	aid  string
	raw  []byte
	tree *treeWrite
}

// renderSnapshot renders v's snapshot and clears its mark, under the write
// lock. It returns false when the state does not encode.
func (p *Projection) renderSnapshot(aid string, v *allianceView) (snapshotWrite, bool) {
	snap := allianceSnapshot{Schema: SnapshotSchema, Head: v.head, State: v.state, Votes: v.votes}
	w := snapshotWrite{aid: aid}
	if v.tree != nil {
		tw, root := treeChunksToWrite(aid, v)
		w.tree, snap.TreeRoot = &tw, root
	}
	raw, err := json.Marshal(snap)
	if err != nil {
		return snapshotWrite{}, false
	}
	w.raw = raw
	v.dirty = false
	return w, true
}

// writeSnapshot stores a rendered snapshot, its tree's chunks first. It
// returns the bucket's error.
func (p *Projection) writeSnapshot(ctx context.Context, w snapshotWrite) error {
	if w.tree != nil {
		if err := p.putTree(ctx, *w.tree); err != nil {
			return err
		}
	}
	return p.snaps.Put(ctx, allianceKey(w.aid), w.raw)
}

// Checkpoint writes a snapshot of every loaded alliance changed since its
// last one, then the directory's recent entries and the stream seq they
// reflect. An alliance whose snapshot cannot be written is marked changed
// again, for the next checkpoint, and the others and the directory are
// written all the same: the directory's entries leave memory only once
// stored. It returns the first error writing the bucket.
func (p *Projection) Checkpoint(ctx context.Context) error {
	if p.snaps == nil {
		return nil
	}
	var first error
	for _, w := range p.collect() {
		if err := p.writeSnapshot(ctx, w); err != nil {
			first = cmpOr(first, err)
			p.mu.Lock()
			if v := p.alliances[w.aid]; v != nil {
				v.dirty = true
			}
			p.mu.Unlock()
		}
	}
	return cmpOr(first, p.writeDirectory(ctx))
}

// collect renders, under the lock, the snapshots of the loaded alliances
// changed since their last one.
func (p *Projection) collect() []snapshotWrite {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []snapshotWrite
	for aid, v := range p.alliances {
		if v.loading != nil || v.broken || v.head.Seq == 0 || !v.dirty {
			continue
		}
		if w, ok := p.renderSnapshot(aid, v); ok {
			out = append(out, w)
		}
	}
	return out
}

// keepSnapshots checkpoints whenever `every` events have been applied since
// the last checkpoint, until ctx is done.
func (p *Projection) keepSnapshots(ctx context.Context) {
	ticker := time.NewTicker(p.snapInterval)
	defer ticker.Stop()
	last, _ := p.Applied()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		n, _ := p.Applied()
		if n-last < p.snapEvery {
			continue
		}
		if err := p.Checkpoint(ctx); err != nil {
			slog.Warn("projections: snapshot failed; the log still holds everything", "err", err)
			continue
		}
		last = n
	}
}
