package projections

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
)

// Fixed ids, so that a failing test names the same things every run.
func testID(n int) string { return fmt.Sprintf("01900000-0000-7000-8000-%012d", n) }

var (
	admin    = domain.Actor{ID: testID(99), Role: domain.RoleAdmin}
	t0       = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	majority = domain.Charter{DecisionRule: domain.RuleMajority, Quorum: "1/2"}
)

// story is the ledger the tests read: seqs 1–33 of one alliance.
//
//	1     AllianceFormed (consensus 3/4, quorum 1/2)
//	2–6   conv (convener), m1…m4 admitted
//	7     m1 submits p1; 8 m2 proposes am1; 9 m1 accepts it (version 2)
//	10    m3 proposes am2; 11 m1 rejects it
//	12    voting on p1 opens (conv, m1…m4 eligible)
//	13–17 m1 agree, m2 block, m2 agree (changed), m3 disagree, m4 agree
//	18    m4 withdraws (their stance is dropped); 19 conv agrees
//	20    p1 closes: adopted, 3 agree 1 disagree
//	21–27 m1's charter proposal p2 (majority) is adopted; 27 CharterAmended
//	28–33 p3 under majority: 1 agree, 1 disagree, 1 block → rejected at 33
type story struct {
	aid, conv, m1, m2, m3, m4, p1, am1, am2, p2, p3 string
}

func newStory(base int) story {
	return story{
		aid: testID(base + 1), conv: testID(base + 10), m1: testID(base + 11), m2: testID(base + 12),
		m3: testID(base + 13), m4: testID(base + 14), p1: testID(base + 30), am1: testID(base + 40),
		am2: testID(base + 41), p2: testID(base + 31), p3: testID(base + 32),
	}
}

func member(id string) domain.Actor {
	return domain.Actor{ID: id, Role: domain.RoleMember, MemberID: id}
}

// tell runs the story's commands through run, in order.
func (s story) tell(run func(domain.Actor, domain.Command)) {
	run(admin, domain.FormAlliance{Name: "Care Alliance", Purpose: "Shared care pathways",
		Charter: domain.Charter{DecisionRule: domain.RuleConsensus, Quorum: "1/2", Threshold: "3/4"}})
	run(admin, domain.AdmitMember{MemberID: s.conv, Name: "Northside Health", Sector: "health system", Role: domain.RoleConvener})
	for i, m := range []string{s.m1, s.m2, s.m3, s.m4} {
		run(admin, domain.AdmitMember{MemberID: m, Name: "Member " + string(rune('A'+i)), Sector: "payer", Role: domain.RoleMember})
	}
	conv, m1, m2, m3, m4 := member(s.conv), member(s.m1), member(s.m2), member(s.m3), member(s.m4)
	run(m1, domain.SubmitProposal{ProposalID: s.p1, Kind: domain.KindResolution, Title: "Shared formulary", Body: "One formulary for all."})
	run(m2, domain.ProposeAmendment{ProposalID: s.p1, AmendmentID: s.am1, Body: "One formulary, reviewed yearly.", Rationale: "Drugs change."})
	run(m1, domain.AcceptAmendment{ProposalID: s.p1, AmendmentID: s.am1})
	run(m3, domain.ProposeAmendment{ProposalID: s.p1, AmendmentID: s.am2, Body: "No formulary.", Rationale: "Cost."})
	run(m1, domain.RejectAmendment{ProposalID: s.p1, AmendmentID: s.am2})
	run(conv, domain.OpenVoting{ProposalID: s.p1})
	vote := func(a domain.Actor, pid, stance string) {
		run(a, domain.CastVote{ProposalID: pid, Stance: stance, Reason: stance + " on " + pid[len(pid)-2:]})
	}
	vote(m1, s.p1, "agree")
	vote(m2, s.p1, "block")
	vote(m2, s.p1, "agree")
	vote(m3, s.p1, "disagree")
	vote(m4, s.p1, "agree")
	run(m4, domain.WithdrawMember{MemberID: s.m4, Reason: "merged"})
	vote(conv, s.p1, "agree")
	run(conv, domain.CloseVoting{ProposalID: s.p1})

	run(m1, domain.SubmitProposal{ProposalID: s.p2, Kind: domain.KindCharter, Title: "Decide by majority", Body: "Majority rule.", Charter: &majority})
	run(conv, domain.OpenVoting{ProposalID: s.p2})
	vote(m1, s.p2, "agree")
	vote(m2, s.p2, "agree")
	vote(conv, s.p2, "agree")
	run(conv, domain.CloseVoting{ProposalID: s.p2})

	run(m2, domain.SubmitProposal{ProposalID: s.p3, Kind: domain.KindPosition, Title: "Joint statement", Body: "We state."})
	run(conv, domain.OpenVoting{ProposalID: s.p3})
	vote(m1, s.p3, "agree")
	vote(m2, s.p3, "disagree")
	vote(m3, s.p3, "block")
	run(conv, domain.CloseVoting{ProposalID: s.p3})
}

// memLedger decides commands with the domain and seals their events the way
// the store does (id, seq, prev_hash, encode), keeping the stored lines.
type memLedger struct {
	t     testing.TB
	aid   string
	state domain.Alliance
	lines [][]byte
	clock time.Time
}

func (l *memLedger) run(actor domain.Actor, cmd domain.Command) {
	l.t.Helper()
	l.clock = l.clock.Add(time.Minute)
	m := domain.Meta{AllianceID: l.aid, CommandID: fmt.Sprintf("cmd-%d", len(l.lines)+1), At: l.clock, Actor: actor}
	events, err := domain.Decide(l.state, m, cmd)
	require.NoError(l.t, err, "%s", cmd.CommandName())
	l.seal(events)
}

// seal stores events as the store does: id, seq, prev_hash, encode.
func (l *memLedger) seal(events []domain.Event) {
	l.t.Helper()
	for _, e := range events {
		e.ID = testID(100000 + len(l.lines))
		e.Seq = uint64(len(l.lines) + 1)
		e.PrevHash = domain.ZeroHash
		if len(l.lines) > 0 {
			e.PrevHash = domain.Hash(l.lines[len(l.lines)-1])
		}
		line, err := domain.Encode(e)
		require.NoError(l.t, err)
		stored, err := domain.Decode(line)
		require.NoError(l.t, err)
		l.state = domain.Evolve(l.state, stored)
		l.lines = append(l.lines, line)
	}
}

// storyLines returns the story's stored lines for an alliance numbered base.
func storyLines(t testing.TB, base int) (story, [][]byte) {
	t.Helper()
	s := newStory(base)
	l := &memLedger{t: t, aid: s.aid, clock: t0}
	s.tell(l.run)
	require.Len(t, l.lines, 33)
	return s, l.lines
}

// export frames lines as an export file: each line followed by LF.
func export(lines [][]byte) []byte {
	var b bytes.Buffer
	for _, l := range lines {
		b.Write(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

var (
	seqField  = regexp.MustCompile(`"seq":\d+`)
	prevField = regexp.MustCompile(`"prev_hash":"[0-9a-f]*"`)
)

// reseal renumbers lines[from:] and recomputes their prev_hash, as a forger
// who rewrote history would, leaving every other byte as it is.
func reseal(lines [][]byte, from int) [][]byte {
	out := make([][]byte, len(lines))
	copy(out, lines)
	for i := from; i < len(out); i++ {
		prev := domain.ZeroHash
		if i > 0 {
			prev = domain.Hash(out[i-1])
		}
		// Only the envelope's own fields: they come before "data".
		head, data, _ := bytes.Cut(out[i], []byte(`"data":`))
		head = seqField.ReplaceAll(head, fmt.Appendf(nil, `"seq":%d`, i+1))
		head = prevField.ReplaceAll(head, fmt.Appendf(nil, `"prev_hash":"%s"`, prev))
		out[i] = append(append(head, `"data":`...), data...)
	}
	return out
}

// edit returns lines with line seq (1-based) replaced by f of it.
func edit(lines [][]byte, seq int, f func([]byte) []byte) [][]byte {
	out := make([][]byte, len(lines))
	copy(out, lines)
	out[seq-1] = f(append([]byte{}, lines[seq-1]...))
	return out
}

func replace(old, new string) func([]byte) []byte {
	return func(b []byte) []byte {
		if !bytes.Contains(b, []byte(old)) {
			panic(fmt.Sprintf("%q not in %s", old, b))
		}
		return bytes.Replace(b, []byte(old), []byte(new), 1)
	}
}

func TestVerifyHolds(t *testing.T) {
	_, lines := storyLines(t, 0)
	got, err := Verify(bytes.NewReader(export(lines)), VerifyOptions{})
	require.NoError(t, err)
	require.Equal(t, 33, got.Events)
	require.Equal(t, 3, got.Decisions)
	require.Len(t, got.Alliances, 1)
	head := got.Alliances[0]
	require.Equal(t, uint64(33), head.Seq)
	require.Equal(t, domain.Hash(lines[32]), head.Hash)
	require.Equal(t, "Care Alliance", head.Name)

	// The last line may lack its LF.
	raw := export(lines)
	_, err = Verify(bytes.NewReader(raw[:len(raw)-1]), VerifyOptions{})
	require.NoError(t, err)
}

func TestVerifyInterleavedAlliances(t *testing.T) {
	a, la := storyLines(t, 0)
	b, lb := storyLines(t, 1000)
	var mixed [][]byte
	for i := range la {
		mixed = append(mixed, la[i], lb[i])
	}
	got, err := Verify(bytes.NewReader(export(mixed)), VerifyOptions{})
	require.NoError(t, err)
	require.Equal(t, 66, got.Events)
	require.Equal(t, 6, got.Decisions)
	require.Equal(t, []string{a.aid, b.aid}, []string{got.Alliances[0].AllianceID, got.Alliances[1].AllianceID})

	// A line of one alliance does not chain to the other's.
	mixed[2], mixed[3] = mixed[3], mixed[2]
	_, err = Verify(bytes.NewReader(export(mixed)), VerifyOptions{})
	require.NoError(t, err, "swapping lines of different alliances keeps each chain in order")
	mixed[2], mixed[4] = mixed[4], mixed[2]
	_, err = Verify(bytes.NewReader(export(mixed)), VerifyOptions{})
	requireChainError(t, err, 2, "expected seq 2, found seq 3")
}

func TestVerifyCatches(t *testing.T) {
	s, lines := storyLines(t, 0)
	cases := []struct {
		name   string
		lines  [][]byte
		seq    uint64
		reason string
	}{
		{"flipped byte", edit(lines, 4, replace("Member B", "Member C")), 5,
			"is not the SHA-256 of seq 4 as stored"},
		{"flipped byte in a hash", edit(lines, 10, func(b []byte) []byte {
			i := bytes.Index(b, []byte(`"prev_hash":"`)) + 13
			b[i] ^= 1
			return b
		}), 10, "is not the SHA-256 of seq 9"},
		{"dropped line", append(append([][]byte{}, lines[:13]...), lines[14:]...), 14,
			"seq 14 is missing"},
		{"two lines swapped", edit(edit(lines, 15, func([]byte) []byte { return lines[15] }), 16, func([]byte) []byte { return lines[14] }), 15,
			"expected seq 15, found seq 16"},
		{"repeated line", append(append([][]byte{}, lines[:13]...), lines[12:]...), 14,
			"found seq 13 again"},
		{"forged outcome, chain recomputed", reseal(edit(lines, 33, replace(`"result":"rejected"`, `"result":"adopted"`)), 33), 33,
			"result recorded adopted, re-derived rejected"},
		{"forged tally, chain recomputed", reseal(edit(lines, 20, replace(`"disagree":1`, `"disagree":0`)), 20), 20,
			"tally recorded 3 agree, 0 disagree"},
		{"dropped stance, chain recomputed", reseal(append(append([][]byte{}, lines[:15]...), lines[16:]...), 15), 19,
			"the recorded outcome of proposal " + s.p1},
		{"charter change dropped, chain recomputed", reseal(append(append([][]byte{}, lines[:26]...), lines[27:]...), 26), 27,
			"its CharterAmended must follow, not ProposalSubmitted"},
		{"charter change forged", reseal(edit(lines, 27, replace(`"decision_rule":"majority"`, `"decision_rule":"unanimity"`)), 27), 27,
			"is not the charter adopted at seq 26"},
		{"friendlier rule at the opening", reseal(edit(lines, 29, replace(`"decision_rule":"majority"`, `"decision_rule":"supermajority"`)), 29), 29,
			"but the charter in force was"},
		{"withdrawn member made eligible", reseal(edit(lines, 22, replace(`"eligible":["`, `"eligible":["`+s.m4+`","`)), 22), 22,
			"but the active members were"},
		{"vote by a withdrawn member", reseal(edit(lines, 19, func(b []byte) []byte {
			return bytes.ReplaceAll(b, []byte(s.conv), []byte(s.m4))
		}), 19), 19, "is not eligible"},
		{"vote cast for another member", reseal(edit(lines, 13, replace(`"member_id":"`+s.m1+`","stance"`, `"member_id":"`+s.m3+`","stance"`)), 13), 13,
			"was cast by actor " + s.m1},
		{"seq 1 not chained to zeros", reseal(edit(lines, 1, replace(domain.ZeroHash, strings.Repeat("ab", 32))), 1), 1,
			"prev_hash of seq 1 must be 64 zeros"},
		{"does not start with AllianceFormed", reseal(lines[1:], 0), 1,
			"seq 1 is MemberAdmitted"},
		{"unknown event type", reseal(edit(lines, 7, replace(`"type":"ProposalSubmitted"`, `"type":"ProposalSmuggled"`)), 7), 7,
			`unknown event type "ProposalSmuggled"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Verify(bytes.NewReader(export(c.lines)), VerifyOptions{})
			requireChainError(t, err, c.seq, c.reason)
		})
	}
}

func TestVerifyFraming(t *testing.T) {
	_, lines := storyLines(t, 0)
	raw := export(lines)
	cases := []struct {
		name   string
		input  []byte
		line   int
		reason string
	}{
		{"CRLF", bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n")), 1, "carriage return"},
		{"blank line", append(append(export(lines[:3]), '\n'), export(lines[3:])...), 4, "the line is empty"},
		{"not JSON", append(append([]byte{}, raw...), "{oops\n"...), 34, "not a valid event"},
		{"nothing", nil, 0, "no events"},
		{"too long", bytes.Repeat([]byte("a"), MaxLineSize+1), 1, "longer than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Verify(bytes.NewReader(c.input), VerifyOptions{})
			var ce *ChainError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, c.line, ce.Line, "%v", err)
			require.Contains(t, ce.Error(), c.reason)
		})
	}
}

func TestVerifyAnchors(t *testing.T) {
	_, lines := storyLines(t, 0)
	anchor := domain.Hash(lines[19])
	_, err := Verify(bytes.NewReader(export(lines)), VerifyOptions{Anchors: []string{anchor}})
	require.NoError(t, err)
	// A file cut short before the anchor chains perfectly; only the anchor
	// shows what is missing.
	_, err = Verify(bytes.NewReader(export(lines[:19])), VerifyOptions{})
	require.NoError(t, err)
	_, err = Verify(bytes.NewReader(export(lines[:19])), VerifyOptions{Anchors: []string{anchor}})
	requireChainError(t, err, 0, "no event has the expected hash "+anchor)
}

func TestVerifierAfterFailure(t *testing.T) {
	_, lines := storyLines(t, 0)
	v := NewVerifier(VerifyOptions{})
	require.NoError(t, v.Check(lines[0]))
	first := v.Check(lines[2])
	require.Error(t, first)
	require.Equal(t, first, v.Check(lines[1]), "a failed verifier keeps its first error")
	_, err := v.Finish()
	require.Equal(t, first, err)
}

func TestVerifyReportsProgressAndReadErrors(t *testing.T) {
	_, lines := storyLines(t, 0)
	raw := export(lines)
	var last int64
	_, err := Verify(bytes.NewReader(raw), VerifyOptions{Progress: func(n int64) { last = n }})
	require.NoError(t, err)
	require.Equal(t, int64(len(raw)), last)

	broken := io.MultiReader(bytes.NewReader(raw[:100]), errReader{})
	_, err = Verify(broken, VerifyOptions{})
	require.ErrorIs(t, err, errDisk)
	var ce *ChainError
	require.False(t, errors.As(err, &ce), "a read error is not a verdict on the ledger")
}

var errDisk = errors.New("disk on fire")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errDisk }

// TestVerifyStreamsLargeLedger checks that verifying holds the folded state,
// not the input: the heap stays well under the size of the file.
func TestVerifyStreamsLargeLedger(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	const votes = 30_000
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeVotes(pw, votes)) }()
	// Start from a collected heap, so that what earlier tests left behind
	// does not count.
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	var size, sampled int64
	got, err := Verify(pr, VerifyOptions{Progress: func(n int64) {
		size = n
		if n-sampled < 4<<20 {
			return
		}
		sampled = n
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}})
	require.NoError(t, err)
	require.Equal(t, votes+9, got.Events)
	require.Greater(t, size, int64(24<<20), "the input should dwarf the state")
	grown := peak - min(peak, base.HeapInuse)
	t.Logf("verified %d bytes; the heap grew by at most %d", size, grown)
	require.Less(t, grown, uint64(size/4), "the heap grew by %d bytes for an input of %d", grown, size)
}

// writeVotes writes a ledger whose votes change back and forth, straight to
// w, so that the test holds no more of it than the verifier does.
func writeVotes(w io.Writer, votes int) error {
	s := newStory(5000)
	prev := domain.ZeroHash
	seq := uint64(0)
	emit := func(actor domain.Actor, data domain.EventData) error {
		seq++
		e := domain.NewEvent(domain.Meta{AllianceID: s.aid, CommandID: fmt.Sprint(seq), At: t0.Add(time.Duration(seq) * time.Second), Actor: actor}, data)
		e.ID, e.Seq, e.PrevHash = testID(200000+int(seq)), seq, prev
		line, err := domain.Encode(e)
		if err != nil {
			return err
		}
		prev = domain.Hash(line)
		_, err = w.Write(append(line, '\n'))
		return err
	}
	members := []string{s.conv, s.m1, s.m2, s.m3, s.m4}
	rule, err := domain.NormalizeCharter(majority)
	if err != nil {
		return err
	}
	steps := []domain.EventData{domain.AllianceFormed{Name: "Big", Purpose: "Many votes", Charter: rule}}
	for i, m := range members {
		role := domain.RoleMember
		if i == 0 {
			role = domain.RoleConvener
		}
		steps = append(steps, domain.MemberAdmitted{MemberID: m, Name: "M" + fmt.Sprint(i), Sector: "payer", Role: role})
	}
	steps = append(steps,
		domain.ProposalSubmitted{ProposalID: s.p1, Kind: domain.KindResolution, Title: "T", Body: "B", AuthorID: s.m1},
		domain.VotingOpened{ProposalID: s.p1, Version: 1, Rule: rule, Eligible: members})
	for _, d := range steps {
		if err := emit(admin, d); err != nil {
			return err
		}
	}
	stances := []string{"agree", "disagree", "abstain", "block"}
	reason := strings.Repeat("a considered reason ", 40)
	for i := range votes {
		m := members[i%len(members)]
		if err := emit(member(m), domain.VoteCast{ProposalID: s.p1, MemberID: m, Stance: stances[i%len(stances)], Reason: reason}); err != nil {
			return err
		}
	}
	// The last vote of each member decides; Judge says what that gives.
	var tally domain.Tally
	for i := votes - len(members); i < votes; i++ {
		switch stances[i%len(stances)] {
		case "agree":
			tally.Agree++
		case "disagree":
			tally.Disagree++
		case "abstain":
			tally.Abstain++
		case "block":
			tally.Block++
		}
	}
	out, err := domain.Judge(rule, tally, len(members))
	if err != nil {
		return err
	}
	out.ProposalID = s.p1
	return emit(member(s.conv), out)
}

// requireChainError requires err to be a *ChainError at seq whose message
// contains reason.
func requireChainError(t *testing.T, err error, seq uint64, reason string) {
	t.Helper()
	var ce *ChainError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, seq, ce.Seq, "%v", err)
	require.Contains(t, ce.Error(), reason)
}

// BenchmarkVerify measures verification per event of a realistic ledger.
func BenchmarkVerify(b *testing.B) {
	_, lines := storyLines(b, 0)
	raw := export(lines)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Verify(bytes.NewReader(raw), VerifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
