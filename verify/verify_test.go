package verify

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
	"accord/domain/domaintest"
)

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
	_, lines := domaintest.StoryLines(t, 0)
	got, err := Verify(bytes.NewReader(export(lines)), Options{})
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
	_, err = Verify(bytes.NewReader(raw[:len(raw)-1]), Options{})
	require.NoError(t, err)
}

func TestVerifyInterleavedAlliances(t *testing.T) {
	a, la := domaintest.StoryLines(t, 0)
	b, lb := domaintest.StoryLines(t, 1000)
	var mixed [][]byte
	for i := range la {
		mixed = append(mixed, la[i], lb[i])
	}
	got, err := Verify(bytes.NewReader(export(mixed)), Options{})
	require.NoError(t, err)
	require.Equal(t, 66, got.Events)
	require.Equal(t, 6, got.Decisions)
	require.Equal(t, []string{a.AID, b.AID}, []string{got.Alliances[0].AllianceID, got.Alliances[1].AllianceID})

	// A line of one alliance does not chain to the other's.
	mixed[2], mixed[3] = mixed[3], mixed[2]
	_, err = Verify(bytes.NewReader(export(mixed)), Options{})
	require.NoError(t, err, "swapping lines of different alliances keeps each chain in order")
	mixed[2], mixed[4] = mixed[4], mixed[2]
	_, err = Verify(bytes.NewReader(export(mixed)), Options{})
	requireChainError(t, err, 2, "expected seq 2, found seq 3")
}

func TestVerifyCatches(t *testing.T) {
	s, lines := domaintest.StoryLines(t, 0)
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
			"the recorded outcome of proposal " + s.P1},
		{"charter change dropped, chain recomputed", reseal(append(append([][]byte{}, lines[:26]...), lines[27:]...), 26), 27,
			"its CharterAmended must follow, not ProposalSubmitted"},
		{"charter change forged", reseal(edit(lines, 27, replace(`"decision_rule":"majority"`, `"decision_rule":"unanimity"`)), 27), 27,
			"is not the charter adopted at seq 26"},
		{"friendlier rule at the opening", reseal(edit(lines, 29, replace(`"decision_rule":"majority"`, `"decision_rule":"supermajority"`)), 29), 29,
			"but the charter in force was"},
		{"withdrawn member made eligible", reseal(edit(lines, 22, replace(`"eligible":["`, `"eligible":["`+s.M4+`","`)), 22), 22,
			"but the active members were"},
		{"vote by a withdrawn member", reseal(edit(lines, 19, func(b []byte) []byte {
			return bytes.ReplaceAll(b, []byte(s.Conv), []byte(s.M4))
		}), 19), 19, "is not eligible"},
		{"vote cast for another member", reseal(edit(lines, 13, replace(`"member_id":"`+s.M1+`","stance"`, `"member_id":"`+s.M3+`","stance"`)), 13), 13,
			"was cast by actor " + s.M1},
		{"seq 1 not chained to zeros", reseal(edit(lines, 1, replace(domain.ZeroHash, strings.Repeat("ab", 32))), 1), 1,
			"prev_hash of seq 1 must be 64 zeros"},
		{"does not start with AllianceFormed", reseal(lines[1:], 0), 1,
			"seq 1 is MemberAdmitted"},
		{"unknown event type", reseal(edit(lines, 7, replace(`"type":"ProposalSubmitted"`, `"type":"ProposalSmuggled"`)), 7), 7,
			`unknown event type "ProposalSmuggled"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Verify(bytes.NewReader(export(c.lines)), Options{})
			requireChainError(t, err, c.seq, c.reason)
		})
	}
}

func TestVerifyFraming(t *testing.T) {
	_, lines := domaintest.StoryLines(t, 0)
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
			_, err := Verify(bytes.NewReader(c.input), Options{})
			var ce *ChainError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, c.line, ce.Line, "%v", err)
			require.Contains(t, ce.Error(), c.reason)
		})
	}
}

func TestVerifyAnchors(t *testing.T) {
	_, lines := domaintest.StoryLines(t, 0)
	anchor := domain.Hash(lines[19])
	_, err := Verify(bytes.NewReader(export(lines)), Options{Anchors: []string{anchor}})
	require.NoError(t, err)
	// A file cut short before the anchor chains perfectly; only the anchor
	// shows what is missing.
	_, err = Verify(bytes.NewReader(export(lines[:19])), Options{})
	require.NoError(t, err)
	_, err = Verify(bytes.NewReader(export(lines[:19])), Options{Anchors: []string{anchor}})
	requireChainError(t, err, 0, "no event has the expected hash "+anchor)
}

func TestVerifierAfterFailure(t *testing.T) {
	_, lines := domaintest.StoryLines(t, 0)
	v := NewVerifier(Options{})
	require.NoError(t, v.Check(lines[0]))
	first := v.Check(lines[2])
	require.Error(t, first)
	require.Equal(t, first, v.Check(lines[1]), "a failed verifier keeps its first error")
	_, err := v.Finish()
	require.Equal(t, first, err)
}

func TestVerifyReportsProgressAndReadErrors(t *testing.T) {
	_, lines := domaintest.StoryLines(t, 0)
	raw := export(lines)
	var last int64
	_, err := Verify(bytes.NewReader(raw), Options{Progress: func(n int64) { last = n }})
	require.NoError(t, err)
	require.Equal(t, int64(len(raw)), last)

	broken := io.MultiReader(bytes.NewReader(raw[:100]), errReader{})
	_, err = Verify(broken, Options{})
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
	got, err := Verify(pr, Options{Progress: func(n int64) {
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
	s := domaintest.NewStory(5000)
	prev := domain.ZeroHash
	seq := uint64(0)
	emit := func(actor domain.Actor, data domain.EventData) error {
		seq++
		e := domain.NewEvent(domain.Meta{AllianceID: s.AID, CommandID: fmt.Sprint(seq), At: domaintest.T0.Add(time.Duration(seq) * time.Second), Actor: actor}, data)
		e.ID, e.Seq, e.PrevHash = domaintest.TestID(200000+int(seq)), seq, prev
		line, err := domain.Encode(e)
		if err != nil {
			return err
		}
		prev = domain.Hash(line)
		_, err = w.Write(append(line, '\n'))
		return err
	}
	members := []string{s.Conv, s.M1, s.M2, s.M3, s.M4}
	rule, err := domain.NormalizeCharter(domaintest.Majority)
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
		domain.ProposalSubmitted{ProposalID: s.P1, Kind: domain.KindResolution, Title: "T", Body: "B", AuthorID: s.M1},
		domain.VotingOpened{ProposalID: s.P1, Version: 1, Rule: rule, Eligible: members})
	for _, d := range steps {
		if err := emit(domaintest.Admin, d); err != nil {
			return err
		}
	}
	stances := []domain.Stance{"agree", "disagree", "abstain", "block"}
	reason := strings.Repeat("a considered reason ", 40)
	for i := range votes {
		m := members[i%len(members)]
		if err := emit(domaintest.Member(m), domain.VoteCast{ProposalID: s.P1, MemberID: m, Stance: stances[i%len(stances)], Reason: reason}); err != nil {
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
	out.ProposalID = s.P1
	return emit(domaintest.Member(s.Conv), out)
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
	_, lines := domaintest.StoryLines(b, 0)
	raw := export(lines)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Verify(bytes.NewReader(raw), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
