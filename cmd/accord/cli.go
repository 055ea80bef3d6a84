package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"

	"accord/domain"
)

// command is one client subcommand: its words ("proposal submit"), its
// positional parameters ("[X]" is optional), a one-line summary, an example,
// and setup, which declares the command's own flags on fs and returns the
// action that reads them.
type command struct {
	path    string
	params  []string
	summary string
	about   string
	example string
	setup   func(fs *flag.FlagSet) action
}

// action runs a command with its positional arguments.
type action func(c *cli, args []string) error

// usageError is a mistake in how a command was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// clientCommands returns every client subcommand, in the order help lists
// them.
func clientCommands() []command {
	var all []command
	for _, group := range [][]command{
		tokenCommands(), keyCommands(), allianceCommands(), workgroupCommands(), proposalCommands(), votingCommands(),
		proxyCommands(), commitmentCommands(), commitmentReadCommands(), scorecardCommands(), auditCommands(), watchCommands(), completionCommands(),
	} {
		all = append(all, group...)
	}
	return all
}

// findCommand returns the command named by the first one or two words of
// args and the arguments after its name.
func findCommand(args []string) (command, []string, bool) {
	cmds := clientCommands()
	if len(args) >= 2 {
		for _, cmd := range cmds {
			if cmd.path == args[0]+" "+args[1] {
				return cmd, args[2:], true
			}
		}
	}
	for _, cmd := range cmds {
		if len(args) >= 1 && cmd.path == args[0] {
			return cmd, args[1:], true
		}
	}
	return command{}, nil, false
}

// group returns the commands whose first word is name.
func group(name string) []command {
	var out []command
	for _, cmd := range clientCommands() {
		if first, _, ok := strings.Cut(cmd.path, " "); ok && first == name {
			out = append(out, cmd)
		}
	}
	return out
}

// runClient runs a client subcommand, with global flags allowed before it,
// and returns the exit status: 0, 1 when it failed, 2 when it was misused.
func runClient(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globals{}
	rep := &reporter{w: stderr, json: wantsJSON(args)}
	pre := flag.NewFlagSet("accord", flag.ContinueOnError)
	pre.SetOutput(io.Discard)
	g.register(pre)
	err := pre.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if err != nil {
		return rep.usage("", twoDashes(err), usage)
	}
	rest := pre.Args()
	if len(rest) == 0 {
		return rep.usage("", "which command?", usage)
	}
	cmd, cmdArgs, ok := findCommand(rest)
	if !ok {
		return groupHelp(rest, stdout, rep)
	}
	return runCommand(cmd, g, cmdArgs, stdin, stdout, rep)
}

// groupHelp answers "accord proposal" (or "accord proposal --help") with the
// group's subcommands, and anything else as an unknown command, with the
// nearest command's name when one is near.
func groupHelp(args []string, stdout io.Writer, rep *reporter) int {
	cmds := group(args[0])
	if len(cmds) == 0 {
		return rep.usage("", unknown(args[0], firstWords()), "")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: accord %s COMMAND [flags]\n\nCommands:\n", args[0])
	subs := make([]string, len(cmds))
	for i, cmd := range cmds {
		fmt.Fprintf(&b, "  %-22s %s\n", cmd.path, cmd.summary)
		subs[i] = strings.TrimPrefix(cmd.path, args[0]+" ")
	}
	fmt.Fprintf(&b, "\nRun \"accord %s --help\" for a command's flags and an example.\n", cmds[0].path)
	switch {
	case len(args) > 1 && isHelp(args[1]):
		fmt.Fprint(stdout, b.String())
		return 0
	case len(args) > 1:
		return rep.usage("", unknown(args[0]+" "+args[1], prefixed(args[0]+" ", subs)), b.String())
	}
	return rep.usage("", "which "+args[0]+" command?", b.String())
}

// unknown says a command is unknown, and which one was meant when one of
// known is near it.
func unknown(name string, known []string) string {
	msg := fmt.Sprintf("unknown command %q", name)
	if near := nearest(name, known); near != "" {
		msg += fmt.Sprintf("; did you mean %q?", near)
	}
	return msg
}

func prefixed(prefix string, words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = prefix + w
	}
	return out
}

// twoDashes returns the flag package's message with its flags written
// with two dashes, as help writes them ("flag provided but not defined:
// --stance").
func twoDashes(err error) string {
	return flagInMessage.ReplaceAllString(err.Error(), "$1--$2")
}

var flagInMessage = regexp.MustCompile(`(defined: |argument: |for )(?:flag )?-([A-Za-z][A-Za-z0-9-]+)`)

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "-help" }

// runCommand parses the command's flags and runs it.
func runCommand(cmd command, g *globals, args []string, stdin io.Reader, stdout io.Writer, rep *reporter) int {
	fs := flag.NewFlagSet("accord "+cmd.path, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	act := cmd.setup(fs)
	g.register(fs)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printHelp(stdout, cmd, fs)
		return 0
	}
	if err == nil {
		err = checkParams(cmd, pos)
	}
	if err != nil {
		return rep.fail(cmd.path, usageError{twoDashes(err)})
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := newCLI(ctx, g, stdin, stdout, rep.w)
	if err == nil {
		err = c.keyHint(act(c, pos))
	}
	if err != nil && c != nil && !c.api.HasToken() && domain.KindOf(err) == domain.Unauthorized {
		err = fmt.Errorf("%w (no token given: use --token, --token-file, ACCORD_TOKEN or ACCORD_TOKEN_FILE)", err)
	}
	return rep.fail(cmd.path, err)
}

// parseInterspersed parses flags that may come before, between or after the
// positional arguments (the flag package stops at the first positional), and
// returns the positionals. After "--" everything is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		consumed := len(args) - fs.NArg()
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, fs.Args()...), nil
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// checkParams checks the number of positional arguments.
func checkParams(cmd command, pos []string) error {
	required := 0
	for _, p := range cmd.params {
		if !strings.HasPrefix(p, "[") {
			required++
		}
	}
	switch {
	case len(pos) < required:
		return usagef("missing %s", strings.Join(cmd.params[len(pos):required], " "))
	case len(pos) > len(cmd.params):
		return usagef("unexpected argument %q", pos[len(cmd.params)])
	}
	return nil
}
