package main

import (
	"errors"
	"flag"
	"fmt"
)

// benchScaleUsage is what accord bench --help says of the scale figures.
const benchScaleUsage = `
The scale figures need a data dir generated once (about 13 minutes, both cores and 7.5 GiB
here):
  accord bench --prepare DIR      10,000,000 events over 100,000 alliances into DIR, as
                                  accord serve would store them; then accord serve starts on
                                  DIR once (tokens are issued to a member of 2,000 of the
                                  alliances) and shuts down cleanly. Run it again to resume
                                  after an interruption. Nothing else is measured.
  accord bench --scale DIR        also runs accord serve (this binary) on DIR as a child
                                  process: scale_start_s, scale_rss_mb and their counterparts
                                  scale_nats_start_s, scale_nats_rss_mb.
                                  Each run adds its votes to DIR's alliances.
`

// scaleFlags adds the flags of --prepare and --scale to fs.
func scaleFlags(fs *flag.FlagSet, cfg *benchConfig) {
	fs.StringVar(&cfg.Prepare, "prepare", "", "generate a data dir for the scale figures in `DIR` (new or empty, or one to resume), and measure nothing")
	fs.IntVar(&cfg.PrepareEvents, "prepare-events", 10_000_000, "events --prepare writes")
	fs.IntVar(&cfg.PrepareAlliances, "prepare-alliances", 100_000, "alliances --prepare spreads them over")
	fs.StringVar(&cfg.Scale, "scale", "", "measure accord serve on the data dir `DIR` prepared by --prepare (the scale_* figures)")
	fs.IntVar(&cfg.ScaleVotes, "scale-votes", 1000, "with --scale, votes on as many different alliances before scale_rss_mb is read")
	fs.IntVar(&cfg.CacheMB, "cache-mb", -1, "accord serve's --cache-mb `MiB` with --prepare and --scale, and the fresh instance's of cold_vote_p99_ms (-1: accord serve's default)")
}

// serveCacheMB returns --cache-mb, or accord serve's default.
func (c benchConfig) serveCacheMB() int {
	if c.CacheMB < 0 {
		return DefaultCacheMB
	}
	return c.CacheMB
}

// checkScaleFlags returns what is wrong with the flags of --prepare and
// --scale, or nil.
func checkScaleFlags(cfg benchConfig) error {
	switch {
	case cfg.Prepare != "" && cfg.Scale != "":
		return errors.New("--prepare generates a data dir and measures nothing: run --scale on it afterwards")
	case cfg.PrepareAlliances < 1 || cfg.ScaleVotes < 1 || cfg.CacheMB < -1:
		return errors.New("every size must be positive")
	case cfg.PrepareEvents < prepMinEvents*cfg.PrepareAlliances:
		return fmt.Errorf("--prepare-events must be at least %d × --prepare-alliances: each alliance is formed, admits %d members and opens a vote that one of them votes on", prepMinEvents, prepMembers)
	}
	return nil
}
