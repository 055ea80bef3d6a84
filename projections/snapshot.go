package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"accord/domain"
	"accord/eventstore"
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
const SnapshotSchema = 5

// checkpointKey names the record that ties a set of alliance snapshots to
// the stream seq they reflect.
const checkpointKey = "checkpoint"

// checkpoint says that, at stream seq StreamSeq, every alliance of Heads had
// its last event at that seq, and a snapshot of it was written.
type checkpoint struct {
	Schema    int               `json:"schema"`
	StreamSeq uint64            `json:"stream_seq"`
	Heads     map[string]uint64 `json:"heads"`
}

// allianceSnapshot is one alliance's state and the position it reflects.
type allianceSnapshot struct {
	Schema   int                 `json:"schema"`
	Head     eventstore.Position `json:"head"`
	State    domain.Alliance     `json:"state"`
	TreeRoot []byte              `json:"tree_root,omitempty"` // the root of the tree of Head.Seq leaves
	Votes    voteModel           `json:"votes"`
}

// UseSnapshots makes Start resume from the snapshots in snaps instead of
// replaying the whole log, and keeps them: a checkpoint every `every` events
// (checked every interval) and one at Close. Call it before Start.
func (p *Projection) UseSnapshots(snaps *eventstore.Snapshots, every uint64, interval time.Duration) {
	p.snaps, p.snapEvery, p.snapInterval = snaps, every, interval
}

// restore loads the last checkpoint and its alliance snapshots, and returns
// the stream seq they reflect (0: none usable, replay everything). A
// snapshot that is missing, from another schema, at another head than the
// checkpoint says, or whose head hash the log does not confirm, is ignored
// and that alliance is folded from the log up to the checkpoint instead.
func (p *Projection) restore(ctx context.Context) (uint64, error) {
	raw, err := p.snaps.Get(ctx, checkpointKey)
	if err != nil || raw == nil {
		return 0, err
	}
	var cp checkpoint
	if err := json.Unmarshal(raw, &cp); err != nil || cp.Schema != SnapshotSchema {
		slog.Info("projections: snapshot checkpoint ignored", "schema", cp.Schema, "want", SnapshotSchema, "err", err)
		return 0, nil
	}
	views, rebuilt, err := p.loadAll(ctx, cp.Heads)
	if err != nil {
		return 0, err
	}
	for aid, v := range views {
		p.alliances[aid] = v
		p.count += v.head.Seq
		p.indexPredecessor(v.state)
	}
	p.applied = cp.StreamSeq
	slog.Info("projections: resumed from snapshots", "stream_seq", cp.StreamSeq, "alliances", len(cp.Heads), "rebuilt", rebuilt)
	return cp.StreamSeq, nil
}

// restoreWorkers bounds how many snapshots are fetched and checked at once:
// each costs two round trips, and a ledger may hold thousands of alliances.
const restoreWorkers = 16

// loadAll loads every alliance the checkpoint names, from its snapshot when
// it can be trusted and from the log otherwise, several at a time. It
// returns the views, how many had to be rebuilt, and the first error.
func (p *Projection) loadAll(ctx context.Context, heads map[string]uint64) (map[string]*allianceView, int, error) {
	type job struct {
		aid string
		seq uint64
	}
	jobs := make(chan job)
	var mu sync.Mutex
	views := make(map[string]*allianceView, len(heads))
	rebuilt := 0
	var firstErr error
	var wg sync.WaitGroup
	for w := 0; w < restoreWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				v, ok := p.loadSnapshot(ctx, j.aid, j.seq)
				var err error
				if !ok {
					v, err = p.foldUpTo(ctx, j.aid, j.seq)
				}
				mu.Lock()
				switch {
				case err != nil && firstErr == nil:
					firstErr = err
				case err == nil:
					views[j.aid] = v
				}
				if !ok {
					rebuilt++
				}
				mu.Unlock()
			}
		}()
	}
	for aid, seq := range heads {
		jobs <- job{aid, seq}
	}
	close(jobs)
	wg.Wait()
	return views, rebuilt, firstErr
}

// loadSnapshot returns the alliance's snapshot if it can be trusted: the
// right schema, the head the checkpoint names, and that head's hash found in
// the log at its stream seq.
func (p *Projection) loadSnapshot(ctx context.Context, aid string, seq uint64) (*allianceView, bool) {
	raw, err := p.snaps.Get(ctx, "alliance."+aid)
	if err != nil || raw == nil {
		return nil, false
	}
	var snap allianceSnapshot
	if err := json.Unmarshal(raw, &snap); err != nil || snap.Schema != SnapshotSchema || snap.Head.Seq != seq || snap.State.Seq != seq || snap.Votes == nil {
		return nil, false
	}
	recs, err := p.store.MessageAt(ctx, snap.Head.StreamSeq)
	if err != nil || len(recs) == 0 {
		return nil, false
	}
	last := recs[len(recs)-1]
	if last.Event.AllianceID != aid || last.Hash != snap.Head.Hash || last.Event.Seq != seq {
		return nil, false
	}
	v := &allianceView{state: snap.State, votes: snap.Votes, head: snap.Head}
	if !p.noTrees {
		var ok bool
		if v.tree, v.treeChunks, ok = p.loadTree(ctx, aid, seq, snap.TreeRoot); !ok {
			return nil, false
		}
	}
	return v, true
}

// foldUpTo folds an alliance from the log up to its event seq.
func (p *Projection) foldUpTo(ctx context.Context, aid string, seq uint64) (*allianceView, error) {
	v := p.newView()
	var each func(eventstore.Record)
	if v.tree != nil {
		each = func(rec eventstore.Record) { v.tree.Append(rec.Raw) }
	}
	m, _, pos, err := p.foldMoment(ctx, aid, func(e domain.Event) bool { return e.Seq <= seq }, each)
	if err != nil {
		return nil, fmt.Errorf("rebuild alliance %s up to seq %d: %w", aid, seq, err)
	}
	// dirty, so the next checkpoint replaces the snapshot that failed.
	v.state, v.votes, v.head, v.dirty = m.State, m.votes, pos, true
	return v, nil
}

// Checkpoint writes a snapshot of every alliance changed since the last one,
// then the checkpoint that names them all. It returns the first error
// writing the bucket; the previous checkpoint then stays in force.
func (p *Projection) Checkpoint(ctx context.Context) error {
	if p.snaps == nil {
		return nil
	}
	cp, snaps, trees := p.collect()
	for _, w := range trees {
		if err := p.putTree(ctx, w); err != nil {
			return err
		}
	}
	for aid, raw := range snaps {
		if err := p.snaps.Put(ctx, "alliance."+aid, raw); err != nil {
			return err
		}
	}
	raw, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	return p.snaps.Put(ctx, checkpointKey, raw)
}

// collect renders, under the lock, the checkpoint and the snapshots of the
// alliances changed since the last checkpoint with their trees' new
// chunks, and clears their marks.
func (p *Projection) collect() (checkpoint, map[string][]byte, []treeWrite) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// The follower applies a message record by record, so the last message
	// may be half applied: the checkpoint claims only the one before it, and
	// a restart replays that message, skipping the records already in.
	cp := checkpoint{Schema: SnapshotSchema, StreamSeq: max(p.applied, 1) - 1, Heads: make(map[string]uint64, len(p.alliances))}
	snaps := map[string][]byte{}
	var trees []treeWrite
	for aid, v := range p.alliances {
		if v.broken || v.head.Seq == 0 {
			continue
		}
		cp.Heads[aid] = v.head.Seq
		if !v.dirty {
			continue
		}
		snap := allianceSnapshot{Schema: SnapshotSchema, Head: v.head, State: v.state, Votes: v.votes}
		if v.tree != nil {
			var w treeWrite
			w, snap.TreeRoot = treeChunksToWrite(aid, v)
			trees = append(trees, w)
		}
		raw, err := json.Marshal(snap)
		if err != nil {
			continue
		}
		snaps[aid] = raw
		v.dirty = false
	}
	return cp, snaps, trees
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
