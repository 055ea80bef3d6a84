package domain

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEncodeMatchesEncodingJSON holds the hand-written encoder to the bytes
// encoding/json writes for every catalogue type and awkward strings.
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	awkward := "quote \" backslash \\ <b>&amp; \n\r\t\b\f \x01 \u2028\u2029 é ✓ \xff\xfe end"
	samples := []EventData{
		vote(m2, StanceAgree),
		VoteCast{ProposalID: prop, MemberID: m2, Stance: "agree", Reason: awkward},
		MemberAdmitted{MemberID: m1, Name: awkward, Sector: "payer", Role: RoleMember},
		submitted(prop, KindCharter, &consensusCharter),
		castFor(m2, m1, StanceBlock),
		VoteCast{ProposalID: prop, MemberID: m2, Stance: "agree", Reason: awkward, CastBy: awkward},
		WitnessAdded{WitnessID: awkward, PartyID: awkward, Name: awkward, VKey: awkward},
	}
	samples = append(append(samples, oneOfEach()...), variants()...)
	for _, d := range samples {
		e := at(event(d), 12)
		e.ID, e.PrevHash = id(3), ZeroHash
		for _, actor := range []Actor{{ID: m1, Role: RoleMember, MemberID: m1}, {ID: id(4), Role: RoleAdmin}} {
			e.Actor = actor
			requireSameEncoding(t, e)
		}
	}
}

func requireSameEncoding(t *testing.T, e Event) {
	t.Helper()
	want, err := json.Marshal(e)
	require.NoError(t, err)
	got, err := encodeEnvelope(e)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
}

// FuzzEncode compares both encoders on arbitrary strings in every field.
func FuzzEncode(f *testing.F) {
	f.Add("id", "reason <&> \u2028", "agree", uint64(7))
	f.Add("\xff", "\x00\x1f", "", uint64(0))
	f.Fuzz(func(t *testing.T, a, b, c string, seq uint64) {
		e := at(event(VoteCast{ProposalID: a, MemberID: b, Stance: Stance(c), Reason: a + b, CastBy: c + a}), 1)
		e.Seq, e.ID, e.CommandID, e.PrevHash = seq, b, c, a
		e.Actor = Actor{ID: a, Role: Role(b), MemberID: c}
		requireSameEncoding(t, e)
	})
}
