package api_test

// The permission matrix's rules for the routes of an alliance's life
// beyond one vote (see matrix_test.go).

// lifeRules says how to exercise the workgroup, conclusion, proxy and
// scorecard routes; A builds a path in the row's alliance.
func lifeRules(A func(*fixture, string) string) map[string]rule {
	return map[string]rule{
		"GET /v1/alliances/{aid}/workgroups": {req: func(f *fixture, _ int) call { return call{path: A(f, "/workgroups")} }},
		"GET /v1/alliances/{aid}/workgroups/{wid}": {req: func(f *fixture, _ int) call {
			return call{path: A(f, "/workgroups/"+f.workgroup())}
		}},
		"POST /v1/alliances/{aid}/workgroups/{wid}/members": {writes: true, req: func(f *fixture, _ int) call {
			return call{path: A(f, "/workgroups/"+f.formWorkgroup()+"/members"), body: map[string]any{"add": []string{f.peer.ID}}}
		}},
		"POST /v1/alliances/{aid}/workgroups/{wid}/progress": {writes: true, req: func(f *fixture, _ int) call {
			return call{path: A(f, "/workgroups/"+f.workgroup()+"/progress"), body: map[string]any{"value": 1, "note": "matrix"}}
		}},
		"POST /v1/alliances/{aid}/workgroups/{wid}/close": {writes: true, req: func(f *fixture, _ int) call {
			return call{path: A(f, "/workgroups/"+f.formWorkgroup()+"/close"), body: map[string]any{"outcome": "met", "note": "matrix"}}
		}},
		"POST /v1/alliances/{aid}/conclude": {writes: true, req: (*fixture).concludeCall},
		"POST /v1/alliances/{aid}/proxies": {writes: true, req: func(f *fixture, c int) call {
			proxy := f.member.ID
			if c == callMember {
				proxy = f.peer.ID
			}
			return call{path: A(f, "/proxies"), body: map[string]any{"proxy_id": proxy}}
		}},
		"POST /v1/alliances/{aid}/proxies/revoke": {writes: true, req: func(f *fixture, c int) call {
			// The owner's standing grant to the peer: nobody else holds a
			// grant to revoke, so the peer and the convener find none (404).
			f.grantToPeer()
			proxy := f.peer.ID
			if c == callPeer {
				proxy = f.member.ID
			}
			return call{path: A(f, "/proxies/revoke"), body: map[string]any{"proxy_id": proxy}}
		}},
		"GET /v1/alliances/{aid}/scorecard": {req: func(f *fixture, _ int) call { return call{path: A(f, "/scorecard")} }},
	}
}

// formWorkgroup forms a new workgroup of the owner (by the convener).
func (f *fixture) formWorkgroup() string {
	w := f.e.must(201, "POST", f.path("/workgroups"), f.convener.Token, map[string]any{
		"name": "Pilots", "aim": "a", "metric": "sites", "target": 3, "due": "2027-06-30", "member_ids": []string{f.member.ID}})
	return w["id"].(string)
}

// workgroup is the row's open workgroup, of which the owner is a member.
func (f *fixture) workgroup() string {
	if f.wg == "" {
		f.wg = f.formWorkgroup()
	}
	return f.wg
}

// grantToPeer records, once per row, the owner's standing proxy to the peer.
func (f *fixture) grantToPeer() {
	if !f.granted {
		f.e.must(201, "POST", f.path("/proxies"), f.member.Token, map[string]any{"proxy_id": f.peer.ID})
		f.granted = true
	}
}

// concludeCall concludes the row's alliance, except for the convener, who
// concludes a fresh alliance of its own (the row's must stay open for the
// callers after it).
func (f *fixture) concludeCall(c int) call {
	body := map[string]any{"reason": "matrix"}
	if c != callConvener {
		return call{path: f.path("/conclude"), body: body}
	}
	fresh := f.e.formAlliance(consensus, 0)
	f.as = fresh.Convener.Token
	return call{path: "/v1/alliances/" + fresh.ID + "/conclude", body: body}
}
