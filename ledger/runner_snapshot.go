package ledger

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"log/slog"
	"time"

	"accord/domain"
	"accord/eventstore"
	"accord/projections"
)

// The write side snapshots an alliance it evicts, every alliance it holds
// when the ledger closes, and a busy one every writerSnapshotEvery events
// (so that a process killed without a clean stop leaves snapshots behind
// that are at most that old): its state, its position and the index of
// every command id it recorded. Loading one back, it reads only the log
// after that position, where without it folds the alliance's whole
// subject — on a long stream, a read of every block between the
// alliance's first event and its last. The index keeps a retried command
// recorded once however old it is: its first seq is found there and the
// command confirmed in the log.

// writerSnapshotSchema changes with the read models' schema (the state's
// meaning) and with this format.
const writerSnapshotSchema = projections.SnapshotSchema*100 + 1

// maxWriterSnapshot bounds a write-side snapshot's size (the bucket stores
// a large one in parts): about 400,000 events of votes. A larger alliance
// is folded from the log when it is loaded again.
const maxWriterSnapshot = 64 << 20

// writerSnapshot is one alliance's write side as stored.
type writerSnapshot struct {
	Schema int                 `json:"schema"`
	Pos    eventstore.Position `json:"pos"`
	State  domain.Alliance     `json:"state"`
	// Commands holds 16 bytes a command: the commandHash of its id and
	// the seq of its first event, big-endian.
	Commands []byte `json:"commands"`
}

func writerKey(aid string) string { return "writer." + aid }

// UseSnapshots makes the runner store the write side of the alliances it
// evicts in snaps and load them from there. Call it before the first
// command.
func (r *Runner) UseSnapshots(snaps *eventstore.Snapshots) { r.snaps = snaps }

// renderEntry returns e's snapshot, or false when it holds nothing worth
// keeping or would not fit; the caller leads e.
func renderEntry(e *allianceEntry) ([]byte, bool) {
	if !e.loaded || e.pos.Seq == 0 {
		return nil, false
	}
	cmds := make([]byte, 0, 16*len(e.recent.seen))
	for h, seq := range e.recent.seen {
		cmds = binary.BigEndian.AppendUint64(cmds, h)
		cmds = binary.BigEndian.AppendUint64(cmds, seq)
	}
	raw, err := json.Marshal(writerSnapshot{Schema: writerSnapshotSchema, Pos: e.pos, State: e.state, Commands: cmds})
	if err != nil || len(raw) > maxWriterSnapshot {
		return nil, false
	}
	return raw, true
}

// loadEntry fills e, not loaded, from its snapshot if there is one it can
// trust (this schema, and its position's hash found in the log at its
// stream seq), and reports whether it did; the caller leads e.
func (r *Runner) loadEntry(ctx context.Context, e *allianceEntry) bool {
	if r.snaps == nil {
		return false
	}
	raw, err := r.snaps.Get(ctx, writerKey(e.allianceID))
	if err != nil || raw == nil {
		return false
	}
	var snap writerSnapshot
	if err := json.Unmarshal(raw, &snap); err != nil || snap.Schema != writerSnapshotSchema || snap.Pos.Seq == 0 || snap.State.Seq != snap.Pos.Seq || len(snap.Commands)%16 != 0 {
		return false
	}
	recs, err := r.store.MessageAt(ctx, snap.Pos.StreamSeq)
	if err != nil || len(recs) == 0 {
		return false
	}
	last := recs[len(recs)-1]
	if last.Event.AllianceID != e.allianceID || last.Hash != snap.Pos.Hash || last.Event.Seq != snap.Pos.Seq {
		return false
	}
	recent := newRecentCommands()
	for b := snap.Commands; len(b) > 0; b = b[16:] {
		recent.seen[binary.BigEndian.Uint64(b)] = binary.BigEndian.Uint64(b[8:])
	}
	e.state, e.pos, e.recent, e.snapSeq = snap.State, snap.Pos, recent, snap.Pos.Seq
	return true
}

// writerSnapshotEvery is how many events an alliance's write side may gain
// since its latest snapshot before the next is taken.
const writerSnapshotEvery = 10_000

// snapshotIfDue renders e's snapshot when snapEvery events came
// since its latest, and stores it in the background unless another
// periodic snapshot is still being stored (it is then taken on a later
// release); the caller leads e.
func (r *Runner) snapshotIfDue(e *allianceEntry) {
	if r.snaps == nil || e.pos.Seq < e.snapSeq+r.snapEvery {
		return
	}
	select {
	case r.snapping <- struct{}{}:
	default:
		return
	}
	raw, ok := renderEntry(e)
	if !ok {
		// Too large to keep, or nothing loaded: not again until as
		// many events have come again.
		e.snapSeq = e.pos.Seq
		<-r.snapping
		return
	}
	e.snapSeq = e.pos.Seq
	go func() {
		defer func() { <-r.snapping }()
		ctx, cancel := context.WithTimeout(context.Background(), snapshotTimeout)
		defer cancel()
		r.saveEntries(ctx, map[string][]byte{e.allianceID: raw})
	}()
}

// saveEntries stores the snapshots rendered, logging a failure: they are a
// cache, and the log still holds everything.
func (r *Runner) saveEntries(ctx context.Context, snaps map[string][]byte) {
	for aid, raw := range snaps {
		if err := r.snaps.Put(ctx, writerKey(aid), raw); err != nil {
			slog.Warn("ledger: snapshot of an alliance's write side failed; it loads from the log", "alliance", aid, "err", err)
			return
		}
	}
}

// SnapshotAll stores the write side of every alliance the runner holds and
// no one is writing, e.g. before the process stops, so that the next
// process loads them without folding their whole history.
func (r *Runner) SnapshotAll(ctx context.Context) {
	if r.snaps == nil {
		return
	}
	r.mu.Lock()
	entries := make([]*allianceEntry, 0, len(r.alliances))
	for _, e := range r.alliances {
		entries = append(entries, e)
	}
	r.mu.Unlock()
	out := map[string][]byte{}
	for _, e := range entries {
		select {
		case e.sem <- struct{}{}:
		default:
			continue
		}
		if raw, ok := renderEntry(e); ok {
			out[e.allianceID] = raw
		}
		<-e.sem
	}
	r.saveEntries(ctx, out)
}

// snapshotTimeout bounds writing the snapshots of evicted alliances.
const snapshotTimeout = 30 * time.Second
