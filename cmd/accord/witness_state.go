package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"accord/projections"
	"accord/transparency"
	"accord/verify"
)

// The files a witness keeps per alliance, in DIR/<aid>/.
const (
	pinnedKeyFile  = "log.vkey"   // the log's verifier key, pinned on first contact
	cosignedFile   = "checkpoint" // the last checkpoint cosigned, with the cosignature
	treeFile       = "tree"       // the tree of the events it covers (transparency.Tree snapshot)
	chainStateFile = "chain.json" // the verifier's state after those events
)

// witnessed is what a witness holds of one alliance.
type witnessed struct {
	aid     string
	dir     string
	logVKey string // "" before first contact
	// note is the last checkpoint cosigned, as served plus the witness's
	// cosignature; nil before the first. cp is its checkpoint (size 0
	// before the first).
	note []byte
	cp   transparency.Checkpoint
	// tree and chain cover seqs 1…cp.Size; stale is set when what is on
	// disk does not (a crash between writes, another accord version) and
	// they must be rebuilt from the server's events.
	tree  *transparency.Tree
	chain *verify.ChainState
	stale bool
}

// savedChain is chain.json: the verifier's state, and the schema of the
// alliance state it holds (a state of another schema is rebuilt).
type savedChain struct {
	Schema int               `json:"schema"`
	Chain  verify.ChainState `json:"chain"`
}

// allianceIDShape is what the witness accepts as a directory name.
var allianceIDShape = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_-]{0,127}$`)

// safeAllianceID reports whether id can name an alliance's directory.
func safeAllianceID(id string) bool { return allianceIDShape.MatchString(id) }

// loadWitnessed reads what the witness holds of an alliance from
// dir/<aid>, creating the directory on first contact. It returns an error
// when a file cannot be read, or when the pinned key or the cosigned
// checkpoint is damaged: those are the witness's memory, never rebuilt.
func loadWitnessed(dir, aid string) (*witnessed, error) {
	st := &witnessed{aid: aid, dir: filepath.Join(dir, aid), tree: &transparency.Tree{}}
	if err := os.MkdirAll(st.dir, 0o700); err != nil {
		return nil, err
	}
	vkey, err := readOptional(filepath.Join(st.dir, pinnedKeyFile))
	if err != nil {
		return nil, err
	}
	st.logVKey = strings.TrimSpace(string(vkey))
	if st.note, err = readOptional(filepath.Join(st.dir, cosignedFile)); err != nil || st.note == nil {
		return st, err
	}
	if st.cp, err = transparency.OpenCheckpoint(st.note, st.logVKey); err != nil {
		return nil, fmt.Errorf("%s: the checkpoint it cosigned does not open with the pinned log key: %w", st.dir, err)
	}
	st.stale = !st.loadProgress()
	return st, nil
}

// loadProgress reads the tree and the chain state and reports whether they
// cover exactly the cosigned checkpoint.
func (st *witnessed) loadProgress() bool {
	raw, err := os.ReadFile(filepath.Join(st.dir, treeFile))
	if err != nil || st.tree.UnmarshalBinary(raw) != nil {
		return false
	}
	if root, size := st.tree.Root(); size != st.cp.Size || root != st.cp.Root {
		return false
	}
	raw, err = os.ReadFile(filepath.Join(st.dir, chainStateFile))
	var saved savedChain
	if err != nil || json.Unmarshal(raw, &saved) != nil || saved.Schema != projections.SnapshotSchema {
		return false
	}
	if saved.Chain.Head.AllianceID != st.aid || saved.Chain.Head.Seq != st.cp.Size {
		return false
	}
	st.chain = &saved.Chain
	return true
}

// readOptional reads a file, or returns nil for one that does not exist.
func readOptional(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return raw, err
}

// pin records the log's verifier key on first contact.
func (st *witnessed) pin(vkey string) error {
	if err := writeAtomic(filepath.Join(st.dir, pinnedKeyFile), []byte(vkey+"\n")); err != nil {
		return err
	}
	st.logVKey = vkey
	return nil
}

// commit records a checkpoint as cosigned, with the tree and chain state
// that cover it. The checkpoint is written last: until it is, the files
// before it are taken for stale, and rebuilt.
func (st *witnessed) commit(note []byte, cp transparency.Checkpoint, tree *transparency.Tree, chain verify.ChainState) error {
	snap, err := tree.MarshalBinary()
	if err != nil {
		return err
	}
	state, err := json.Marshal(savedChain{Schema: projections.SnapshotSchema, Chain: chain})
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{treeFile, snap}, {chainStateFile, state}, {cosignedFile, note}} {
		if err := writeAtomic(filepath.Join(st.dir, f.name), f.data); err != nil {
			return err
		}
	}
	st.note, st.cp, st.tree, st.chain, st.stale = note, cp, tree, &chain, false
	return nil
}

// writeAtomic replaces path with data (mode 0600): written to a temporary
// file beside it, synced, then renamed over it, so a crash leaves the old
// file or the new one, never half of one.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
