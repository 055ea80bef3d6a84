package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"accord/domain"
	"accord/ledger"
)

// routes registers every route of the API.
func (s *Server) routes() {
	// Every authenticated route counts failed authentications per address.
	a := func(h handler) http.HandlerFunc { return s.throttled(s.authed(h)) }
	s.mux.HandleFunc("POST /v1/alliances", a(s.formAlliance))
	s.mux.HandleFunc("GET /v1/alliances", a(s.listAlliances))
	s.mux.HandleFunc("GET /v1/alliances/{aid}", a(s.getAlliance))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/members", a(s.admitMember))
	s.mux.HandleFunc("DELETE /v1/alliances/{aid}/members/{mid}", a(s.withdrawMember))
	s.mux.HandleFunc("PUT /v1/alliances/{aid}/members/{mid}/key", a(s.registerKey))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/observers", a(s.addObserver))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/workgroups", a(s.formWorkgroup))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/workgroups", a(s.listWorkgroups))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/workgroups/{wid}", a(s.getWorkgroup))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/workgroups/{wid}/members", a(s.changeWorkgroupMembers))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/workgroups/{wid}/progress", a(s.reportWorkgroupProgress))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/workgroups/{wid}/close", a(s.closeWorkgroup))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/conclude", a(s.concludeAlliance))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/proxies", a(s.grantProxy))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/proxies/revoke", a(s.revokeProxy))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/scorecard", a(s.getScorecard))
	s.mux.HandleFunc("DELETE /v1/alliances/{aid}/tokens/{party_id}", a(s.revokeToken))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/tokens/{party_id}", a(s.reissueToken))

	s.mux.HandleFunc("POST /v1/alliances/{aid}/proposals", a(s.submitProposal))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/proposals", a(s.listProposals))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/proposals/{pid}", a(s.getProposal))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/proposals/{pid}/amendments", a(s.proposeAmendment))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/proposals/{pid}/amendments/{amid}/accept", a(s.acceptAmendment))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/proposals/{pid}/amendments/{amid}/reject", a(s.rejectAmendment))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/proposals/{pid}/withdraw", a(s.withdrawProposal))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/proposals/{pid}/voting", a(s.openVoting))
	s.mux.HandleFunc("PUT /v1/alliances/{aid}/proposals/{pid}/vote", a(s.castVote))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/proposals/{pid}/close", a(s.closeVoting))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/proposals/{pid}/record", a(s.getRecord))

	s.mux.HandleFunc("POST /v1/alliances/{aid}/commitments", a(s.makeCommitment))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/commitments/{cid}/progress", a(s.reportProgress))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/commitments/{cid}/fulfil", a(s.fulfilCommitment))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/commitments/{cid}/withdraw", a(s.withdrawCommitment))

	s.mux.HandleFunc("GET /v1/alliances/{aid}/audit", a(s.auditPage))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/audit/export", a(s.auditExport))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/audit/head", a(s.auditHead))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/audit/verify", a(s.auditVerify))

	s.mux.HandleFunc("GET /v1/alliances/{aid}/checkpoint", a(s.getCheckpoint))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/checkpoint/cosigned", a(s.getCosignedCheckpoint))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/checkpoint/cosignatures", a(s.postCosignature))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/log-key", a(s.getLogKey))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/proofs/inclusion", a(s.getInclusionProof))
	s.mux.HandleFunc("GET /v1/alliances/{aid}/proofs/consistency", a(s.getConsistencyProof))
	s.mux.HandleFunc("POST /v1/alliances/{aid}/witnesses", a(s.addWitness))

	s.mux.HandleFunc("GET /v1/alliances/{aid}/events", a(s.allianceEvents))
	s.mux.HandleFunc("GET /v1/events", a(s.allEvents))
	s.mux.HandleFunc("POST /v1/session", a(s.createSession))
	s.mux.HandleFunc("DELETE /v1/session", s.deleteSession)
	s.mux.HandleFunc("GET /{$}", s.dashboard)
	s.mux.HandleFunc("GET /assets/", s.dashboardAssets)
	s.mux.HandleFunc("GET /v1/openapi.json", s.openAPI)

	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /metrics", s.metrics.serve)
	s.mux.HandleFunc("/", s.unrouted)
}

// unrouted answers what no route takes, in the documented error shape: 405
// with an Allow header when the path is a route's under other methods (the
// catch-all "/" would otherwise hide them from the mux), else 404.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request) {
	allow := s.allowedMethods(r)
	if len(allow) == 0 {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	// The escaped path, so that an escaped slash shows where the route's
	// segments really end.
	s.writeError(w, r, domain.Errorf(domain.MethodNotAllowed, "%s %s: this path takes %s",
		r.Method, truncate(r.URL.EscapedPath(), 200), strings.Join(allow, ", ")))
}

// notFound answers 404 in the documented error shape.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, domain.Errorf(domain.NotFound, "no route %s %s", r.Method, truncate(r.URL.Path, 200)))
}

// routeMethods are the methods a path is asked about, in the order Allow
// lists them.
var routeMethods = []string{http.MethodDelete, http.MethodGet, http.MethodHead, http.MethodPatch, http.MethodPost, http.MethodPut}

// allowedMethods returns the methods some route takes on r's path (HEAD
// wherever GET is), or none when only the catch-all matches it.
func (s *Server) allowedMethods(r *http.Request) []string {
	var allow []string
	for _, m := range routeMethods {
		probe := r.WithContext(r.Context()) // a shallow copy, to ask the mux
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	return allow
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// allianceParam returns the {aid} of the route, checked as a uuid that the
// caller may read.
func allianceParam(r *http.Request, caller ledger.Identity) (string, error) {
	aid, err := pathID(r, "aid")
	if err != nil {
		return "", err
	}
	return aid, ledger.Readable(caller, aid)
}

// parseAsOf reads ?at_seq=N or ?at=RFC3339; giving both is an error.
func parseAsOf(r *http.Request) (ledger.AsOf, error) {
	var q ledger.AsOf
	query := r.URL.Query()
	if v := query.Get("at_seq"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n == 0 {
			return q, domain.Errorf(domain.Invalid, "at_seq must be a positive integer, not %q", truncate(v, 40))
		}
		q.Seq = n
	}
	if v := query.Get("at"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return q, domain.Errorf(domain.Invalid, "at must be an RFC 3339 time such as 2026-11-22T10:00:00Z, not %q", truncate(v, 40))
		}
		q.At = &t
	}
	if q.Seq != 0 && q.At != nil {
		return q, domain.Errorf(domain.Invalid, "give at_seq or at, not both")
	}
	return q, nil
}

// uintQuery reads an optional non-negative integer query parameter.
func uintQuery(r *http.Request, name string, def, maxVal uint64) (uint64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > maxVal {
		return 0, domain.Errorf(domain.Invalid, "%s must be an integer from 0 to %d, not %q", name, maxVal, truncate(v, 40))
	}
	return n, nil
}
