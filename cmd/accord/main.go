// Command accord is the consensus ledger: `accord serve` runs it, `accord
// verify` checks an export offline, and the other subcommands are clients of
// its HTTP API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `accord — an event-sourced consensus ledger for alliances.

Usage:
  accord serve [flags]        run the ledger (embedded NATS + HTTP API)
  accord verify FILE|-        check an exported ledger offline
  accord help [command]       show help

Client commands (talk to a server: --server or ACCORD_SERVER, default http://127.0.0.1:8080;
token from --token, --token-file, ACCORD_TOKEN or ACCORD_TOKEN_FILE; alliance from
--alliance or ACCORD_ALLIANCE):
  alliance create|list|show   form, list and show alliances (show --at-seq N | --at TIME)
  member add|withdraw         admit and withdraw members
  observer add                add a read-only observer
  proposal submit|list|show|withdraw
  amend PROPOSAL              propose an amendment
  amendment accept|reject     settle an amendment to your proposal
  voting open|close           open and close a vote
  vote PROPOSAL STANCE        agree, disagree, abstain or block
  record PROPOSAL             how a decision was reached
  commitment make|progress|fulfil|withdraw
  audit list|export|head|verify
  watch                       follow the live events, resuming after a drop
  completion bash|zsh         print a shell completion script

Every command takes --help (with an example) and --json (the server's answer, for scripts).
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
		return serve(args[1:], stderr)
	case "verify":
		return verify(args[1:], stdin, stdout, stderr)
	case "bench":
		return bench(args[1:], stdout, stderr)
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
