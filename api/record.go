package api

import (
	"bytes"
	"errors"
	"html/template"
	"mime"
	"net/http"
	"strings"
	"time"

	"accord/domain"
	"accord/eventstore"
	"accord/projections"
)

// getRecord answers a proposal's decision record, now or as of ?at_seq= or
// ?at=, as JSON or, for Accept: text/html or ?format=html, as a printable
// HTML page of the same record.
func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, caller Identity) error {
	ids, q, err := readRoute(r, caller, "pid")
	if err != nil {
		return err
	}
	aid, pid := ids[0], ids[1]
	html, err := wantsHTML(r)
	if err != nil {
		return err
	}
	var rec projections.DecisionRecord
	switch {
	case q.seq != 0:
		rec, err = s.proj.RecordAt(r.Context(), aid, pid, q.seq)
	case q.at != nil:
		rec, err = s.proj.RecordAtTime(r.Context(), aid, pid, *q.at)
	default:
		rec, err = s.proj.Record(r.Context(), aid, pid)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Vary", "Accept")
	if html {
		return writeRecordPage(w, rec)
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

// wantsHTML reads ?format=html|json, else the Accept header: HTML when
// text/html comes before application/json (as browsers send it), JSON
// otherwise.
func wantsHTML(r *http.Request) (bool, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "html":
		return true, nil
	case "json":
		return false, nil
	case "":
	default:
		return false, domain.Errorf(domain.Invalid, "format must be html or json, not %q", truncate(f, 40))
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		media, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || params["q"] == "0" {
			continue
		}
		switch media {
		case "text/html", "application/xhtml+xml":
			return true, nil
		case "application/json":
			return false, nil
		}
	}
	return false, nil
}

var recordTemplate = template.Must(template.New("record").Funcs(template.FuncMap{
	"when": func(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04:05 UTC") },
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"short": func(s string) string {
		if len(s) > 8 {
			return s[:8]
		}
		return s
	},
}).Parse(recordPage))

// writeRecordPage renders the record as a self-contained HTML page. It is
// rendered in full before anything is written, so a template failure still
// answers as an error. The page loads nothing and runs no script.
func writeRecordPage(w http.ResponseWriter, rec projections.DecisionRecord) error {
	var buf bytes.Buffer
	if err := recordTemplate.Execute(&buf, rec); err != nil {
		return domain.Errorf(domain.Internal, "render decision record: %v", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}

// verifyAnswer is what /audit/verify found: the summary when the chain
// holds, or the first seq that fails and why.
type verifyAnswer struct {
	ok         bool
	events     int
	decisions  int
	signatures int
	head       eventstore.Position
	seq        uint64
	reason     string
}

// body is the answer's JSON: {ok:true, events, decisions, head:{seq,hash}}
// or {ok:false, seq, error}, each with the list of what was checked.
func (a verifyAnswer) body() map[string]any {
	if a.ok {
		return map[string]any{"ok": true, "events": a.events, "decisions": a.decisions, "signatures": a.signatures,
			"head": map[string]any{"seq": a.head.Seq, "hash": a.head.Hash}, "checked": verifyChecks}
	}
	return map[string]any{"ok": false, "seq": a.seq, "error": a.reason, "checked": verifyChecks}
}

// verifyChecks names what /audit/verify checks, for the reader of its answer.
var verifyChecks = []string{
	"every stored line decodes as an event",
	"seqs run from 1 with no gap",
	"each prev_hash is the SHA-256 of the previous stored line",
	"every opening, vote and outcome follows the decision rules from the events before it",
	"every signed statement verifies with its member's key in force and matches its event, and none is missing where required",
	"the chain ends at the head the API serves",
}

// errVerified ends the read of the log at the head being verified.
var errVerified = errors.New("verified up to the head")

// auditVerify re-reads the alliance's stored lines from the log, through the
// same verifier as `accord verify`, up to the head as of the request. A
// ledger that fails answers 200 with ok false: the request succeeded, and
// its answer is that the chain does not hold.
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request, caller Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	head, err := s.proj.Head(aid)
	if err != nil {
		return err
	}
	ans, err := s.verifyChain(r, aid, head)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ans.body())
	return nil
}

// verifyChain streams the log through a Verifier. It returns an error only
// when the log cannot be read; a ledger that does not hold is an answer.
func (s *Server) verifyChain(r *http.Request, aid string, head eventstore.Position) (verifyAnswer, error) {
	v := projections.NewVerifier(projections.VerifyOptions{})
	var last uint64
	err := s.store.ReadAlliance(r.Context(), aid, 0, func(rec eventstore.Record) error {
		if rec.Event.Seq > head.Seq {
			return errVerified
		}
		if err := v.Check(rec.Raw); err != nil {
			return err
		}
		last = rec.Event.Seq
		return nil
	})
	var chainErr *projections.ChainError
	var malformed *eventstore.MalformedError
	switch {
	case errors.As(err, &chainErr):
		seq := chainErr.Seq
		if seq == 0 {
			seq = last + 1
		}
		return verifyAnswer{seq: seq, reason: chainErr.Error()}, nil
	case errors.As(err, &malformed):
		return verifyAnswer{seq: last + 1, reason: "the stored message after seq " + uitoa(last) + " does not hold events: " + malformed.Error()}, nil
	case err != nil && !errors.Is(err, errVerified):
		return verifyAnswer{}, err
	}
	sum, err := v.Finish()
	if errors.As(err, &chainErr) {
		// A signature verified at the end may fail an earlier seq.
		seq := chainErr.Seq
		if seq == 0 {
			seq = last + 1
		}
		return verifyAnswer{seq: seq, reason: chainErr.Error()}, nil
	}
	if err != nil {
		return verifyAnswer{}, err
	}
	return headAnswer(sum, head), nil
}

// headAnswer verifyChecks that the verified chain ends where the API says the
// alliance's head is, and answers the summary.
func headAnswer(sum projections.Verification, head eventstore.Position) verifyAnswer {
	got := sum.Alliances[0]
	switch {
	case got.Seq != head.Seq:
		return verifyAnswer{seq: got.Seq + 1, reason: "the log ends at seq " + uitoa(got.Seq) + ", before the head the API serves (seq " + uitoa(head.Seq) + ")"}
	case got.Hash != head.Hash:
		return verifyAnswer{seq: got.Seq, reason: "the hash of seq " + uitoa(got.Seq) + " in the log is " + got.Hash + ", but the API serves " + head.Hash + " as the head"}
	}
	return verifyAnswer{ok: true, events: sum.Events, decisions: sum.Decisions, signatures: sum.Signatures, head: eventstore.Position{Seq: got.Seq, Hash: got.Hash}}
}

// recordPage is the printable decision record: plain HTML with its own
// print styles, no script and nothing loaded from elsewhere, so that what is
// printed or saved is the whole record.
const recordPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Decision record: {{.Proposal.Title}} ({{.Alliance.Name}})</title>
<style>
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: #111; background: #fff; max-width: 56rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.6rem; margin: .2rem 0; }
h2 { font-size: 1.1rem; border-bottom: 1px solid #888; padding-bottom: .15rem; margin: 1.8rem 0 .6rem; }
.meta { color: #444; font-size: .9rem; margin: .15rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .45rem; border-bottom: 1px solid #ccc; }
th { border-bottom: 1.5px solid #444; font-weight: 600; }
th.n, td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, .hash { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: .8rem; word-break: break-all; }
.verdict { border: 2px solid #111; padding: .7rem 1rem; margin: 1.2rem 0; }
.verdict strong { text-transform: uppercase; letter-spacing: .06em; }
.text { margin: .3rem 0; padding: .4rem .8rem; border-left: 3px solid #999; white-space: pre-wrap; }
.gone { color: #666; text-decoration: line-through; }
.sig { font-size: .85rem; }
ol.history { margin: 0; padding-left: 1.2rem; }
footer { margin-top: 2rem; border-top: 1px solid #888; padding-top: .5rem; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { margin: 0; padding: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr, .verdict, .text { break-inside: avoid; }
  thead { display: table-header-group; }
}
</style>
</head>
<body>
<header>
<p class="meta">{{.Alliance.Name}} · decision record</p>
<h1>{{.Proposal.Title}}</h1>
<p class="meta">Proposal <code>{{.Proposal.ID}}</code> · {{.Proposal.Kind}} · by {{.Proposal.Author.Name}} · version {{.Proposal.Version}} · <strong>{{.Proposal.Status}}</strong></p>
<p class="meta">As of seq {{.AsOf.Seq}} ({{when .AsOf.At}}), whose hash is <code>{{.AsOf.Hash}}</code></p>
</header>
{{with .Outcome}}
<section class="verdict"><strong>{{.Result}}</strong>. {{.Explanation}}</section>
{{else}}{{with .Provisional}}
<section class="verdict">Voting is still open. Were it closed at this point: <strong>{{.Result}}</strong>. {{.Explanation}}</section>
{{else}}{{with .Withdrawal}}
<section class="verdict"><strong>Withdrawn</strong> by {{.By}} at seq {{.Seq}} ({{when .At}}). {{.Reason}}</section>
{{end}}{{end}}{{end}}

<h2>Text</h2>
<div class="text">{{.Proposal.Body}}</div>
{{with .Proposal.Charter}}<p class="meta">Proposed charter: {{.DecisionRule}}, quorum {{.Quorum}}, threshold {{.Threshold}}.</p>{{end}}

<h2>Versions</h2>
<table>
<thead><tr><th class="n">Version</th><th>Text</th><th>Made by</th><th>When</th><th class="n">Seq</th></tr></thead>
<tbody>
{{range .Versions}}<tr><td class="n">{{.Version}}</td><td><div class="text">{{.Body}}</div>{{if .AmendmentID}}<span class="meta">from amendment <code>{{short .AmendmentID}}</code></span>{{else}}<span class="meta">as submitted</span>{{end}}</td><td>{{.By}}</td><td>{{when .At}}</td><td class="n">{{.Seq}}</td></tr>
{{end}}</tbody>
</table>

<h2>Amendments</h2>
{{if .Amendments}}<table>
<thead><tr><th>Amendment</th><th>Proposed</th><th>Decision</th></tr></thead>
<tbody>
{{range .Amendments}}<tr>
<td><div class="text">{{.Body}}</div>{{if .Rationale}}<span class="meta">Rationale: {{.Rationale}}</span>{{end}} <span class="meta"><code>{{short .ID}}</code></span></td>
<td>{{.Author.Name}}<br><span class="meta">{{when .Proposed.At}} · seq {{.Proposed.Seq}}</span></td>
<td><strong>{{title .Status}}</strong>{{with .Settled}} by {{.By}}<br><span class="meta">{{when .At}} · seq {{.Seq}}</span>{{end}}{{if eq .Status "accepted"}}<br><span class="meta">made version {{.Version}}</span>{{end}}</td>
</tr>
{{end}}</tbody>
</table>{{else}}<p class="meta">None.</p>{{end}}

<h2>Voting</h2>
{{with .Voting}}
<p>Opened by {{.Opened.By}} on version {{.Version}} at seq {{.Opened.Seq}} ({{when .Opened.At}}){{with .ClosesAt}}, to close by {{when .}}{{end}}.</p>
<p>Rule in force: <strong>{{.Rule.DecisionRule}}</strong>, quorum {{.Rule.Quorum}}, threshold {{.Rule.Threshold}}{{if eq .Rule.Signatures "required"}}; every member's vote must be signed{{end}}.</p>
<table>
<thead><tr><th>Eligible member</th><th>Sector</th><th>Note</th></tr></thead>
<tbody>
{{range .Eligible}}<tr><td{{if .Withdrew}} class="gone"{{end}}>{{.Name}}</td><td>{{.Sector}}</td><td>{{with .Withdrew}}Withdrew at seq {{.Seq}} ({{when .At}}){{if .Reason}}: {{.Reason}}{{end}}; no longer eligible, stance dropped{{end}}</td></tr>
{{end}}</tbody>
</table>
{{else}}<p class="meta">Voting had not opened.</p>{{end}}

{{if .Voting}}<h2>Stances</h2>
<table>
<thead><tr><th>Member</th><th>Counts as</th><th>History</th></tr></thead>
<tbody>
{{range .Stances}}<tr><td>{{.Name}}</td><td>{{if .Dropped}}<span class="meta">dropped (withdrew)</span>{{else if .Final}}<strong>{{.Final}}</strong>{{else}}<span class="meta">no stance</span>{{end}}</td>
<td>{{if .History}}<ol class="history">{{range .History}}<li>{{.Stance}}{{if .Reason}}: “{{.Reason}}”{{end}} <span class="meta">seq {{.Seq}}, {{when .At}}</span>
{{with .Signature}}<br><span class="sig">Signed by <strong>{{.Signer.Name}}</strong> on {{when .SignedAt}} — meaning: {{.Meaning}} — key <code>{{.KeyID}}</code></span>{{else}}<br><span class="meta">Unsigned</span>{{end}}</li>{{end}}</ol>{{else}}<span class="meta">did not vote</span>{{end}}</td></tr>
{{end}}</tbody>
</table>{{end}}

{{with .Outcome}}<h2>Outcome</h2>
<p>Closed by {{.Closed.By}} at seq {{.Closed.Seq}} ({{when .Closed.At}}).</p>
<table>
<thead><tr><th class="n">Agree</th><th class="n">Disagree</th><th class="n">Abstain</th><th class="n">Block</th><th class="n">Took part</th><th class="n">Eligible</th><th class="n">Quorum</th><th>Quorum met</th><th>Result</th></tr></thead>
<tbody><tr><td class="n">{{.Tally.Agree}}</td><td class="n">{{.Tally.Disagree}}</td><td class="n">{{.Tally.Abstain}}</td><td class="n">{{.Tally.Block}}</td><td class="n">{{.Participation}}</td><td class="n">{{.EligibleCount}}</td><td class="n">{{.QuorumRequired}}</td><td>{{if .QuorumMet}}yes{{else}}no{{end}}</td><td><strong>{{.Result}}</strong></td></tr></tbody>
</table>
<p>{{.Explanation}}</p>
{{end}}
{{with .CharterAmended}}<p>The alliance's charter became {{.Charter.DecisionRule}}, quorum {{.Charter.Quorum}}, threshold {{.Charter.Threshold}} at seq {{.Seq}} ({{when .At}}), for votes opened after it.</p>{{end}}

<h2>Signatures</h2>
{{if .Signatures}}<p class="meta">Each is the member's own Ed25519 signature of a statement of what it did; the statement and signature are in the JSON record, and docs/VERIFYING.md shows how to check them with the member's key.</p>
<table>
<thead><tr><th class="n">Seq</th><th>Action</th><th>Signed by</th><th>Signed at</th><th>Meaning</th><th>Key</th></tr></thead>
<tbody>
{{range .Signatures}}<tr><td class="n">{{.Seq}}</td><td>{{.Action}}</td><td><strong>{{.Signer.Name}}</strong></td><td>{{when .SignedAt}}</td><td>{{.Meaning}}</td><td><code>{{.KeyID}}</code></td></tr>
{{end}}</tbody>
</table>{{else}}<p class="meta">No action on this record carries its member's own signature.</p>{{end}}

<h2>Events this record rests on</h2>
<table>
<thead><tr><th class="n">Seq</th><th>Event</th><th>SHA-256 of the stored line</th></tr></thead>
<tbody>
{{range .Events}}<tr><td class="n">{{.Seq}}</td><td>{{.Type}}</td><td class="hash">{{.Hash}}</td></tr>
{{end}}</tbody>
</table>

<footer class="meta">Each hash is the SHA-256 of the event exactly as stored; each event carries the hash of the one before it.
Anyone can check them against the alliance's export (<code>GET /v1/alliances/{{.Alliance.ID}}/audit/export</code>)
with <code>accord verify</code> or an independent verifier (see docs/VERIFYING.md).</footer>
</body>
</html>
`
