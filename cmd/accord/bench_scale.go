package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// scaleFigures are what the scale step measured besides its two figures,
// for the table's notes.
type scaleFigures struct {
	healthzS   float64 // from NATS up until /healthz answered 200
	startRSSMB float64 // resident memory once the first vote was answered
	votes      int     // votes on different alliances before scale_rss_mb
	coldP99Ms  float64 // their p99
	events     int     // the prepared dir's size
	alliances  int
	cacheMB    int // accord serve's --cache-mb
}

// benchScale measures accord serve, run as a child process, on the data
// dir cfg.Scale prepared by --prepare: scale_nats_start_s from starting the
// process until its embedded NATS server is up (JetStream has recovered the
// stream) and scale_nats_rss_mb, its resident memory right then, the
// counterparts of scale_start_s, from then until /healthz answers 200 and
// then a first vote on a prepared alliance is answered, and of
// scale_rss_mb, the process's resident memory after votes, one at a time,
// on cfg.ScaleVotes more prepared alliances, each untouched since the
// start. The child is
// shut down cleanly (SIGTERM) at the end, so the dir stays as accord serve
// leaves it, with those votes added. A first vote the API refuses is sent
// again (firstVote), and the refusals of every vote are counted in res. It
// returns the first error.
func benchScale(ctx context.Context, cfg benchConfig, res *benchResult, notes *scaleFigures) error {
	man, voters, err := loadScaleDir(cfg.Scale)
	if err != nil {
		return err
	}
	notes.events, notes.alliances, notes.cacheMB = man.Events, man.Alliances, cfg.serveCacheMB()
	child, healthy, url, done, err := serveOnDir(ctx, cfg.Scale, cfg.CacheMB)
	if err != nil {
		return err
	}
	defer done()
	api := &benchAPI{url: url, client: &http.Client{Timeout: time.Minute}}
	first, err := api.firstVote(voters[0])
	if err != nil {
		return err
	}
	res.refusals = append(res.refusals, first.refusals("the first vote"))
	natsUp, natsRSS := child.natsStarted()
	res.ScaleStartS = time.Since(natsUp).Seconds()
	res.ScaleNATSStartS = natsUp.Sub(child.started).Seconds()
	res.ScaleNATSRSSMB = natsRSS
	notes.healthzS = healthy.Sub(natsUp).Seconds()
	if notes.startRSSMB, err = child.rssMB(); err != nil {
		return err
	}
	notes.votes = min(cfg.ScaleVotes, len(voters)-1)
	run, err := api.voteEach(voters[1:1+notes.votes], notes.votes)
	if err != nil {
		return err
	}
	notes.coldP99Ms = p99ms(run.took)
	res.refusals = append(res.refusals, run.refusals("scale votes"))
	if res.ScaleRSSMB, err = child.rssMB(); err != nil {
		return err
	}
	return child.stop(prepServeStop)
}

// firstVoteTries bounds how many times the first vote is sent while the
// API refuses it.
const firstVoteTries = 10

// firstVote casts the voter's vote until the API accepts it, as a client
// would try again after a 503, and returns the tries. It returns an error
// when the API refused it firstVoteTries times, or another error.
func (b *benchAPI) firstVote(v coldVoter) (voteRun, error) {
	var run voteRun
	for try := 0; try < firstVoteTries; try++ {
		one, err := b.voteEach([]coldVoter{v}, 1)
		if err != nil {
			return run, err
		}
		run.took, run.refused, run.first = append(run.took, one.took...), run.refused+one.refused, cmp.Or(run.first, one.first)
		if one.refused == 0 {
			return run, nil
		}
	}
	return run, fmt.Errorf("the API refused the first vote %d times, the first: %w", run.refused, run.first)
}

// loadScaleDir reads a prepared dir's manifest and voters as cold voters.
// It returns an error when the dir was not prepared to the end, or has too
// few voters.
func loadScaleDir(dir string) (prepManifest, []coldVoter, error) {
	var man prepManifest
	raw, err := os.ReadFile(filepath.Join(dir, prepManifestFile))
	if err == nil {
		err = json.Unmarshal(raw, &man)
	}
	if err != nil {
		return man, nil, fmt.Errorf("%s is not a data dir prepared by accord bench --prepare: %w", dir, err)
	}
	if !man.Ready {
		return man, nil, fmt.Errorf("%s is not prepared to the end; run accord bench --prepare %s again", dir, dir)
	}
	prepared, err := loadVoters(dir)
	if err != nil {
		return man, nil, err
	}
	if len(prepared) < 2 {
		return man, nil, fmt.Errorf("%s has %d voters; the scale figures need at least 2", dir, len(prepared))
	}
	voters := make([]coldVoter, len(prepared))
	for i, v := range prepared {
		voters[i] = coldVoter{alliance: seededAlliance{aid: v.Alliance, pid: v.Proposal, member: v.Member}, token: v.Token}
	}
	return man, voters, nil
}

// rows returns the table's lines of the scale figures, none when they were
// not measured.
func (n scaleFigures) rows(r benchResult) []benchRow {
	if r.ScaleStartS == 0 {
		return nil
	}
	return []benchRow{
		{"scale_nats_start_s", strconv.FormatFloat(r.ScaleNATSStartS, 'f', 2, 64), "process start to embedded NATS up, the counterpart"},
		{"scale_start_s", strconv.FormatFloat(r.ScaleStartS, 'f', 2, 64), fmt.Sprintf("NATS up to /healthz 200 (%.2f) and a first vote answered; %d events over %d alliances, --cache-mb %d", n.healthzS, n.events, n.alliances, n.cacheMB)},
		{"scale_nats_rss_mb", strconv.FormatFloat(r.ScaleNATSRSSMB, 'f', 0, 64), "VmRSS when NATS was up, before accord read anything: the counterpart"},
		{"scale_rss_mb", strconv.FormatFloat(r.ScaleRSSMB, 'f', 0, 64), fmt.Sprintf("VmRSS after votes on %d more alliances (p99 %.2f ms); %.0f after the first", n.votes, n.coldP99Ms, n.startRSSMB)},
	}
}
