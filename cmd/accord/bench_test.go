package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestBenchMeasuresEveryFigure runs accord bench with every size small:
// every figure of the JSON line was measured (a rate, a latency or a
// duration above zero) and has its row in the table above it. The scale
// figures, measured only on a prepared dir, are left out of the line
// (TestBenchPrepareAndScale measures them).
func TestBenchMeasuresEveryFigure(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir()) // the bench's servers keep their files there
	e := &cliEnv{t: t}
	out := e.ok("bench", "--json", "--events", "3000", "--alliances", "30", "--publishes", "200", "--votes", "400",
		"--writers", "4", "--spread-alliances", "20", "--http-clients", "5", "--subscribers", "3", "--live-events", "10", "--proof-events", "1000")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	table := strings.Join(lines[:len(lines)-1], "\n")
	var figures map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &figures))
	require.Len(t, figures, alwaysReported())
	require.NotContains(t, figures, "scale_start_s")
	for name, v := range figures {
		switch {
		case strings.HasSuffix(name, "_per_s"), strings.HasSuffix(name, "_ms"), strings.HasSuffix(name, "_s"):
			require.Greater(t, v.(float64), 0.0, name)
			require.Contains(t, table, name+" ")
		}
	}
	require.Equal(t, 3000.0, figures["events"])
	for _, row := range []string{"× without trees", "× unsigned", "× raw replay", "× rebuild_per_s over it", "1000 events over HTTP",
		"× same bytes", "4 writers over 20 alliances; ", "× raw spread", "5 clients; target ≥ 25,000", "× raw async", "first vote on each of 30 alliances"} {
		require.Contains(t, table, row)
	}
	t.Logf("\n%s", table)
}

// alwaysReported returns how many fields of benchResult every JSON line
// has: those without omitempty.
func alwaysReported() int {
	n := 0
	for f := range reflect.TypeFor[benchResult]().Fields() {
		if tag := f.Tag.Get("json"); tag != "" && !strings.HasSuffix(tag, ",omitempty") {
			n++
		}
	}
	return n
}

// TestBenchRefusesEmptySizes: a size of zero is a usage error, before
// anything is started.
func TestBenchRefusesEmptySizes(t *testing.T) {
	e := &cliEnv{t: t}
	for _, flag := range []string{"--proof-events", "--votes", "--writers", "--spread-alliances", "--http-clients", "--prepare-alliances", "--scale-votes"} {
		require.Contains(t, e.fail(2, "bench", flag, "0"), "every size must be positive", flag)
	}
	require.Contains(t, e.fail(2, "bench", "--events", "100", "--alliances", "10"), "--events must be at least 13 × --alliances")
	require.Contains(t, e.fail(2, "bench", "--prepare", t.TempDir(), "--prepare-events", "100", "--prepare-alliances", "10"), "--prepare-events must be at least 14 × --prepare-alliances")
	require.Contains(t, e.fail(2, "bench", "--prepare", t.TempDir(), "--scale", t.TempDir()), "run --scale on it afterwards")
}

// TestBenchMedian: the middle round of an odd count, the mean of the two in
// the middle of an even one, whatever the order they ran in.
func TestBenchMedian(t *testing.T) {
	require.Equal(t, 2*time.Second, median([]time.Duration{9 * time.Second, time.Second, 2 * time.Second}))
	require.Equal(t, 3*time.Second, median([]time.Duration{8 * time.Second, 4 * time.Second, time.Second, 2 * time.Second}))
	require.Equal(t, time.Second, median([]time.Duration{time.Second}))
}
