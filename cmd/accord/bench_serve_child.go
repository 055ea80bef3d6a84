package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serveCommand returns the command that runs `accord serve` with args:
// this very binary, with no ACCORD_ variable of this process, so that the
// data dir and the flags alone configure it. Tests, whose binary is not
// accord, replace it.
var serveCommand = func(args ...string) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, append([]string{"serve"}, args...)...)
	cmd.Env = withoutAccordVars(os.Environ())
	return cmd, nil
}

// serveChild is `accord serve` on a data dir, run as a child process so
// that its memory is that of serving alone.
type serveChild struct {
	cmd     *exec.Cmd
	started time.Time
	exit    chan error

	mu      sync.Mutex
	url     string    // the API's base URL, once logged
	natsUp  time.Time // when it logged that its embedded NATS server is up
	natsRSS float64   // its resident memory then, in MiB
	tail    []string  // its last lines of log
	ready   chan struct{}
}

// serveURLLine and natsUpLine are the lines accord serve logs once its HTTP
// port listens (with the address) and once its embedded NATS server runs.
var (
	serveURLLine = regexp.MustCompile(`msg="HTTP API up.* http=(http://\S+)`)
	natsUpLine   = regexp.MustCompile(`msg="embedded NATS started"`)
)

// startServeChild starts accord serve on dir: the API on a loopback port
// the kernel picks, no NATS port, and with cacheMB, unless it is -1, as
// --cache-mb. Its log goes to logTo. It returns the error of starting the
// process.
func startServeChild(dir string, cacheMB int, logTo io.Writer) (*serveChild, error) {
	args := []string{"--data-dir", dir, "--http", "127.0.0.1:0", "--nats-listen", "none"}
	if cacheMB >= 0 {
		args = append(args, "--cache-mb", strconv.Itoa(cacheMB))
	}
	cmd, err := serveCommand(args...)
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = logTo
	c := &serveChild{cmd: cmd, exit: make(chan error, 1), ready: make(chan struct{})}
	c.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	logged := make(chan struct{})
	go func() { c.follow(stderr, logTo); close(logged) }()
	go func() { <-logged; c.exit <- cmd.Wait() }()
	return c, nil
}

// withoutAccordVars returns env without its ACCORD_ variables.
func withoutAccordVars(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, "ACCORD_") {
			out = append(out, kv)
		}
	}
	return out
}

// follow copies the child's log to logTo, noting the URL, when NATS came
// up and the last lines.
func (c *serveChild) follow(r io.Reader, logTo io.Writer) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		now := time.Now()
		fmt.Fprintln(logTo, line)
		c.mu.Lock()
		if natsUpLine.MatchString(line) && c.natsUp.IsZero() {
			c.natsUp = now
			c.natsRSS, _ = c.rssMB()
		}
		if m := serveURLLine.FindStringSubmatch(line); m != nil && c.url == "" {
			c.url = m[1]
			close(c.ready)
		}
		c.tail = append(c.tail, line)
		if len(c.tail) > 20 {
			c.tail = c.tail[1:]
		}
		c.mu.Unlock()
	}
}

// failure returns err with the child's last lines of log.
func (c *serveChild) failure(err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Errorf("accord serve (pid %d): %w; its last lines:\n%s", c.cmd.Process.Pid, err, strings.Join(c.tail, "\n"))
}

// healthy polls /healthz until it answers 200, and returns when it did
// and the API's base URL. It returns an error when the child exits first,
// or within timeout it does not.
func (c *serveChild) healthy(ctx context.Context, timeout time.Duration) (time.Time, string, error) {
	deadline := time.After(timeout)
	select {
	case <-c.ready:
	case err := <-c.exit:
		c.exit <- err
		return time.Time{}, "", c.failure(fmt.Errorf("exited before listening: %v", err))
	case <-deadline:
		return time.Time{}, "", c.failure(errors.New("did not log its address in time"))
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		resp, err := client.Get(c.url + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Now(), c.url, nil
			}
		}
		select {
		case err := <-c.exit:
			c.exit <- err
			return time.Time{}, "", c.failure(fmt.Errorf("exited before answering /healthz: %v", err))
		case <-deadline:
			return time.Time{}, "", c.failure(errors.New("/healthz did not answer 200 in time"))
		case <-ctx.Done():
			return time.Time{}, "", ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// natsStarted returns when the child logged that its embedded NATS server
// was up, the zero time if it has not, and its resident memory in MiB
// right then (0 if it could not be read): the server's own, before accord
// reads anything.
func (c *serveChild) natsStarted() (time.Time, float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.natsUp, c.natsRSS
}

// rssMB returns the child's resident memory (VmRSS) in MiB. It returns an
// error where /proc cannot tell.
func (c *serveChild) rssMB() (float64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("no VmRSS in /proc/<pid>/status")
}

// stop asks the child to shut down (SIGTERM, as an operator would) and
// waits for it; after timeout it kills it. It returns an error unless it
// shut down cleanly with status 0.
func (c *serveChild) stop(timeout time.Duration) error {
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case err := <-c.exit:
		c.exit <- err
		if err != nil {
			return c.failure(fmt.Errorf("shut down with %v", err))
		}
		return nil
	case <-time.After(timeout):
		c.kill()
		return c.failure(fmt.Errorf("did not shut down within %s; killed", timeout))
	}
}

// close shuts the child down as stop does, if it still runs: a run that
// failed leaves the data dir as cleanly as one that did not (a killed
// server's next start rebuilds its stream's state, which takes seconds on
// a large dir).
func (c *serveChild) close() {
	select {
	case err := <-c.exit:
		c.exit <- err
	default:
		_ = c.stop(prepServeStop)
	}
}

// kill ends the child at once, if it still runs, and waits for it.
func (c *serveChild) kill() {
	_ = c.cmd.Process.Kill()
	err := <-c.exit
	c.exit <- err
}

// serveOnDir starts accord serve on a prepared dir, its log appended to
// bench-serve.log there, and waits until it is healthy. It returns the
// child, when /healthz first answered 200, the API's URL, and a function
// that stops the child and closes the log; on error nothing is left
// running.
func serveOnDir(ctx context.Context, dir string, cacheMB int) (*serveChild, time.Time, string, func(), error) {
	logFile, err := os.OpenFile(filepath.Join(dir, prepServeLog), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, time.Time{}, "", nil, err
	}
	child, err := startServeChild(dir, cacheMB, logFile)
	if err != nil {
		logFile.Close()
		return nil, time.Time{}, "", nil, err
	}
	done := func() { child.close(); logFile.Close() }
	healthy, url, err := child.healthy(ctx, prepServeStart)
	if err != nil {
		done()
		return nil, time.Time{}, "", nil, err
	}
	return child, healthy, url, done, nil
}
