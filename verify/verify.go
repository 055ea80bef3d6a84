// Package verify is accord's offline verifier: it reads a ledger's stored
// lines (an export, or the log itself) and checks the hash chain and every
// outcome against the decision rules, with no server and nothing else than
// the domain's own deciders. It is pure: no I/O beyond the reader it is
// given, no clock.
package verify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"accord/domain"
)

// MaxLineSize is the longest event line Verify reads. A stored event is far
// smaller (a request body is at most 1 MiB); the bound only keeps a corrupt
// file from making the verifier buffer it whole.
const MaxLineSize = 16 << 20

// Options tunes a verification. The zero value checks everything and
// reports no progress.
type Options struct {
	// Progress, when set, is called after each read of the input with the
	// number of bytes read so far.
	Progress func(read int64)
	// Anchors are event hashes the input must contain, typically an
	// alliance's head taken from the API when the export was made: without
	// one, a file cut short after any line still verifies.
	Anchors []string
	// Expect are events the input must hold, each at that alliance and seq
	// with that hash: e.g. the head a successor's AllianceFormed names as
	// its predecessor, checked against the predecessor's export.
	Expect []domain.AllianceHead
	// Checkpoint, when set, is a checkpoint (see OpenCheckpoint) the input
	// must match: the Merkle root of its alliance's first Size lines must
	// be the checkpoint's root. The input must then hold that alliance from
	// seq 1.
	Checkpoint *Checkpoint
	// Resume continues chains from where an earlier Verifier left them
	// (Verifier.Chain): each alliance's next line is then the seq after
	// its Head, checked against the state folded so far.
	Resume []ChainState
}

// Verification is the summary of a ledger that holds.
type Verification struct {
	Events     int         `json:"events"`
	Decisions  int         `json:"decisions"`  // VotingClosed events re-derived
	Signatures int         `json:"signatures"` // signed statements verified
	Alliances  []ChainHead `json:"alliances"`  // in order of first appearance
	// Checkpoint is the checkpoint of Options.Checkpoint, which the input
	// matched; nil when none was given.
	Checkpoint *Checkpoint `json:"checkpoint,omitempty"`
}

// ChainHead is where one alliance's chain ends in the verified input.
// Predecessor is the head of the alliance it succeeds, as its
// AllianceFormed records it (nil when it succeeds none).
type ChainHead struct {
	AllianceID  string               `json:"alliance_id"`
	Name        string               `json:"name"`
	Events      int                  `json:"events"`
	Decisions   int                  `json:"decisions"`
	Seq         uint64               `json:"seq"`
	Hash        string               `json:"hash"`
	Predecessor *domain.AllianceHead `json:"predecessor,omitempty"`
}

// ChainError is the first thing in a ledger that does not hold.
type ChainError struct {
	Line       int    // 1-based line of the input; 0 once the input has ended
	AllianceID string // "" when the line names none
	Seq        uint64 // the first seq that fails; 0 when the line has none
	Reason     string
}

// Error names the seq, alliance and line, then why.
func (e *ChainError) Error() string {
	var where string
	switch {
	case e.Seq != 0:
		where = fmt.Sprintf("seq %d of alliance %s", e.Seq, e.AllianceID)
	case e.AllianceID != "":
		where = "alliance " + e.AllianceID
	}
	if e.Line != 0 {
		if where != "" {
			where += ", "
		}
		where += fmt.Sprintf("line %d", e.Line)
	}
	if where == "" {
		return e.Reason
	}
	return where + ": " + e.Reason
}

// FailedSeq returns the first seq that fails; 0 when the input names none.
func (e *ChainError) FailedSeq() uint64 { return e.Seq }

// Verify reads an export (NDJSON: one stored event per line, each line
// ending in LF) and checks, one line at a time and without holding the
// input, that every line is an event, that each alliance's seqs run 1, 2, 3…
// with no gap, that each prev_hash is the SHA-256 of the alliance's previous
// line exactly as read, and that every outcome re-derives from the events
// before it (see Verifier.Check). Several alliances may be interleaved.
//
// It returns the summary when everything holds; a *ChainError naming the
// first line that fails; a *ProofError when the input does not hold to
// Options.Checkpoint; or the read error of r.
func Verify(r io.Reader, opts Options) (Verification, error) {
	v := NewVerifier(opts)
	br := bufio.NewReaderSize(&countingReader{r: r, progress: opts.Progress}, 64<<10)
	var buf []byte
	for {
		line, err := readLine(br, buf[:0])
		buf = line
		switch {
		case errors.Is(err, errLineTooLong):
			return Verification{}, &ChainError{Line: v.line + 1, Reason: fmt.Sprintf("the line is longer than %d bytes", MaxLineSize)}
		case err != nil && err != io.EOF:
			return Verification{}, err
		case err == nil || len(line) > 0: // the last line may lack its LF
			if cerr := v.Check(bytes.TrimSuffix(line, []byte("\n"))); cerr != nil {
				return Verification{}, cerr
			}
		}
		if err == io.EOF {
			return v.Finish()
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine appends the next line of br to buf, with its LF if it has one.
// It splits on LF alone and keeps any CR, so a file rewritten to CRLF no
// longer holds the stored bytes, and Check says so. It returns io.EOF with
// the last line when that has no LF, and the reader's error otherwise.
func readLine(br *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		frag, err := br.ReadSlice('\n')
		buf = append(buf, frag...)
		content := len(buf)
		if err == nil {
			content-- // the LF
		}
		if content > MaxLineSize {
			return buf, errLineTooLong
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return buf, err
		}
	}
}

// countingReader reports how many bytes have been read through it.
type countingReader struct {
	r        io.Reader
	n        int64
	progress func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && n > 0 {
		c.progress(c.n)
	}
	return n, err
}

// Verifier checks a ledger one stored line at a time: Verify uses it on a
// file, the API on the log. It keeps one folded state per alliance, never
// the lines. A Verifier is not safe for concurrent use.
type Verifier struct {
	anchors   map[string]bool // hash → seen
	expect    expectations
	chains    map[string]*chain
	order     []*chain
	line      int
	events    int
	decisions int
	failed    error
	sigs      signatureBatch
	held      *heldTo // the checkpoint the input is held to, if any
}

// chain is one alliance's verification so far.
type chain struct {
	head  ChainHead
	state domain.Alliance
	// charterDue is set when the previous event closed an adopted charter
	// proposal: the next must be its CharterAmended.
	charterDue *domain.CharterAmended
	// signature is the signature of the event being checked, left for the
	// Verifier to verify with others (see queueSignature).
	signature *domain.PendingSignature
}

// NewVerifier returns a Verifier with nothing checked yet.
func NewVerifier(opts Options) *Verifier {
	v := &Verifier{anchors: map[string]bool{}, chains: map[string]*chain{}, expect: expectationsOf(opts.Expect)}
	for _, h := range opts.Anchors {
		v.anchors[h] = false
	}
	if opts.Checkpoint != nil {
		v.held = &heldTo{cp: *opts.Checkpoint}
	}
	for _, st := range opts.Resume {
		v.resume(st)
	}
	return v
}

// Check verifies the next line (without its LF) against everything before
// it: that it decodes as an event of the catalogue; that its seq is the next
// of its alliance (1 for the first); that its prev_hash is the hash of the
// alliance's previous line (64 zeros for seq 1); and that it is what the
// decision rules make of the events before it (see rederive). It returns a
// *ChainError for the first line that fails, and that error again for any
// line after it.
func (v *Verifier) Check(line []byte) error {
	if v.failed != nil {
		return v.failed
	}
	v.line++
	ev, err := v.decode(line)
	if err != nil {
		return v.fail(err)
	}
	c := v.chain(ev.AllianceID)
	hash := domain.Hash(line)
	if err := c.follows(ev); err != nil {
		return v.fail(err)
	}
	decided, err := c.rederive(ev)
	if err != nil {
		return v.fail(err)
	}
	if err := v.queueSignature(c, ev); err != nil {
		v.failed = err
		return err
	}
	if err := v.expect.check(ev, hash); err != nil {
		return v.fail(err)
	}
	c.state.EvolveInPlace(ev)
	c.head.Seq, c.head.Hash, c.head.Name, c.head.Predecessor = ev.Seq, hash, c.state.Name, c.state.Predecessor
	c.head.Events++
	v.events++
	if decided {
		c.head.Decisions++
		v.decisions++
	}
	if _, ok := v.anchors[hash]; ok {
		v.anchors[hash] = true
	}
	v.held.add(ev.AllianceID, ev.Seq, line)
	return nil
}

// Finish ends the input: it returns the summary, or a *ChainError when the
// input was empty, a charter change is missing at the end of a chain, or an
// anchor never appeared, or a *ProofError when the lines of the alliance of
// Options.Checkpoint are fewer than its size or do not hash to its root.
func (v *Verifier) Finish() (Verification, error) {
	if err := v.sigs.flush(); err != nil && v.failed == nil {
		v.failed = err
	}
	if v.failed != nil {
		return Verification{}, v.failed
	}
	if v.events == 0 {
		return Verification{}, &ChainError{Reason: "the input holds no events"}
	}
	out := Verification{Events: v.events, Decisions: v.decisions, Signatures: v.sigs.checked, Alliances: make([]ChainHead, 0, len(v.order))}
	for _, c := range v.order {
		if c.charterDue != nil {
			return Verification{}, &ChainError{AllianceID: c.head.AllianceID, Seq: c.head.Seq + 1, Reason: fmt.Sprintf(
				"the input ends after charter proposal %s was adopted at seq %d, without the CharterAmended that must follow it",
				c.charterDue.ProposalID, c.head.Seq)}
		}
		out.Alliances = append(out.Alliances, c.head)
	}
	for h, seen := range v.anchors {
		if !seen {
			return Verification{}, &ChainError{Reason: fmt.Sprintf(
				"no event has the expected hash %s: the input is cut short, or is not the ledger that hash was taken from", h)}
		}
	}
	if err := v.expect.unmet(); err != nil {
		return Verification{}, err
	}
	if err := v.held.check(); err != nil {
		return Verification{}, err
	}
	if v.held != nil {
		cp := v.held.cp
		out.Checkpoint = &cp
	}
	return out, nil
}

// End ends the input as Finish does, for a caller that keeps its own
// account of the lines it checked (the API, reading the log): it returns
// how many outcomes were re-derived and signed statements verified, and
// Finish's error.
func (v *Verifier) End() (decisions, signatures int, err error) {
	sum, err := v.Finish()
	return sum.Decisions, sum.Signatures, err
}

// fail remembers the first failure, placing it at the current line; but
// a signature of an earlier line still waiting to be verified that does
// not verify fails first.
func (v *Verifier) fail(err error) error {
	if early := v.sigs.flush(); early != nil {
		v.failed = early
		return early
	}
	var ce *ChainError
	if errors.As(err, &ce) {
		ce.Line = v.line
	}
	v.failed = err
	return err
}

// chain returns the alliance's chain, starting one at its first line.
func (v *Verifier) chain(allianceID string) *chain {
	c, ok := v.chains[allianceID]
	if !ok {
		c = &chain{head: ChainHead{AllianceID: allianceID}}
		v.chains[allianceID] = c
		v.order = append(v.order, c)
	}
	return c
}

// decode parses a line into an event, saying as precisely as it can where
// and why one does not parse.
func (v *Verifier) decode(line []byte) (domain.Event, error) {
	switch {
	case len(line) == 0:
		return domain.Event{}, &ChainError{Reason: "the line is empty: every line must hold one event"}
	case line[len(line)-1] == '\r':
		return domain.Event{}, &ChainError{Reason: "the line ends with a carriage return: lines are separated by LF alone, and the stored bytes have no CR"}
	}
	ev, err := domain.Decode(line)
	if err == nil && ev.AllianceID == "" {
		err = domain.Errorf(domain.Invalid, "the event has no alliance_id")
	}
	if err != nil {
		var head struct {
			AllianceID string `json:"alliance_id"`
			Seq        uint64 `json:"seq"`
		}
		_ = json.Unmarshal(line, &head) // best effort: name the seq if the envelope has one
		return domain.Event{}, &ChainError{AllianceID: head.AllianceID, Seq: head.Seq, Reason: "not a valid event: " + domain.MessageOf(err)}
	}
	return ev, nil
}

// follows checks that ev is the next link of the chain: the next seq, and a
// prev_hash equal to the hash of the previous line.
func (c *chain) follows(ev domain.Event) error {
	want := c.head.Seq + 1
	fail := func(seq uint64, format string, args ...any) error {
		return &ChainError{AllianceID: ev.AllianceID, Seq: seq, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case ev.Seq > want:
		return fail(want, "expected seq %d, found seq %d: seq %d is missing (a line was dropped, or lines are out of order)", want, ev.Seq, want)
	case ev.Seq < want:
		return fail(want, "expected seq %d, found seq %d again (a line is repeated, or lines are out of order)", want, ev.Seq)
	}
	prev := c.head.Hash
	if ev.Seq == 1 {
		prev = domain.ZeroHash
	}
	if ev.PrevHash == prev {
		return nil
	}
	if ev.Seq == 1 {
		return fail(ev.Seq, "prev_hash of seq 1 must be 64 zeros, not %s", clip(ev.PrevHash))
	}
	return fail(ev.Seq, "prev_hash %s is not the SHA-256 of seq %d as stored (%s): the bytes of seq %d were changed, or this line's prev_hash was",
		clip(ev.PrevHash), ev.Seq-1, prev, ev.Seq-1)
}

// rederive checks ev against what the domain's rules make of the events
// before it, and reports whether it was a decision (a VotingClosed) it
// re-derived. The checks are the ones a forger would have to get past to
// change an outcome: the alliance starts with AllianceFormed (which names
// no predecessor but another alliance) and ends, if it is concluded, with
// AllianceConcluded, recorded while no vote was open; voting opens with the
// charter then in force and the members then active; only an eligible
// member votes, as themself or as the proxy a grant allowed
// (domain.CheckProxyVote); a proxy is granted and revoked by its grantor
// alone; every VotingClosed equals, field by field, domain.DeriveOutcome on
// the state just before it; an adopted charter proposal's close is followed
// at once by its CharterAmended; and every signed statement and key
// registration holds (checkSignatures).
func (c *chain) rederive(ev domain.Event) (bool, error) {
	fail := func(format string, args ...any) error {
		return &ChainError{AllianceID: ev.AllianceID, Seq: ev.Seq, Reason: fmt.Sprintf(format, args...)}
	}
	if err := c.charterFollows(ev, fail); err != nil {
		return false, err
	}
	if _, formed := ev.Data.(domain.AllianceFormed); formed != (ev.Seq == 1) {
		if formed {
			return false, fail("AllianceFormed again: an alliance is formed once, at seq 1")
		}
		return false, fail("seq 1 is %s: an alliance's ledger starts with AllianceFormed", ev.Type)
	}
	if err := c.checkRunning(ev, fail); err != nil {
		return false, err
	}
	if err := c.checkSignatures(ev, fail); err != nil {
		return false, err
	}
	switch d := ev.Data.(type) {
	case domain.VotingOpened:
		return false, c.checkOpening(d, fail)
	case domain.VoteCast:
		return false, c.checkVote(ev.Actor, d, fail)
	case domain.VotingClosed:
		return true, c.checkClose(d, fail)
	}
	return false, c.checkLife(ev, fail)
}

type failf func(format string, args ...any) error

// charterFollows checks that a CharterAmended comes exactly when an adopted
// charter proposal's close calls for it, with that proposal's charter.
func (c *chain) charterFollows(ev domain.Event, fail failf) error {
	due := c.charterDue
	c.charterDue = nil
	got, isCharter := ev.Data.(domain.CharterAmended)
	switch {
	case due == nil && isCharter:
		return fail("CharterAmended for proposal %s does not follow the adoption of that charter proposal", got.ProposalID)
	case due == nil:
		return nil
	case !isCharter:
		return fail("charter proposal %s was adopted at seq %d, so its CharterAmended must follow, not %s", due.ProposalID, ev.Seq-1, ev.Type)
	case got != *due:
		return fail("CharterAmended %+v is not the charter adopted at seq %d (%+v)", got, ev.Seq-1, *due)
	}
	return nil
}

// checkOpening checks that voting opened on an open proposal, at its current
// version, under the charter in force and with the members then active.
func (c *chain) checkOpening(d domain.VotingOpened, fail failf) error {
	p, ok := c.state.Proposal(d.ProposalID)
	if !ok {
		return fail("VotingOpened for proposal %s, which was never submitted", d.ProposalID)
	}
	if p.Status != domain.StatusOpen {
		return fail("voting on proposal %s opened while it was %s", p.ID, p.Status)
	}
	if d.Version != p.Version {
		return fail("voting on proposal %s opened on version %d, but it was at version %d", p.ID, d.Version, p.Version)
	}
	rule, err := domain.CharterInForce(c.state.Charter)
	if err != nil {
		return fail("the charter in force is not valid: %s", domain.MessageOf(err))
	}
	if !domain.SameRule(d.Rule, rule) {
		return fail("voting on proposal %s opened under rule %+v, but the charter in force was %+v", p.ID, d.Rule, rule)
	}
	if !sameMembers(d.Eligible, c.state.ActiveMembers()) {
		return fail("voting on proposal %s opened with eligible %v, but the active members were %v", p.ID, d.Eligible, c.state.ActiveMembers())
	}
	return nil
}

// sameMembers reports whether a and b hold the same ids, each once.
func sameMembers(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	set := make(map[string]bool, len(b))
	for _, id := range b {
		set[id] = true
	}
	for _, id := range a {
		if !set[id] {
			return false
		}
		delete(set, id)
	}
	return true
}

// checkVote checks that a vote was cast while voting was open, by an
// eligible member acting as themself, or by the proxy it names in cast_by
// as a grant allowed (see checkProxyVote).
func (c *chain) checkVote(actor domain.Actor, d domain.VoteCast, fail failf) error {
	p, ok := c.state.Proposal(d.ProposalID)
	switch {
	case !ok:
		return fail("VoteCast on proposal %s, which was never submitted", d.ProposalID)
	case p.Status != domain.StatusVoting || p.Voting == nil:
		return fail("VoteCast on proposal %s while it was %s, not being voted on", p.ID, p.Status)
	case !p.Voting.IsEligible(d.MemberID):
		return fail("member %s voted on proposal %s but is not eligible", d.MemberID, p.ID)
	case d.CastBy != "":
		return c.checkProxyVote(actor, d, fail)
	case actor.MemberID != d.MemberID:
		return fail("the vote of member %s on proposal %s was cast by actor %s", d.MemberID, p.ID, actor.ID)
	}
	return nil
}

// checkClose re-derives the outcome from the state before the close and
// compares it with the recorded one field by field.
func (c *chain) checkClose(d domain.VotingClosed, fail failf) error {
	want, err := domain.DeriveOutcome(c.state, d.ProposalID)
	if err != nil {
		return fail("VotingClosed for proposal %s cannot be re-derived: %s", d.ProposalID, domain.MessageOf(err))
	}
	if diff := outcomeDiff(d, want); diff != "" {
		return fail("the recorded outcome of proposal %s is not what its votes give: %s", d.ProposalID, diff)
	}
	p, _ := c.state.Proposal(d.ProposalID)
	if want.Result == domain.ResultAdopted && p.Kind == domain.KindCharter && p.Charter != nil {
		c.charterDue = &domain.CharterAmended{Charter: *p.Charter, ProposalID: p.ID}
	}
	return nil
}

// outcomeDiff lists each field of got that differs from want, or "".
func outcomeDiff(got, want domain.VotingClosed) string {
	var diffs []string
	add := func(field string, g, w any) {
		diffs = append(diffs, fmt.Sprintf("%s recorded %v, re-derived %v", field, g, w))
	}
	if got.Tally != want.Tally {
		add("tally", tallyText(got.Tally), tallyText(want.Tally))
	}
	if got.Participation != want.Participation {
		add("participation", got.Participation, want.Participation)
	}
	if got.EligibleCount != want.EligibleCount {
		add("eligible_count", got.EligibleCount, want.EligibleCount)
	}
	if got.QuorumRequired != want.QuorumRequired {
		add("quorum_required", got.QuorumRequired, want.QuorumRequired)
	}
	if got.QuorumMet != want.QuorumMet {
		add("quorum_met", got.QuorumMet, want.QuorumMet)
	}
	if got.Result != want.Result {
		add("result", got.Result, want.Result)
	}
	if got.Explanation != want.Explanation {
		add("explanation", fmt.Sprintf("%q", got.Explanation), fmt.Sprintf("%q", want.Explanation))
	}
	return strings.Join(diffs, "; ")
}

func tallyText(t domain.Tally) string {
	return fmt.Sprintf("%d agree, %d disagree, %d abstain, %d block", t.Agree, t.Disagree, t.Abstain, t.Block)
}

func clip(s string) string {
	if len(s) > 80 {
		return fmt.Sprintf("%q…", s[:80])
	}
	return fmt.Sprintf("%q", s)
}
