package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"accord/eventstore"
)

// The files a prepared data dir holds besides accord serve's own: what was
// prepared and how far it got, and the members who hold a token.
const (
	prepManifestFile = "bench-prepare.json"
	prepVotersFile   = "bench-voters.jsonl"
	prepServeLog     = "bench-serve.log"
)

// prepGroup is how many alliances are written at once, interleaved.
const prepGroup = 1000

// prepVoters is how many prepared alliances (spread evenly over all) get a
// member holding a token: the scale figures vote on them.
const prepVoters = 2000

// prepManifest is what bench-prepare.json says of a prepared data dir.
type prepManifest struct {
	Events     int  `json:"events"`
	Alliances  int  `json:"alliances"`
	Group      int  `json:"group"`       // alliances written at once
	GroupsDone int  `json:"groups_done"` // groups whose every event is stored
	Ready      bool `json:"ready"`       // voters issued tokens, and served once and shut down cleanly
}

// target returns how many events alliance i is to have.
func (m prepManifest) target(i int) int {
	n := m.Events / m.Alliances
	if i < m.Events%m.Alliances {
		n++
	}
	return n
}

// eventsBefore returns how many events the alliances before i are to have.
func (m prepManifest) eventsBefore(i int) int {
	return i*(m.Events/m.Alliances) + min(i, m.Events%m.Alliances)
}

// groups returns how many groups the alliances are written in.
func (m prepManifest) groups() int { return (m.Alliances + m.Group - 1) / m.Group }

// benchPrepare generates, in cfg.Prepare, a data dir for accord serve
// holding cfg.PrepareEvents events over cfg.PrepareAlliances alliances
// (see prepAlliance), then has a member of prepVoters of them issued a
// token and starts accord serve on it once and shuts it down cleanly, so
// that it is as accord serve leaves a data dir. A run that stopped part of
// the way resumes where it stopped; a prepared dir is left as it is. It
// reports progress on w, and returns the first error.
func benchPrepare(ctx context.Context, cfg benchConfig, w io.Writer) error {
	man, err := loadOrStartManifest(cfg)
	if err != nil {
		return err
	}
	if man.Ready {
		fmt.Fprintf(w, "%s is prepared already: %d events over %d alliances\n", cfg.Prepare, man.Events, man.Alliances)
		return nil
	}
	start := time.Now()
	voters, err := writePrepared(ctx, cfg.Prepare, &man, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "every event is stored; accord serve starts on %s once, its members' tokens are issued, and it shuts down\n", cfg.Prepare)
	if err := serveOnce(ctx, cfg, voters); err != nil {
		return err
	}
	man.Ready = true
	if err := saveManifest(cfg.Prepare, man); err != nil {
		return err
	}
	size, err := dirSize(cfg.Prepare)
	fmt.Fprintf(w, "prepared %s: %d events over %d alliances, %d voters, %.1f GiB, in %s\n",
		cfg.Prepare, man.Events, man.Alliances, len(voters), float64(size)/(1<<30), time.Since(start).Round(time.Second))
	return err
}

// loadOrStartManifest returns the manifest of cfg.Prepare, a new one if the
// directory is empty or new. It returns an error when the directory holds
// something else, or was begun with other sizes.
func loadOrStartManifest(cfg benchConfig) (prepManifest, error) {
	want := prepManifest{Events: cfg.PrepareEvents, Alliances: cfg.PrepareAlliances, Group: min(prepGroup, cfg.PrepareAlliances)}
	raw, err := os.ReadFile(filepath.Join(cfg.Prepare, prepManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		entries, err := os.ReadDir(cfg.Prepare)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return want, err
		}
		if len(entries) > 0 {
			return want, fmt.Errorf("%s is neither empty nor a data dir begun by accord bench --prepare", cfg.Prepare)
		}
		return want, saveManifest(cfg.Prepare, want)
	}
	var man prepManifest
	if err == nil {
		err = json.Unmarshal(raw, &man)
	}
	if err != nil {
		return man, fmt.Errorf("%s: %w", prepManifestFile, err)
	}
	if man.Events != want.Events || man.Alliances != want.Alliances {
		return man, fmt.Errorf("%s was begun with %d events over %d alliances; give those sizes to resume it", cfg.Prepare, man.Events, man.Alliances)
	}
	return man, nil
}

// saveManifest writes the manifest into dir, replacing it atomically.
func saveManifest(dir string, man prepManifest) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, prepManifestFile+".tmp")
	if err := os.WriteFile(tmp, append(raw, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, prepManifestFile))
}

// writePrepared starts the embedded server on dir as accord serve does
// (generating its passwords on first start), writes the groups of
// alliances not yet done, saving the manifest after each, then returns the
// voters: the first member and open proposal of prepVoters alliances
// spread over all. It returns the first error.
func writePrepared(ctx context.Context, dir string, man *prepManifest, w io.Writer) ([]prepVoter, error) {
	m := NewMain()
	m.DataDir, m.NatsListen, m.Replicas = dir, "none", 1
	m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	defer m.Close()
	if err := m.startEmbedded(); err != nil {
		return nil, err
	}
	if err := m.openLog(ctx); err != nil {
		return nil, err
	}
	js, err := jetstream.New(m.nc, jetstream.WithPublishAsyncMaxPending(2*man.Group))
	if err != nil {
		return nil, err
	}
	if err := writeGroups(ctx, m.store, js, dir, man, w); err != nil {
		return nil, err
	}
	return sampleVoters(*man)
}

// writeGroups writes the groups not yet done, the first of them resumed
// from what the store holds, and saves the manifest after each.
func writeGroups(ctx context.Context, store *eventstore.Store, js jetstream.JetStream, dir string, man *prepManifest, w io.Writer) error {
	start, resumed := time.Now(), man.GroupsDone
	if resumed > 0 {
		fmt.Fprintf(w, "resuming: %d of %d groups of %d alliances were stored\n", resumed, man.groups(), man.Group)
	}
	for g := man.GroupsDone; g < man.groups(); g++ {
		lo, hi := g*man.Group, min((g+1)*man.Group, man.Alliances)
		alliances := make([]*prepAlliance, 0, hi-lo)
		for i := lo; i < hi; i++ {
			a := newPrepAlliance(i, man.target(i))
			if g == resumed {
				var err error
				if a, err = resumePrepAlliance(ctx, store, i, man.target(i)); err != nil {
					return err
				}
			}
			alliances = append(alliances, a)
		}
		if err := publishGroup(ctx, js, alliances); err != nil {
			return fmt.Errorf("%w (every alliance before %d is stored; run the same command again to resume)", err, lo)
		}
		man.GroupsDone = g + 1
		if err := saveManifest(dir, *man); err != nil {
			return err
		}
		written := man.eventsBefore(hi) - man.eventsBefore(resumed*man.Group)
		fmt.Fprintf(w, "stored %d of %d events (%d of %d alliances), %.0f events/s\n",
			man.eventsBefore(hi), man.Events, hi, man.Alliances, float64(written)/time.Since(start).Seconds())
	}
	return nil
}

// dirSize returns the bytes of the files under dir.
func dirSize(dir string) (int64, error) {
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			size += info.Size()
		}
		return err
	})
	return size, err
}
