package api

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"

	"accord/ledger"
)

// auditEntry is one event of the audit trail with the hash that chains it.
type auditEntry struct {
	Event json.RawMessage `json:"event"`
	Hash  string          `json:"hash"`
}

// auditPage answers {events:[{event,hash}], next_seq}: next_seq is the seq to
// ask for next, or null when the page reached the head.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	from, err := uintQuery(r, "from_seq", 1, 1<<53)
	if err != nil {
		return err
	}
	limit, err := uintQuery(r, "limit", 100, ledger.MaxPage)
	if err != nil {
		return err
	}
	page, err := s.ledger.Audit(r.Context(), caller, aid, from, int(limit))
	if err != nil {
		return err
	}
	entries := make([]auditEntry, len(page.Records))
	for i, rec := range page.Records {
		entries[i] = auditEntry{Event: rec.Raw, Hash: rec.Hash}
	}
	var nextSeq any
	if page.Next != 0 {
		nextSeq = page.Next
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": entries, "next_seq": nextSeq})
	return nil
}

// auditExport streams the alliance's stored lines straight from the log, so
// a ledger of any size is exported without being held in memory. When the
// log cannot be asked for the head, the answer is an error; once the lines
// are being read, a failure cuts the answer off as a broken transfer (see
// breakStream).
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	head, lines, err := s.ledger.Export(r.Context(), caller, aid)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="accord-`+aid+`.ndjson"`)
	w.Header().Set("Accord-Head-Seq", uitoa(head.Seq))
	w.Header().Set("Accord-Head-Hash", head.Hash)
	bw := bufio.NewWriterSize(w, 64<<10)
	for rec, rerr := range lines {
		if err = rerr; err != nil {
			break
		}
		bw.Write(rec.Raw)
		if err = bw.WriteByte('\n'); err != nil {
			break
		}
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		// Lines may already have gone out under the 200: the export is cut
		// off as a broken transfer, so no client takes them for the ledger.
		s.log.Warn("export cut short", "alliance", aid, "err", err)
		breakStream(w, r, err)
	}
	return nil
}

func (s *Server) auditHead(w http.ResponseWriter, r *http.Request, caller ledger.Identity) error {
	aid, err := allianceParam(r, caller)
	if err != nil {
		return err
	}
	head, err := s.ledger.Head(caller, aid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"seq": head.Seq, "hash": head.Hash})
	return nil
}

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }
