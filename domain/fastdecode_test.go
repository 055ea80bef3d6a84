package domain

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDecodeFastAgrees checks the fast path gives exactly what encoding/json
// gives, and takes the lines it is meant to.
func TestDecodeFastAgrees(t *testing.T) {
	plain := sampleLine(t, vote(m2, StanceAgree))
	_, ok := decodeFast(plain)
	require.True(t, ok, "a plain vote takes the fast path")
	byProxy := sampleLine(t, castFor(m2, m1, StanceAgree))
	_, ok = decodeFast(byProxy)
	require.True(t, ok, "so does a vote cast by a proxy")
	lines := [][]byte{
		plain,
		sampleLine(t, VoteCast{ProposalID: prop, MemberID: m2, Stance: "agree", Reason: `says "yes" <now> & then`}),
		sampleLine(t, VoteCast{ProposalID: prop, MemberID: m2, Stance: "agree", Reason: "é ünïcode ✓"}),
		sampleLine(t, MemberAdmitted{MemberID: m1, Name: "Payer", Sector: "payer", Role: RoleMember}),
		byProxy,
		sampleLine(t, VoteCast{ProposalID: prop, MemberID: m2, Stance: "agree", CastBy: `"quoted" <proxy>`}),
		[]byte(strings.Replace(string(plain), `}}`, `,"cast_by":""}}`, 1)),
		[]byte(strings.Replace(string(byProxy), `"cast_by"`, `"cast_by":"x","cast_by"`, 1)),
	}
	for _, d := range append(oneOfEach(), variants()...) {
		lines = append(lines, sampleLine(t, d))
	}
	for _, line := range lines {
		requireSameDecode(t, line)
	}
}

func sampleLine(t *testing.T, d EventData) []byte {
	t.Helper()
	e := at(event(d), 7)
	e.ID, e.PrevHash, e.Actor = id(97), ZeroHash, Actor{ID: m2, Role: RoleMember, MemberID: m2}
	line, err := Encode(e)
	require.NoError(t, err)
	return line
}

func requireSameDecode(t *testing.T, line []byte) {
	t.Helper()
	slow, slowErr := decodeSlow(line)
	fast, ok := decodeFast(line)
	if !ok {
		return
	}
	require.NoError(t, slowErr, "fast path took a line encoding/json refuses: %s", line)
	require.Equal(t, slow, fast, "line: %s", line)
}

// FuzzDecodeFast feeds arbitrary lines to both paths: whenever the fast path
// takes a line, encoding/json must accept it and agree.
func FuzzDecodeFast(f *testing.F) {
	signed := VoteCast{ProposalID: prop, MemberID: m2, Stance: StanceAgree, Signed: stored(keyOf(m2), VoteStatement(hdr(m2), prop, 1, StanceAgree, "", ""))}
	for _, d := range []EventData{vote(m1, StanceBlock), VoteCast{ProposalID: prop, Stance: "x"}, signed, castFor(m1, m2, StanceAgree)} {
		e := at(event(d), 3)
		e.ID, e.PrevHash = id(5), ZeroHash
		line, err := Encode(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(line)
	}
	f.Add([]byte(`{"id":"a","alliance_id":"b","seq":01,"type":"VoteCast","v":1}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		requireSameDecode(t, line)
	})
}
