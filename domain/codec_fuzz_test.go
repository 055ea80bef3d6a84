package domain

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzDecode feeds arbitrary bytes to Decode, as the read side and the
// offline verifier do with every stored line. Decode never panics and
// refuses with Invalid; what it accepts encodes, decodes again to the same
// event and bytes (one normalisation at most), and evolves a state that
// holds every kind of thing without panicking.
func FuzzDecode(f *testing.F) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC)
	for i, d := range oneOfEach() {
		e := NewEvent(Meta{AllianceID: aid, CommandID: "cmd", At: at, Actor: Actor{ID: m1, Role: RoleMember, MemberID: m1}}, d)
		e.ID, e.Seq, e.PrevHash = id(500+i), uint64(i+1), ZeroHash
		line, err := Encode(e)
		require.NoError(f, err)
		f.Add(line)
	}
	for _, s := range []string{
		`{`, `null`, `[]`, `{}`, `{"type":"VoteCast","v":1}`, `{"type":"VoteCast","v":1,"data":null}`,
		`{"type":"VoteCast","v":2,"data":{}}`, `{"type":"Nope","v":1,"data":{}}`, `{"type":"VoteCast","v":1,"data":[]}`,
		`{"type":"VoteCast","v":1,"seq":-1,"data":{}}`, `{"type":"VoteCast","v":1,"at":"0000-01-01T00:00:00Z","data":{}}`,
		`{"type":"VoteCast","v":1,"at":"2026-11-22T10:00:00+23:59","data":{"member_id":"x"}}`,
		`{"type":"WorkgroupFormed","v":1,"data":{"target":1e308,"member_ids":null}}`,
		`{"type":"VotingOpened","v":1,"data":{"eligible":[],"closes_at":null}}`,
		`{"type":"ProposalSubmitted","v":1,"data":{"charter":{}}}`,
		`{"type":"VoteCast","v":1,"data":{"stance":"\ud800"}}`, "{\"type\":\"VoteCast\",\"v\":1,\"data\":{\"reason\":\"\xff\"}}",
		`{"type":"VoteCast","type":"VotingClosed","v":1,"data":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		ev, err := Decode(line)
		if err != nil {
			require.Equal(t, Invalid, KindOf(err), "%v", err)
			return
		}
		once, err := Encode(ev)
		require.NoError(t, err, "Decode accepted what Encode cannot write")
		again, err := Decode(once)
		require.NoError(t, err, "Decode refused what Encode wrote: %s", once)
		twice, err := Encode(again)
		require.NoError(t, err)
		require.Equal(t, string(once), string(twice), "encoding is not stable")

		s := fold(t, committed(WorkgroupFormed{WorkgroupID: wg, Name: "w", MemberIDs: []string{m1}}))
		ev.Seq = s.Seq + 1
		_ = Evolve(s, ev)
		_ = Evolve(Alliance{}, ev)
	})
}
