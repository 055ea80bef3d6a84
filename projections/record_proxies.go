package projections

import (
	"cmp"
	"slices"
	"time"

	"accord/domain"
	"accord/eventstore"
)

// ProxyUse is a stance a proxy cast for its grantor: who cast it for whom,
// the stance, its seq and time, and the grant it rested on (Grant: the seq
// of the ProxyGranted in force then, and its proposal, "" for a standing
// grant). Counted says whether it is still the grantor's stance at the
// record's point: not replaced by a later vote of either, and not dropped
// by the grantor's withdrawal.
type ProxyUse struct {
	Proxy   Party         `json:"proxy"`
	Grantor Party         `json:"grantor"`
	Stance  domain.Stance `json:"stance"`
	Seq     uint64        `json:"seq"`
	At      time.Time     `json:"at"`
	Grant   GrantRef      `json:"grant"`
	Counted bool          `json:"counted"`
}

// GrantRef names the proxy grant a vote rested on.
type GrantRef struct {
	Seq        uint64 `json:"seq"`
	ProposalID string `json:"proposal_id"`
}

// noteGrant keeps the hash of a grant, which a later proxy vote may rest on.
func (b *recordBuilder) noteGrant(r eventstore.Record) {
	b.grants[r.Event.Seq] = r.Hash
}

// proxyUse records a vote of the proposal cast by a proxy, naming the
// grant in force just before it (s), which the record then rests on too.
func (b *recordBuilder) proxyUse(s domain.Alliance, e domain.Event, d domain.VoteCast) {
	if d.CastBy == "" {
		return
	}
	g, ok := s.Grant(d.MemberID, d.CastBy, d.ProposalID)
	if !ok {
		g, _ = s.Grant(d.MemberID, d.CastBy, "")
	}
	b.rec.Proxies = append(b.rec.Proxies, ProxyUse{
		Proxy: party(s, d.CastBy), Grantor: party(s, d.MemberID), Stance: d.Stance, Seq: e.Seq, At: e.At,
		Grant: GrantRef{Seq: g.Seq, ProposalID: g.ProposalID},
	})
	if hash, ok := b.grants[g.Seq]; ok && g.Seq != 0 {
		b.rec.Events = append(b.rec.Events, EventRef{Seq: g.Seq, Type: domain.TypeProxyGranted, Hash: hash})
	}
}

// finishProxies marks which proxy votes count at the record's point, and
// puts the events the record rests on back in seq order, each once (a
// grant comes into the list when a vote uses it, after later events).
func (b *recordBuilder) finishProxies(rec *DecisionRecord) {
	counted := map[uint64]bool{}
	for _, st := range rec.Stances {
		if n := len(st.History); n > 0 && !st.Dropped {
			counted[st.History[n-1].Seq] = true
		}
	}
	for i := range rec.Proxies {
		rec.Proxies[i].Counted = counted[rec.Proxies[i].Seq]
	}
	slices.SortStableFunc(rec.Events, func(a, b EventRef) int { return cmp.Compare(a.Seq, b.Seq) })
	rec.Events = slices.CompactFunc(rec.Events, func(a, b EventRef) bool { return a.Seq == b.Seq })
}
