package projections

import (
	"context"
	"sort"

	"accord/domain"
)

// Summary is one alliance in a listing.
type Summary struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Purpose string `json:"purpose"`
	Seq     uint64 `json:"seq"`
}

func (e *dirEntry) summary(allianceID string) Summary {
	return Summary{ID: allianceID, Name: e.Name, Purpose: e.Purpose, Seq: e.Seq}
}

// ListOne returns the listing of one alliance: empty when it is not
// formed. It is List for a caller who may read only that alliance: from
// its recent entry or its loaded read model when there is one, else from
// the one stored shard that holds it. It returns an Unavailable error when
// that shard cannot be read.
func (p *Projection) ListOne(ctx context.Context, allianceID string) ([]Summary, error) {
	p.mu.RLock()
	e, ok := p.recent[allianceID]
	var recent dirEntry
	if ok {
		recent = *e
	}
	v, loaded := p.alliances[allianceID]
	var fromView *Summary
	if loaded && v.loading == nil && v.state.ID != "" && v.head.Seq >= recent.Seq {
		fromView = &Summary{ID: allianceID, Name: v.state.Name, Purpose: v.state.Purpose, Seq: v.head.Seq}
	}
	p.mu.RUnlock()
	switch {
	case recent.formed():
		return []Summary{recent.summary(allianceID)}, nil
	case fromView != nil:
		return []Summary{*fromView}, nil
	case p.snaps == nil:
		return []Summary{}, nil
	}
	raw, err := p.snaps.Get(ctx, dirShardKey(dirShard(allianceID)))
	if err != nil {
		return nil, domain.Errorf(domain.Unavailable, "reading the directory: %v", err)
	}
	stored := map[string]*dirEntry{}
	if raw != nil {
		_ = decodeShard(raw, func(aid string, e *dirEntry) {
			if aid == allianceID {
				stored[aid] = e
			}
		})
	}
	if ok {
		recent.mergeInto(stored, allianceID)
	}
	if e := stored[allianceID]; e != nil && e.formed() {
		return []Summary{e.summary(allianceID)}, nil
	}
	return []Summary{}, nil
}

// List returns the formed alliances that visible accepts, ordered by name
// then id: the stored directory read whole, with the recent entries over
// it. Listing loads no read model. It returns an Unavailable error when the
// stored directory cannot be read.
func (p *Projection) List(ctx context.Context, visible func(allianceID string) bool) ([]Summary, error) {
	// The recent entries are taken before the shards are read: an entry
	// stored and dropped from memory in between is then in its shard.
	p.mu.RLock()
	recent := make(map[string]dirEntry, len(p.recent))
	for aid, e := range p.recent {
		if visible(aid) {
			recent[aid] = *e
		}
	}
	p.mu.RUnlock()
	all := map[string]*dirEntry{}
	if p.snaps != nil {
		err := p.snaps.Scan(ctx, "dir.*", func(_ string, value []byte) {
			_ = decodeShard(value, func(aid string, e *dirEntry) {
				if visible(aid) {
					e.mergeInto(all, aid)
				}
			})
		})
		if err != nil {
			return nil, domain.Errorf(domain.Unavailable, "reading the directory: %v", err)
		}
	}
	for aid, e := range recent {
		e.mergeInto(all, aid)
	}
	out := make([]Summary, 0, len(all))
	for aid, e := range all {
		if e.formed() {
			out = append(out, e.summary(aid))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
