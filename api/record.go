package api

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"strings"
	"time"

	"accord/domain"
	"accord/ledger"
	"accord/projections"
)

// getRecord answers a proposal's decision record, now or as of ?at_seq= or
// ?at=, as JSON or, for Accept: text/html or ?format=html, as a printable
// HTML page of the same record.
func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	ids, q, err := readRoute(r, caller, "pid")
	if err != nil {
		return err
	}
	html, err := wantsHTML(r)
	if err != nil {
		return err
	}
	rec, err := s.ledger.Record(r.Context(), caller, ids[0], ids[1], q)
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
	"title": func(v any) string { // a status, of whatever string type
		s := fmt.Sprint(v)
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

// recordPage is the printable decision record: plain HTML with its own
// print styles, no script and nothing loaded from elsewhere, so that what is
// printed or saved is the whole record. It reads as a filed document: a
// plain-language summary, then the record in full, then an appendix of the
// events and rule it rests on; each printed page carries the alliance's
// name and its page number (CSS @page margin boxes, which Chromium prints).
//
//go:embed record.html
var recordPage string

// writeRecordPage renders the record as a self-contained HTML page. It is
// rendered in full before anything is written, so a template failure still
// answers as an error. The page loads nothing and runs no script.
func writeRecordPage(w http.ResponseWriter, rec projections.DecisionRecord) error {
	view, err := newRecordView(rec)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := recordTemplate.Execute(&buf, view); err != nil {
		return domain.Errorf(domain.Internal, "render decision record: %v", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}

// verifyBody is the JSON answer of /audit/verify: {ok:true, events,
// decisions, signatures, head:{seq,hash}} or {ok:false, seq, error}, each with the list
// of what was checked.
func verifyBody(v ledger.Verification) map[string]any {
	if v.OK {
		return map[string]any{"ok": true, "events": v.Events, "decisions": v.Decisions, "signatures": v.Signatures,
			"head": map[string]any{"seq": v.Head.Seq, "hash": v.Head.Hash}, "checked": verifyChecks}
	}
	return map[string]any{"ok": false, "seq": v.Seq, "error": v.Reason, "checked": verifyChecks}
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

// auditVerify re-reads the alliance's stored lines from the log, through the
// same verifier as `accord verify`, up to the head as of the request. A
// ledger that fails answers 200 with ok false: the request succeeded, and
// its answer is that the chain does not hold.
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	v, err := s.ledger.Verify(r.Context(), caller, aid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, verifyBody(v))
	return nil
}
