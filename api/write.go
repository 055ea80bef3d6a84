package api

import (
	"context"
	"net/http"

	"accord/ledger"
)

// noBody is decoded into by routes that take no fields: it still refuses a
// body that is not an empty object.
type noBody struct{}

// writeRoute reads a write route's {aid} and then the other named path ids
// (each a uuid), decodes the body into body, and checks the caller may write
// to the alliance at all (the domain checks the rule itself). It returns the
// alliance id followed by the named ids, or the first thing wrong.
func writeRoute(r *http.Request, caller ledger.Identity, body any, names ...string) ([]string, error) {
	ids, err := routeIDs(r, caller, names...)
	if err != nil {
		return nil, err
	}
	if err := decodeBody(r, body); err != nil {
		return nil, err
	}
	return ids, ledger.Writable(caller, ids[0])
}

// readRoute reads a time-travelling read route's {aid} (which the caller
// must be able to read), the other named path ids and ?at_seq= or ?at=. It
// returns the alliance id followed by the named ids, or the first thing wrong.
func readRoute(r *http.Request, caller ledger.Identity, names ...string) ([]string, ledger.AsOf, error) {
	ids, err := routeIDs(r, caller, names...)
	if err != nil {
		return nil, ledger.AsOf{}, err
	}
	q, err := parseAsOf(r)
	return ids, q, err
}

// routeIDs returns the route's {aid}, checked readable by caller, followed
// by the other named path ids, each checked as a uuid.
func routeIDs(r *http.Request, caller ledger.Identity, names ...string) ([]string, error) {
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

// writeCommand reads a write route (see writeRoute) and the request's
// command id (see commandID). It returns the alliance id followed by the
// named ids, and the command id, or the first thing wrong.
func writeCommand(r *http.Request, caller ledger.Identity, body any, names ...string) ([]string, string, error) {
	ids, err := writeRoute(r, caller, body, names...)
	if err != nil {
		return nil, "", err
	}
	cid, err := commandID(r)
	return ids, cid, err
}

// ledgerCommand is a ledger method that executes a command C for a caller
// in an alliance under a command id, and returns its answer A.
type ledgerCommand[C, A any] func(ctx context.Context, caller ledger.Identity, aid, commandID string, cmd C) (A, error)

// command decodes a command from the body of a write route with the named
// path ids, lets set put those ids (after the alliance's) into it, executes
// it through call and answers what the ledger answered, with status.
func command[C, A any](w http.ResponseWriter, r *http.Request, caller ledger.Identity, status int, call ledgerCommand[C, A], set func(*C, []string), names ...string) error {
	var cmd C
	ids, cid, err := writeCommand(r, caller, &cmd, names...)
	if err != nil {
		return err
	}
	if set != nil {
		set(&cmd, ids[1:])
	}
	if err := signedRequest(r, cmd); err != nil {
		return err
	}
	out, err := call(r.Context(), caller, ids[0], cid, cmd)
	return answer(w, status, out, err)
}
