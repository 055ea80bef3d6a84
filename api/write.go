package api

import (
	"net/http"

	"accord/domain"
	"accord/eventstore"
)

// noBody is decoded into by routes that take no fields: it still refuses a
// body that is not an empty object.
type noBody struct{}

// writeRoute reads a write route's {aid} and then the other named path ids
// (each a uuid), decodes the body into body, and checks the caller may write
// to the alliance at all (the domain checks the rule itself). It returns the
// alliance id followed by the named ids, or the first thing wrong.
func writeRoute(r *http.Request, caller Identity, body any, names ...string) ([]string, error) {
	ids, err := routeIDs(r, caller, names...)
	if err != nil {
		return nil, err
	}
	if err := decodeBody(r, body); err != nil {
		return nil, err
	}
	return ids, writable(caller, ids[0])
}

// readRoute reads a time-travelling read route's {aid} (which the caller
// must be able to read), the other named path ids and ?at_seq= or ?at=. It
// returns the alliance id followed by the named ids, or the first thing wrong.
func readRoute(r *http.Request, caller Identity, names ...string) ([]string, asOf, error) {
	ids, err := routeIDs(r, caller, names...)
	if err != nil {
		return nil, asOf{}, err
	}
	q, err := parseAsOf(r)
	return ids, q, err
}

// routeIDs returns the route's {aid}, checked readable by caller, followed
// by the other named path ids, each checked as a uuid.
func routeIDs(r *http.Request, caller Identity, names ...string) ([]string, error) {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return nil, err
	}
	ids := []string{aid}
	for _, name := range names {
		id, err := pathID(r, name)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// currentState returns a copy of the read model's current state of an
// alliance, or the empty state if it has none yet.
func currentState(s *Server, aid string) domain.Alliance {
	var out domain.Alliance
	_ = s.proj.Read(aid, func(st domain.Alliance, _ eventstore.Position) { out = st.Clone() })
	return out
}
