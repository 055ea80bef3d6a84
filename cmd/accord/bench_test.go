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
// duration above zero) and has its row in the table above it.
func TestBenchMeasuresEveryFigure(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir()) // the bench's servers keep their files there
	e := &cliEnv{t: t}
	out := e.ok("bench", "--json", "--events", "3000", "--alliances", "30", "--publishes", "200", "--votes", "400",
		"--writers", "4", "--subscribers", "3", "--live-events", "10", "--proof-events", "1000")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	table := strings.Join(lines[:len(lines)-1], "\n")
	var figures map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &figures))
	require.Len(t, figures, reflect.TypeFor[benchResult]().NumField())
	for name, v := range figures {
		switch {
		case strings.HasSuffix(name, "_per_s"), strings.HasSuffix(name, "_ms"), strings.HasSuffix(name, "_s"):
			require.Greater(t, v.(float64), 0.0, name)
			require.Contains(t, table, name+" ")
		}
	}
	require.Equal(t, 3000.0, figures["events"])
	for _, row := range []string{"× without trees", "× unsigned", "× raw replay", "× rebuild_per_s over it", "1000 events over HTTP"} {
		require.Contains(t, table, row)
	}
	t.Logf("\n%s", table)
}

// TestBenchRefusesEmptySizes: a size of zero is a usage error, before
// anything is started.
func TestBenchRefusesEmptySizes(t *testing.T) {
	e := &cliEnv{t: t}
	for _, flag := range []string{"--proof-events", "--votes", "--writers"} {
		require.Contains(t, e.fail(2, "bench", flag, "0"), "every size must be positive", flag)
	}
}

// TestBenchMedian: the middle round of an odd count, the mean of the two in
// the middle of an even one, whatever the order they ran in.
func TestBenchMedian(t *testing.T) {
	require.Equal(t, 2*time.Second, median([]time.Duration{9 * time.Second, time.Second, 2 * time.Second}))
	require.Equal(t, 3*time.Second, median([]time.Duration{8 * time.Second, 4 * time.Second, time.Second, 2 * time.Second}))
	require.Equal(t, time.Second, median([]time.Duration{time.Second}))
}
