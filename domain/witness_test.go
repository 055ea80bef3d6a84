package domain

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const witnessVKey = "regulator-witness+5a0c1d2e+BAEjRWeJq83vASNFZ4mrze8BI0VniavN7wEjRWeJq83v"

func TestAddWitness(t *testing.T) {
	wid := id(40)
	add := AddWitness{WitnessID: wid, Name: "regulator-witness", VKey: witnessVKey}
	observer := id(99) // the actor id of as()
	withObserver := append(formed(), ObserverAdded{ObserverID: observer, Name: "Regulator"})
	withWitness := append(formed(), WitnessAdded{WitnessID: id(41), PartyID: m1, Name: "regulator-witness", VKey: witnessVKey})
	with := func(f func(*AddWitness)) AddWitness { c := add; f(&c); return c }
	run(t, []scenario{
		{name: "by a member, for itself", given: formed(), as: asMember(m1), when: add,
			then: then(WitnessAdded{WitnessID: wid, PartyID: m1, Name: "regulator-witness", VKey: witnessVKey})},
		{name: "by an observer, for itself", given: withObserver, as: asObserver(), when: add,
			then: then(WitnessAdded{WitnessID: wid, PartyID: observer, Name: "regulator-witness", VKey: witnessVKey})},
		{name: "by an unknown observer", given: formed(), as: asObserver(), when: add, err: Forbidden, msg: "is not an observer"},
		{name: "by the admin", given: formed(), as: asAdmin(), when: add, err: Forbidden, msg: "the admin is neither"},
		{name: "by a stranger", given: formed(), as: asMember(stranger), when: add, err: Forbidden, msg: "is not a member"},
		{name: "by a withdrawn member", given: append(formed(), MemberWithdrew{MemberID: m3}), as: asMember(m3), when: add, err: Forbidden, msg: "has withdrawn"},
		{name: "the same key twice", given: withWitness, as: asMember(m2), when: add, err: Conflict, msg: "already registered"},
		{name: "no name", given: formed(), as: asMember(m1), when: with(func(c *AddWitness) { c.Name = "" }), err: Invalid, msg: "name is required"},
		{name: "a name with a space", given: formed(), as: asMember(m1), when: with(func(c *AddWitness) { c.Name = "a b" }), err: Invalid, msg: "no space and no '+'"},
		{name: "no key", given: formed(), as: asMember(m1), when: with(func(c *AddWitness) { c.VKey = "" }), err: Invalid, msg: "vkey is required"},
		{name: "two lines", given: formed(), as: asMember(m1), when: with(func(c *AddWitness) { c.VKey += "\nx" }), err: Invalid, msg: "vkey contains a control character"},
		{name: "too long", given: formed(), as: asMember(m1), when: with(func(c *AddWitness) { c.VKey += strings.Repeat("A", MaxVKeyBytes) }), err: Invalid, msg: "at most 1024 bytes"},
		{name: "another name", given: formed(), as: asMember(m1), when: with(func(c *AddWitness) { c.Name = "someone-else" }), err: Invalid, msg: `is not named "someone-else"`},
		{name: "no witness id", given: formed(), as: asMember(m1), when: with(func(c *AddWitness) { c.WitnessID = "" }), err: Invalid, msg: "witness id is required"},
		{name: "after the conclusion", given: append(formed(), AllianceConcluded{Reason: "done"}), as: asMember(m1), when: add, err: Conflict},
	})
}

func TestWitnessesAreState(t *testing.T) {
	s := fold(t, append(formed(), WitnessAdded{WitnessID: id(41), PartyID: m1, Name: "w", VKey: "w+00000000+BA"}))
	w, ok := s.Witness(id(41))
	require.True(t, ok)
	require.Equal(t, Witness{ID: id(41), PartyID: m1, Name: "w", VKey: "w+00000000+BA", Seq: uint64(len(formed()) + 1)}, w)
	require.Len(t, s.Clone().Witnesses, 1)
	raw := stateJSON(t, fold(t, formed()))
	require.Contains(t, raw, `"witnesses":[]`)
}

func TestWitnessAddedTakesTheFastPaths(t *testing.T) {
	line := sampleLine(t, WitnessAdded{WitnessID: id(41), PartyID: m1, Name: "w", VKey: witnessVKey})
	_, ok := decodeFast(line)
	require.True(t, ok)
	requireSameDecode(t, line)
	awkward := sampleLine(t, WitnessAdded{WitnessID: id(41), PartyID: m1, Name: `"<w>"`, VKey: "é\u2028"})
	requireSameDecode(t, awkward)
}
