package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/transparency"
)

// fakeLedger is an accord server as a witness sees it, for one alliance,
// that can be made to lie: it serves the events it is given (a forked or
// shrunken history when told to), signs checkpoints of them with a test log
// key (or another), and keeps the cosignatures posted to it, adding them to
// the checkpoints it serves as the real server does.
type fakeLedger struct {
	t    *testing.T
	srv  *httptest.Server
	aid  string
	me   string // the member id the witness's token speaks for
	key  transparency.LogKey
	vkey string

	mu sync.Mutex
	// lines are the events the audit trail serves; size is the checkpoint's
	// (0: all of lines); treeLines, when set, are the lines the checkpoint
	// and consistency proofs are computed over instead (a checkpoint that
	// does not sign what is served); signer, when set, signs instead of key.
	lines     [][]byte
	size      int
	treeLines [][]byte
	signer    *transparency.LogKey
	cosigs    map[string][][]byte // by checkpoint body
	posted    []postedCosignature
	asked     int      // checkpoints served
	witnesses []string // the witness keys registered
}

type postedCosignature struct {
	checkpoint, cosignature []byte
}

func newFakeLedger(t *testing.T, aid, me string, lines [][]byte) *fakeLedger {
	t.Helper()
	f := &fakeLedger{t: t, aid: aid, me: me, key: testLogKey(t, 1), lines: lines, cosigs: map[string][][]byte{}}
	var err error
	f.vkey, err = f.key.VerifierKey(aid)
	require.NoError(t, err)
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// serve sets what the ledger serves next, under its lock.
func (f *fakeLedger) serve(set func(f *fakeLedger)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	set(f)
}

// postedCount returns how many cosignatures were posted.
func (f *fakeLedger) postedCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posted)
}

// askedCount returns how many checkpoints were served.
func (f *fakeLedger) askedCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked
}

func (f *fakeLedger) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	base := "/v1/alliances/" + f.aid
	switch r.Method + " " + r.URL.Path {
	case "POST /v1/session":
		writeTestJSON(w, map[string]any{"id": f.me, "role": "member", "alliance_id": f.aid, "name": "Member B"})
	case "GET /v1/alliances":
		writeTestJSON(w, map[string]any{"alliances": []map[string]any{{"id": f.aid, "name": "Care Alliance", "purpose": "p", "seq": len(f.lines)}}})
	case "GET " + base + "/log-key":
		fmt.Fprintln(w, f.vkey)
	case "GET " + base + "/checkpoint":
		f.asked++
		w.Write(f.checkpoint())
	case "GET " + base + "/proofs/consistency":
		f.consistency(w, r)
	case "GET " + base + "/audit":
		f.audit(w, r)
	case "POST " + base + "/checkpoint/cosignatures":
		f.cosignature(w, r)
	case "POST " + base + "/witnesses":
		f.witness(w, r)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"error":{"code":"not_found","message":"no route %s"}}`, r.URL.Path)
	}
}

func writeTestJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// tree returns the tree the checkpoint signs.
func (f *fakeLedger) tree() *transparency.Tree {
	lines := f.lines
	if f.treeLines != nil {
		lines = f.treeLines
	}
	var t transparency.Tree
	for _, l := range lines {
		t.Append(l)
	}
	return &t
}

// checkpoint signs the checkpoint served, with the cosignatures posted for
// it.
func (f *fakeLedger) checkpoint() []byte {
	tree := f.tree()
	size := uint64(f.size)
	if size == 0 {
		size = tree.Size()
	}
	root, err := tree.RootAt(size)
	require.NoError(f.t, err)
	cp := transparency.Checkpoint{Origin: transparency.Origin(f.aid), Size: size, Root: root}
	signer := f.key
	if f.signer != nil {
		signer = *f.signer
	}
	note, err := signer.SignCheckpoint(cp)
	require.NoError(f.t, err)
	note, err = transparency.AddCosignatures(note, f.cosigs[string(cp.Body())]...)
	require.NoError(f.t, err)
	return note
}

func (f *fakeLedger) consistency(w http.ResponseWriter, r *http.Request) {
	from, _ := strconv.ParseUint(r.URL.Query().Get("from"), 10, 64)
	to, _ := strconv.ParseUint(r.URL.Query().Get("to"), 10, 64)
	proof, err := f.tree().ConsistencyProof(from, to)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":{"code":"invalid","message":%q}}`, err.Error())
		return
	}
	hashes := make([]string, len(proof))
	for i, h := range proof {
		hashes[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	writeTestJSON(w, map[string]any{"from": from, "to": to, "hashes": hashes})
}

func (f *fakeLedger) audit(w http.ResponseWriter, r *http.Request) {
	from, _ := strconv.Atoi(r.URL.Query().Get("from_seq"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	type entry struct {
		Event json.RawMessage `json:"event"`
		Hash  string          `json:"hash"`
	}
	events := []entry{}
	var next any
	for seq := from; seq <= len(f.lines); seq++ {
		if len(events) == limit {
			next = seq
			break
		}
		events = append(events, entry{Event: f.lines[seq-1], Hash: domain.Hash(f.lines[seq-1])})
	}
	writeTestJSON(w, map[string]any{"events": events, "next_seq": next})
}

// cosignature keeps a posted cosignature for the checkpoint it is of.
func (f *fakeLedger) cosignature(w http.ResponseWriter, r *http.Request) {
	var body struct{ Checkpoint, Cosignature string }
	require.NoError(f.t, json.NewDecoder(r.Body).Decode(&body))
	note := []byte(body.Checkpoint)
	text, _, _ := strings.Cut(body.Checkpoint, "\n\n")
	f.posted = append(f.posted, postedCosignature{checkpoint: note, cosignature: []byte(body.Cosignature)})
	f.cosigs[text+"\n"] = append(f.cosigs[text+"\n"], []byte(body.Cosignature))
	writeTestJSON(w, map[string]any{"stored": true})
}

// witness registers a witness key, once.
func (f *fakeLedger) witness(w http.ResponseWriter, r *http.Request) {
	var body struct{ Name, VKey string }
	require.NoError(f.t, json.NewDecoder(r.Body).Decode(&body))
	for _, k := range f.witnesses {
		if k == body.VKey {
			w.WriteHeader(http.StatusConflict)
			fmt.Fprintf(w, `{"error":{"code":"conflict","message":"witness key %s is already registered"}}`, body.Name)
			return
		}
	}
	f.witnesses = append(f.witnesses, body.VKey)
	w.WriteHeader(http.StatusCreated)
	writeTestJSON(w, map[string]any{"id": "w-1", "party_id": f.me, "name": body.Name, "vkey": body.VKey, "seq": len(f.lines) + 1})
}
