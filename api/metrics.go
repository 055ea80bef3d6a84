package api

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"accord/domain"
	"accord/ledger"
	"accord/projections"
)

// appendBuckets are the upper bounds, in seconds, of the append latency
// histogram.
var appendBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

// Metrics holds the counters served at /metrics in the Prometheus text format.
type Metrics struct {
	mu        sync.Mutex
	requests  map[string]uint64 // "route\x00status" → count
	broken    map[string]uint64 // route → streamed answers cut off
	appends   uint64
	conflicts uint64
	refused   uint64
	failed    uint64
	buckets   []uint64
	sum       float64
	count     uint64

	// Lag, when set, reports how many messages of the log the read models
	// have not applied yet.
	Lag func() uint64
	// Cache, when set, reports what the cache of alliances holds.
	Cache func() projections.CacheStats
	// Runner, when set, reports the command runner's counters.
	Runner func() ledger.RunnerStats
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	return &Metrics{requests: map[string]uint64{}, broken: map[string]uint64{}, buckets: make([]uint64, len(appendBuckets))}
}

// observeBroken counts one streamed answer of route cut off as a broken
// transfer.
func (m *Metrics) observeBroken(route string) {
	m.mu.Lock()
	m.broken[route]++
	m.mu.Unlock()
}

func (m *Metrics) observeRequest(route string, status int, _ time.Duration) {
	m.mu.Lock()
	m.requests[route+"\x00"+fmt.Sprint(status)]++
	m.mu.Unlock()
}

// observeAppend counts one command run and its latency by outcome.
func (m *Metrics) observeAppend(d time.Duration, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch domain.KindOf(err) {
	case "":
		m.appends++
	case domain.Conflict:
		m.conflicts++
	case domain.Invalid, domain.Forbidden, domain.NotFound:
		m.refused++
	default:
		m.failed++
	}
	sec := d.Seconds()
	m.sum += sec
	m.count++
	for i, b := range appendBuckets {
		if sec <= b {
			m.buckets[i]++
		}
	}
}

func (m *Metrics) serve(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	var b strings.Builder
	m.mu.Lock()
	b.WriteString("# HELP accord_http_requests_total HTTP requests by route and status.\n# TYPE accord_http_requests_total counter\n")
	keys := make([]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		route, status, _ := strings.Cut(k, "\x00")
		fmt.Fprintf(&b, "accord_http_requests_total{route=%q,status=%q} %d\n", route, status, m.requests[k])
	}
	b.WriteString("# HELP accord_http_streams_broken_total Streamed answers (exports, live events) cut off as broken transfers, by route.\n# TYPE accord_http_streams_broken_total counter\n")
	for _, route := range slices.Sorted(maps.Keys(m.broken)) {
		fmt.Fprintf(&b, "accord_http_streams_broken_total{route=%q} %d\n", route, m.broken[route])
	}
	b.WriteString("# HELP accord_commands_total Commands run, by outcome.\n# TYPE accord_commands_total counter\n")
	fmt.Fprintf(&b, "accord_commands_total{outcome=\"appended\"} %d\n", m.appends)
	fmt.Fprintf(&b, "accord_commands_total{outcome=\"conflict\"} %d\n", m.conflicts)
	fmt.Fprintf(&b, "accord_commands_total{outcome=\"refused\"} %d\n", m.refused)
	fmt.Fprintf(&b, "accord_commands_total{outcome=\"failed\"} %d\n", m.failed)
	b.WriteString("# HELP accord_append_seconds Time to decide and append a command.\n# TYPE accord_append_seconds histogram\n")
	for i, ub := range appendBuckets {
		fmt.Fprintf(&b, "accord_append_seconds_bucket{le=\"%g\"} %d\n", ub, m.buckets[i])
	}
	fmt.Fprintf(&b, "accord_append_seconds_bucket{le=\"+Inf\"} %d\naccord_append_seconds_sum %g\naccord_append_seconds_count %d\n", m.count, m.sum, m.count)
	m.mu.Unlock()
	if m.Runner != nil {
		st := m.Runner()
		fmt.Fprintf(&b, "# HELP accord_append_batches_total Messages written to the log, each carrying one or more commands.\n# TYPE accord_append_batches_total counter\naccord_append_batches_total %d\n", st.Batches)
		fmt.Fprintf(&b, "# HELP accord_append_conflicts_total Appends that lost a concurrency race and were decided again.\n# TYPE accord_append_conflicts_total counter\naccord_append_conflicts_total %d\n", st.Conflicts)
	}
	if m.Lag != nil {
		fmt.Fprintf(&b, "# HELP accord_projection_lag_events Events in the log not yet in the read models.\n# TYPE accord_projection_lag_events gauge\naccord_projection_lag_events %d\n", m.Lag())
	}
	if m.Cache != nil {
		writeCacheMetrics(&b, m.Cache())
	}
	_, _ = w.Write([]byte(b.String()))
}

// writeCacheMetrics writes what the cache of alliances holds and did.
func writeCacheMetrics(b *strings.Builder, st projections.CacheStats) {
	fmt.Fprintf(b, "# HELP accord_alliances Alliances in the directory, loaded or not.\n# TYPE accord_alliances gauge\naccord_alliances %d\n", st.Alliances)
	fmt.Fprintf(b, "# HELP accord_alliances_loaded Alliances whose read models are in memory.\n# TYPE accord_alliances_loaded gauge\naccord_alliances_loaded %d\n", st.Loaded)
	fmt.Fprintf(b, "# HELP accord_cache_bytes Estimated size of the read models in memory.\n# TYPE accord_cache_bytes gauge\naccord_cache_bytes %d\n", st.Bytes)
	fmt.Fprintf(b, "# HELP accord_cache_budget_bytes Budget of the read models in memory (0: unbounded).\n# TYPE accord_cache_budget_bytes gauge\naccord_cache_budget_bytes %d\n", st.Budget)
	fmt.Fprintf(b, "# HELP accord_cache_loads_total Read models loaded on demand.\n# TYPE accord_cache_loads_total counter\naccord_cache_loads_total %d\n", st.Loads)
	fmt.Fprintf(b, "# HELP accord_cache_evictions_total Read models evicted.\n# TYPE accord_cache_evictions_total counter\naccord_cache_evictions_total %d\n", st.Evictions)
}
