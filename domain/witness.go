package domain

import "strings"

// MaxVKeyBytes bounds a witness's verifier key: a key name of at most
// MaxNameRunes, a key id and the base64 of a type byte and a 32-byte key
// fit well within it.
const MaxVKeyBytes = 1024

// TypeWitnessAdded is the catalogue's type string of WitnessAdded.
const TypeWitnessAdded = "WitnessAdded"

// WitnessAdded records a witness key that a member or observer (PartyID)
// registered for itself: VKey is a C2SP verifier key of type 0x04 (Ed25519
// cosignature/v1) whose key name is Name. Its cosignatures of the
// alliance's checkpoints speak for that party.
type WitnessAdded struct {
	WitnessID string `json:"witness_id"`
	PartyID   string `json:"party_id"`
	Name      string `json:"name"`
	VKey      string `json:"vkey"`
}

// EventType returns the catalogue's type string.
func (WitnessAdded) EventType() string { return TypeWitnessAdded }

// AddWitness registers a witness key for the acting member or observer
// itself. WitnessID is derived from the command id (CreatesWitness). The
// domain checks the fields' shape only; that VKey parses as a witness key
// named Name is the application's to check, for the domain knows no key
// formats beyond its own.
type AddWitness struct {
	WitnessID string `json:"-"`
	Name      string `json:"name"`
	VKey      string `json:"vkey"`
}

// CommandName returns "AddWitness".
func (AddWitness) CommandName() string { return "AddWitness" }

// Witness is a witness key registered in an alliance, and the seq of the
// WitnessAdded that registered it.
type Witness struct {
	ID      string `json:"id"`
	PartyID string `json:"party_id"`
	Name    string `json:"name"`
	VKey    string `json:"vkey"`
	Seq     uint64 `json:"seq"`
}

// Witness returns the witness with id, and false if there is none.
func (a Alliance) Witness(id string) (Witness, bool) {
	for _, w := range a.Witnesses {
		if w.ID == id {
			return w, true
		}
	}
	return Witness{}, false
}

// decideWitness decides AddWitness, which unlike every other command an
// observer may make: a party registers a witness key for itself. It returns
// Forbidden for anyone but an active member or a known observer, Invalid
// for a badly shaped name or key, and Conflict for a key already registered.
func decideWitness(s Alliance, m Meta, c AddWitness) ([]Event, error) {
	partyID, err := witnessParty(s, m.Actor)
	if err != nil {
		return nil, err
	}
	if err := checkWitness(c); err != nil {
		return nil, err
	}
	for _, w := range s.Witnesses {
		if w.VKey == c.VKey {
			return nil, Errorf(Conflict, "witness key %s is already registered in alliance %s (witness %s)", clip(c.Name), s.ID, w.ID)
		}
	}
	added := WitnessAdded{WitnessID: c.WitnessID, PartyID: partyID, Name: c.Name, VKey: c.VKey}
	return []Event{NewEvent(m, added)}, nil
}

// witnessParty returns the id of the member or observer acting, or a
// Forbidden error for the admin, the system, an unknown party or a
// withdrawn member.
func witnessParty(s Alliance, a Actor) (string, error) {
	if a.Role == RoleObserver {
		if _, ok := s.Observer(a.ID); !ok {
			return "", Errorf(Forbidden, "%s is not an observer of alliance %s", a.ID, s.ID)
		}
		return a.ID, nil
	}
	if a.Role == RoleAdmin || a.Role == RoleSystem {
		return "", Errorf(Forbidden, "a witness key speaks for a member or observer, registered by that party itself; the %s is neither", a.Role)
	}
	p, err := partyOf(s, a)
	if err != nil {
		return "", err
	}
	return p.member.ID, nil
}

// checkWitness checks the shape of a witness registration: the key name is
// one line without spaces or '+', and the key one line of at most
// MaxVKeyBytes that starts with that name and a '+'.
func checkWitness(c AddWitness) error {
	if err := firstError(checkID("witness id", c.WitnessID), checkName("name", c.Name), checkRequired("vkey", c.VKey), checkChars("vkey", c.VKey, -1, false)); err != nil {
		return err
	}
	if strings.ContainsAny(c.Name, " +") {
		return Errorf(Invalid, "name %s is a key name: it holds no space and no '+'", clip(c.Name))
	}
	if len(c.VKey) > MaxVKeyBytes || strings.ContainsRune(c.VKey, ' ') {
		return Errorf(Invalid, "vkey is one verifier key of at most %d bytes, without spaces", MaxVKeyBytes)
	}
	if !strings.HasPrefix(c.VKey, c.Name+"+") {
		return Errorf(Invalid, "vkey %s is not named %s: a verifier key starts with its key name and a '+'", clip(c.VKey), clip(c.Name))
	}
	return nil
}

// addWitness puts a registered witness key into the state.
func (a *Alliance) addWitness(e Event, d WitnessAdded) {
	if _, dup := a.Witness(d.WitnessID); dup {
		return
	}
	a.Witnesses = append(a.Witnesses, Witness{ID: d.WitnessID, PartyID: d.PartyID, Name: d.Name, VKey: d.VKey, Seq: e.Seq})
}
