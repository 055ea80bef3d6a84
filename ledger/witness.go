package ledger

import (
	"context"

	"accord/domain"
	"accord/transparency"
)

// AddWitness registers a witness key for the caller itself, a member or an
// observer of the alliance, with the id derived from the command id, and
// answers the witness as recorded. The key must parse as a C2SP verifier
// key of type 0x04 (Ed25519 cosignature/v1) named cmd.Name. It returns a
// Forbidden error for a caller who may not read the alliance or is neither
// a member nor an observer of it, an Invalid one for a key that does not
// parse or carries another name, and the domain's or the log's error.
func (l *Ledger) AddWitness(ctx context.Context, caller Identity, aid, commandID string, cmd domain.AddWitness) (domain.Witness, error) {
	if err := Readable(caller, aid); err != nil {
		return domain.Witness{}, err
	}
	key, err := transparency.ParseWitnessKey(cmd.VKey)
	if err != nil {
		return domain.Witness{}, domain.Errorf(domain.Invalid, "vkey is not a witness verifier key of type 0x04 (Ed25519 cosignature/v1): %v", err)
	}
	if key.Name() != cmd.Name {
		return domain.Witness{}, domain.Errorf(domain.Invalid, "vkey names the key %q, not %q", key.Name(), cmd.Name)
	}
	commandID = newCommandID(commandID)
	cmd.WitnessID = domain.CreatedID(aid, commandID, domain.CreatesWitness)
	view := func(id string) View {
		return func(st domain.Alliance) any { w, _ := st.Witness(id); return w }
	}
	res, out, err := l.execute(ctx, caller, aid, commandID, cmd, view(cmd.WitnessID))
	if err != nil {
		return domain.Witness{}, err
	}
	data, err := dataOf[domain.WitnessAdded](res)
	if err != nil {
		return domain.Witness{}, err
	}
	if data.WitnessID != cmd.WitnessID {
		out = view(data.WitnessID)(l.currentState(aid))
	}
	return out.(domain.Witness), nil
}
