package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"accord/eventstore"
)

// benchConfig sizes one `accord bench` run.
type benchConfig struct {
	JSON        bool
	Events      int // events in the rebuild ledger
	Alliances   int // alliances they are spread over
	Publishes   int // raw publishes and single-writer appends
	Votes       int // concurrent votes (runner and HTTP)
	Writers     int // concurrent writers
	Spread      int // alliances the spread votes go to
	HTTPClients int // concurrent clients of the HTTP votes
	Subscribers int // live subscribers
	LiveEvents  int // events appended while the subscribers listen
	ProofEvents int // events in the alliance whose checkpoints and proofs are read
	CPUProfile  string
	Only        string // run only the steps whose name contains this

	Prepare          string // generate a data dir here, and do nothing else
	PrepareEvents    int
	PrepareAlliances int
	Scale            string // measure accord serve on this prepared data dir
	ScaleVotes       int    // votes on different alliances before the resident memory is read
	CacheMB          int    // accord serve's --cache-mb; -1 = its default
}

// benchResult is what a run measured. Field names are the figures' names.
type benchResult struct {
	RawOCCPublishPerS    float64 `json:"raw_occ_publish_per_s"`
	RawSameBytesPerS     float64 `json:"raw_same_bytes_publish_per_s"`
	AppendPerS           float64 `json:"append_per_s"`
	RawAsyncPublishPerS  float64 `json:"raw_async_publish_per_s"`
	ConcurrentVotesPerS  float64 `json:"concurrent_votes_per_s"`
	SpreadVotesPerS      float64 `json:"spread_votes_per_s"`
	RawSpreadPublishPerS float64 `json:"raw_spread_publish_per_s"`
	ColdVoteP99Ms        float64 `json:"cold_vote_p99_ms"`
	HotVoteP99Ms         float64 `json:"hot_vote_p99_ms"`
	ScaleStartS          float64 `json:"scale_start_s,omitempty"`
	ScaleNATSStartS      float64 `json:"scale_nats_start_s,omitempty"`
	ScaleRSSMB           float64 `json:"scale_rss_mb,omitempty"`
	ScaleNATSRSSMB       float64 `json:"scale_nats_rss_mb,omitempty"`
	RawReplayPerS        float64 `json:"raw_replay_per_s"`
	RebuildPerS          float64 `json:"rebuild_per_s"`
	RebuildBytesPerEvent float64 `json:"rebuild_bytes_per_event"`
	HTTPVotesPerS        float64 `json:"http_votes_per_s"`
	LiveP99Ms            float64 `json:"live_p99_ms"`
	RestartReplayS       float64 `json:"restart_replay_s"`
	RestartSnapshotS     float64 `json:"restart_snapshot_s"`
	RebuildNoTreesPerS   float64 `json:"rebuild_no_trees_per_s"`
	CheckpointP99Ms      float64 `json:"checkpoint_p99_ms"`
	InclusionP99Ms       float64 `json:"inclusion_proof_100k_p99_ms"`
	LedgerAppendPerS     float64 `json:"ledger_append_per_s"`
	LedgerAppendBarePerS float64 `json:"ledger_append_no_trees_per_s"`
	SignedVotesPerS      float64 `json:"signed_votes_per_s"`
	UnsignedVotesPerS    float64 `json:"unsigned_votes_per_s"`
	VerifySignedPerS     float64 `json:"verify_signed_events_per_s"`
	VerifyUnsignedPerS   float64 `json:"verify_unsigned_events_per_s"`
	Events               int     `json:"events"`
	Alliances            int     `json:"alliances"`
	CPUs                 int     `json:"cpus"`
	GoVersion            string  `json:"go_version"`

	scale    scaleFigures // the scale step's notes
	refusals []string     // what the API refused of the timed votes ("" for none)
}

// bench runs `accord bench` and returns the exit code.
func bench(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseBenchFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "accord bench:", err)
		return 2
	}
	// The read models log their restarts at info level; the figures are the
	// output here.
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	stop, err := startProfile(cfg.CPUProfile)
	if err != nil {
		fmt.Fprintln(stderr, "accord bench:", err)
		return 1
	}
	defer stop()
	if cfg.Prepare != "" {
		// Interrupted, it stops its embedded server cleanly; run again,
		// it resumes.
		ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer cancel()
		if err := benchPrepare(ctx, cfg, stderr); err != nil {
			fmt.Fprintln(stderr, "accord bench --prepare:", err)
			return 1
		}
		return 0
	}
	res, err := runBench(context.Background(), cfg, progressTo(stderr))
	if err != nil {
		fmt.Fprintln(stderr, "accord bench:", err)
		return 1
	}
	printBench(stdout, cfg, res)
	return 0
}

func parseBenchFlags(args []string, stderr io.Writer) (benchConfig, error) {
	cfg := benchConfig{}
	fs := flag.NewFlagSet("accord bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&cfg.JSON, "json", false, "also print one JSON object with every figure on the last line")
	fs.IntVar(&cfg.Events, "events", 1_000_000, "events in the ledger that is replayed and rebuilt")
	fs.IntVar(&cfg.Alliances, "alliances", 1000, "alliances those events are spread over")
	fs.IntVar(&cfg.Publishes, "publishes", 20000, "raw publishes, and single-writer appends")
	fs.IntVar(&cfg.Votes, "votes", 40000, "concurrent votes through the runner and through HTTP")
	fs.IntVar(&cfg.Writers, "writers", 64, "concurrent writers")
	fs.IntVar(&cfg.Spread, "spread-alliances", 1000, "alliances the spread votes of the concurrent writers go to")
	fs.IntVar(&cfg.HTTPClients, "http-clients", 64, "concurrent clients of the HTTP votes, each a member of one alliance")
	fs.IntVar(&cfg.Subscribers, "subscribers", 200, "live subscribers on one alliance")
	fs.IntVar(&cfg.LiveEvents, "live-events", 500, "events appended while the subscribers listen")
	fs.IntVar(&cfg.ProofEvents, "proof-events", 100_000, "events in the alliance whose checkpoints and inclusion proofs are read over HTTP")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the run to `file`")
	fs.StringVar(&cfg.Only, "only", "", "run only the steps whose name contains one of these comma-separated `words` (e.g. raw,single,rebuild)")
	scaleFlags(fs, &cfg)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: accord bench [flags]\n\nMeasures accord against raw JetStream on an embedded server in a temporary directory.\n"+benchScaleUsage+"\nExamples:\n  accord bench --json\n  accord bench --prepare /var/tmp/accord-scale && accord bench --json --scale /var/tmp/accord-scale\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if err := checkScaleFlags(cfg); err != nil {
		return cfg, err
	}
	if cfg.Alliances < 1 || cfg.Publishes < 1 || cfg.Votes < 1 || cfg.Writers < 1 || cfg.Spread < 1 || cfg.HTTPClients < 1 || cfg.Subscribers < 1 || cfg.LiveEvents < 1 || cfg.ProofEvents < 1 {
		return cfg, errors.New("every size must be positive")
	}
	if cfg.Events < seedMinEvents*cfg.Alliances {
		return cfg, fmt.Errorf("--events must be at least %d × --alliances: each seeded alliance is formed, admits 10 members and opens a vote", seedMinEvents)
	}
	return cfg, nil
}

// startProfile starts a CPU profile of the run into the file at path, if
// path is not empty, and returns what stops it.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// benchEnv is the embedded server a run measures.
type benchEnv struct {
	dir   string
	srv   *eventstore.Server
	nc    *nats.Conn
	js    jetstream.JetStream
	store *eventstore.Store

	seeded []seededAlliance // the alliances of the seeded ledger
}

func startBenchEnv(ctx context.Context) (*benchEnv, error) {
	dir, err := os.MkdirTemp("", "accord-bench-")
	if err != nil {
		return nil, err
	}
	env := &benchEnv{dir: dir}
	if env.srv, err = eventstore.StartServer(eventstore.ServerConfig{Dir: dir}); err != nil {
		return env, err
	}
	if env.nc, err = eventstore.ConnectInProcess(env.srv); err != nil {
		return env, err
	}
	if env.js, err = jetstream.New(env.nc); err != nil {
		return env, err
	}
	env.store, err = eventstore.Open(ctx, env.nc)
	return env, err
}

func (e *benchEnv) close() {
	if e.nc != nil {
		e.nc.Close()
	}
	if e.srv != nil {
		e.srv.Shutdown()
		e.srv.WaitForShutdown()
	}
	os.RemoveAll(e.dir)
}

// runBench measures every figure in one run on one embedded server.
func runBench(ctx context.Context, cfg benchConfig, progress func(string)) (benchResult, error) {
	res := benchResult{Events: cfg.Events, Alliances: cfg.Alliances, CPUs: runtime.NumCPU(), GoVersion: runtime.Version()}
	env, err := startBenchEnv(ctx)
	defer env.close()
	if err != nil {
		return res, err
	}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"raw OCC publishes, single-writer appends and raw publishes of their bytes", func() (err error) {
			res.RawOCCPublishPerS, res.AppendPerS, res.RawSameBytesPerS, err = benchSingleWriter(ctx, env, cfg)
			return
		}},
		{"ledger appends with and without trees", func() (err error) {
			res.LedgerAppendPerS, res.LedgerAppendBarePerS, err = benchTreeAppends(ctx, cfg)
			return
		}},
		{"raw async publishes", func() error {
			size, err := voteLineSize()
			if err == nil {
				res.RawAsyncPublishPerS, err = benchRawAsync(ctx, env, cfg.Votes, cfg.Spread, size)
			}
			return err
		}},
		{"concurrent votes", func() (err error) { res.ConcurrentVotesPerS, err = benchConcurrentVotes(ctx, env, cfg); return }},
		{"spread votes and their raw counterpart", func() (err error) {
			res.SpreadVotesPerS, res.RawSpreadPublishPerS, err = benchSpreadVotes(ctx, env, cfg)
			return
		}},
		{"signed votes and their verification", func() error { return benchSigned(ctx, env, cfg, &res) }},
		{"HTTP votes", func() (err error) { res.HTTPVotesPerS, err = benchHTTPVotes(ctx, env, cfg); return }},
		{"live subscribers", func() (err error) { res.LiveP99Ms, err = benchLive(ctx, env, cfg); return }},
		{"seeding the ledger", func() error { return seedLedger(ctx, env, cfg, progress) }},
		{rebuildStep, func() error { return benchRebuild(ctx, env, &res) }},
		{coldStep, func() (err error) {
			res.ColdVoteP99Ms, res.HotVoteP99Ms, err = benchColdHot(ctx, env, cfg.serveCacheMB(), &res.refusals)
			return
		}},
		{scaleStep, func() error {
			if cfg.Scale == "" {
				return nil
			}
			return benchScale(ctx, cfg, &res, &res.scale)
		}},
		{"transparency reads", func() (err error) {
			res.CheckpointP99Ms, res.InclusionP99Ms, err = benchTransparency(ctx, env, cfg.ProofEvents)
			return
		}},
	}
	for i, s := range steps {
		if !cfg.wants(s.name) {
			continue
		}
		progress(fmt.Sprintf("[%d/%d] %s", i+1, len(steps), s.name))
		if err := s.fn(); err != nil {
			return res, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	progress("")
	return res, nil
}

// rebuildStep and coldStep are the names of the steps that read the
// seeded ledger; scaleStep, of the one that runs only with --scale.
const (
	rebuildStep = "raw replay and rebuilds with and without trees, alternating; restart"
	coldStep    = "cold and hot votes on a fresh instance"
	scaleStep   = "scale: accord serve on the prepared data dir"
)

// wants reports whether --only selects the step: any of its comma-separated
// words in the step's name. Seeding always runs when a later step needs it.
func (c benchConfig) wants(step string) bool {
	if c.Only == "" || step == "seeding the ledger" && (c.wants(rebuildStep) || c.wants(coldStep)) {
		return true
	}
	for _, w := range strings.Split(c.Only, ",") {
		if w != "" && strings.Contains(step, w) {
			return true
		}
	}
	return false
}

// progressTo reports progress on one rewritten line when w is a terminal,
// else not at all.
func progressTo(w io.Writer) func(string) {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(f) {
		return func(string) {}
	}
	return func(s string) { fmt.Fprintf(f, "\r\033[K%s", s) }
}

func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// printBench prints a readable table, and with --json the figures as one
// JSON object on the last line.
func printBench(w io.Writer, cfg benchConfig, r benchResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	raw := r.RawOCCPublishPerS
	rows := []benchRow{
		{"raw_occ_publish_per_s", rate(raw), "ceiling for one alliance"},
		{"raw_same_bytes_publish_per_s", rate(r.RawSameBytesPerS), "an append's very messages; " + ratio(r.RawSameBytesPerS, raw, "raw", 0)},
		{"append_per_s", rate(r.AppendPerS), ratio(r.AppendPerS, r.RawSameBytesPerS, "same bytes", 0.9)},
		{"ledger_append_per_s", rate(r.LedgerAppendPerS), ratio(r.LedgerAppendPerS, r.LedgerAppendBarePerS, "without trees", 0.95)},
		{"ledger_append_no_trees_per_s", rate(r.LedgerAppendBarePerS), "one writer, read-your-writes, no Merkle trees"},
		{"raw_async_publish_per_s", rate(r.RawAsyncPublishPerS), fmt.Sprintf("ceiling for many alliances: %d subjects, %d in flight", cfg.Spread, asyncWindow)},
		{"concurrent_votes_per_s", rate(r.ConcurrentVotesPerS), ratio(r.ConcurrentVotesPerS, r.RawAsyncPublishPerS, "raw async", 0.8)},
		{"raw_spread_publish_per_s", rate(r.RawSpreadPublishPerS), fmt.Sprintf("%d writers over %d subjects, each awaiting its ack, an append's headers", cfg.Writers, cfg.Spread)},
		{"spread_votes_per_s", rate(r.SpreadVotesPerS), notes(fmt.Sprintf("%d writers over %d alliances", cfg.Writers, cfg.Spread), ratio(r.SpreadVotesPerS, r.RawAsyncPublishPerS, "raw async", 0.7), ratio(r.SpreadVotesPerS, r.RawSpreadPublishPerS, "raw spread", 0))},
		{"signed_votes_per_s", rate(r.SignedVotesPerS), ratio(r.SignedVotesPerS, r.UnsignedVotesPerS, "unsigned", 0.8)},
		{"unsigned_votes_per_s", rate(r.UnsignedVotesPerS), fmt.Sprintf("%d writers through the ledger, read-your-writes", cfg.Writers)},
		{"verify_signed_events_per_s", rate(r.VerifySignedPerS), fmt.Sprintf("every vote signed, %d CPUs; target ≥ 20,000", r.CPUs)},
		{"verify_unsigned_events_per_s", rate(r.VerifyUnsignedPerS), "the unsigned votes' export"},
		{"raw_replay_per_s", rate(r.RawReplayPerS), fmt.Sprintf("%d events seeded", r.Events)},
		{"rebuild_per_s", rate(r.RebuildPerS), ratio(r.RebuildPerS, r.RawReplayPerS, "raw replay", 0.7)},
		{"rebuild_no_trees_per_s", rate(r.RebuildNoTreesPerS), ratio(r.RebuildPerS, r.RebuildNoTreesPerS, "rebuild_per_s over it", 0)},
		{"rebuild_bytes_per_event", strconv.FormatFloat(r.RebuildBytesPerEvent, 'f', 0, 64), fmt.Sprintf("heap in use / event, %d alliances", r.Alliances)},
		{"http_votes_per_s", rate(r.HTTPVotesPerS), fmt.Sprintf("%d clients; target ≥ 25,000", cfg.HTTPClients)},
		{"live_p99_ms", strconv.FormatFloat(r.LiveP99Ms, 'f', 2, 64), fmt.Sprintf("%d subscribers; target < 50", cfg.Subscribers)},
		{"restart_replay_s", strconv.FormatFloat(r.RestartReplayS, 'f', 2, 64), "read models from the whole log"},
		{"restart_snapshot_s", strconv.FormatFloat(r.RestartSnapshotS, 'f', 2, 64), "read models from snapshots"},
		{"cold_vote_p99_ms", strconv.FormatFloat(r.ColdVoteP99Ms, 'f', 2, 64), fmt.Sprintf("first vote on each of %d alliances, fresh instance, --cache-mb %d; target < 50", min(r.Alliances, coldVotes), cfg.serveCacheMB())},
		{"hot_vote_p99_ms", strconv.FormatFloat(r.HotVoteP99Ms, 'f', 2, 64), fmt.Sprintf("%d votes on the last %d of them again; target < 2", hotVotes, hotAlliances)},
		{"checkpoint_p99_ms", strconv.FormatFloat(r.CheckpointP99Ms, 'f', 3, 64), "head checkpoint over HTTP; target < 1"},
		{"inclusion_proof_100k_p99_ms", strconv.FormatFloat(r.InclusionP99Ms, 'f', 3, 64), fmt.Sprintf("receipt in an alliance of %d events over HTTP; target < 5", cfg.ProofEvents)},
	}
	rows = append(rows, r.scale.rows(r)...)
	fmt.Fprintf(tw, "figure\tvalue\t\tnote\t\n")
	for _, row := range rows {
		fmt.Fprintf(tw, "%s\t%s\t\t%s\t\n", row.name, row.value, row.note)
	}
	tw.Flush()
	for _, refused := range r.refusals {
		if refused != "" {
			fmt.Fprintf(w, "refused %s\n", refused)
		}
	}
	fmt.Fprintf(w, "%d CPUs, %s\n", r.CPUs, r.GoVersion)
	if cfg.JSON {
		raw, _ := json.Marshal(r)
		fmt.Fprintf(w, "%s\n", raw)
	}
}

// notes joins the notes that are not empty.
func notes(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "; ")
}

// benchRow is one line of the table: a figure, its value and a note.
type benchRow struct{ name, value, note string }

func rate(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }

// ratio says v/base against name, and whether it meets target (none when
// target is 0); nothing when base was not measured.
func ratio(v, base float64, name string, target float64) string {
	if base == 0 {
		return ""
	}
	if target == 0 {
		return fmt.Sprintf("%.2f × %s", v/base, name)
	}
	mark := "meets"
	if v/base < target {
		mark = "below"
	}
	return fmt.Sprintf("%.2f × %s (%s target %s×)", v/base, name, mark, strconv.FormatFloat(target, 'f', -1, 64))
}

// median returns the median of ds (of an even count, the mean of the two
// in the middle), which must not be empty; it sorts ds.
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	mid := len(ds) / 2
	if len(ds)%2 == 0 {
		return (ds[mid-1] + ds[mid]) / 2
	}
	return ds[mid]
}

// elapsedRate returns n per second over the time since start.
func elapsedRate(n int, start time.Time) float64 {
	return float64(n) / time.Since(start).Seconds()
}
