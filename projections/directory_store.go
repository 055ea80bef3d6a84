package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"strconv"
	"strings"
	"time"
)

// directoryKey names the record that says which stream seq the stored
// directory shards reflect at least.
const directoryKey = "directory"

// directoryMeta ties the stored shards to the stream seq they reflect at
// least, and counts the log up to it. A shard may reflect more (an instance
// stored it, then stopped before this record; or another instance is
// further on): a start reads the log after StreamSeq again, and every
// entry and deadline it holds comes out the same.
type directoryMeta struct {
	Schema    int    `json:"schema"`
	StreamSeq uint64 `json:"stream_seq"`
	Alliances int    `json:"alliances"`
	// Events counts the events up to StreamSeq; 0 in a directory stored
	// before it was kept, whose events are then counted from its entries.
	Events uint64 `json:"events,omitempty"`
}

func dirShardKey(shard int) string { return fmt.Sprintf("dir.%d", shard) }

// writeDirectory stores the recent entries, each merged into its shard
// (an entry already further along there is kept), then the stream seq and
// counts up to which the shards now reflect the log, unless the stored
// ones are further along. An entry no newer record changed meanwhile
// leaves memory. It returns the bucket's first error; what was not stored
// stays recent and goes with the next write.
func (p *Projection) writeDirectory(ctx context.Context) error {
	p.mu.RLock()
	meta := directoryMeta{Schema: SnapshotSchema, StreamSeq: p.settled.streamSeq, Alliances: p.settled.alliances, Events: p.settled.events}
	shards := map[int]map[string]dirEntry{}
	for aid, e := range p.recent {
		s := dirShard(aid)
		if shards[s] == nil {
			shards[s] = map[string]dirEntry{}
		}
		c := *e
		c.Deadlines = maps.Clone(p.deadlines[aid])
		shards[s][aid] = c
	}
	p.mu.RUnlock()
	for shard, entries := range shards {
		if err := p.snaps.Update(ctx, dirShardKey(shard), func(old []byte) ([]byte, bool, error) {
			stored := map[string]*dirEntry{}
			if old != nil {
				if err := decodeShard(old, func(aid string, e *dirEntry) { stored[aid] = e }); err != nil {
					// Rewritten with what is known: a start that then finds
					// fewer entries than the directory counts reads the log
					// from its start, and stores every entry again.
					slog.Warn("projections: a stored directory shard does not decode; it is rewritten", "shard", shard, "err", err)
					clear(stored)
				}
			}
			for aid, e := range entries {
				e.mergeInto(stored, aid)
			}
			return encodeShard(stored), true, nil
		}); err != nil {
			return err
		}
	}
	if err := p.snaps.Update(ctx, directoryKey, func(old []byte) ([]byte, bool, error) {
		var was directoryMeta
		if json.Unmarshal(old, &was) == nil && was.Schema == meta.Schema && was.StreamSeq > meta.StreamSeq {
			return nil, false, nil
		}
		raw, err := json.Marshal(meta)
		return raw, true, err
	}); err != nil {
		return err
	}
	p.mu.Lock()
	for _, entries := range shards {
		for aid, e := range entries {
			if cur := p.recent[aid]; cur != nil && cur.Seq == e.Seq {
				delete(p.recent, aid)
			}
		}
	}
	p.mu.Unlock()
	return nil
}

// restoreDirectory reads the stored directory's counts, its open
// deadlines and successions (and, when every alliance is to be loaded,
// its alliance ids), and returns the stream seq it reflects: 0 when there
// is none of this schema or it is incomplete, so the log is read from its
// start. It returns the bucket's error.
func (p *Projection) restoreDirectory(ctx context.Context) (uint64, error) {
	raw, err := p.snaps.Get(ctx, directoryKey)
	if err != nil || raw == nil {
		return 0, err
	}
	var meta directoryMeta
	if err := json.Unmarshal(raw, &meta); err != nil || meta.Schema != SnapshotSchema {
		slog.Info("projections: stored directory ignored", "schema", meta.Schema, "want", SnapshotSchema, "err", err)
		return 0, nil
	}
	var (
		entries, bad int
		seqs         uint64
		deadlines    = map[string]map[string]time.Time{}
		succeeding   = map[string]*dirEntry{}
		ids          []string
	)
	err = p.snaps.Scan(ctx, "dir.*", func(key string, value []byte) {
		if _, err := strconv.Atoi(strings.TrimPrefix(key, "dir.")); err != nil {
			return
		}
		if err := decodeShard(value, func(aid string, e *dirEntry) {
			entries++
			seqs += e.Seq
			if len(e.Deadlines) > 0 {
				deadlines[aid] = e.Deadlines
			}
			if e.Predecessor != nil {
				succeeding[aid] = e
			}
			if p.budget == 0 {
				ids = append(ids, aid)
			}
		}); err != nil {
			bad++
		}
	})
	if err != nil {
		return 0, err
	}
	if bad > 0 || entries < meta.Alliances {
		slog.Warn("projections: stored directory incomplete; reading the log from its start", "shards_unreadable", bad, "alliances", entries, "want", meta.Alliances)
		return 0, nil
	}
	if meta.Events == 0 {
		meta.Events = seqs
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.deadlines = deadlines
	for aid, e := range succeeding {
		p.indexSuccessor(aid, e)
	}
	for _, aid := range ids {
		p.alliances[aid] = p.loadingView()
	}
	p.applied, p.count, p.known = meta.StreamSeq, meta.Events, meta.Alliances
	p.settled = settledCounts{streamSeq: meta.StreamSeq, events: meta.Events, alliances: meta.Alliances}
	slog.Info("projections: directory restored", "stream_seq", meta.StreamSeq, "alliances", meta.Alliances, "open_deadlines", len(deadlines))
	return meta.StreamSeq, nil
}
