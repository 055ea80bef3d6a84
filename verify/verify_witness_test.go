package verify

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
	"accord/transparency"
)

// witnessLines is an alliance whose member (seq 3) and observer (seq 4)
// register witness keys: seq 5 and 6.
func witnessLines(t *testing.T) (member, observer string, vkeys [2]string, lines [][]byte) {
	t.Helper()
	aid, member, observer := domaintest.TestID(3001), domaintest.TestID(3011), domaintest.TestID(3020)
	l := &domaintest.MemLog{T: t, AID: aid, Clock: domaintest.T0}
	l.Run(domaintest.Admin, domain.FormAlliance{Name: "Witnessed", Purpose: "p", Charter: domain.Charter{DecisionRule: domain.RuleMajority, Quorum: "1/2", Threshold: "1/2"}})
	l.Run(domaintest.Admin, domain.AdmitMember{MemberID: domaintest.TestID(3010), Name: "Convener", Sector: "s", Role: domain.RoleConvener})
	l.Run(domaintest.Admin, domain.AdmitMember{MemberID: member, Name: "Member", Sector: "s", Role: domain.RoleMember})
	l.Run(domaintest.Admin, domain.AddObserver{ObserverID: observer, Name: "Regulator"})
	for i, name := range []string{"member-witness", "regulator-witness"} {
		_, vkey, err := transparency.GenerateWitnessKey(name, bytes.NewReader(bytes.Repeat([]byte{byte(i + 7)}, 32)))
		require.NoError(t, err)
		vkeys[i] = vkey
	}
	l.Run(domaintest.Member(member), domain.AddWitness{WitnessID: domaintest.TestID(3040), Name: "member-witness", VKey: vkeys[0]})
	l.Run(domain.Actor{ID: observer, Role: domain.RoleObserver}, domain.AddWitness{WitnessID: domaintest.TestID(3041), Name: "regulator-witness", VKey: vkeys[1]})
	require.Len(t, l.Lines, 6)
	return member, observer, vkeys, l.Lines
}

func TestVerifyWitnesses(t *testing.T) {
	member, observer, vkeys, lines := witnessLines(t)
	_, err := Verify(bytes.NewReader(export(lines)), Options{})
	require.NoError(t, err)

	notAKey := "member-witness+00000000+AQ=="
	cases := []struct {
		name   string
		lines  [][]byte
		seq    uint64
		reason string
	}{
		{"a witness speaking for another party", reseal(edit(lines, 5, replace(`"party_id":"`+member, `"party_id":"`+observer)), 5), 5,
			"speaks for party " + observer + " but was registered by actor " + member},
		{"a vkey that is no witness key", reseal(edit(lines, 5, replace(vkeys[0], notAKey)), 5), 5, "its vkey is not a witness key"},
		{"a vkey of another name", reseal(edit(lines, 6, replace(`"name":"regulator-witness"`, `"name":"someone"`)), 6), 6,
			`is named "someone" but its vkey names "regulator-witness"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Verify(bytes.NewReader(export(c.lines)), Options{})
			requireChainError(t, err, c.seq, c.reason)
		})
	}
}
