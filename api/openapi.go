package api

import (
	"encoding/json"
	"net/http"
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

// obj is a JSON object of the document.
type obj = map[string]any

// OpenAPI returns the API's OpenAPI 3.1 document.
func OpenAPI() obj {
	return obj{
		"openapi": "3.1.0",
		"info": obj{
			"title":   "accord",
			"version": "1",
			"summary": "An event-sourced consensus ledger for multi-sector alliances.",
			"description": "Every write is an immutable event on a hash-chained, per-alliance ledger. " +
				"Errors answer {\"error\":{\"code\",\"message\"}}. Writes take an Idempotency-Key header: " +
				"the same key again is recorded once and answers as the first call did. " +
				"The export format and how to verify it independently are in docs/VERIFYING.md.",
		},
		"security":   []any{obj{"bearer": []any{}}, obj{"session": []any{}}},
		"paths":      paths(),
		"components": components(),
	}
}

// op describes one operation.
type op struct {
	summary     string
	description string
	params      []any
	body        obj // request body schema; nil for none
	ok          int
	okDesc      string
	okSchema    obj // response schema; nil with okContent set, or for none
	okContent   obj // response content when not JSON
	okHeaders   obj
	public      bool
	write       bool
	errors      []int
}

func (o op) build() obj {
	out := obj{"summary": o.summary, "responses": o.responses()}
	if o.description != "" {
		out["description"] = o.description
	}
	params := o.params
	if o.write {
		params = append(params, ref("#/components/parameters/IdempotencyKey"))
	}
	if len(params) > 0 {
		out["parameters"] = params
	}
	if o.body != nil {
		out["requestBody"] = obj{"required": false, "content": obj{"application/json": obj{"schema": o.body}}}
	}
	if o.public {
		out["security"] = []any{}
	}
	return out
}

func (o op) responses() obj {
	ok := obj{"description": o.okDesc}
	switch {
	case o.okContent != nil:
		ok["content"] = o.okContent
	case o.okSchema != nil:
		ok["content"] = obj{"application/json": obj{"schema": o.okSchema}}
	}
	if o.okHeaders != nil {
		ok["headers"] = o.okHeaders
	}
	status := o.ok
	if status == 0 {
		status = http.StatusOK
	}
	out := obj{itoa(status): ok}
	errs := o.errors
	if errs == nil {
		errs = []int{400, 401, 403, 404}
		if o.write {
			errs = append(errs, 409, 413)
		}
	}
	for _, code := range errs {
		out[itoa(code)] = ref("#/components/responses/" + errorNames[code])
	}
	out["5XX"] = ref("#/components/responses/Unavailable")
	return out
}

var errorNames = map[int]string{
	400: "Invalid", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 413: "TooLarge",
}

func itoa(n int) string { return uitoa(uint64(n)) }

// paths describes every route of routes.go, keyed by path then method.
func paths() obj {
	aid := pathParam("aid", "The alliance's id.")
	pid := pathParam("pid", "The proposal's id.")
	asOf := []any{ref("#/components/parameters/AtSeq"), ref("#/components/parameters/At")}
	proposal := schemaRef("Proposal")
	p := obj{}
	add := func(method, path string, o op) {
		item, _ := p[path].(obj)
		if item == nil {
			item = obj{}
			p[path] = item
		}
		item[strings.ToLower(method)] = o.build()
	}
	addAlliances(add, aid, asOf)
	addProposals(add, aid, pid, asOf, proposal)
	addCommitments(add, aid)
	addAudit(add, aid)
	addLive(add, aid)
	return p
}

type adder func(method, path string, o op)

func addAlliances(add adder, aid any, asOf []any) {
	add("POST", "/v1/alliances", op{
		summary: "Form an alliance (admin)", write: true, ok: 201, okDesc: "The new alliance's state.",
		body: object([]string{"name", "charter"}, obj{
			"name": str("The alliance's name."), "purpose": str("What it is for."), "charter": schemaRef("Charter"),
		}),
		okSchema: schemaRef("Alliance"), errors: []int{400, 401, 403, 409, 413},
	})
	add("GET", "/v1/alliances", op{
		summary: "List the alliances the caller may read", okDesc: "The alliances, by name.",
		okSchema: object([]string{"alliances"}, obj{"alliances": array(schemaRef("AllianceSummary"))}),
		errors:   []int{401},
	})
	add("GET", "/v1/alliances/{aid}", op{
		summary: "An alliance's state, now or as it was", params: append([]any{aid}, asOf...),
		description: "With ?at_seq=N or ?at=RFC3339 the same object as it was then. A seq past the head is 400; a time before the alliance existed is 404.",
		okDesc:      "The state.", okSchema: schemaRef("Alliance"),
	})
	add("POST", "/v1/alliances/{aid}/members", op{
		summary: "Admit a member (admin, convener)", params: []any{aid}, write: true, ok: 201,
		body:   object([]string{"name", "sector", "role"}, obj{"name": str(""), "sector": str(""), "role": enum("convener", "member")}),
		okDesc: "The member's id and, this once, its token.", okSchema: schemaRef("Credential"),
	})
	add("DELETE", "/v1/alliances/{aid}/members/{mid}", op{
		summary: "Withdraw a member (that member, convener)", params: []any{aid, pathParam("mid", "The member's id.")}, write: true,
		description: "A member who withdraws while a vote is open leaves its eligible set; their stance there is dropped.",
		body:        object(nil, obj{"reason": str("")}), okDesc: "The member, withdrawn.", okSchema: schemaRef("Member"),
	})
	add("POST", "/v1/alliances/{aid}/observers", op{
		summary: "Add a read-only observer such as a regulator (admin, convener)", params: []any{aid}, write: true, ok: 201,
		body:   object([]string{"name"}, obj{"name": str("")}),
		okDesc: "The observer's id and, this once, its token.", okSchema: schemaRef("Credential"),
	})
	add("POST", "/v1/alliances/{aid}/workgroups", op{
		summary: "Form a workgroup (convener)", params: []any{aid}, write: true, ok: 201,
		body: object([]string{"name", "aim", "metric", "target", "due", "member_ids"}, obj{
			"name": str(""), "aim": str(""), "metric": str(""), "target": num(""), "due": str("A date, YYYY-MM-DD."),
			"member_ids": array(uuidSchema()),
		}),
		okDesc: "The workgroup.",
		okSchema: object([]string{"id", "workgroup", "seq"}, obj{
			"id": uuidSchema(), "workgroup": schemaRef("WorkgroupFormed"), "seq": seqSchema(),
		}),
	})
}

func addProposals(add adder, aid, pid any, asOf []any, proposal obj) {
	base := "/v1/alliances/{aid}/proposals"
	item := base + "/{pid}"
	add("POST", base, op{
		summary: "Submit a proposal (member)", params: []any{aid}, write: true, ok: 201,
		body: object([]string{"kind", "title", "body"}, obj{
			"kind": enum("resolution", "charter", "operating_agreement", "position"), "title": str(""), "body": str(""),
			"charter": withDesc(schemaRef("Charter"), "Required for kind charter, refused otherwise."),
		}),
		okDesc: "The proposal, open at version 1.", okSchema: proposal,
	})
	add("GET", base, op{
		summary: "The alliance's proposals, now or as they were", params: append([]any{aid}, asOf...),
		okDesc:   "The proposals and the seq they reflect.",
		okSchema: object([]string{"proposals", "seq"}, obj{"proposals": array(proposal), "seq": seqSchema()}),
	})
	add("GET", item, op{
		summary: "A proposal, now or as it was", params: append([]any{aid, pid}, asOf...),
		okDesc: "The proposal.", okSchema: proposal,
	})
	amid := pathParam("amid", "The amendment's id.")
	add("POST", item+"/amendments", op{
		summary: "Propose an amendment (member, while the proposal is open)", params: []any{aid, pid}, write: true, ok: 201,
		body:   object([]string{"body"}, obj{"body": str("The proposed new text."), "rationale": str("")}),
		okDesc: "The amendment.",
		okSchema: object([]string{"id", "proposal_id", "body", "rationale", "author_id", "status", "seq"}, obj{
			"id": uuidSchema(), "proposal_id": uuidSchema(), "body": str(""), "rationale": str(""),
			"author_id": uuidSchema(), "status": enum("proposed"), "seq": seqSchema(),
		}),
	})
	for _, verb := range []string{"accept", "reject"} {
		desc := "Reject an amendment (the proposal's author)"
		if verb == "accept" {
			desc = "Accept an amendment: its text becomes the proposal's next version (the proposal's author)"
		}
		add("POST", item+"/amendments/{amid}/"+verb, op{
			summary: desc, params: []any{aid, pid, amid}, write: true, okDesc: "The proposal after it.", okSchema: proposal,
		})
	}
	add("POST", item+"/withdraw", op{
		summary: "Withdraw a proposal (its author, while open)", params: []any{aid, pid}, write: true,
		body: object(nil, obj{"reason": str("")}), okDesc: "The proposal, withdrawn.", okSchema: proposal,
	})
	add("POST", item+"/voting", op{
		summary: "Open voting (convener): freezes the version, the rule in force and the eligible members", params: []any{aid, pid}, write: true,
		body:   object(nil, obj{"closes_at": dateTime("Optional deadline, after which the ledger closes the vote itself.")}),
		okDesc: "The proposal, now voting.", okSchema: proposal,
	})
	add("PUT", item+"/vote", op{
		summary: "Cast or change a stance (eligible member)", params: []any{aid, pid}, write: true,
		body:   object([]string{"stance"}, obj{"stance": enum("agree", "disagree", "abstain", "block"), "reason": str("")}),
		okDesc: "The stance recorded.",
		okSchema: object([]string{"proposal_id", "member_id", "stance", "reason", "seq", "at", "hash"}, obj{
			"proposal_id": uuidSchema(), "member_id": uuidSchema(), "stance": enum("agree", "disagree", "abstain", "block"),
			"reason": str(""), "seq": seqSchema(), "at": dateTime(""), "hash": hashSchema(),
		}),
	})
	add("POST", item+"/close", op{
		summary: "Close voting (convener) and record the outcome", params: []any{aid, pid}, write: true,
		okDesc: "The VotingClosed data.", okSchema: schemaRef("VotingClosed"),
	})
	add("GET", item+"/record", op{
		summary: "The decision record: how the proposal was decided, with every event it rests on",
		params: append([]any{aid, pid}, append(asOf, obj{
			"name": "format", "in": "query", "required": false,
			"description": "html for a printable page (also chosen by Accept: text/html), json (the default).",
			"schema":      enum("json", "html"),
		})...),
		okDesc: "The record.",
		okContent: obj{
			"application/json": obj{"schema": schemaRef("DecisionRecord")},
			"text/html":        obj{"schema": obj{"type": "string"}},
		},
	})
}

func addCommitments(add adder, aid any) {
	base := "/v1/alliances/{aid}/commitments"
	cid := pathParam("cid", "The commitment's id.")
	commitment := schemaRef("Commitment")
	add("POST", base, op{
		summary: "Make a commitment on an adopted proposal (member)", params: []any{aid}, write: true, ok: 201,
		body: object([]string{"proposal_id", "description", "metric", "target", "due"}, obj{
			"proposal_id": uuidSchema(), "description": str(""), "metric": str(""), "target": num(""), "due": str("A date, YYYY-MM-DD."),
		}),
		okDesc: "The commitment.", okSchema: commitment,
	})
	add("POST", base+"/{cid}/progress", op{
		summary: "Report progress on a commitment (its member)", params: []any{aid, cid}, write: true,
		body:   object([]string{"value"}, obj{"value": num("The measured value."), "note": str("")}),
		okDesc: "The commitment.", okSchema: commitment,
	})
	for verb, what := range map[string]string{"fulfil": "Mark a commitment fulfilled (its member)", "withdraw": "Withdraw a commitment (its member)"} {
		add("POST", base+"/{cid}/"+verb, op{
			summary: what, params: []any{aid, cid}, write: true,
			body: object(nil, obj{"note": str("")}), okDesc: "The commitment.", okSchema: commitment,
		})
	}
}

func addAudit(add adder, aid any) {
	base := "/v1/alliances/{aid}/audit"
	add("GET", base, op{
		summary: "The audit trail, a page at a time", params: []any{aid,
			queryInt("from_seq", "The first seq of the page (default 1)."), queryInt("limit", "Events per page, 1 to 1000 (default 100).")},
		okDesc: "Each event with its hash; next_seq is the seq to ask for next, or null at the head.",
		okSchema: object([]string{"events", "next_seq"}, obj{
			"events":   array(object([]string{"event", "hash"}, obj{"event": schemaRef("Event"), "hash": hashSchema()})),
			"next_seq": obj{"type": []any{"integer", "null"}, "minimum": 1},
		}),
	})
	add("GET", base+"/export", op{
		summary: "Export the ledger: each line exactly the stored bytes of one event, in seq order (streamed)", params: []any{aid},
		description: "NDJSON framed by LF. Verify it with `accord verify FILE`; the format is specified in docs/VERIFYING.md.",
		okDesc:      "The events.",
		okContent:   obj{"application/x-ndjson": obj{"schema": obj{"type": "string"}}},
		okHeaders: obj{
			"Accord-Head-Seq":  obj{"description": "The seq of the last event exported.", "schema": seqSchema()},
			"Accord-Head-Hash": obj{"description": "Its hash: the whole export must chain to it.", "schema": hashSchema()},
		},
	})
	add("GET", base+"/head", op{
		summary: "The head of the alliance's chain", params: []any{aid}, okDesc: "The last event's seq and hash.",
		okSchema: object([]string{"seq", "hash"}, obj{"seq": seqSchema(), "hash": hashSchema()}),
	})
	add("GET", base+"/verify", op{
		summary: "Re-check the chain from the stored bytes and re-derive every outcome", params: []any{aid},
		description: "A ledger that does not hold still answers 200, with ok false and the first seq that fails.",
		okDesc:      "The verdict.", okSchema: schemaRef("Verification"),
	})
}

func addLive(add adder, aid any) {
	sse := obj{"text/event-stream": obj{"schema": obj{"type": "string",
		"description": "id: the resume point; event: the event type; data: the event JSON, exactly as stored."}}}
	filters := []any{
		obj{"name": "types", "in": "query", "required": false, "description": "Only these event types (comma-separated, or repeated).",
			"schema": obj{"type": "string"}},
		obj{"name": "proposal_id", "in": "query", "required": false, "description": "Only the events of this proposal.", "schema": uuidSchema()},
	}
	lastID := func(desc string) obj {
		return obj{"name": "Last-Event-ID", "in": "header", "required": false, "schema": obj{"type": "string"}, "description": desc}
	}
	add("GET", "/v1/alliances/{aid}/events", op{
		summary: "Live events of an alliance (server-sent events); id: is the alliance seq",
		params: append([]any{aid, queryInt("from_seq", "Send from this seq, then live."),
			lastID("Resume after this alliance seq (EventSource sends it on reconnect); wins over from_seq.")}, filters...),
		okDesc: "The event stream: without a resume point, live events only.", okContent: sse,
	})
	add("GET", "/v1/events", op{
		summary: "Live events of every alliance the caller may read (server-sent events); id: is \"<stream seq>:<alliance seq>\"",
		params: append([]any{queryInt("from_stream_seq", "Send from the message at this stream seq, then live."),
			lastID("Resume after \"<stream seq>:<alliance seq>\"; wins over from_stream_seq.")}, filters...),
		okDesc: "The event stream.", okContent: sse, errors: []int{400, 401},
	})
	add("POST", "/v1/session", op{
		summary:     "Start a browser session for the token's identity",
		description: "Sets an HttpOnly, SameSite=Strict session cookie holding the bearer token; GET requests may use it instead of the Authorization header (EventSource cannot send headers).",
		okDesc:      "The cookie is set; the answer says whose session it is.", errors: []int{400, 401},
		okSchema: object([]string{"id", "role"}, obj{
			"id": str(""), "role": enum("admin", "convener", "member", "observer"), "alliance_id": uuidSchema(), "name": str(""),
		}),
		okHeaders: obj{"Set-Cookie": obj{"schema": obj{"type": "string"}}},
	})
	add("DELETE", "/v1/session", op{
		summary: "End the browser session", ok: 204, public: true, okDesc: "The session cookie is cleared.", errors: []int{},
	})
	html := obj{"text/html": obj{"schema": obj{"type": "string"}}}
	add("GET", "/", op{
		summary: "The dashboard page", public: true, okDesc: "The page.", okContent: html, errors: []int{},
		params: []any{obj{"name": "alliance", "in": "query", "required": false, "schema": uuidSchema(), "description": "Open this alliance directly."}},
	})
	add("GET", "/assets/{asset}", op{
		summary: "The dashboard's static files", public: true, okDesc: "The file.", errors: []int{404},
		params:    []any{obj{"name": "asset", "in": "path", "required": true, "description": "The file's path.", "schema": obj{"type": "string"}}},
		okContent: obj{"*/*": obj{"schema": obj{"type": "string"}}},
	})
	add("GET", "/v1/openapi.json", op{
		summary: "This document", public: true, okDesc: "The OpenAPI 3.1 description of every route.", errors: []int{},
		okContent: obj{"application/json": obj{"schema": obj{"type": "object"}}},
	})
	add("GET", "/healthz", op{
		summary: "Liveness", public: true, okDesc: "The server is up.", errors: []int{},
		okSchema: object([]string{"status"}, obj{"status": enum("ok")}),
	})
	add("GET", "/metrics", op{
		summary: "Metrics in the Prometheus text format", public: true, okDesc: "The metrics.", errors: []int{},
		okContent: obj{"text/plain": obj{"schema": obj{"type": "string"}}},
	})
}

// --- schema helpers ---

func ref(to string) obj         { return obj{"$ref": to} }
func schemaRef(name string) obj { return ref("#/components/schemas/" + name) }
func str(desc string) obj       { return described(obj{"type": "string"}, desc) }
func num(desc string) obj       { return described(obj{"type": "number"}, desc) }
func integer(desc string) obj   { return described(obj{"type": "integer", "minimum": 0}, desc) }
func boolean(desc string) obj   { return described(obj{"type": "boolean"}, desc) }
func array(items obj) obj       { return obj{"type": "array", "items": items} }
func uuidSchema() obj           { return obj{"type": "string", "format": "uuid"} }
func seqSchema() obj {
	return obj{"type": "integer", "minimum": 1, "description": "An alliance-local event seq."}
}
func dateTime(desc string) obj { return described(obj{"type": "string", "format": "date-time"}, desc) }
func hashSchema() obj {
	return obj{"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "Lowercase hex SHA-256 of a stored event line."}
}
func nullable(name string) obj     { return obj{"oneOf": []any{schemaRef(name), obj{"type": "null"}}} }
func withDesc(o obj, d string) obj { return obj{"allOf": []any{o}, "description": d} }

func described(o obj, desc string) obj {
	if desc != "" {
		o["description"] = desc
	}
	return o
}

func enum(values ...string) obj {
	vs := make([]any, len(values))
	for i, v := range values {
		vs[i] = v
	}
	return obj{"type": "string", "enum": vs}
}

// object is a closed object schema: the properties listed and no others.
func object(required []string, props obj) obj {
	o := obj{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func pathParam(name, desc string) obj {
	return obj{"name": name, "in": "path", "required": true, "description": desc, "schema": uuidSchema()}
}

func queryInt(name, desc string) obj {
	return obj{"name": name, "in": "query", "required": false, "description": desc, "schema": obj{"type": "integer", "minimum": 0}}
}

// components holds the schemas, shared parameters, error answers and
// security schemes the paths refer to.
func components() obj {
	errorAnswer := func(desc string) obj {
		return obj{"description": desc, "content": obj{"application/json": obj{"schema": schemaRef("Error")}}}
	}
	return obj{
		"securitySchemes": obj{
			"bearer":  obj{"type": "http", "scheme": "bearer", "description": "The admin token, or the token a member or observer was given when admitted."},
			"session": obj{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "Set by POST /v1/session; GET requests only."},
		},
		"parameters": obj{
			"AtSeq": obj{"name": "at_seq", "in": "query", "required": false, "schema": obj{"type": "integer", "minimum": 1},
				"description": "Answer as of right after this seq. Past the head: 400."},
			"At": obj{"name": "at", "in": "query", "required": false, "schema": obj{"type": "string", "format": "date-time"},
				"description": "Answer as of this instant (RFC 3339). Before the alliance existed: 404. Not with at_seq."},
			"IdempotencyKey": obj{"name": "Idempotency-Key", "in": "header", "required": false,
				"schema":      obj{"type": "string", "pattern": "^[A-Za-z0-9._:~+/=-]{1,128}$"},
				"description": "The command id: a retry with the same key is recorded once and answers as the first call did."},
		},
		"responses": obj{
			"Invalid":      errorAnswer("Malformed or invalid input (code invalid)."),
			"Unauthorized": errorAnswer("No or bad token (code unauthorized)."),
			"Forbidden":    errorAnswer("The caller may not do this (code forbidden)."),
			"NotFound":     errorAnswer("No such alliance, proposal, member… or route (code not_found)."),
			"Conflict":     errorAnswer("A rule of the ledger forbids it now, or concurrency retries ran out (code conflict)."),
			"TooLarge":     errorAnswer("The body is over 1 MiB (code too_large)."),
			"Unavailable":  errorAnswer("The log cannot be reached (code unavailable, 503) or an internal error (code internal, 500)."),
		},
		"schemas": schemas(),
	}
}

func schemas() obj {
	sc := obj{
		"Error": object([]string{"error"}, obj{"error": object([]string{"code", "message"}, obj{
			"code":    enum("invalid", "unauthorized", "forbidden", "not_found", "conflict", "too_large", "unavailable", "internal"),
			"message": str("What is wrong, in words a person understands."),
		})}),
		"Charter": object([]string{"decision_rule", "quorum", "threshold"}, obj{
			"decision_rule": enum("consensus", "unanimity", "supermajority", "majority"),
			"quorum":        fraction("Least share of the eligible who must take part (default 1/2)."),
			"threshold":     fraction("Share of agree needed (consensus default 3/4, supermajority 2/3; fixed for majority and unanimity)."),
		}),
		"Actor": object([]string{"id", "role"}, obj{
			"id": uuidSchema(), "role": enum("admin", "convener", "member", "observer", "system"), "member_id": uuidSchema(),
		}),
		"Event": withDesc(object([]string{"id", "alliance_id", "seq", "type", "v", "at", "actor", "command_id", "prev_hash", "data"}, obj{
			"id": uuidSchema(), "alliance_id": uuidSchema(), "seq": seqSchema(), "type": enum(eventTypes()...),
			"v": obj{"type": "integer", "minimum": 1}, "at": dateTime(""), "actor": schemaRef("Actor"),
			"command_id": str(""), "prev_hash": hashSchema(), "data": obj{"type": "object", "description": "The type's fields; see DESIGN.md's event catalogue."},
		}), "The event envelope, exactly as stored."),
		"AllianceSummary": object([]string{"id", "name", "purpose", "seq"}, obj{
			"id": uuidSchema(), "name": str(""), "purpose": str(""), "seq": integer("The last event's seq."),
		}),
		"Alliance": object([]string{"id", "name", "purpose", "charter", "seq", "formed_at", "members", "observers", "workgroups", "proposals", "commitments"}, obj{
			"id": uuidSchema(), "name": str(""), "purpose": str(""), "charter": schemaRef("Charter"),
			"seq": integer("The last event this state reflects."), "formed_at": dateTime(""),
			"members": array(schemaRef("Member")), "observers": array(schemaRef("Observer")),
			"workgroups": array(schemaRef("Workgroup")), "proposals": array(schemaRef("Proposal")),
			"commitments": array(schemaRef("Commitment")),
		}),
		"Member": object([]string{"id", "name", "sector", "role", "status", "admitted_seq"}, obj{
			"id": uuidSchema(), "name": str(""), "sector": str(""), "role": enum("convener", "member"),
			"status": enum("active", "withdrawn"), "admitted_seq": seqSchema(),
		}),
		"Observer":        object([]string{"id", "name"}, obj{"id": uuidSchema(), "name": str("")}),
		"Workgroup":       workgroup("id"),
		"WorkgroupFormed": workgroup("workgroup_id"),
		"Credential": object([]string{"id", "token", "name", "role", "seq"}, obj{
			"id": uuidSchema(), "token": str("Shown this once; stored only as a hash."), "name": str(""),
			"role": enum("convener", "member", "observer"), "seq": seqSchema(),
		}),
		"Proposal": object([]string{"id", "kind", "title", "body", "author_id", "status", "version", "amendments", "stances"}, obj{
			"id": uuidSchema(), "kind": enum("resolution", "charter", "operating_agreement", "position"),
			"title": str(""), "body": str("The current version's text."), "author_id": uuidSchema(),
			"charter": withDesc(schemaRef("Charter"), "The charter proposed, for kind charter."),
			"status":  enum("open", "voting", "adopted", "rejected", "withdrawn"), "version": obj{"type": "integer", "minimum": 1},
			"amendments": array(schemaRef("Amendment")), "voting": schemaRef("Voting"),
			"stances": obj{"type": "object", "additionalProperties": schemaRef("Stance"), "description": "Each eligible member's latest stance, by member id."},
			"outcome": schemaRef("Outcome"),
		}),
		"Amendment": object([]string{"id", "body", "rationale", "author_id", "status"}, obj{
			"id": uuidSchema(), "body": str(""), "rationale": str(""), "author_id": uuidSchema(), "status": enum("proposed", "accepted", "rejected"),
		}),
		"Voting": object([]string{"version", "rule", "eligible", "opened_seq"}, obj{
			"version": obj{"type": "integer", "minimum": 1}, "rule": schemaRef("Charter"), "eligible": array(uuidSchema()),
			"closes_at": dateTime(""), "opened_seq": seqSchema(),
		}),
		"Stance": object([]string{"stance", "reason", "seq", "at"}, obj{
			"stance": enum("agree", "disagree", "abstain", "block"), "reason": str(""), "seq": seqSchema(), "at": dateTime(""),
		}),
		"Tally": object([]string{"agree", "disagree", "abstain", "block"}, obj{
			"agree": integer(""), "disagree": integer(""), "abstain": integer(""), "block": integer(""),
		}),
		"VotingClosed": object(outcomeFields(), outcomeProps()),
		"Outcome":      object(append(outcomeFields(), "closed_seq"), with(outcomeProps(), obj{"closed_seq": seqSchema()})),
		"Commitment": object([]string{"id", "member_id", "proposal_id", "description", "metric", "target", "due", "status", "progress"}, obj{
			"id": uuidSchema(), "member_id": uuidSchema(), "proposal_id": uuidSchema(), "description": str(""),
			"metric": str(""), "target": num(""), "due": str(""), "status": enum("open", "fulfilled", "withdrawn"),
			"progress": array(object([]string{"value", "note", "seq", "at"}, obj{"value": num(""), "note": str(""), "seq": seqSchema(), "at": dateTime("")})),
		}),
		"Verification": obj{"oneOf": []any{
			object([]string{"ok", "events", "decisions", "head", "checked"}, obj{
				"ok": obj{"const": true}, "events": integer("Events checked."), "decisions": integer("VotingClosed outcomes re-derived."),
				"head": object([]string{"seq", "hash"}, obj{"seq": seqSchema(), "hash": hashSchema()}), "checked": array(str("")),
			}),
			object([]string{"ok", "seq", "error", "checked"}, obj{
				"ok": obj{"const": false}, "seq": seqSchema(), "error": str("Which seq fails and why."), "checked": array(str("")),
			}),
		}},
	}
	for name, schema := range recordSchemas() {
		sc[name] = schema
	}
	return sc
}

// recordSchemas describe projections.DecisionRecord and its parts.
func recordSchemas() obj {
	act := obj{"seq": seqSchema(), "at": dateTime(""), "actor": schemaRef("Actor"), "by": str("The actor's name.")}
	actFields := []string{"seq", "at", "actor", "by"}
	party := object([]string{"id", "name"}, obj{"id": uuidSchema(), "name": str("")})
	withdrawal := object(append(actFields, "reason"), with(act, obj{"reason": str("")}))
	return obj{
		"DecisionRecord": object([]string{"alliance", "as_of", "proposal", "versions", "amendments", "voting", "stances", "outcome", "events"}, obj{
			"alliance": party,
			"as_of":    object([]string{"seq", "hash", "at"}, obj{"seq": seqSchema(), "hash": hashSchema(), "at": dateTime("")}),
			"proposal": object([]string{"id", "kind", "title", "author", "status", "version", "body"}, obj{
				"id": uuidSchema(), "kind": str(""), "title": str(""), "author": party, "status": str(""),
				"version": obj{"type": "integer", "minimum": 1}, "body": str(""), "charter": schemaRef("Charter"),
			}),
			"versions": array(object(append([]string{"version", "body"}, actFields...), with(act, obj{
				"version": obj{"type": "integer", "minimum": 1}, "body": str(""), "amendment_id": uuidSchema(),
			}))),
			"amendments": array(object([]string{"id", "body", "rationale", "author", "status", "proposed"}, obj{
				"id": uuidSchema(), "body": str(""), "rationale": str(""), "author": party,
				"status": enum("proposed", "accepted", "rejected"), "proposed": object(actFields, act),
				"settled": object(actFields, act), "version": obj{"type": "integer", "minimum": 1},
			})),
			"withdrawal": withdrawal,
			"voting": obj{"oneOf": []any{obj{"type": "null"}, object([]string{"opened", "version", "rule", "eligible"}, obj{
				"opened": object(actFields, act), "version": obj{"type": "integer", "minimum": 1}, "rule": schemaRef("Charter"),
				"closes_at": dateTime(""),
				"eligible": array(object([]string{"id", "name", "sector"}, obj{
					"id": uuidSchema(), "name": str(""), "sector": str(""), "withdrew": withdrawal,
				})),
			})}},
			"stances": array(object([]string{"member_id", "name", "history", "final", "dropped"}, obj{
				"member_id": uuidSchema(), "name": str(""),
				"history": array(object([]string{"stance", "reason", "seq", "at"}, obj{
					"stance": enum("agree", "disagree", "abstain", "block"), "reason": str(""), "seq": seqSchema(), "at": dateTime(""),
				})),
				"final":   obj{"type": []any{"string", "null"}, "description": "The stance that counts: the latest, unless dropped."},
				"dropped": boolean("The member withdrew before the close."),
			})),
			"outcome": obj{"oneOf": []any{obj{"type": "null"}, object(append(outcomeFields(), "closed"),
				with(outcomeProps(), obj{"closed": object(actFields, act)}))}},
			"provisional":     withDesc(schemaRef("VotingClosed"), "While voting is open: what closing it at this point would record."),
			"charter_amended": object([]string{"seq", "at", "charter"}, obj{"seq": seqSchema(), "at": dateTime(""), "charter": schemaRef("Charter")}),
			"events":          array(object([]string{"seq", "type", "hash"}, obj{"seq": seqSchema(), "type": enum(eventTypes()...), "hash": hashSchema()})),
		}),
	}
}

func outcomeFields() []string {
	return []string{"proposal_id", "tally", "participation", "eligible_count", "quorum_required", "quorum_met", "result", "explanation"}
}

func outcomeProps() obj {
	return obj{
		"proposal_id": uuidSchema(), "tally": schemaRef("Tally"), "participation": integer("A + D + S + B."),
		"eligible_count": integer(""), "quorum_required": integer("The least participation that meets quorum."),
		"quorum_met": boolean(""), "result": enum("adopted", "rejected"), "explanation": str("A sentence a board secretary could read out."),
	}
}

func workgroup(idField string) obj {
	return object([]string{idField, "name", "aim", "metric", "target", "due", "member_ids"}, obj{
		idField: uuidSchema(), "name": str(""), "aim": str(""), "metric": str(""), "target": num(""), "due": str(""),
		"member_ids": array(uuidSchema()),
	})
}

func fraction(desc string) obj {
	return described(obj{"type": "string", "pattern": "^[0-9]+/[0-9]+$"}, desc)
}

// with returns a copy of a with b's entries added.
func with(a, b obj) obj {
	out := make(obj, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func eventTypes() []string {
	types := domain.EventTypes()
	sort.Strings(types)
	return types
}
