package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strconv"

	"accord/client"
	"accord/domain"
)

// exitError ends a command with a status and no further message: what went
// wrong was already printed.
type exitError struct{ status int }

func (e exitError) Error() string { return "exit status " + strconv.Itoa(e.status) }

func auditCommands() []command {
	return []command{
		{
			path: "audit list", summary: "list the audit trail: every event with its hash",
			about:   "Without --all it shows one page; --json prints the server's answer (with --all, one answer per page).",
			example: "accord audit list\naccord audit list --from-seq 40 --limit 20\naccord audit list --all",
			setup:   setupAuditList,
		},
		exportCommand(),
		{
			path: "audit head", summary: "show the seq and hash of the alliance's latest event",
			about:   "Note the head somewhere else: anyone can later check an export ends in it, so nothing was rewritten.",
			example: "accord audit head",
			setup:   func(*flag.FlagSet) action { return auditHead },
		},
		{
			path: "audit verify", summary: "have the server re-check the chain and re-derive every outcome",
			about:   "Exits 1 when the ledger does not hold. `accord verify FILE` checks an export offline.",
			example: "accord audit verify",
			setup:   func(*flag.FlagSet) action { return auditVerify },
		},
	}
}

func setupAuditList(fs *flag.FlagSet) action {
	from := fs.Uint64("from-seq", 1, "start at this alliance `SEQ`")
	limit := fs.Uint64("limit", 100, "at most `N` events a page")
	all := fs.Bool("all", false, "follow every page to the head")
	return func(c *cli, _ []string) error {
		d, err := c.describer()
		if err != nil {
			return err
		}
		t := newTable("SEQ", "AT (UTC)", "TYPE", "BY", "WHAT", "HASH")
		next, err := auditPages(c, *from, *limit, *all, func(page client.AuditPage) { addAuditRows(t, d, page) })
		if err != nil || c.g.json {
			return err
		}
		c.out.table(t)
		c.moreHint(next, *all)
		return nil
	}
}

// auditPages reads the audit trail from seq from, one page or (with all)
// every page to the head. Under --json each page is printed as it came;
// otherwise add takes it. It returns where the next page would begin, nil at
// the head.
func auditPages(c *cli, from, limit uint64, all bool, add func(client.AuditPage)) (*uint64, error) {
	aid, err := c.allianceID()
	if err != nil {
		return nil, err
	}
	next := &from
	for {
		page, err := c.api.Audit(c.ctx, aid, *next, limit)
		if err != nil {
			return nil, err
		}
		if c.g.json {
			c.out.json(c.raw)
		} else {
			add(page)
		}
		if next = page.NextSeq; next == nil || !all {
			return next, nil
		}
	}
}

// describer returns a describer seeded with the alliance's names now. Under
// --json it is not needed, and not fetched.
func (c *cli) describer() (*describer, error) {
	if c.g.json {
		return newDescriber(c.out, newNames()), nil
	}
	a, err := c.alliance()
	if err != nil {
		return nil, err
	}
	return newDescriber(c.out, namesOf(a)), nil
}

func addAuditRows(t *table, d *describer, page client.AuditPage) {
	for _, e := range page.Events {
		seq, at, typ, what := d.parts(e.Event)
		var ev struct {
			Actor domain.Actor `json:"actor"`
		}
		_ = json.Unmarshal(e.Event, &ev)
		t.add(uitoa(seq), at, typ, d.n.actor(ev.Actor), clip(what, 70), short(e.Hash))
	}
}

func (c *cli) moreHint(next *uint64, all bool) {
	if next == nil || all {
		return
	}
	c.out.linef("%s", c.out.paint(dim, fmt.Sprintf("more from seq %d: accord audit list --from-seq %d (or --all)", *next, *next)))
}

func auditHead(c *cli, _ []string) error {
	aid, err := c.allianceID()
	if err != nil {
		return err
	}
	head, err := c.api.Head(c.ctx, aid)
	if done, err := c.answered(err); done {
		return err
	}
	c.out.linef("Head: seq %d, hash %s", head.Seq, head.Hash)
	return nil
}

func auditVerify(c *cli, _ []string) error {
	aid, err := c.allianceID()
	if err != nil {
		return err
	}
	v, err := c.api.Verify(c.ctx, aid)
	if err != nil {
		return err
	}
	if c.g.json {
		c.out.json(c.raw)
	} else {
		printVerify(c.out, v)
	}
	if !v.OK {
		return exitError{1}
	}
	return nil
}

func printVerify(p *printer, v client.Verification) {
	if !v.OK {
		p.linef("%s at seq %d: %s", p.paint(red, "The ledger does not hold"), v.Seq, v.Error)
		return
	}
	p.linef("%s: %s, %s re-derived; the chain holds up to seq %d (hash %s)",
		p.paint(green, "Verified"), plural(v.Events, "event"), plural(v.Decisions, "decision"), v.Head.Seq, short(v.Head.Hash))
	for _, check := range v.Checked {
		p.linef("  %s %s", p.paint(green, "✓"), check)
	}
}
