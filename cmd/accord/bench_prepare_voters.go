package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// prepVoter is a member of a prepared alliance who holds a token, and the
// proposal of that alliance that is open for voting.
type prepVoter struct {
	Alliance string `json:"alliance"`
	Proposal string `json:"proposal"`
	Member   string `json:"member"`
	Token    string `json:"token,omitempty"`
}

// The longest accord serve is given to start on a prepared dir (it may
// have to read the whole log) and to shut down (it may write snapshots).
const (
	prepServeStart = 30 * time.Minute
	prepServeStop  = 10 * time.Minute
)

// sampleVoters returns the convener and open proposal of prepVoters
// prepared alliances spread evenly over all. Their ids are derived from
// command ids that are themselves derived (prepCommandID), so it finds
// them by building each alliance's chain again in memory, without reading
// the log; accord serve then issuing their tokens checks that they are
// there. It returns an error when an alliance has no open proposal.
func sampleVoters(man prepManifest) ([]prepVoter, error) {
	n := min(prepVoters, man.Alliances)
	voters := make([]prepVoter, 0, n)
	at := time.Now().UTC()
	for j := 0; j < n; j++ {
		a := newPrepAlliance(j*man.Alliances/n, man.target(j*man.Alliances/n))
		for !a.done() {
			if _, _, err := a.step(at); err != nil {
				return nil, err
			}
		}
		if !a.open {
			return nil, fmt.Errorf("prepared alliance %d (%s) has no proposal open for voting", a.index, a.chain.aid)
		}
		voters = append(voters, prepVoter{Alliance: a.chain.aid, Proposal: a.pid, Member: a.members[0]})
	}
	return voters, nil
}

// serveOnce starts accord serve on the prepared dir, has the admin issue
// each voter a token (as `accord token issue` does), writes the voters
// with their tokens to bench-voters.jsonl, and shuts accord serve down
// cleanly (SIGTERM), leaving the dir as it leaves it. Its log goes to
// bench-serve.log in the dir. It returns the first error.
func serveOnce(ctx context.Context, cfg benchConfig, voters []prepVoter) error {
	child, _, url, done, err := serveOnDir(ctx, cfg.Prepare, cfg.CacheMB)
	if err != nil {
		return err
	}
	defer done()
	admin, err := os.ReadFile(filepath.Join(cfg.Prepare, "admin.token"))
	if err != nil {
		return err
	}
	api := &benchAPI{url: url, client: &http.Client{Timeout: time.Minute}}
	for i, v := range voters {
		var issued struct{ Token string }
		path := "/v1/alliances/" + v.Alliance + "/tokens/" + v.Member
		if err := api.call("POST", path, strings.TrimSpace(string(admin)), map[string]any{}, &issued); err != nil {
			return err
		}
		voters[i].Token = issued.Token
	}
	if err := saveVoters(cfg.Prepare, voters); err != nil {
		return err
	}
	return child.stop(prepServeStop)
}

// saveVoters writes the voters, one JSON object a line, into dir.
func saveVoters(dir string, voters []prepVoter) error {
	f, err := os.OpenFile(filepath.Join(dir, prepVotersFile), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, v := range voters {
		if err := enc.Encode(v); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// loadVoters reads the voters of a prepared dir.
func loadVoters(dir string) ([]prepVoter, error) {
	f, err := os.Open(filepath.Join(dir, prepVotersFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var voters []prepVoter
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var v prepVoter
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s: %w", prepVotersFile, err)
		}
		voters = append(voters, v)
	}
	return voters, sc.Err()
}
