package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
	"accord/transparency"
)

// witnessEnv is a witness's files: its key, its party's token and its
// state directory.
type witnessEnv struct {
	t       *testing.T
	keyFile string
	token   string
	state   string
	vkey    string
}

// newWitnessEnv makes a witness key with accord witness keygen.
func newWitnessEnv(t *testing.T) *witnessEnv {
	t.Helper()
	dir := t.TempDir()
	e := &witnessEnv{t: t, keyFile: filepath.Join(dir, "witness.key"), token: filepath.Join(dir, "token"), state: filepath.Join(dir, "state")}
	require.NoError(t, os.WriteFile(e.token, []byte("member-token\n"), 0o600))
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"witness", "keygen", "--key-file", e.keyFile, "--name", "regulator"}, nil, &stdout, &stderr), stderr.String())
	e.vkey = strings.TrimSuffix(stdout.String(), "\n")
	return e
}

// once runs accord witness --once against server; it returns the exit
// status and standard output.
func (e *witnessEnv) once(server string, extra ...string) (int, string) {
	e.t.Helper()
	var stdout, stderr bytes.Buffer
	args := append([]string{"witness", "--server", server, "--token-file", e.token, "--key-file", e.keyFile, "--state", e.state, "--once"}, extra...)
	code := run(args, nil, &stdout, &stderr)
	e.t.Logf("accord witness --once: exit %d\n%s%s", code, stdout.String(), stderr.String())
	return code, stdout.String()
}

// evidence returns the evidence files written, by name.
func (e *witnessEnv) evidence() map[string][]byte {
	e.t.Helper()
	out := map[string][]byte{}
	files, err := filepath.Glob(filepath.Join(e.state, "evidence", "*"))
	require.NoError(e.t, err)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(e.t, err)
		out[filepath.Base(f)] = raw
	}
	return out
}

// requireCosignedBy checks that a posted cosignature is the witness's,
// over the checkpoint it was posted with.
func requireCosignedBy(t *testing.T, p postedCosignature, logVKey, vkey string, size uint64) {
	t.Helper()
	note, err := transparency.AddCosignatures(p.checkpoint, p.cosignature)
	require.NoError(t, err)
	cp, cosigs, err := transparency.VerifyCosigned(note, logVKey, []string{vkey}, 1)
	require.NoError(t, err)
	require.Equal(t, size, cp.Size)
	require.Len(t, cosigs, 1)
}

func TestWitnessKeygen(t *testing.T) {
	e := newWitnessEnv(t)
	info, err := os.Stat(e.keyFile)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	key, err := transparency.ParseWitnessKey(e.vkey)
	require.NoError(t, err)
	require.Equal(t, "regulator", key.Name())
	raw, err := os.ReadFile(e.keyFile)
	require.NoError(t, err)
	signer, err := transparency.ParseWitnessSigner(raw)
	require.NoError(t, err)
	require.Equal(t, e.vkey, signer.WitnessKey().String())

	// Never over an existing key.
	var stdout, stderr bytes.Buffer
	require.Equal(t, 1, run([]string{"witness", "keygen", "--key-file", e.keyFile, "--name", "other"}, nil, &stdout, &stderr))
	require.Contains(t, stderr.String(), "exists already")
	again, err := os.ReadFile(e.keyFile)
	require.NoError(t, err)
	require.Equal(t, raw, again)
	require.Empty(t, stdout.String())

	require.Equal(t, 1, run([]string{"witness", "keygen", "--key-file", filepath.Join(t.TempDir(), "k"), "--name", "two words"}, nil, &stdout, &stderr))
	require.Equal(t, 2, run([]string{"witness", "keygen", "--name", "x"}, nil, &stdout, &stderr))
	require.Equal(t, 2, run([]string{"witness", "--server", "http://127.0.0.1:1", "--key-file", e.keyFile}, nil, &stdout, &stderr))
	stderr.Reset()
	require.Equal(t, 0, run([]string{"witness", "--help"}, nil, &stdout, &stderr))
	require.Contains(t, stderr.String(), "--state DIR")
}

func TestWitnessRegister(t *testing.T) {
	s, lines := domaintest.SignedStoryLines(t, 0)
	f := newFakeLedger(t, s.AID, s.M2, lines)
	e := newWitnessEnv(t)
	register := func() (int, string) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"witness", "register", "--server", f.srv.URL, "--token-file", e.token, "--key-file", e.keyFile}, nil, &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}
	code, out := register()
	require.Equal(t, 0, code, out)
	require.Equal(t, "alliance "+s.AID+": witness key regulator registered (witness w-1, seq 26)\n", out)
	require.Equal(t, []string{e.vkey}, f.witnesses)
	code, out = register()
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "witness key regulator was registered already")
	require.Len(t, f.witnesses, 1)
}

// keysOf returns the seqs of the MemberKeyRegistered lines for member.
func keysOf(t *testing.T, lines [][]byte, member string) []uint64 {
	t.Helper()
	var seqs []uint64
	for _, l := range lines {
		ev, err := domain.Decode(l)
		require.NoError(t, err)
		if d, ok := ev.Data.(domain.MemberKeyRegistered); ok && d.MemberID == member {
			seqs = append(seqs, ev.Seq)
		}
	}
	return seqs
}

// TestWitnessCosignsAnHonestLog follows a log as it grows: the witness
// pins the key, cosigns, reads only what is new, and reports the keys
// registered for its member id.
func TestWitnessCosignsAnHonestLog(t *testing.T) {
	s, lines := domaintest.SignedStoryLines(t, 0)
	me := s.M2
	keys := keysOf(t, lines, me)
	require.Len(t, keys, 2, "the story registers two keys for m2")
	f := newFakeLedger(t, s.AID, me, lines[:13])
	e := newWitnessEnv(t)

	code, out := e.once(f.srv.URL)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "alliance "+s.AID+": cosigned the checkpoint of size 13")
	require.Contains(t, out, fmt.Sprintf("seq %d: signing key ", keys[0]))
	require.Contains(t, out, "registered for your member id "+me)
	require.Equal(t, 1, f.postedCount())
	requireCosignedBy(t, f.posted[0], f.vkey, e.vkey, 13)
	pinned, err := os.ReadFile(filepath.Join(e.state, s.AID, "log.vkey"))
	require.NoError(t, err)
	require.Equal(t, f.vkey+"\n", string(pinned))

	// Nothing new: nothing posted again (the server shows the cosignature).
	code, out = e.once(f.srv.URL)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "up to date: the checkpoint of size 13 is cosigned")
	require.Equal(t, 1, f.postedCount())

	// The log grows: only seqs 14… are read, checked on top of the state
	// kept, and the new key for m2 is reported (the first is not again).
	f.serve(func(f *fakeLedger) { f.lines = lines })
	code, out = e.once(f.srv.URL, "--alliance", s.AID)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "cosigned the checkpoint of size 25 (root ")
	require.Contains(t, out, "after checking 12 new events")
	require.Contains(t, out, fmt.Sprintf("seq %d: signing key ", keys[1]))
	require.NotContains(t, out, fmt.Sprintf("seq %d: signing key ", keys[0]))
	require.Equal(t, 2, f.postedCount())
	requireCosignedBy(t, f.posted[1], f.vkey, e.vkey, 25)
	require.Empty(t, e.evidence())

	// The kept state lost (another version, a crash): it is rebuilt from
	// the server's events, which must hash to the root cosigned.
	require.NoError(t, os.Remove(filepath.Join(e.state, s.AID, "chain.json")))
	code, out = e.once(f.srv.URL)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "up to date")
	require.FileExists(t, filepath.Join(e.state, s.AID, "chain.json"))

	// A cosignature the server lost is posted again.
	f.serve(func(f *fakeLedger) { f.cosigs = map[string][][]byte{} })
	code, out = e.once(f.srv.URL)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "posted again the cosignature of size 25")
	require.Equal(t, 3, f.postedCount())
}

// lie is a way for the server to lie after the witness cosigned size 13.
type lie struct {
	name  string
	serve func(f *fakeLedger)
	why   string
}

func lies(t *testing.T, s domaintest.SignedStory, lines [][]byte) []lie {
	t.Helper()
	// A fork: seq 4 rewritten and every hash after it recomputed.
	forked := reseal(lines, 3, func(b []byte) []byte { return bytes.Replace(b, []byte(`"name":"`), []byte(`"name":"Q`), 1) })
	// A forged outcome at seq 20, the chain and the tree recomputed over it.
	forged := reseal(lines, 19, func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"result":"adopted"`), []byte(`"result":"rejected"`), 1)
	})
	require.NotEqual(t, lines[19], forged[19])
	other := testLogKey(t, 99)
	return []lie{
		{"a fork, consistent with nothing cosigned", func(f *fakeLedger) { f.lines = forked },
			"the tree of size 25 (root "},
		{"another root for the size cosigned", func(f *fakeLedger) { f.lines, f.size = forked, 13 },
			"another root for size 13"},
		{"a shrunken tree", func(f *fakeLedger) { f.lines = lines[:10] },
			"a shorter tree: the checkpoint is of size 10, and size 13 was cosigned before"},
		{"a checkpoint signed by another key", func(f *fakeLedger) { f.lines, f.signer = lines, &other },
			"the checkpoint does not verify with the log key pinned on first contact"},
		{"events that are not what the checkpoint signs", func(f *fakeLedger) { f.lines, f.treeLines = forked, lines },
			"the events served do not hold"},
		{"an outcome forged under a consistent tree", func(f *fakeLedger) { f.lines = forged },
			"the events served do not hold: seq 20 of alliance " + s.AID},
	}
}

// reseal returns lines with line i changed by f and the chain recomputed
// after it, as a forger covering its tracks would.
func reseal(lines [][]byte, i int, f func([]byte) []byte) [][]byte {
	out := append([][]byte{}, lines...)
	out[i] = f(append([]byte{}, lines[i]...))
	return rechain(out, i+1)
}

// TestWitnessRefusesALyingLog has the server lie in every way the witness
// must catch, after an honest first cosignature: none is cosigned, and
// each leaves its evidence.
func TestWitnessRefusesALyingLog(t *testing.T) {
	s, lines := domaintest.SignedStoryLines(t, 0)
	for _, l := range lies(t, s, lines) {
		t.Run(l.name, func(t *testing.T) {
			f := newFakeLedger(t, s.AID, s.M2, lines[:13])
			e := newWitnessEnv(t)
			code, out := e.once(f.srv.URL)
			require.Equal(t, 0, code, out)
			cosigned, err := os.ReadFile(filepath.Join(e.state, s.AID, "checkpoint"))
			require.NoError(t, err)

			f.serve(l.serve)
			served := f.checkpoint()
			code, out = e.once(f.srv.URL)
			require.Equal(t, 1, code, out)
			require.Contains(t, out, "alliance "+s.AID+": REFUSED: "+l.why)
			require.Equal(t, 1, f.postedCount(), "nothing more is cosigned")

			files := e.evidence()
			require.Len(t, files, 3, "the served and the cosigned checkpoint, and why")
			for name, data := range files {
				require.True(t, strings.HasPrefix(name, s.AID+"-"), name)
				switch {
				case strings.HasSuffix(name, ".served.checkpoint"):
					require.Equal(t, served, data)
				case strings.HasSuffix(name, ".cosigned.checkpoint"):
					require.Equal(t, cosigned, data)
				default:
					require.True(t, strings.HasSuffix(name, ".reason.txt"), name)
					require.Contains(t, string(data), "reason "+l.why)
				}
			}
			require.Regexp(t, regexp.MustCompile(`evidence: .*/evidence/`+s.AID+`-\d{8}T\d{6}\.\d{9}Z\.\*`), out)

			// Still refused the next time, with what was cosigned kept.
			code, _ = e.once(f.srv.URL)
			require.Equal(t, 1, code)
			kept, err := os.ReadFile(filepath.Join(e.state, s.AID, "checkpoint"))
			require.NoError(t, err)
			require.Equal(t, cosigned, kept)
		})
	}
}

// TestWitnessRefusesABadFirstContact: a log whose outcomes do not
// re-derive is not cosigned even the first time.
func TestWitnessRefusesABadFirstContact(t *testing.T) {
	s, lines := domaintest.SignedStoryLines(t, 0)
	forged := reseal(lines, 19, func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"result":"adopted"`), []byte(`"result":"rejected"`), 1)
	})
	f := newFakeLedger(t, s.AID, s.M2, forged)
	e := newWitnessEnv(t)
	code, out := e.once(f.srv.URL)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "REFUSED: the events served do not hold: seq 20 of alliance "+s.AID)
	require.Contains(t, out, "re-derived adopted")
	require.Zero(t, f.postedCount())
	require.Len(t, e.evidence(), 2, "no checkpoint was cosigned before: the served one and why")

	// Events that hold, under a checkpoint signed over others.
	f = newFakeLedger(t, s.AID, s.M2, lines)
	f.serve(func(f *fakeLedger) { f.treeLines = forged })
	e = newWitnessEnv(t)
	code, out = e.once(f.srv.URL)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "REFUSED: the events served for seqs 1…25 hash to the root ")
	require.Contains(t, out, "it does not sign the events the server serves")
	require.Zero(t, f.postedCount())
}
