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
	"os"
	"os/signal"
	"syscall"
)

const usage = `accord — an event-sourced consensus ledger for alliances.

Usage:
  accord serve [flags]        run the ledger (embedded NATS + HTTP API)
  accord verify FILE|-        check an exported ledger offline
  accord help [command]       show help

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
		fmt.Fprintf(stderr, "accord: unknown command %q\n\n%s", args[0], usage)
		return 2
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
