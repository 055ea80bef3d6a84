package verify

import (
	"accord/domain"
	"accord/transparency"
)

// checkWitness checks a WitnessAdded: the party it speaks for registered it
// itself, and its vkey is a witness verifier key (type 0x04) named as the
// event says, so a cosignature can be checked against it.
func checkWitness(actor domain.Actor, d domain.WitnessAdded, fail failf) error {
	party := actor.MemberID
	if actor.Role == domain.RoleObserver {
		party = actor.ID
	}
	if party == "" || party != d.PartyID {
		return fail("witness %s speaks for party %s but was registered by actor %s: a party registers its witnesses itself", d.WitnessID, d.PartyID, actor.ID)
	}
	key, err := transparency.ParseWitnessKey(d.VKey)
	if err != nil {
		return fail("witness %s: its vkey is not a witness key: %v", d.WitnessID, err)
	}
	if key.Name() != d.Name {
		return fail("witness %s is named %q but its vkey names %q", d.WitnessID, d.Name, key.Name())
	}
	return nil
}
