package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"accord/client"
)

// minBackoff is the first wait of watch before it reconnects; the client
// doubles it up to 15s and starts again once an event arrives.
var minBackoff = 250 * time.Millisecond

func watchCommands() []command {
	return []command{{
		path: "watch", summary: "follow an alliance's live events, one line each, resuming after a drop",
		about: "Without --from-seq it starts with the next event. After a dropped connection it reconnects\n" +
			"(waiting up to 15s between tries) and resumes just after the last event it printed, so none is\n" +
			"missed or repeated. --json prints each event as {\"event\":…,\"hash\":…} on its own line.",
		example: "accord watch\naccord watch --from-seq 1 --types VoteCast,VotingClosed\naccord watch --types VotingClosed --count 1   # wait for the next outcome",
		setup:   setupWatch,
	}}
}

func setupWatch(fs *flag.FlagSet) action {
	from := fs.Uint64("from-seq", 0, "replay from this alliance `SEQ`, then follow")
	types := fs.String("types", "", "only these event `TYPES`, comma-separated, such as VoteCast,VotingClosed")
	proposal := fs.String("proposal", "", "only the events of this `PROPOSAL`")
	count := fs.Int("count", 0, "stop after `N` events")
	return func(c *cli, _ []string) error {
		opts := client.FollowOptions{FromSeq: *from, MinBackoff: minBackoff}
		if *types != "" {
			opts.Types = strings.Split(*types, ",")
		}
		err := watch(c, opts, *proposal, *count)
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}
}

// watch prints the events of the alliance as they come, until count
// events (0: never), an interrupt, or an error that reconnecting cannot
// mend.
func watch(c *cli, opts client.FollowOptions, proposal string, count int) error {
	a, err := c.alliance()
	if err != nil {
		return err
	}
	if proposal != "" {
		if opts.ProposalID, err = c.resolve(idProposal, proposal); err != nil {
			return err
		}
	}
	if opts.FromSeq == 0 {
		// Start just after the head, so a connection dropped before the
		// first event still resumes with no gap.
		opts.FromSeq = a.Seq + 1
	}
	if isTTY(c.stderr) {
		fmt.Fprintf(c.stderr, "Watching %s from seq %d (Ctrl-C to stop)\n", a.Name, opts.FromSeq)
	}
	opts.OnDrop = func(d client.Drop) {
		fmt.Fprintf(c.stderr, "accord watch: connection lost (%v); resuming %s in %s\n", d.Err, resumeText(d), d.Wait)
	}
	d := newDescriber(c.out, namesOf(a))
	f := c.api.Follow(a.ID, opts)
	defer f.Close()
	for seen := 0; count == 0 || seen < count; seen++ {
		ev, err := f.Next(c.ctx)
		if err != nil {
			return err
		}
		printLive(c, d, ev)
	}
	return nil
}

func resumeText(d client.Drop) string {
	if d.After != 0 {
		return "after #" + uitoa(d.After)
	}
	return "from seq " + uitoa(d.From)
}

// printLive writes one event: a line for people, or its entry as JSON.
func printLive(c *cli, d *describer, ev client.LiveEvent) {
	if !c.g.json {
		c.out.linef("%s", d.line(ev.Event))
		return
	}
	raw, err := json.Marshal(ev.Entry)
	if err != nil {
		raw = ev.Event
	}
	c.out.linef("%s", raw)
}
