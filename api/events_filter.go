package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"accord/domain"
	"accord/ledger"
)

// eventFilter is what a live stream's client asked for: some event types
// (nil = all) and the events of one proposal ("" = all).
type eventFilter struct {
	types      map[string]bool
	proposalID string
}

// parseEventFilter reads ?types=VoteCast,VotingClosed (also repeated) and
// ?proposal_id=. It returns an Invalid error naming an unknown type or a
// proposal id that is not a uuid.
func parseEventFilter(r *http.Request) (eventFilter, error) {
	var f eventFilter
	q := r.URL.Query()
	known := domain.EventTypes()
	for _, list := range q["types"] {
		for t := range strings.SplitSeq(list, ",") {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			if !slices.Contains(known, t) {
				slices.Sort(known)
				return f, domain.Errorf(domain.Invalid, "types: %q is not an event type; the types are %s", truncate(t, 40), strings.Join(known, ", "))
			}
			if f.types == nil {
				f.types = map[string]bool{}
			}
			f.types[t] = true
		}
	}
	if v := q.Get("proposal_id"); v != "" {
		id, ok := domain.CanonicalID(v)
		if !ok {
			return f, domain.Errorf(domain.Invalid, "proposal_id %q is not a uuid", truncate(v, 64))
		}
		f.proposalID = id
	}
	return f, nil
}

// wantsType is the cheap part of the filter, checked on the projection's
// follower goroutine before a record is buffered.
func (f eventFilter) wantsType(t string) bool {
	return f.types == nil || f.types[t]
}

// match reports whether the client wants rec: its type, and the proposal
// named in its data when a proposal was asked for.
func (f eventFilter) match(rec ledger.Record) bool {
	if !f.wantsType(rec.Event.Type) {
		return false
	}
	return f.proposalID == "" || proposalOf(rec.Raw) == f.proposalID
}

// proposalOf returns data.proposal_id of a stored event, "" when it has none.
func proposalOf(raw []byte) string {
	var e struct {
		Data struct {
			ProposalID string `json:"proposal_id"`
		} `json:"data"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	return e.Data.ProposalID
}
