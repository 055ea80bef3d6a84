package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"accord/client"
	"accord/domain"
)

// reporter writes what went wrong on standard error: a line for people,
// or under --json the documented shape {"error":{"code","message"}}.
type reporter struct {
	w    io.Writer
	json bool
}

// The codes of the errors the CLI finds itself; an error the server
// answered keeps the server's code.
const (
	codeUsage       = "usage"       // the command was called wrongly (exit 2)
	codeUnreachable = "unreachable" // no answer from the server
	codeIncomplete  = "incomplete"  // an export that is not whole
	codeFailed      = "failed"      // anything else, such as a file that cannot be written
)

// fail reports err from command path and returns the exit status: 0 for
// nil, 2 for a usage error, 130 for an interrupt, else 1.
func (r *reporter) fail(path string, err error) int {
	var uerr usageError
	var exit exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.status
	case errors.As(err, &uerr):
		return r.usage(path, uerr.msg, "")
	case errors.Is(err, context.Canceled):
		return 130
	}
	if r.json {
		r.writeJSON(errorCode(err), err.Error())
		return 1
	}
	if errors.Is(err, client.ErrUnreachable) {
		err = fmt.Errorf("%w (start one with `accord serve`, or point --server / ACCORD_SERVER at it)", err)
	}
	fmt.Fprintf(r.w, "%s: %v\n", name(path), err)
	return 1
}

// usage reports a command called wrongly, with a pointer to its help (or
// the help itself, when more is given), and returns 2.
func (r *reporter) usage(path, msg, more string) int {
	switch {
	case r.json:
		r.writeJSON(codeUsage, msg)
	case more != "":
		fmt.Fprintf(r.w, "%s: %s\n\n%s", name(path), msg, more)
	default:
		fmt.Fprintf(r.w, "%s: %s\nRun \"%s --help\" for usage.\n", name(path), msg, name(path))
	}
	return 2
}

func (r *reporter) writeJSON(code, msg string) {
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	body.Error.Code, body.Error.Message = code, msg
	raw, _ := json.Marshal(body)
	fmt.Fprintf(r.w, "%s\n", raw)
}

// name returns "accord" or "accord COMMAND".
func name(path string) string {
	if path == "" {
		return "accord"
	}
	return "accord " + path
}

// errorCode returns the code of err for --json: the server's own, the
// kind of a domain error found here (an unknown short id, say), or one of
// the CLI's.
func errorCode(err error) string {
	var apiErr *client.Error
	var inc *client.IncompleteError
	var derr *domain.Error
	switch {
	case errors.As(err, &apiErr):
		return firstOf(apiErr.Code, string(apiErr.Kind()))
	case errors.Is(err, client.ErrUnreachable):
		return codeUnreachable
	case errors.As(err, &inc):
		return codeIncomplete
	case errors.As(err, &derr):
		return string(derr.Kind)
	}
	return codeFailed
}

// wantsJSON reports whether --json is among the arguments, so that errors
// found before the flags are parsed are reported as JSON too.
func wantsJSON(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--json", "-json", "--json=true", "-json=true":
			return true
		}
	}
	return false
}
