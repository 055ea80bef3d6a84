package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"accord/client"
	"accord/domain"
	"accord/transparency"
)

const witnessAbout = `Usage: accord witness --server URL --token-file F --key-file K --state DIR [--alliance AID]... [--once] [--interval D]
       accord witness keygen --key-file K --name NAME
       accord witness register --server URL --token-file F --key-file K [--alliance AID]...

A witness cosigns an alliance's checkpoints after checking, itself, the log
they sign: run by a regulator or a member, it holds the operator to what it
showed before. For every alliance it follows (each --alliance, or every
alliance the token can read) it fetches the checkpoint, pins the log's key on
first contact, fetches the events after the size it last cosigned, checks
their chain and Merkle root, re-derives every outcome and checks every signed
statement, and only then cosigns the checkpoint and posts the cosignature.

A checkpoint that is not an extension of what it cosigned before (another
root for a size it saw, a shorter tree, a bad log signature, a failed
consistency proof), or whose events do not hold, is never cosigned: both
checkpoints and the reason go to DIR/evidence/, and the witness exits 1
(--once) or logs the error and keeps going. Every key registered for the
token's own member id is reported, so a key registered by someone else is
seen by the member it claims to be.

DIR keeps, per alliance, the pinned log key (DIR/<aid>/log.vkey), the last
checkpoint cosigned, the tree of its events and the verifier's state, so a
restart reads only what is new. Without --once it polls every --interval
and stops cleanly on SIGINT or SIGTERM.

"keygen" writes a new witness key to K (mode 0600; an existing file is never
overwritten) and prints its verifier key alone on a line. "register" records
that verifier key for the token's party (POST …/witnesses), which the
server needs before it stores the witness's cosignatures.

Flags:
`

// witnessCommand is `accord witness` and its subcommands. It returns the
// exit status: 0, 1 when it failed or refused a checkpoint, 2 when it was
// misused.
func witnessCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "keygen":
			return witnessKeygen(args[1:], stdout, stderr)
		case "register":
			return witnessRegister(args[1:], stdout, stderr)
		}
	}
	return witnessRun(args, stdout, stderr)
}

// witnessFlags are the flags of accord witness and its subcommands.
type witnessFlags struct {
	server    string
	tokenFile string
	keyFile   string
	state     string
	alliances witnessAlliances
	once      bool
	interval  time.Duration
	name      string
}

// witnessAlliances is the repeatable --alliance flag of accord witness.
type witnessAlliances []string

func (a *witnessAlliances) String() string { return strings.Join(*a, ",") }

func (a *witnessAlliances) Set(v string) error {
	if !safeAllianceID(v) {
		return fmt.Errorf("%q is not an alliance id", v)
	}
	*a = append(*a, v)
	return nil
}

// newWitnessFlags returns the flag set of one witness command, whose help
// is the witness's.
func newWitnessFlags(name string, stderr io.Writer) (*flag.FlagSet, *witnessFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), witnessAbout)
		fs.PrintDefaults()
	}
	f := &witnessFlags{}
	fs.StringVar(&f.keyFile, "key-file", "", "the witness's private key `FILE` (accord witness keygen writes it)")
	return fs, f
}

// connection declares the flags that reach the server.
func (f *witnessFlags) connection(fs *flag.FlagSet) {
	fs.StringVar(&f.server, "server", "", "the API's base `URL` (env ACCORD_SERVER, default "+defaultServer+")")
	fs.StringVar(&f.tokenFile, "token-file", "", "read the witness's party's token from `FILE` (env ACCORD_TOKEN_FILE)")
	fs.Var(&f.alliances, "alliance", "follow only this alliance `AID` (repeatable; default: every alliance the token can read)")
}

// parseWitnessFlags parses args and returns the exit status to end with,
// or -1 to go on.
func parseWitnessFlags(fs *flag.FlagSet, args []string, stderr io.Writer, need func() error) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	err := need()
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		fs.Usage()
		return 2
	}
	return -1
}

// witnessKeygen is `accord witness keygen`.
func witnessKeygen(args []string, stdout, stderr io.Writer) int {
	fs, f := newWitnessFlags("accord witness keygen", stderr)
	fs.StringVar(&f.name, "name", "", "the witness's key `NAME`, as its cosignatures will carry it (no spaces, no '+')")
	if code := parseWitnessFlags(fs, args, stderr, func() error {
		if f.keyFile == "" || f.name == "" {
			return errors.New("give --key-file K and --name NAME")
		}
		return nil
	}); code >= 0 {
		return code
	}
	file, vkey, err := transparency.GenerateWitnessKey(f.name, rand.Reader)
	if err == nil {
		err = writeNewFile(f.keyFile, file)
	}
	if err != nil {
		fmt.Fprintln(stderr, "accord witness keygen:", strings.TrimPrefix(err.Error(), "transparency: "))
		return 1
	}
	fmt.Fprintln(stdout, vkey)
	return 0
}

// writeNewFile writes data to a file that must not exist yet, mode 0600.
func writeNewFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists already: a witness key is never overwritten (move it away first)", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// witnessRegister is `accord witness register`.
func witnessRegister(args []string, stdout, stderr io.Writer) int {
	fs, f := newWitnessFlags("accord witness register", stderr)
	f.connection(fs)
	if code := parseWitnessFlags(fs, args, stderr, f.needKey); code >= 0 {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	signer, api, err := f.dial()
	if err != nil {
		fmt.Fprintln(stderr, "accord witness register:", err)
		return 1
	}
	aids, err := followed(ctx, api, f.alliances)
	if err != nil {
		fmt.Fprintln(stderr, "accord witness register:", err)
		return 1
	}
	key := signer.WitnessKey()
	code := 0
	for _, aid := range aids {
		w, err := api.RegisterWitness(ctx, aid, key.Name(), key.String())
		switch {
		case err == nil:
			fmt.Fprintf(stdout, "alliance %s: witness key %s registered (witness %s, seq %d)\n", aid, key.Name(), w.ID, w.Seq)
		case domain.KindOf(err) == domain.Conflict:
			fmt.Fprintf(stdout, "alliance %s: witness key %s was registered already\n", aid, key.Name())
		default:
			fmt.Fprintf(stdout, "alliance %s: ERROR: %v\n", aid, err)
			code = 1
		}
	}
	return code
}

// needKey requires the key file.
func (f *witnessFlags) needKey() error {
	if f.keyFile == "" {
		return errors.New("give the witness's key with --key-file K")
	}
	return nil
}

// dial reads the witness's key and token and makes the API client.
func (f *witnessFlags) dial() (transparency.WitnessSigner, *client.Client, error) {
	raw, err := os.ReadFile(f.keyFile)
	if err != nil {
		return transparency.WitnessSigner{}, nil, err
	}
	signer, err := transparency.ParseWitnessSigner(raw)
	if err != nil {
		return transparency.WitnessSigner{}, nil, fmt.Errorf("%s: %s", f.keyFile, strings.TrimPrefix(err.Error(), "transparency: "))
	}
	tokenFile := firstOf(f.tokenFile, os.Getenv("ACCORD_TOKEN_FILE"))
	if tokenFile == "" {
		return transparency.WitnessSigner{}, nil, errors.New("give the party's token with --token-file F (or ACCORD_TOKEN_FILE)")
	}
	token, err := readToken(tokenFile)
	if err != nil {
		return transparency.WitnessSigner{}, nil, err
	}
	server := firstOf(f.server, os.Getenv("ACCORD_SERVER"), defaultServer)
	api, err := client.New(server, token, client.WithUserAgent("accord-witness"))
	return signer, api, err
}

// followed returns the alliances given, or every alliance the token can
// read.
func followed(ctx context.Context, api *client.Client, given []string) ([]string, error) {
	if len(given) > 0 {
		return given, nil
	}
	list, err := api.Alliances(ctx)
	if err != nil {
		return nil, err
	}
	aids := make([]string, 0, len(list))
	for _, a := range list {
		if safeAllianceID(a.ID) {
			aids = append(aids, a.ID)
		}
	}
	return aids, nil
}

// witnessRun is `accord witness`: it follows alliances until SIGINT or
// SIGTERM, or for one round with --once.
func witnessRun(args []string, stdout, stderr io.Writer) int {
	fs, f := newWitnessFlags("accord witness", stderr)
	f.connection(fs)
	fs.StringVar(&f.state, "state", "", "the witness's state `DIR`: pinned keys, what it cosigned, evidence")
	fs.BoolVar(&f.once, "once", false, "check and cosign each alliance once, then exit (1 if any checkpoint was refused or could not be handled)")
	fs.DurationVar(&f.interval, "interval", 15*time.Second, "how long to wait between rounds without --once")
	if code := parseWitnessFlags(fs, args, stderr, func() error {
		if f.state == "" || f.interval <= 0 {
			return errors.New("give the state directory with --state DIR (and a positive --interval)")
		}
		return f.needKey()
	}); code >= 0 {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	var out io.Writer // --once reports each alliance on standard output
	if f.once {
		out = stdout
	}
	w, err := newWitness(ctx, f, out, log)
	if err != nil {
		fmt.Fprintln(stderr, "accord witness:", err)
		return 1
	}
	if err := w.run(ctx, f.once, f.interval); err != nil {
		if !f.once {
			log.Error("witness stopped", "err", err)
		}
		return 1
	}
	if !f.once {
		log.Info("witness stopped")
	}
	return 0
}
