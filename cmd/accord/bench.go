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
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
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
	Subscribers int // live subscribers
	LiveEvents  int // events appended while the subscribers listen
	CPUProfile  string
	Only        string // run only the steps whose name contains this
}

// benchResult is what a run measured. Field names are the figures' names.
type benchResult struct {
	RawOCCPublishPerS    float64 `json:"raw_occ_publish_per_s"`
	AppendPerS           float64 `json:"append_per_s"`
	ConcurrentVotesPerS  float64 `json:"concurrent_votes_per_s"`
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
	Events               int     `json:"events"`
	Alliances            int     `json:"alliances"`
	CPUs                 int     `json:"cpus"`
	GoVersion            string  `json:"go_version"`
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
	fs.IntVar(&cfg.Subscribers, "subscribers", 200, "live subscribers on one alliance")
	fs.IntVar(&cfg.LiveEvents, "live-events", 500, "events appended while the subscribers listen")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the run to `file`")
	fs.StringVar(&cfg.Only, "only", "", "run only the steps whose name contains one of these comma-separated `words` (e.g. raw,single,rebuild)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: accord bench [flags]\n\nMeasures accord against raw JetStream on an embedded server in a temporary directory.\n\nExample:\n  accord bench --json\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.Events < cfg.Alliances || cfg.Alliances < 1 || cfg.Publishes < 1 || cfg.Votes < 1 || cfg.Writers < 1 || cfg.Subscribers < 1 || cfg.LiveEvents < 1 {
		return cfg, errors.New("every size must be positive, and events at least alliances")
	}
	return cfg, nil
}

// benchEnv is the embedded server a run measures.
type benchEnv struct {
	dir   string
	srv   *eventstore.Server
	nc    *nats.Conn
	js    jetstream.JetStream
	store *eventstore.Store
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
		{"raw OCC publishes and single-writer appends", func() (err error) {
			res.RawOCCPublishPerS, res.AppendPerS, err = benchSingleWriter(ctx, env, cfg)
			return
		}},
		{"concurrent votes", func() (err error) { res.ConcurrentVotesPerS, err = benchConcurrentVotes(ctx, env, cfg); return }},
		{"HTTP votes", func() (err error) { res.HTTPVotesPerS, err = benchHTTPVotes(ctx, env, cfg); return }},
		{"live subscribers", func() (err error) { res.LiveP99Ms, err = benchLive(ctx, env, cfg); return }},
		{"seeding the ledger", func() error { return seedLedger(ctx, env, cfg, progress) }},
		{"raw replay", func() (err error) { res.RawReplayPerS, err = benchRawReplay(ctx, env); return }},
		{"projection rebuild and restart", func() error { return benchRebuild(ctx, env, &res) }},
		{"transparency reads", func() (err error) {
			res.CheckpointP99Ms, res.InclusionP99Ms, err = benchTransparency(ctx, env)
			return
		}},
	}
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return res, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return res, err
		}
		defer pprof.StopCPUProfile()
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

// wants reports whether --only selects the step: any of its comma-separated
// words in the step's name. Seeding always runs when a later step needs it.
func (c benchConfig) wants(step string) bool {
	if c.Only == "" || step == "seeding the ledger" && (c.wants("replay") || c.wants("rebuild")) {
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
	rows := []struct {
		name, value, note string
	}{
		{"raw_occ_publish_per_s", rate(raw), "ceiling for one alliance"},
		{"append_per_s", rate(r.AppendPerS), ratio(r.AppendPerS, raw, "raw", 0.7)},
		{"concurrent_votes_per_s", rate(r.ConcurrentVotesPerS), ratio(r.ConcurrentVotesPerS, raw, "raw", 1.0)},
		{"raw_replay_per_s", rate(r.RawReplayPerS), fmt.Sprintf("%d events", r.Events)},
		{"rebuild_per_s", rate(r.RebuildPerS), ratio(r.RebuildPerS, r.RawReplayPerS, "raw replay", 0.5)},
		{"rebuild_bytes_per_event", strconv.FormatFloat(r.RebuildBytesPerEvent, 'f', 0, 64), fmt.Sprintf("heap in use / event, %d alliances", r.Alliances)},
		{"http_votes_per_s", rate(r.HTTPVotesPerS), fmt.Sprintf("%d clients; target ≥ 5,000", cfg.Writers)},
		{"live_p99_ms", strconv.FormatFloat(r.LiveP99Ms, 'f', 2, 64), fmt.Sprintf("%d subscribers; target < 50", cfg.Subscribers)},
		{"restart_replay_s", strconv.FormatFloat(r.RestartReplayS, 'f', 2, 64), "read models from the whole log"},
		{"restart_snapshot_s", strconv.FormatFloat(r.RestartSnapshotS, 'f', 2, 64), "read models from snapshots"},
		{"rebuild_no_trees_per_s", rate(r.RebuildNoTreesPerS), ratio(r.RebuildPerS, r.RebuildNoTreesPerS, "without trees (rebuild_per_s over it)", 0.7)},
		{"checkpoint_p99_ms", strconv.FormatFloat(r.CheckpointP99Ms, 'f', 3, 64), "head checkpoint over HTTP; target < 1"},
		{"inclusion_proof_100k_p99_ms", strconv.FormatFloat(r.InclusionP99Ms, 'f', 3, 64), "receipt in an alliance of 100,000 events over HTTP; target < 5"},
	}
	fmt.Fprintf(tw, "figure\tvalue\t\tnote\t\n")
	for _, row := range rows {
		fmt.Fprintf(tw, "%s\t%s\t\t%s\t\n", row.name, row.value, row.note)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d CPUs, %s\n", r.CPUs, r.GoVersion)
	if cfg.JSON {
		raw, _ := json.Marshal(r)
		fmt.Fprintf(w, "%s\n", raw)
	}
}

func rate(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }

func ratio(v, base float64, name string, target float64) string {
	if base == 0 {
		return ""
	}
	mark := "meets"
	if v/base < target {
		mark = "below"
	}
	return fmt.Sprintf("%.2f × %s (%s target %.1f×)", v/base, name, mark, target)
}

// elapsedRate returns n per second over the time since start.
func elapsedRate(n int, start time.Time) float64 {
	return float64(n) / time.Since(start).Seconds()
}
