package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"accord/domain"
)

// openAPI serves the OpenAPI 3.1 description of every route. A test parses
// routes.go and fails when a registered route is missing from it (or it
// describes one that is not registered), and checks real answers against its
// schemas, so it stays true.
func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPIJSON())
}

var openAPIJSON = sync.OnceValue(func() []byte {
	raw, err := json.MarshalIndent(OpenAPI(), "", "  ")
	if err != nil {
		panic("openapi: " + err.Error()) // static data: a bug, caught by the tests
	}
	return raw
})

// oaObj is a JSON object of the document.
type oaObj = map[string]any

// OpenAPI returns the API's OpenAPI 3.1 document.
func OpenAPI() oaObj {
	return oaObj{
		"openapi": "3.1.0",
		"info": oaObj{
			"title":   "accord",
			"version": "1",
			"summary": "An event-sourced consensus ledger for multi-sector alliances.",
			"description": "Every write is an immutable event on a hash-chained, per-alliance ledger. " +
				"Errors answer {\"error\":{\"code\",\"message\"}}; a known path asked with another method answers 405 with Allow. " +
				"Writes take an Idempotency-Key header: the same key again is recorded once and answers as the first call did, " +
				"with the same ids (the ids a command creates are derived from it). " +
				"The export format and how to verify it independently are in docs/VERIFYING.md.",
		},
		"security":   []any{oaObj{"bearer": []any{}}, oaObj{"session": []any{}}},
		"paths":      oaPaths(),
		"components": oaComponents(),
	}
}

// oaOp describes one operation.
type oaOp struct {
	summary     string
	description string
	params      []any
	body        oaObj // request body schema; nil for none
	ok          int
	okDesc      string
	okSchema    oaObj // response schema; nil with okContent set, or for none
	okContent   oaObj // response content when not JSON
	okHeaders   oaObj
	public      bool
	write       bool
	errors      []int
}

func (o oaOp) build() oaObj {
	out := oaObj{"summary": o.summary, "responses": o.responses()}
	if o.description != "" {
		out["description"] = o.description
	}
	params := o.params
	if o.write {
		params = append(params, oaRef("#/components/parameters/IdempotencyKey"))
	}
	if len(params) > 0 {
		out["parameters"] = params
	}
	if o.body != nil {
		out["requestBody"] = oaObj{"required": false, "content": oaObj{"application/json": oaObj{"schema": o.body}}}
	}
	if o.public {
		out["security"] = []any{}
	}
	return out
}

func (o oaOp) responses() oaObj {
	ok := oaObj{"description": o.okDesc}
	switch {
	case o.okContent != nil:
		ok["content"] = o.okContent
	case o.okSchema != nil:
		ok["content"] = oaObj{"application/json": oaObj{"schema": o.okSchema}}
	}
	if o.okHeaders != nil {
		ok["headers"] = o.okHeaders
	}
	status := o.ok
	if status == 0 {
		status = http.StatusOK
	}
	out := oaObj{oaItoa(status): ok}
	errs := o.errors
	if errs == nil {
		errs = []int{400, 401, 403, 404}
		if o.write {
			errs = append(errs, 409, 413)
		}
	}
	if !o.public && !slices.Contains(errs, http.StatusTooManyRequests) {
		// Every authenticated route refuses an address that failed to
		// authenticate too often.
		errs = append(slices.Clone(errs), http.StatusTooManyRequests)
	}
	for _, code := range errs {
		out[oaItoa(code)] = oaRef("#/components/responses/" + oaErrorNames[code])
	}
	out["5XX"] = oaRef("#/components/responses/Unavailable")
	return out
}

var oaErrorNames = map[int]string{
	400: "Invalid", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 413: "TooLarge",
	429: "RateLimited",
}

func oaItoa(n int) string { return uitoa(uint64(n)) }

// oaPaths describes every route of routes.go, keyed by path then method.
func oaPaths() oaObj {
	aid := oaPathParam("aid", "The alliance's id.")
	pid := oaPathParam("pid", "The proposal's id.")
	asOf := []any{oaRef("#/components/parameters/AtSeq"), oaRef("#/components/parameters/At")}
	proposal := oaSchemaRef("Proposal")
	p := oaObj{}
	add := func(method, path string, o oaOp) {
		item, _ := p[path].(oaObj)
		if item == nil {
			item = oaObj{}
			p[path] = item
		}
		item[strings.ToLower(method)] = o.build()
	}
	oaAddAlliances(add, aid, asOf)
	oaAddKeys(add, aid)
	oaAddProposals(add, aid, pid, asOf, proposal)
	oaAddCommitments(add, aid)
	oaAddAudit(add, aid)
	oaAddLive(add, aid)
	oaAddTokens(add, aid)
	return p
}

type oaAdder func(method, path string, o oaOp)

func oaAddAlliances(add oaAdder, aid any, asOf []any) {
	add("POST", "/v1/alliances", oaOp{
		summary: "Form an alliance (admin)", write: true, ok: 201, okDesc: "The new alliance's state.",
		body: oaObject([]string{"name", "charter"}, oaObj{
			"name": oaStr("The alliance's name."), "purpose": oaStr("What it is for."), "charter": oaSchemaRef("Charter"),
		}),
		okSchema: oaSchemaRef("Alliance"), errors: []int{400, 401, 403, 409, 413},
	})
	add("GET", "/v1/alliances", oaOp{
		summary: "List the alliances the caller may read", okDesc: "The alliances, by name.",
		okSchema: oaObject([]string{"alliances"}, oaObj{"alliances": oaArray(oaSchemaRef("AllianceSummary"))}),
		errors:   []int{401},
	})
	add("GET", "/v1/alliances/{aid}", oaOp{
		summary: "An alliance's state, now or as it was", params: append([]any{aid}, asOf...),
		description: "With ?at_seq=N or ?at=RFC3339 the same object as it was then. A seq past the head is 400; a time before the alliance existed is 404.",
		okDesc:      "The state.", okSchema: oaSchemaRef("Alliance"),
	})
	add("POST", "/v1/alliances/{aid}/members", oaOp{
		summary: "Admit a member (admin, convener)", params: []any{aid}, write: true, ok: 201,
		body:   oaObject([]string{"name", "sector", "role"}, oaObj{"name": oaStr(""), "sector": oaStr(""), "role": oaEnum("convener", "member")}),
		okDesc: "The member's id and, this once, its token.", okSchema: oaSchemaRef("Credential"),
	})
	add("DELETE", "/v1/alliances/{aid}/members/{mid}", oaOp{
		summary: "Withdraw a member (that member, convener)", params: []any{aid, oaPathParam("mid", "The member's id.")}, write: true,
		description: "A member who withdraws while a vote is open leaves its eligible set; their stance there is dropped.",
		body:        oaObject(nil, oaObj{"reason": oaStr("")}), okDesc: "The member, withdrawn.", okSchema: oaSchemaRef("Member"),
	})
	add("POST", "/v1/alliances/{aid}/observers", oaOp{
		summary: "Add a read-only observer such as a regulator (admin, convener)", params: []any{aid}, write: true, ok: 201,
		body:   oaObject([]string{"name"}, oaObj{"name": oaStr("")}),
		okDesc: "The observer's id and, this once, its token.", okSchema: oaSchemaRef("Credential"),
	})
	add("POST", "/v1/alliances/{aid}/workgroups", oaOp{
		summary: "Form a workgroup (convener)", params: []any{aid}, write: true, ok: 201,
		body: oaObject([]string{"name", "aim", "metric", "target", "due", "member_ids"}, oaObj{
			"name": oaStr(""), "aim": oaStr(""), "metric": oaStr(""), "target": oaNum(""), "due": oaStr("A date, YYYY-MM-DD."),
			"member_ids": oaArray(oaUuidSchema()),
		}),
		okDesc: "The workgroup.",
		okSchema: oaObject([]string{"id", "workgroup", "seq"}, oaObj{
			"id": oaUuidSchema(), "workgroup": oaSchemaRef("WorkgroupFormed"), "seq": oaSeqSchema(),
		}),
	})
}

func oaAddProposals(add oaAdder, aid, pid any, asOf []any, proposal oaObj) {
	base := "/v1/alliances/{aid}/proposals"
	item := base + "/{pid}"
	add("POST", base, oaOp{
		summary: "Submit a proposal (member)", params: []any{aid}, write: true, ok: 201,
		body: oaObject([]string{"kind", "title", "body"}, oaSignable(oaObj{
			"kind": oaEnum("resolution", "charter", "operating_agreement", "position"), "title": oaStr(""), "body": oaStr(""),
			"charter": oaWithDesc(oaSchemaRef("Charter"), "Required for kind charter, refused otherwise."),
		})),
		okDesc: "The proposal, open at version 1.", okSchema: proposal,
	})
	add("GET", base, oaOp{
		summary: "The alliance's proposals, now or as they were", params: append([]any{aid}, asOf...),
		okDesc:   "The proposals and the seq they reflect.",
		okSchema: oaObject([]string{"proposals", "seq"}, oaObj{"proposals": oaArray(proposal), "seq": oaSeqSchema()}),
	})
	add("GET", item, oaOp{
		summary: "A proposal, now or as it was", params: append([]any{aid, pid}, asOf...),
		okDesc: "The proposal.", okSchema: proposal,
	})
	amid := oaPathParam("amid", "The amendment's id.")
	add("POST", item+"/amendments", oaOp{
		summary: "Propose an amendment (member, while the proposal is open)", params: []any{aid, pid}, write: true, ok: 201,
		body:   oaObject([]string{"body"}, oaSignable(oaObj{"body": oaStr("The proposed new text."), "rationale": oaStr("")})),
		okDesc: "The amendment.",
		okSchema: oaObject([]string{"id", "proposal_id", "body", "rationale", "author_id", "status", "seq"}, oaObj{
			"id": oaUuidSchema(), "proposal_id": oaUuidSchema(), "body": oaStr(""), "rationale": oaStr(""),
			"author_id": oaUuidSchema(), "status": oaEnum("proposed"), "seq": oaSeqSchema(),
		}),
	})
	for _, verb := range []string{"accept", "reject"} {
		desc := "Reject an amendment (the proposal's author)"
		if verb == "accept" {
			desc = "Accept an amendment: its text becomes the proposal's next version (the proposal's author)"
		}
		add("POST", item+"/amendments/{amid}/"+verb, oaOp{
			summary: desc, params: []any{aid, pid, amid}, write: true, okDesc: "The proposal after it.", okSchema: proposal,
			body: oaObject(nil, oaSignable(oaObj{})),
		})
	}
	add("POST", item+"/withdraw", oaOp{
		summary: "Withdraw a proposal (its author, while open)", params: []any{aid, pid}, write: true,
		body: oaObject(nil, oaObj{"reason": oaStr("")}), okDesc: "The proposal, withdrawn.", okSchema: proposal,
	})
	add("POST", item+"/voting", oaOp{
		summary: "Open voting (convener): freezes the version, the rule in force and the eligible members", params: []any{aid, pid}, write: true,
		body:   oaObject(nil, oaObj{"closes_at": oaDateTime("Optional deadline, after which the ledger closes the vote itself.")}),
		okDesc: "The proposal, now voting.", okSchema: proposal,
	})
	add("PUT", item+"/vote", oaOp{
		summary: "Cast or change a stance (eligible member, or its proxy with on_behalf_of)", params: []any{aid, pid}, write: true,
		body: oaObject([]string{"stance"}, oaSignable(oaObj{"stance": oaEnum("agree", "disagree", "abstain", "block"), "reason": oaStr(""),
			"on_behalf_of": oaWithDesc(oaUuidSchema(), "The member whose stance a proxy casts, under a rule with max_proxies ≥ 1 and a grant in force.")})),
		okDesc: "The stance recorded.",
		okSchema: oaObject([]string{"proposal_id", "member_id", "stance", "reason", "seq", "at", "hash"}, oaObj{
			"proposal_id": oaUuidSchema(), "member_id": oaUuidSchema(), "stance": oaEnum("agree", "disagree", "abstain", "block"),
			"reason": oaStr(""), "seq": oaSeqSchema(), "at": oaDateTime(""), "hash": oaHashSchema(),
			"signature": oaWithDesc(oaSchemaRef("Signature"), "The member's signature as stored, when the vote was signed."),
		}),
	})
	add("POST", item+"/close", oaOp{
		summary: "Close voting (convener) and record the outcome", params: []any{aid, pid}, write: true,
		okDesc: "The VotingClosed data.", okSchema: oaSchemaRef("VotingClosed"),
	})
	add("GET", item+"/record", oaOp{
		summary: "The decision record: how the proposal was decided, with every event it rests on",
		params: append([]any{aid, pid}, append(asOf, oaObj{
			"name": "format", "in": "query", "required": false,
			"description": "html for a printable page (also chosen by Accept: text/html), json (the default).",
			"schema":      oaEnum("json", "html"),
		})...),
		okDesc: "The record.",
		okContent: oaObj{
			"application/json": oaObj{"schema": oaSchemaRef("DecisionRecord")},
			"text/html":        oaObj{"schema": oaObj{"type": "string"}},
		},
	})
}

func oaAddCommitments(add oaAdder, aid any) {
	base := "/v1/alliances/{aid}/commitments"
	cid := oaPathParam("cid", "The commitment's id.")
	commitment := oaSchemaRef("Commitment")
	add("POST", base, oaOp{
		summary: "Make a commitment on an adopted proposal, or toward the aim of an open workgroup one belongs to (member)", params: []any{aid}, write: true, ok: 201,
		body: oaObject([]string{"description", "metric", "target", "due"}, oaSignable(oaObj{
			"proposal_id":  oaWithDesc(oaUuidSchema(), "The adopted proposal; exactly one of proposal_id and workgroup_id."),
			"workgroup_id": oaWithDesc(oaUuidSchema(), "The open workgroup the member belongs to; exactly one of proposal_id and workgroup_id."),
			"description":  oaStr(""), "metric": oaStr(""), "target": oaNum(""), "due": oaStr("A date, YYYY-MM-DD."),
		})),
		okDesc: "The commitment.", okSchema: commitment,
	})
	add("POST", base+"/{cid}/progress", oaOp{
		summary: "Report progress on a commitment (its member)", params: []any{aid, cid}, write: true,
		body:   oaObject([]string{"value"}, oaSignable(oaObj{"value": oaNum("The measured value."), "note": oaStr("")})),
		okDesc: "The commitment.", okSchema: commitment,
	})
	add("POST", base+"/{cid}/fulfil", oaOp{
		summary: "Mark a commitment fulfilled (its member)", params: []any{aid, cid}, write: true,
		body:   oaObject(nil, oaSignable(oaObj{"note": oaStr(""), "value": oaNum("The final value; without it, the last reported value (0 when none was).")})),
		okDesc: "The commitment.", okSchema: commitment,
	})
	add("POST", base+"/{cid}/withdraw", oaOp{
		summary: "Withdraw a commitment (its member)", params: []any{aid, cid}, write: true,
		body: oaObject(nil, oaObj{"note": oaStr("")}), okDesc: "The commitment.", okSchema: commitment,
	})
}

func oaAddAudit(add oaAdder, aid any) {
	base := "/v1/alliances/{aid}/audit"
	add("GET", base, oaOp{
		summary: "The audit trail, a page at a time", params: []any{aid,
			oaQueryInt("from_seq", "The first seq of the page (default 1)."), oaQueryInt("limit", "Events per page, 1 to 1000 (default 100).")},
		okDesc: "Each event with its hash; next_seq is the seq to ask for next, or null at the head.",
		okSchema: oaObject([]string{"events", "next_seq"}, oaObj{
			"events":   oaArray(oaObject([]string{"event", "hash"}, oaObj{"event": oaSchemaRef("Event"), "hash": oaHashSchema()})),
			"next_seq": oaObj{"type": []any{"integer", "null"}, "minimum": 1},
		}),
	})
	add("GET", base+"/export", oaOp{
		summary: "Export the ledger: each line exactly the stored bytes of one event, in seq order (streamed)", params: []any{aid},
		description: "NDJSON framed by LF. Verify it with `accord verify FILE`; the format is specified in docs/VERIFYING.md. An export that cannot be completed (the log fails half-way) is cut off as a broken transfer, without the body's proper end, never ended as if it were whole.",
		okDesc:      "The events.",
		okContent:   oaObj{"application/x-ndjson": oaObj{"schema": oaObj{"type": "string"}}},
		okHeaders: oaObj{
			"Accord-Head-Seq":  oaObj{"description": "The seq of the last event exported.", "schema": oaSeqSchema()},
			"Accord-Head-Hash": oaObj{"description": "Its hash: the whole export must chain to it.", "schema": oaHashSchema()},
		},
	})
	add("GET", base+"/head", oaOp{
		summary: "The head of the alliance's chain", params: []any{aid}, okDesc: "The last event's seq and hash.",
		okSchema: oaObject([]string{"seq", "hash"}, oaObj{"seq": oaSeqSchema(), "hash": oaHashSchema()}),
	})
	add("GET", base+"/verify", oaOp{
		summary: "Re-check the chain from the stored bytes and re-derive every outcome", params: []any{aid},
		description: "A ledger that does not hold still answers 200, with ok false and the first seq that fails.",
		okDesc:      "The verdict.", okSchema: oaSchemaRef("Verification"),
	})
}

func oaAddLive(add oaAdder, aid any) {
	sse := oaObj{"text/event-stream": oaObj{"schema": oaObj{"type": "string",
		"description": "id: the resume point; event: the event type; data: the event JSON, exactly as stored."}}}
	filters := []any{
		oaObj{"name": "types", "in": "query", "required": false, "description": "Only these event types (comma-separated, or repeated).",
			"schema": oaObj{"type": "string"}},
		oaObj{"name": "proposal_id", "in": "query", "required": false, "description": "Only the events of this proposal.", "schema": oaUuidSchema()},
	}
	lastID := func(desc string) oaObj {
		return oaObj{"name": "Last-Event-ID", "in": "header", "required": false, "schema": oaObj{"type": "string"}, "description": desc}
	}
	add("GET", "/v1/alliances/{aid}/events", oaOp{
		summary: "Live events of an alliance (server-sent events); id: is the alliance seq",
		params: append([]any{aid, oaQueryInt("from_seq", "Send from this seq, then live."),
			lastID("Resume after this alliance seq (EventSource sends it on reconnect); wins over from_seq.")}, filters...),
		okDesc: "The event stream: without a resume point, live events only.", okContent: sse,
	})
	add("GET", "/v1/events", oaOp{
		summary: "Live events of every alliance the caller may read (server-sent events); id: is \"<stream seq>:<alliance seq>\"",
		params: append([]any{oaQueryInt("from_stream_seq", "Send from the message at this stream seq, then live."),
			lastID("Resume after \"<stream seq>:<alliance seq>\"; wins over from_stream_seq.")}, filters...),
		okDesc: "The event stream.", okContent: sse, errors: []int{400, 401},
	})
	add("POST", "/v1/session", oaOp{
		summary:     "Start a browser session for the token's identity",
		description: "Sets an HttpOnly, SameSite=Strict session cookie holding the bearer token; GET requests may use it instead of the Authorization header (EventSource cannot send headers).",
		okDesc:      "The cookie is set; the answer says whose session it is.", errors: []int{400, 401},
		okSchema: oaObject([]string{"id", "role"}, oaObj{
			"id": oaStr(""), "role": oaEnum("admin", "convener", "member", "observer"), "alliance_id": oaUuidSchema(), "name": oaStr(""),
		}),
		okHeaders: oaObj{"Set-Cookie": oaObj{"schema": oaObj{"type": "string"}}},
	})
	add("DELETE", "/v1/session", oaOp{
		summary: "End the browser session", ok: 204, public: true, okDesc: "The session cookie is cleared.", errors: []int{},
	})
	html := oaObj{"text/html": oaObj{"schema": oaObj{"type": "string"}}}
	add("GET", "/", oaOp{
		summary: "The dashboard page", public: true, okDesc: "The page.", okContent: html, errors: []int{},
		params: []any{oaObj{"name": "alliance", "in": "query", "required": false, "schema": oaUuidSchema(), "description": "Open this alliance directly."}},
	})
	add("GET", "/assets/{asset}", oaOp{
		summary: "The dashboard's static files", public: true, okDesc: "The file.", errors: []int{404},
		params:    []any{oaObj{"name": "asset", "in": "path", "required": true, "description": "The file's path.", "schema": oaObj{"type": "string"}}},
		okContent: oaObj{"*/*": oaObj{"schema": oaObj{"type": "string"}}},
	})
	add("GET", "/v1/openapi.json", oaOp{
		summary: "This document", public: true, okDesc: "The OpenAPI 3.1 description of every route.", errors: []int{},
		okContent: oaObj{"application/json": oaObj{"schema": oaObj{"type": "object"}}},
	})
	add("GET", "/healthz", oaOp{
		summary: "Liveness and readiness", public: true, okDesc: "The server is up and serves the API.", errors: []int{},
		description: "While accord starts and cannot reach the event log yet (e.g. a NATS cluster still electing its leader), every route, this one included, answers 503 with code unavailable and Retry-After.",
		okSchema:    oaObject([]string{"status"}, oaObj{"status": oaEnum("ok")}),
	})
	add("GET", "/metrics", oaOp{
		summary: "Metrics in the Prometheus text format", public: true, okDesc: "The metrics.", errors: []int{},
		okContent: oaObj{"text/plain": oaObj{"schema": oaObj{"type": "string"}}},
	})
}

// --- schema helpers ---

func oaRef(to string) oaObj         { return oaObj{"$ref": to} }
func oaSchemaRef(name string) oaObj { return oaRef("#/components/schemas/" + name) }
func oaStr(desc string) oaObj       { return oaDescribed(oaObj{"type": "string"}, desc) }
func oaNum(desc string) oaObj       { return oaDescribed(oaObj{"type": "number"}, desc) }
func oaInteger(desc string) oaObj   { return oaDescribed(oaObj{"type": "integer", "minimum": 0}, desc) }
func oaBoolean(desc string) oaObj   { return oaDescribed(oaObj{"type": "boolean"}, desc) }
func oaArray(items oaObj) oaObj     { return oaObj{"type": "array", "items": items} }
func oaUuidSchema() oaObj           { return oaObj{"type": "string", "format": "uuid"} }
func oaSeqSchema() oaObj {
	return oaObj{"type": "integer", "minimum": 1, "description": "An alliance-local event seq."}
}
func oaDateTime(desc string) oaObj {
	return oaDescribed(oaObj{"type": "string", "format": "date-time"}, desc)
}
func oaHashSchema() oaObj {
	return oaObj{"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "Lowercase hex SHA-256 of a stored event line."}
}
func oaWithDesc(o oaObj, d string) oaObj { return oaObj{"allOf": []any{o}, "description": d} }

func oaDescribed(o oaObj, desc string) oaObj {
	if desc != "" {
		o["description"] = desc
	}
	return o
}

func oaEnum(values ...string) oaObj {
	vs := make([]any, len(values))
	for i, v := range values {
		vs[i] = v
	}
	return oaObj{"type": "string", "enum": vs}
}

// oaObject is a closed object schema: the properties listed and no others.
func oaObject(required []string, props oaObj) oaObj {
	o := oaObj{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func oaPathParam(name, desc string) oaObj {
	return oaObj{"name": name, "in": "path", "required": true, "description": desc, "schema": oaUuidSchema()}
}

func oaQueryInt(name, desc string) oaObj {
	return oaObj{"name": name, "in": "query", "required": false, "description": desc, "schema": oaObj{"type": "integer", "minimum": 0}}
}

// oaComponents holds the schemas, shared parameters, error answers and
// security schemes the paths refer to.
func oaComponents() oaObj {
	errorAnswer := func(desc string) oaObj {
		return oaObj{"description": desc, "content": oaObj{"application/json": oaObj{"schema": oaSchemaRef("Error")}}}
	}
	return oaObj{
		"securitySchemes": oaObj{
			"bearer":  oaObj{"type": "http", "scheme": "bearer", "description": "The admin token, or the token a member or observer was given when admitted."},
			"session": oaObj{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "Set by POST /v1/session; GET requests only."},
		},
		"parameters": oaObj{
			"AtSeq": oaObj{"name": "at_seq", "in": "query", "required": false, "schema": oaObj{"type": "integer", "minimum": 1},
				"description": "Answer as of right after this seq. Past the head: 400."},
			"At": oaObj{"name": "at", "in": "query", "required": false, "schema": oaObj{"type": "string", "format": "date-time"},
				"description": "Answer as of this instant (RFC 3339). Before the alliance existed: 404. Not with at_seq."},
			"IdempotencyKey": oaObj{"name": "Idempotency-Key", "in": "header", "required": false,
				"schema":      oaObj{"type": "string", "pattern": "^[A-Za-z0-9._:~+/=-]{1,128}$"},
				"description": "The command id: a retry with the same key is recorded once and answers as the first call did."},
		},
		"responses": oaObj{
			"Invalid":      errorAnswer("Malformed or invalid input (code invalid)."),
			"Unauthorized": errorAnswer("No or bad token (code unauthorized)."),
			"Forbidden":    errorAnswer("The caller may not do this (code forbidden)."),
			"NotFound":     errorAnswer("No such alliance, proposal, member… or route (code not_found)."),
			"Conflict":     errorAnswer("A rule of the ledger forbids it now, or concurrency retries ran out (code conflict)."),
			"TooLarge":     errorAnswer("The body is over 1 MiB (code too_large)."),
			"RateLimited":  errorAnswer("Too many failed authentications from this address (code rate_limited); see Retry-After."),
			"Unavailable":  errorAnswer("The log cannot be reached (code unavailable, 503) or an internal error (code internal, 500)."),
		},
		"schemas": oaSchemas(),
	}
}

func oaSchemas() oaObj {
	sc := oaObj{
		"Error": oaObject([]string{"error"}, oaObj{"error": oaObject([]string{"code", "message"}, oaObj{
			"code": oaEnum("invalid", "unauthorized", "forbidden", "not_found", "method_not_allowed", "conflict", "too_large",
				"rate_limited", "unavailable", "internal"),
			"message": oaStr("What is wrong, in words a person understands."),
		})}),
		"Charter": oaObject([]string{"decision_rule", "quorum", "threshold"}, oaObj{
			"decision_rule": oaEnum("consensus", "unanimity", "supermajority", "majority"),
			"quorum":        oaFraction("Least share of the eligible who must take part, more than 0 and at most 1 (default 1/2)."),
			"threshold":     oaFraction("Share of agree needed, from 1/2 to 1 (consensus default 3/4, supermajority 2/3; fixed for majority and unanimity, which refuse another)."),
			"signatures": oaDescribed(oaEnum("optional", "required"),
				"Whether members' own actions must carry a signed statement (default optional; absent in charters recorded before it existed)."),
			"max_proxies": oaDescribed(oaObj{"type": "integer", "minimum": 0, "maximum": domain.MaxProxyLimit},
				"How many other members one member may cast for on one proposal (default 0)."),
		}),
		"Actor": oaObject([]string{"id", "role"}, oaObj{
			"id": oaUuidSchema(), "role": oaEnum("admin", "convener", "member", "observer", "system"), "member_id": oaUuidSchema(),
		}),
		"Event": oaWithDesc(oaObject([]string{"id", "alliance_id", "seq", "type", "v", "at", "actor", "command_id", "prev_hash", "data"}, oaObj{
			"id": oaUuidSchema(), "alliance_id": oaUuidSchema(), "seq": oaSeqSchema(), "type": oaEnum(oaEventTypes()...),
			"v": oaObj{"type": "integer", "minimum": 1}, "at": oaDateTime(""), "actor": oaSchemaRef("Actor"),
			"command_id": oaStr(""), "prev_hash": oaHashSchema(), "data": oaObj{"type": "object", "description": "The type's fields; see DESIGN.md's event catalogue."},
		}), "The event envelope, exactly as stored."),
		"AllianceSummary": oaObject([]string{"id", "name", "purpose", "seq"}, oaObj{
			"id": oaUuidSchema(), "name": oaStr(""), "purpose": oaStr(""), "seq": oaInteger("The last event's seq."),
		}),
		"Alliance": oaObject([]string{"id", "name", "purpose", "charter", "seq", "formed_at", "members", "observers", "workgroups", "proposals", "commitments",
			"proxies", "concluded", "predecessor"}, oaObj{
			"id": oaUuidSchema(), "name": oaStr(""), "purpose": oaStr(""), "charter": oaSchemaRef("Charter"),
			"seq": oaInteger("The last event this state reflects."), "formed_at": oaDateTime(""),
			"members": oaArray(oaSchemaRef("Member")), "observers": oaArray(oaSchemaRef("Observer")),
			"workgroups": oaArray(oaSchemaRef("Workgroup")), "proposals": oaArray(oaSchemaRef("Proposal")),
			"commitments": oaArray(oaSchemaRef("Commitment")),
			"proxies":     oaWithDesc(oaArray(oaSchemaRef("ProxyGrant")), "The proxy grants in force, in the order granted."),
			"concluded":   oaBoolean("Whether the alliance was concluded; it then takes no command and stays readable."),
			"conclusion":  oaObject([]string{"reason", "seq", "at"}, oaObj{"reason": oaStr(""), "seq": oaSeqSchema(), "at": oaDateTime("")}),
			"predecessor": oaObj{"oneOf": []any{oaObj{"type": "null"}, oaSchemaRef("AllianceHead")}, "description": "The head of the alliance it succeeds, as recorded when it was formed."},
		}),
		"AllianceHead": oaObject([]string{"alliance_id", "seq", "hash"}, oaObj{"alliance_id": oaUuidSchema(), "seq": oaSeqSchema(), "hash": oaHashSchema()}),
		"ProxyGrant": oaObject([]string{"grantor_id", "proxy_id", "proposal_id", "seq", "at"}, oaObj{
			"grantor_id": oaUuidSchema(), "proxy_id": oaUuidSchema(), "proposal_id": oaStr("The proposal it is for; empty for a standing grant."),
			"seq": oaSeqSchema(), "at": oaDateTime(""),
		}),
		"Member": oaObject([]string{"id", "name", "sector", "role", "status", "admitted_seq"}, oaObj{
			"id": oaUuidSchema(), "name": oaStr(""), "sector": oaStr(""), "role": oaEnum("convener", "member"),
			"status": oaEnum("active", "withdrawn"), "admitted_seq": oaSeqSchema(),
			"key": oaWithDesc(oaSchemaRef("MemberKey"), "The member's signing key in force, once it registered one."),
		}),
		"Observer":        oaObject([]string{"id", "name"}, oaObj{"id": oaUuidSchema(), "name": oaStr("")}),
		"Workgroup":       oaWorkgroupState(),
		"WorkgroupFormed": oaWorkgroup("workgroup_id"),
		"Credential": oaObject([]string{"id", "token", "name", "role", "seq"}, oaObj{
			"id": oaUuidSchema(), "token": oaStr("Shown this once; stored only as a hash."), "name": oaStr(""),
			"role": oaEnum("convener", "member", "observer"), "seq": oaSeqSchema(),
		}),
		"Proposal": oaObject([]string{"id", "kind", "title", "body", "author_id", "status", "version", "amendments", "stances"}, oaObj{
			"id": oaUuidSchema(), "kind": oaEnum("resolution", "charter", "operating_agreement", "position"),
			"title": oaStr(""), "body": oaStr("The current version's text."), "author_id": oaUuidSchema(),
			"charter": oaWithDesc(oaSchemaRef("Charter"), "The charter proposed, for kind charter."),
			"status":  oaEnum("open", "voting", "adopted", "rejected", "withdrawn"), "version": oaObj{"type": "integer", "minimum": 1},
			"amendments": oaArray(oaSchemaRef("Amendment")), "voting": oaSchemaRef("Voting"),
			"stances":     oaObj{"type": "object", "additionalProperties": oaSchemaRef("Stance"), "description": "Each eligible member's latest stance, by member id."},
			"proxy_casts": oaObj{"type": "object", "additionalProperties": oaArray(oaUuidSchema()), "description": "By proxy id, the members each proxy cast for in this vote."},
			"outcome":     oaSchemaRef("Outcome"),
		}),
		"Amendment": oaObject([]string{"id", "body", "rationale", "author_id", "status"}, oaObj{
			"id": oaUuidSchema(), "body": oaStr(""), "rationale": oaStr(""), "author_id": oaUuidSchema(), "status": oaEnum("proposed", "accepted", "rejected"),
		}),
		"Voting": oaObject([]string{"version", "rule", "eligible", "opened_seq"}, oaObj{
			"version": oaObj{"type": "integer", "minimum": 1}, "rule": oaSchemaRef("Charter"), "eligible": oaArray(oaUuidSchema()),
			"closes_at": oaDateTime(""), "opened_seq": oaSeqSchema(),
		}),
		"Stance": oaObject([]string{"stance", "reason", "seq", "at"}, oaObj{
			"stance": oaEnum("agree", "disagree", "abstain", "block"), "reason": oaStr(""), "seq": oaSeqSchema(), "at": oaDateTime(""),
			"cast_by": oaWithDesc(oaUuidSchema(), "The proxy who cast it, when the member did not."),
		}),
		"Tally": oaObject([]string{"agree", "disagree", "abstain", "block"}, oaObj{
			"agree": oaInteger(""), "disagree": oaInteger(""), "abstain": oaInteger(""), "block": oaInteger(""),
		}),
		"VotingClosed": oaObject(oaOutcomeFields(), oaOutcomeProps()),
		"Outcome":      oaObject(append(oaOutcomeFields(), "closed_seq"), oaWith(oaOutcomeProps(), oaObj{"closed_seq": oaSeqSchema()})),
		"Commitment": oaObject([]string{"id", "member_id", "description", "metric", "target", "due", "status", "progress"}, oaObj{
			"id": oaUuidSchema(), "member_id": oaUuidSchema(), "description": oaStr(""),
			"proposal_id":  oaWithDesc(oaUuidSchema(), "The adopted proposal it is made on; absent for a commitment toward a workgroup."),
			"workgroup_id": oaWithDesc(oaUuidSchema(), "The workgroup whose aim it serves; absent for a commitment on a proposal."),
			"metric":       oaStr(""), "target": oaNum(""), "due": oaStr(""), "status": oaEnum("open", "fulfilled", "withdrawn"),
			"progress": oaArray(oaObject([]string{"value", "note", "seq", "at"}, oaObj{"value": oaNum(""), "note": oaStr(""), "seq": oaSeqSchema(), "at": oaDateTime("")})),
			"value":    oaNum("The final value, once fulfilled."),
		}),
		"Verification": oaObj{"oneOf": []any{
			oaObject([]string{"ok", "events", "decisions", "signatures", "head", "checked"}, oaObj{
				"ok": oaObj{"const": true}, "events": oaInteger("Events checked."), "decisions": oaInteger("VotingClosed outcomes re-derived."),
				"signatures": oaInteger("Members' signed statements verified."),
				"head":       oaObject([]string{"seq", "hash"}, oaObj{"seq": oaSeqSchema(), "hash": oaHashSchema()}), "checked": oaArray(oaStr("")),
			}),
			oaObject([]string{"ok", "seq", "error", "checked"}, oaObj{
				"ok": oaObj{"const": false}, "seq": oaSeqSchema(), "error": oaStr("Which seq fails and why."), "checked": oaArray(oaStr("")),
			}),
		}},
	}
	for name, schema := range oaRecordSchemas() {
		sc[name] = schema
	}
	for name, schema := range oaSignatureSchemas() {
		sc[name] = schema
	}
	return sc
}

// oaRecordSchemas describe projections.DecisionRecord and its parts.
func oaRecordSchemas() oaObj {
	act := oaObj{"seq": oaSeqSchema(), "at": oaDateTime(""), "actor": oaSchemaRef("Actor"), "by": oaStr("The actor's name.")}
	actFields := []string{"seq", "at", "actor", "by"}
	party := oaObject([]string{"id", "name"}, oaObj{"id": oaUuidSchema(), "name": oaStr("")})
	withdrawal := oaObject(append(actFields, "reason"), oaWith(act, oaObj{"reason": oaStr("")}))
	return oaObj{
		"DecisionRecord": oaObject([]string{"alliance", "as_of", "proposal", "versions", "amendments", "voting", "stances", "outcome", "signatures", "events"}, oaObj{
			"alliance": party,
			"as_of":    oaObject([]string{"seq", "hash", "at"}, oaObj{"seq": oaSeqSchema(), "hash": oaHashSchema(), "at": oaDateTime("")}),
			"proposal": oaObject([]string{"id", "kind", "title", "author", "status", "version", "body"}, oaObj{
				"id": oaUuidSchema(), "kind": oaStr(""), "title": oaStr(""), "author": party, "status": oaStr(""),
				"version": oaObj{"type": "integer", "minimum": 1}, "body": oaStr(""), "charter": oaSchemaRef("Charter"),
			}),
			"versions": oaArray(oaObject(append([]string{"version", "body"}, actFields...), oaWith(act, oaObj{
				"version": oaObj{"type": "integer", "minimum": 1}, "body": oaStr(""), "amendment_id": oaUuidSchema(),
			}))),
			"amendments": oaArray(oaObject([]string{"id", "body", "rationale", "author", "status", "proposed"}, oaObj{
				"id": oaUuidSchema(), "body": oaStr(""), "rationale": oaStr(""), "author": party,
				"status": oaEnum("proposed", "accepted", "rejected"), "proposed": oaObject(actFields, act),
				"settled": oaObject(actFields, act), "version": oaObj{"type": "integer", "minimum": 1},
			})),
			"withdrawal": withdrawal,
			"voting": oaObj{"oneOf": []any{oaObj{"type": "null"}, oaObject([]string{"opened", "version", "rule", "eligible"}, oaObj{
				"opened": oaObject(actFields, act), "version": oaObj{"type": "integer", "minimum": 1}, "rule": oaSchemaRef("Charter"),
				"closes_at": oaDateTime(""),
				"eligible": oaArray(oaObject([]string{"id", "name", "sector"}, oaObj{
					"id": oaUuidSchema(), "name": oaStr(""), "sector": oaStr(""), "withdrew": withdrawal,
				})),
			})}},
			"stances": oaArray(oaObject([]string{"member_id", "name", "history", "final", "dropped"}, oaObj{
				"member_id": oaUuidSchema(), "name": oaStr(""),
				"history": oaArray(oaObject([]string{"stance", "reason", "seq", "at", "signature"}, oaObj{
					"stance": oaEnum("agree", "disagree", "abstain", "block"), "reason": oaStr(""), "seq": oaSeqSchema(), "at": oaDateTime(""),
					"cast_by": oaWithDesc(oaUuidSchema(), "The proxy who cast it, when the member did not."),
					"signature": oaObj{"oneOf": []any{oaObj{"type": "null"}, oaSchemaRef("RecordedSignature")},
						"description": "The signature of whoever cast this vote (the member, or its proxy); null when it was not signed."},
				})),
				"final":   oaObj{"type": []any{"string", "null"}, "description": "The stance that counts: the latest, unless dropped."},
				"dropped": oaBoolean("The member withdrew before the close."),
			})),
			"outcome": oaObj{"oneOf": []any{oaObj{"type": "null"}, oaObject(append(oaOutcomeFields(), "closed"),
				oaWith(oaOutcomeProps(), oaObj{"closed": oaObject(actFields, act)}))}},
			"provisional":     oaWithDesc(oaSchemaRef("VotingClosed"), "While voting is open: what closing it at this point would record."),
			"charter_amended": oaObject([]string{"seq", "at", "charter"}, oaObj{"seq": oaSeqSchema(), "at": oaDateTime(""), "charter": oaSchemaRef("Charter")}),
			"signatures":      oaWithDesc(oaArray(oaSchemaRef("RecordedSignature")), "Every member's own signature on the events the record rests on, in seq order."),
			"events":          oaArray(oaObject([]string{"seq", "type", "hash"}, oaObj{"seq": oaSeqSchema(), "type": oaEnum(oaEventTypes()...), "hash": oaHashSchema()})),
		}),
	}
}

func oaOutcomeFields() []string {
	return []string{"proposal_id", "tally", "participation", "eligible_count", "quorum_required", "quorum_met", "result", "explanation"}
}

func oaOutcomeProps() oaObj {
	return oaObj{
		"proposal_id": oaUuidSchema(), "tally": oaSchemaRef("Tally"), "participation": oaInteger("A + D + S + B."),
		"eligible_count": oaInteger(""), "quorum_required": oaInteger("The least participation that meets quorum."),
		"quorum_met": oaBoolean(""), "result": oaEnum("adopted", "rejected"), "explanation": oaStr("A sentence a board secretary could read out."),
	}
}

// oaWorkgroupState is a workgroup as the alliance's state holds it: its
// formation, then its status, progress history and closure.
func oaWorkgroupState() oaObj {
	w := oaWorkgroup("id")
	w["required"] = append(w["required"].([]string), "status", "progress")
	w["properties"] = oaWith(w["properties"].(oaObj), oaObj{
		"status":   oaEnum("open", "met", "missed", "dissolved"),
		"progress": oaArray(oaObject([]string{"value", "note", "seq", "at"}, oaObj{"value": oaNum(""), "note": oaStr(""), "seq": oaSeqSchema(), "at": oaDateTime("")})),
		"closure":  oaObject([]string{"note", "seq", "at"}, oaObj{"note": oaStr(""), "seq": oaSeqSchema(), "at": oaDateTime("")}),
	})
	return w
}

func oaWorkgroup(idField string) oaObj {
	return oaObject([]string{idField, "name", "aim", "metric", "target", "due", "member_ids"}, oaObj{
		idField: oaUuidSchema(), "name": oaStr(""), "aim": oaStr(""), "metric": oaStr(""), "target": oaNum(""), "due": oaStr(""),
		"member_ids": oaArray(oaUuidSchema()),
	})
}

func oaFraction(desc string) oaObj {
	return oaDescribed(oaObj{"type": "string", "pattern": "^[0-9]+/[0-9]+$"}, desc)
}

// oaWith returns a copy of a with b's entries added.
func oaWith(a, b oaObj) oaObj {
	out := make(oaObj, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func oaEventTypes() []string {
	types := domain.EventTypes()
	sort.Strings(types)
	return types
}
