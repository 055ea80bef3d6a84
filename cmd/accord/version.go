package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// buildVersion is what `accord version` says about this binary: its module
// version and the commit it was built from, as the Go toolchain recorded
// them.
type buildVersion struct {
	Version  string `json:"version"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
}

// readVersion reads the build information; a binary without it (built in
// an unusual way) reports the version "unknown".
func readVersion() buildVersion {
	v := buildVersion{Version: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.Version = firstOf(info.Main.Version, "(devel)")
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

const versionHelp = `Usage: accord version [--json]

Prints the version of this accord binary: its module version, the commit it
was built from (when built from a git checkout), and the Go toolchain.

Flags:
  --json    print it as JSON
`

// version is `accord version`. It returns the exit status.
func version(args []string, stdout, stderr io.Writer) int {
	asJSON := false
	for _, a := range args {
		switch {
		case isHelp(a):
			fmt.Fprint(stdout, versionHelp)
			return 0
		case a == "--json" || a == "-json":
			asJSON = true
		default:
			return (&reporter{w: stderr, json: wantsJSON(args)}).usage("version", fmt.Sprintf("unexpected argument %q", a), "")
		}
	}
	v := readVersion()
	if asJSON {
		raw, _ := json.Marshal(v)
		fmt.Fprintf(stdout, "%s\n", raw)
		return 0
	}
	fmt.Fprintf(stdout, "accord %s (%s, %s)\n", v.Version, v.Go, v.Platform)
	if v.Revision != "" {
		modified := ""
		if v.Modified {
			modified = ", with uncommitted changes"
		}
		fmt.Fprintf(stdout, "built from commit %s (%s%s)\n", v.Revision, firstOf(v.Time, "time unknown"), modified)
	}
	return 0
}
