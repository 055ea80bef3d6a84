//go:build race

package api_test

// raceDetector reports whether the tests run under the race detector,
// which slows the ledger's write path tenfold.
const raceDetector = true
