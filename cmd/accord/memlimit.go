package main

import (
	"os"
	"runtime/debug"
)

// memoryHeadroomMB is what an instance needs besides its cache of
// alliances: the directory of every alliance (a few hundred bytes each),
// the embedded server's index of subjects and the buffers it reads the log
// into, connections and requests in flight.
const memoryHeadroomMB = 256

// setMemoryLimit sets the process's soft memory limit to --cache-mb plus
// memoryHeadroomMB, so that the collector and the scavenger keep resident
// memory near what the budget promises (without one, memory the embedded
// server used for a burst of cold reads stayed resident long after). It
// sets nothing when GOMEMLIMIT is given or the cache is unbounded
// (--cache-mb 0), and returns the limit in MiB, 0 when none was set.
func setMemoryLimit(cacheMB int) int64 {
	if os.Getenv("GOMEMLIMIT") != "" || cacheMB <= 0 {
		return 0
	}
	limit := int64(cacheMB + memoryHeadroomMB)
	debug.SetMemoryLimit(limit << 20)
	return limit
}
