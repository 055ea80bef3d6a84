package client_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/client"
	"accord/domain"
	"accord/transparency"
)

// tlogAID is the alliance the stand-in log serves.
const tlogAID = "0190a0a0-0000-7000-8000-000000000001"

// seeded is a deterministic source of key material.
type seeded byte

func (s seeded) Read(p []byte) (int, error) {
	h := sha256.Sum256([]byte{byte(s)})
	for i := range p {
		p[i] = h[i%len(h)]
	}
	return len(p), nil
}

// tlogServer serves the transparency routes of one alliance from a real
// tree and log key, as the API documents them, and keeps what is posted.
type tlogServer struct {
	t      *testing.T
	tree   transparency.Tree
	log    transparency.LogKey
	mu     sync.Mutex
	posted []map[string]string
	// hashes, when set, replaces the consistency proof's hashes (a server
	// that answers badly).
	hashes []string
}

func newTlogServer(t *testing.T, leaves int) (*tlogServer, *client.Client) {
	t.Helper()
	s := &tlogServer{t: t}
	for i := range leaves {
		s.tree.Append(fmt.Appendf(nil, `{"seq":%d}`, i+1))
	}
	file, err := transparency.GenerateLogKey(seeded(1))
	require.NoError(t, err)
	s.log, err = transparency.ParseLogKey(file)
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := client.New(srv.URL, "witness-token", client.WithRetries(0, 0))
	require.NoError(t, err)
	return s, c
}

func (s *tlogServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	base := "/v1/alliances/" + tlogAID
	q := r.URL.Query()
	switch r.Method + " " + r.URL.Path {
	case "GET " + base + "/log-key":
		vkey, err := s.log.VerifierKey(tlogAID)
		require.NoError(s.t, err)
		fmt.Fprintln(w, vkey)
	case "GET " + base + "/checkpoint":
		size, _ := strconv.ParseUint(q.Get("size"), 10, 64)
		if size == 0 {
			size = s.tree.Size()
		}
		s.serveNote(w, size)
	case "GET " + base + "/checkpoint/cosigned":
		answerError(w, http.StatusNotFound, "not_found", "no checkpoint of alliance "+tlogAID+" is cosigned yet")
	case "GET " + base + "/proofs/inclusion":
		s.serveInclusion(w, q)
	case "GET " + base + "/proofs/consistency":
		s.serveConsistency(w, q)
	case "POST " + base + "/checkpoint/cosignatures", "POST " + base + "/witnesses":
		var body map[string]string
		require.NoError(s.t, json.NewDecoder(r.Body).Decode(&body))
		s.mu.Lock()
		s.posted = append(s.posted, body)
		s.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":"w1","party_id":"m1","name":%q,"vkey":%q,"seq":9}`, body["name"], body["vkey"])
	default:
		answerError(w, http.StatusNotFound, "not_found", "no route "+r.URL.Path)
	}
}

func answerError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"code":%q,"message":%q}}`, code, msg)
}

func (s *tlogServer) note(size uint64) ([]byte, transparency.Checkpoint, error) {
	root, err := s.tree.RootAt(size)
	if err != nil {
		return nil, transparency.Checkpoint{}, err
	}
	cp := transparency.Checkpoint{Origin: transparency.Origin(tlogAID), Size: size, Root: root}
	note, err := s.log.SignCheckpoint(cp)
	return note, cp, err
}

func (s *tlogServer) serveNote(w http.ResponseWriter, size uint64) {
	note, _, err := s.note(size)
	if err != nil {
		answerError(w, http.StatusBadRequest, "invalid", err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(note)
}

func (s *tlogServer) serveInclusion(w http.ResponseWriter, q map[string][]string) {
	seq, _ := strconv.ParseUint(first(q["seq"]), 10, 64)
	size, _ := strconv.ParseUint(first(q["size"]), 10, 64)
	if size == 0 {
		size = s.tree.Size()
	}
	path, err := s.tree.InclusionProof(seq-1, size)
	if err != nil || seq == 0 {
		answerError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("no seq %d in the tree of size %d", seq, size))
		return
	}
	note, _, err := s.note(size)
	require.NoError(s.t, err)
	w.Write(transparency.FormatInclusionProof(seq-1, path, note))
}

func (s *tlogServer) serveConsistency(w http.ResponseWriter, q map[string][]string) {
	from, _ := strconv.ParseUint(first(q["from"]), 10, 64)
	to, _ := strconv.ParseUint(first(q["to"]), 10, 64)
	proof, err := s.tree.ConsistencyProof(from, to)
	if err != nil {
		answerError(w, http.StatusBadRequest, "invalid", err.Error())
		return
	}
	hashes := make([]string, len(proof))
	for i, h := range proof {
		hashes[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	if s.hashes != nil {
		hashes = s.hashes
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"from": from, "to": to, "hashes": hashes})
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func TestTransparencyRoutes(t *testing.T) {
	s, c := newTlogServer(t, 21)
	ctx := t.Context()

	vkey, err := c.LogKey(ctx, tlogAID)
	require.NoError(t, err)
	require.Regexp(t, `^accord/`+tlogAID+`\+[0-9a-f]{8}\+\S+$`, vkey)

	note, err := c.Checkpoint(ctx, tlogAID, 0)
	require.NoError(t, err)
	cp, err := transparency.OpenCheckpoint(note, vkey)
	require.NoError(t, err)
	require.Equal(t, uint64(21), cp.Size)
	older, err := c.Checkpoint(ctx, tlogAID, 13)
	require.NoError(t, err)
	cp13, err := transparency.OpenCheckpoint(older, vkey)
	require.NoError(t, err)
	require.Equal(t, uint64(13), cp13.Size)

	// The consistency proof from 13 to 21 verifies against both roots.
	proof, err := c.ConsistencyProof(ctx, tlogAID, 13, 21)
	require.NoError(t, err)
	require.Equal(t, uint64(13), proof.From)
	require.NoError(t, transparency.VerifyConsistency(13, 21, cp13.Root, cp.Root, proof.Hashes))

	// The receipt of seq 5 in the tree of size 13.
	receipt, err := c.InclusionProof(ctx, tlogAID, 5, 13)
	require.NoError(t, err)
	index, got, err := transparency.VerifyReceipt(receipt, []byte(`{"seq":5}`), vkey)
	require.NoError(t, err)
	require.Equal(t, uint64(4), index)
	require.Equal(t, cp13, got)

	// A cosignature goes up as the note and one line.
	file, wvkey, err := transparency.GenerateWitnessKey("regulator", seeded(2))
	require.NoError(t, err)
	w, err := transparency.ParseWitnessSigner(file)
	require.NoError(t, err)
	line, err := w.Cosign(cp, time.Unix(1_790_000_000, 0))
	require.NoError(t, err)
	require.NoError(t, c.PostCosignature(ctx, tlogAID, note, line))
	reg, err := c.RegisterWitness(ctx, tlogAID, "regulator", wvkey)
	require.NoError(t, err)
	require.Equal(t, client.RegisteredWitness{ID: "w1", PartyID: "m1", Name: "regulator", VKey: wvkey, Seq: 9}, reg)
	require.Equal(t, []map[string]string{
		{"checkpoint": string(note), "cosignature": string(line)},
		{"name": "regulator", "vkey": wvkey},
	}, s.posted)
}

func TestTransparencyRouteErrors(t *testing.T) {
	s, c := newTlogServer(t, 8)
	ctx := t.Context()

	_, err := c.CosignedCheckpoint(ctx, tlogAID)
	require.Equal(t, domain.NotFound, domain.KindOf(err))
	_, err = c.Checkpoint(ctx, tlogAID, 9)
	require.Equal(t, domain.Invalid, domain.KindOf(err))
	_, err = c.InclusionProof(ctx, tlogAID, 9, 0)
	require.Equal(t, domain.Invalid, domain.KindOf(err))
	_, err = c.ConsistencyProof(ctx, tlogAID, 5, 3)
	require.Equal(t, domain.Invalid, domain.KindOf(err))
	_, err = c.LogKey(ctx, "0190a0a0-0000-7000-8000-00000000ffff")
	require.Equal(t, domain.NotFound, domain.KindOf(err))

	// An answer that is not a consistency proof is a protocol error.
	s.hashes = []string{"AAAA"}
	_, err = c.ConsistencyProof(ctx, tlogAID, 3, 5)
	require.ErrorIs(t, err, client.ErrProtocol)
}

// The text answers come back byte for byte, however long.
func TestCheckpointIsReturnedVerbatim(t *testing.T) {
	s, c := newTlogServer(t, 3)
	want, _, err := s.note(3)
	require.NoError(t, err)
	got, err := c.Checkpoint(t.Context(), tlogAID, 3)
	require.NoError(t, err)
	require.Equal(t, want, got)
}
