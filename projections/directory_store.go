package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// directoryKey names the record that says which stream seq the stored
// directory shards reflect.
const directoryKey = "directory"

// directoryMeta ties the stored shards to the stream seq they reflect.
type directoryMeta struct {
	Schema    int    `json:"schema"`
	StreamSeq uint64 `json:"stream_seq"`
	Alliances int    `json:"alliances"`
}

func dirShardKey(shard int) string { return fmt.Sprintf("dir.%d", shard) }

// writeDirectory stores the directory's shards changed since the last
// write, then the stream seq they reflect. A shard whose write fails is
// kept marked, so a later write sends it again. It returns the bucket's
// first error.
func (p *Projection) writeDirectory(ctx context.Context) error {
	p.mu.Lock()
	// The follower applies a message record by record, so the last message
	// may be half applied: the directory claims only the one before it, and
	// a restart reads that message again, skipping what is already in.
	meta := directoryMeta{Schema: SnapshotSchema, StreamSeq: max(p.applied, 1) - 1, Alliances: len(p.dir)}
	shards := map[int]map[string]*dirEntry{}
	for shard := range p.dirDirty {
		shards[shard] = map[string]*dirEntry{}
	}
	for aid, e := range p.dir {
		if m, ok := shards[dirShard(aid)]; ok {
			c := *e
			m[aid] = &c
		}
	}
	raws := make(map[int][]byte, len(shards))
	for shard, m := range shards {
		raws[shard] = encodeShard(m)
	}
	clear(p.dirDirty)
	p.mu.Unlock()
	for shard, raw := range raws {
		if err := p.snaps.Put(ctx, dirShardKey(shard), raw); err != nil {
			p.mu.Lock()
			for s := range raws {
				p.dirDirty[s] = true
			}
			p.mu.Unlock()
			return err
		}
	}
	raw, _ := json.Marshal(meta)
	if err := p.snaps.Put(ctx, directoryKey, raw); err != nil {
		p.mu.Lock()
		for s := range raws {
			p.dirDirty[s] = true
		}
		p.mu.Unlock()
		return err
	}
	return nil
}

// restoreDirectory reads the stored directory and returns the stream seq
// it reflects: 0 when there is none of this schema, so the log is read from
// its start. It returns the bucket's error.
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
	dir := map[string]*dirEntry{}
	bad := 0
	err = p.snaps.Scan(ctx, "dir.*", func(key string, value []byte) {
		if _, err := strconv.Atoi(strings.TrimPrefix(key, "dir.")); err != nil {
			return
		}
		if err := decodeShard(value, func(aid string, e *dirEntry) { dir[aid] = e }); err != nil {
			bad++
		}
	})
	if err != nil {
		return 0, err
	}
	if bad > 0 || len(dir) < meta.Alliances {
		slog.Warn("projections: stored directory incomplete; reading the log from its start", "shards_unreadable", bad, "alliances", len(dir), "want", meta.Alliances)
		return 0, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dir = dir
	for aid, e := range dir {
		p.count += e.Seq
		p.indexSuccessor(aid, e)
	}
	p.applied = meta.StreamSeq
	slog.Info("projections: directory restored", "stream_seq", meta.StreamSeq, "alliances", len(dir))
	return meta.StreamSeq, nil
}
