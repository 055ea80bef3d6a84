package api

import "net/http"

// noBody is decoded into by routes that take no fields: it still refuses a
// body that is not an empty object.
type noBody struct{}

// writeRoute reads a write route's {aid} and then the other named path ids
// (each a uuid), decodes the body into body, and checks the caller may write
// to the alliance at all (the domain checks the rule itself). It returns the
// alliance id followed by the named ids, or the first thing wrong.
func writeRoute(r *http.Request, caller Identity, body any, names ...string) ([]string, error) {
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
	if err := decodeBody(r, body); err != nil {
		return nil, err
	}
	return ids, writable(caller, aid)
}
