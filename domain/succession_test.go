package domain

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFormASuccessor(t *testing.T) {
	pred := id(2)
	head := AllianceHead{AllianceID: pred, Seq: 41, Hash: strings.Repeat("ab", 32)}
	form := func(h *AllianceHead) FormAlliance {
		return FormAlliance{Name: "Care Alliance II", Purpose: "p", Predecessor: h}
	}
	formedAfter := func(h *AllianceHead) []EventData {
		return then(AllianceFormed{Name: "Care Alliance II", Purpose: "p", Charter: full(consensusCharter), Predecessor: h})
	}
	run(t, []scenario{
		{name: "records the predecessor's head", as: asAdmin(), when: form(&head), then: formedAfter(&head)},
		{name: "without a predecessor", as: asAdmin(), when: form(nil), then: formedAfter(nil)},

		{name: "a malformed predecessor", as: asAdmin(), when: form(&AllianceHead{AllianceID: "care-1", Seq: 1, Hash: head.Hash}), err: Invalid,
			msg: `predecessor "care-1" is not a uuid`},
		{name: "itself", as: asAdmin(), when: form(&AllianceHead{AllianceID: aid, Seq: 1, Hash: head.Hash}), err: Invalid,
			msg: "predecessor " + aid + " is the alliance being formed: an alliance cannot succeed itself"},
		{name: "a head at seq 0", as: asAdmin(), when: form(&AllianceHead{AllianceID: pred, Hash: head.Hash}), err: Internal,
			msg: "the head of predecessor " + pred + " (seq 0, hash"},
		{name: "a head without a hash", as: asAdmin(), when: form(&AllianceHead{AllianceID: pred, Seq: 3, Hash: strings.ToUpper(head.Hash)}), err: Internal,
			msg: "is not an event's"},
		{name: "by a convener", given: nil, as: asConvener(), when: form(&head), err: Forbidden, msg: "only the admin can form an alliance"},
	})
}

func TestStateKnowsItsPredecessor(t *testing.T) {
	head := AllianceHead{AllianceID: id(2), Seq: 41, Hash: strings.Repeat("0f", 32)}
	s := fold(t, []EventData{AllianceFormed{Name: "II", Charter: consensusCharter, Predecessor: &head}})
	require.Equal(t, &head, s.Predecessor)
	head.Seq = 1
	require.EqualValues(t, 41, s.Predecessor.Seq, "the state holds its own copy")

	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(stateJSON(t, s)), &got))
	require.Equal(t, map[string]any{"alliance_id": id(2), "seq": 41.0, "hash": strings.Repeat("0f", 32)}, got["predecessor"])
	require.Equal(t, false, got["concluded"])

	require.NoError(t, json.Unmarshal([]byte(stateJSON(t, fold(t, formed()))), &got))
	require.Contains(t, got, "predecessor")
	require.Nil(t, got["predecessor"], "null when it succeeds none")

	c := s.Clone()
	c.Predecessor.Seq = 7
	require.EqualValues(t, 41, s.Predecessor.Seq, "a clone shares no predecessor")
}
