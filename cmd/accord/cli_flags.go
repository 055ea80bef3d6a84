package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"accord/client"
)

// defaultServer is where the client looks for the API without --server.
const defaultServer = "http://127.0.0.1:8080"

// globals are the flags every client command takes, before or after its
// name. Explicit flags win over environment variables.
type globals struct {
	server    string
	token     string
	tokenFile string
	alliance  string
	idemKey   string
	json      bool
	noColor   bool
	keyFile   string
	noSign    bool
}

// register declares the global flags on fs; values already parsed (before
// the command's name) become the defaults.
func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.server, "server", g.server, "the API's base `URL` (env ACCORD_SERVER, default "+defaultServer+")")
	fs.StringVar(&g.token, "token", g.token, "your bearer `TOKEN` (env ACCORD_TOKEN)")
	fs.StringVar(&g.tokenFile, "token-file", g.tokenFile, "read your token from `FILE` (env ACCORD_TOKEN_FILE)")
	fs.StringVar(&g.alliance, "alliance", g.alliance, "the alliance's `ID` (env ACCORD_ALLIANCE)")
	fs.StringVar(&g.alliance, "a", g.alliance, "")
	fs.StringVar(&g.idemKey, "idempotency-key", g.idemKey, "send this `KEY` with a write, so that running the same command again records it once")
	fs.BoolVar(&g.json, "json", g.json, "print the server's JSON answer instead of text, for scripts")
	fs.BoolVar(&g.noColor, "no-color", g.noColor, "never colour the output (also NO_COLOR)")
	fs.StringVar(&g.keyFile, "key-file", g.keyFile, "sign member actions with the key in `FILE` (env ACCORD_KEY_FILE; default: your key under the config directory, when there is one)")
	fs.BoolVar(&g.noSign, "no-sign", g.noSign, "send member actions unsigned, even with a key")
}

// isGlobal reports whether a flag is one of the globals.
func isGlobal(name string) bool {
	switch name {
	case "server", "token", "token-file", "alliance", "a", "idempotency-key", "json", "no-color", "key-file", "no-sign":
		return true
	}
	return false
}

// shortFlags maps each one-letter alias to the flag it stands for.
var shortFlags = map[string]string{"a": "alliance", "o": "output", "q": "quiet"}

// resolveToken returns the token: --token, else --token-file, else
// ACCORD_TOKEN, else ACCORD_TOKEN_FILE; "" when none is given.
func (g *globals) resolveToken() (string, error) {
	if g.token != "" && g.tokenFile != "" {
		return "", usagef("give --token or --token-file, not both")
	}
	switch {
	case g.token != "":
		return g.token, nil
	case g.tokenFile != "":
		return readToken(g.tokenFile)
	case os.Getenv("ACCORD_TOKEN") != "":
		return os.Getenv("ACCORD_TOKEN"), nil
	case os.Getenv("ACCORD_TOKEN_FILE") != "":
		return readToken(os.Getenv("ACCORD_TOKEN_FILE"))
	}
	return "", nil
}

func readToken(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read token: %w", err)
	}
	tok := strings.TrimSpace(string(raw))
	if tok == "" {
		return "", fmt.Errorf("the token file %s is empty", path)
	}
	return tok, nil
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// quietFlag declares -q/--quiet: print only the new thing's id.
func quietFlag(fs *flag.FlagSet) *bool {
	q := fs.Bool("quiet", false, "print only the id of what was made, for scripts")
	fs.BoolVar(q, "q", false, "")
	return q
}

// asOfFlags declares --at-seq and --at and returns a function that reads
// them: the zero AsOf (now) when neither is given.
func asOfFlags(fs *flag.FlagSet) func() (client.AsOf, error) {
	seq := fs.Uint64("at-seq", 0, "show it as it was just after the event with this alliance `SEQ`")
	at := fs.String("at", "", "show it as it was at this `TIME` (RFC 3339, or 2006-01-02[ 15:04:05] in UTC)")
	return func() (client.AsOf, error) {
		if *seq != 0 && *at != "" {
			return client.AsOf{}, usagef("give --at-seq or --at, not both")
		}
		q := client.AsOf{Seq: *seq}
		if *at != "" {
			t, err := parseTime(*at)
			if err != nil {
				return client.AsOf{}, err
			}
			q.At = t
		}
		return q, nil
	}
}

// parseTime reads an RFC 3339 time, or a date and time in UTC written the
// way people write them.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("%q is not a time: write 2026-11-22T10:00:00Z, 2026-11-22 10:00 (UTC) or 2026-11-22", s)
}

// printHelp writes a command's usage, example and flags.
func printHelp(w io.Writer, cmd command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: accord %s", cmd.path)
	for _, p := range cmd.params {
		fmt.Fprintf(w, " %s", p)
	}
	fmt.Fprintf(w, " [flags]\n\n%s.\n", capitalise(cmd.summary))
	if cmd.about != "" {
		fmt.Fprintf(w, "\n%s\n", cmd.about)
	}
	fmt.Fprintf(w, "\nExample:\n%s\n", indent(cmd.example, "  "))
	own, global := flagLines(fs)
	if len(own) > 0 {
		fmt.Fprintf(w, "\nFlags:\n")
		writeFlagLines(w, own)
	}
	fmt.Fprintf(w, "\nGlobal flags (also accepted before the command):\n")
	writeFlagLines(w, global)
}

// flagLines renders fs's flags as "--name VALUE\tusage", own flags apart
// from the globals, with one-letter aliases beside their flag.
func flagLines(fs *flag.FlagSet) (own, global []string) {
	alias := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) { alias[f.Name] = "    " })
	for short, long := range shortFlags {
		if fs.Lookup(short) != nil {
			alias[long] = "-" + short + ", "
		}
	}
	fs.VisitAll(func(f *flag.Flag) {
		if _, isShort := shortFlags[f.Name]; isShort {
			return
		}
		value, usage := flag.UnquoteUsage(f)
		line := fmt.Sprintf("%s--%s %s\t%s", alias[f.Name], f.Name, value, usage)
		if isGlobal(f.Name) {
			global = append(global, line)
			return
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			line += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		own = append(own, line)
	})
	return own, global
}

func writeFlagLines(w io.Writer, lines []string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, l := range lines {
		fmt.Fprintf(tw, "  %s\n", l)
	}
	tw.Flush()
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}

// capitalise returns s with its first letter upper case.
func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
