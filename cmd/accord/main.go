// Command accord is the consensus ledger: `accord serve` runs it, `accord
// verify` checks an export offline, and the other subcommands are clients of
// its HTTP API.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
)

const usage = `accord — an event-sourced consensus ledger for alliances.

Usage:
  accord serve [flags]        run the ledger (embedded NATS + HTTP API)
  accord verify FILE|-        check an exported ledger offline (and a checkpoint, a receipt)
  accord witness              cosign alliances' checkpoints after checking their logs
  accord version              show this binary's version and commit
  accord help [command]       show help

Client commands (talk to a server: --server or ACCORD_SERVER, default http://127.0.0.1:8080;
token from --token, --token-file, ACCORD_TOKEN or ACCORD_TOKEN_FILE; alliance from
--alliance or ACCORD_ALLIANCE):
  whoami                      who your token speaks for
  alliance create|list|show|conclude
                              form, list, show and conclude alliances (show --at-seq N | --at TIME)
  member add|withdraw         admit and withdraw members
  observer add                add a read-only observer
  token revoke|issue          revoke a party's token, or issue it a new one
  key generate|register|show  your signing key: with one, your member actions are signed
  workgroup form|list|show|members|progress|close
                              form, follow and close workgroups
  proposal submit|list|show|withdraw
  amend PROPOSAL              propose an amendment
  amendment accept|reject     settle an amendment to your proposal
  voting open|close           open and close a vote
  vote PROPOSAL STANCE        agree, disagree, abstain or block (--for a member whose proxy you are)
  proxy grant|revoke          let another member cast your stance, or take it back
  record PROPOSAL             how a decision was reached
  commitment make|list|show|progress|fulfil|withdraw
  scorecard                   how each member and workgroup is doing
  audit list|export|head|verify
  watch                       follow the live events, resuming after a drop
  completion bash|zsh|fish    print a shell completion script

Flags may come before or after a command's arguments. Ids may be shortened to any prefix
that only one id of the alliance starts with. Every command takes --help (with an example)
and --json (the server's answer, for scripts; errors then come as JSON on standard error).
Run "accord serve --help" for the server's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return withDoubleDashHelp(args[1:], stderr, func(stderr io.Writer) int { return serve(args[1:], stderr) })
	case "verify":
		if len(args) > 1 && args[1] == "receipt" {
			return withDoubleDashHelp(args[2:], stderr, func(stderr io.Writer) int {
				return receiptCommand(flagsFirst(args[2:]), stdout, stderr)
			})
		}
		return withDoubleDashHelp(args[1:], stderr, func(stderr io.Writer) int {
			return verifyCommand(flagsFirst(args[1:]), stdin, stdout, stderr)
		})
	case "witness":
		return withDoubleDashHelp(args[1:], stderr, func(stderr io.Writer) int { return witnessCommand(args[1:], stdout, stderr) })
	case "bench":
		return withDoubleDashHelp(args[1:], stderr, func(stderr io.Writer) int { return bench(args[1:], stdout, stderr) })
	case "version", "--version":
		return version(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		if len(args) > 1 {
			return run([]string{args[1], "--help"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	default:
		return runClient(args, stdin, stdout, stderr)
	}
}

// serve runs the ledger until SIGINT or SIGTERM, then shuts down cleanly.
func serve(args []string, stderr io.Writer) int {
	m := NewMain()
	if err := m.ParseFlags(args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "accord serve:", err)
		return 2
	}
	// Whatever logs through the default logger (the read models, the NATS
	// client and server, net/http) writes accord's lines too.
	slog.SetDefault(m.Log)
	if limit := setMemoryLimit(m.CacheMB); limit > 0 {
		m.Log.Info("soft memory limit", "mib", limit, "cache_mb", m.CacheMB)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := m.Run(ctx); err != nil {
		m.Log.Error("cannot start", "err", err)
		_ = m.Close()
		return 1
	}
	<-ctx.Done()
	m.Log.Info("shutting down")
	if err := m.Close(); err != nil {
		m.Log.Error("shutdown", "err", err)
		return 1
	}
	m.Log.Info("stopped")
	return 0
}

// withDoubleDashHelp runs serve, verify or bench. Asked for help, it
// writes their help where they do (standard error) with two dashes before
// each flag, as every other command's help reads (the flag package writes
// one).
func withDoubleDashHelp(args []string, stderr io.Writer, run func(stderr io.Writer) int) int {
	if !asksHelp(args) {
		return run(stderr)
	}
	var buf bytes.Buffer
	status := run(&buf)
	stderr.Write(oneDashFlag.ReplaceAll(buf.Bytes(), []byte("$1--$2")))
	return status
}

// oneDashFlag finds the flag lines of the flag package's help.
var oneDashFlag = regexp.MustCompile(`(?m)^(  )-([A-Za-z])`)

// asksHelp reports whether a help flag comes before any "--".
func asksHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelp(a) {
			return true
		}
	}
	return false
}

// flagsFirst moves the flags of verify's arguments before the others, each
// with its value, so that "accord verify FILE --head H" reads as "accord
// verify --head H FILE". Every flag of verify takes a value, except help;
// a flag given again (--witness A --witness B) stays, in order, for the
// flag to collect; after "--" everything stays as it is.
func flagsFirst(args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(append(flags, "--"), append(rest, args[i+1:]...)...)
		case a == "-" || !strings.HasPrefix(a, "-"):
			rest = append(rest, a)
		case strings.Contains(a, "=") || isHelp(a) || i+1 == len(args):
			flags = append(flags, a)
		default:
			flags = append(flags, a, args[i+1])
			i++
		}
	}
	return append(flags, rest...)
}
