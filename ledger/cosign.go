package ledger

import (
	"bytes"
	"context"
	"errors"
	"time"

	"accord/domain"
	"accord/eventstore"
	"accord/transparency"
)

// Cosigned is a witness cosignature the ledger stored: the checkpoint size
// it covers, the witness that made it, and the time the witness signed.
type Cosigned struct {
	Size      uint64    `json:"size"`
	WitnessID string    `json:"witness_id"`
	Name      string    `json:"name"`
	Time      time.Time `json:"time"`
}

// AddCosignature stores a witness's cosignature of one of the alliance's
// checkpoints. checkpointNote is the checkpoint as served (the log's
// signature must be on it and verify with this ledger's log key) and must
// be the alliance's tree at its size; line is one cosignature/v1 signature
// line (its final newline optional) that must verify over that checkpoint
// with a witness key registered in the alliance by the caller's own party.
// Nothing is stored otherwise. It returns a Forbidden error for a caller who
// may not read the alliance or whose party did not register that witness;
// Invalid for a note the log did not sign, a checkpoint of another root or
// beyond the head, or a line that is malformed, of no registered witness,
// or does not verify; NotFound for an unknown alliance; Unavailable when
// the bucket cannot be written.
func (l *Ledger) AddCosignature(ctx context.Context, caller Identity, aid string, checkpointNote, line []byte) (Cosigned, error) {
	if err := Readable(caller, aid); err != nil {
		return Cosigned{}, err
	}
	cp, err := l.ourCheckpoint(aid, checkpointNote)
	if err != nil {
		return Cosigned{}, err
	}
	w, cs, err := l.verifyCosignature(aid, cp, line)
	if err != nil {
		return Cosigned{}, err
	}
	if w.PartyID != caller.ID {
		return Cosigned{}, domain.Errorf(domain.Forbidden, "witness %s (%s) speaks for party %s: only that party posts its cosignatures", w.ID, w.Name, w.PartyID)
	}
	stored := eventstore.StoredCosignature{AllianceID: aid, Size: cp.Size, WitnessID: w.ID, Line: bytes.TrimSuffix(cs.Line, []byte("\n"))}
	if l.cosignStore == nil {
		return Cosigned{}, domain.Errorf(domain.Unavailable, "this ledger stores no cosignatures")
	}
	if err := l.cosignStore.Put(ctx, stored); err != nil {
		return Cosigned{}, err
	}
	l.cosigs.add(stored)
	return Cosigned{Size: cp.Size, WitnessID: w.ID, Name: w.Name, Time: cs.Time}, nil
}

// ourCheckpoint opens a checkpoint note with the alliance's log key and
// checks that it is the alliance's tree at its size. It returns Invalid
// errors saying what is wrong, NotFound for an unknown alliance.
func (l *Ledger) ourCheckpoint(aid string, note []byte) (transparency.Checkpoint, error) {
	vkey, err := l.logKey.VerifierKey(aid)
	if err != nil {
		return transparency.Checkpoint{}, domain.Errorf(domain.Unavailable, "this ledger has no log key")
	}
	cp, err := transparency.OpenCheckpoint(note, vkey)
	if err != nil {
		return cp, domain.Errorf(domain.Invalid, "checkpoint is not one of this log's signed checkpoints of alliance %s: %v", aid, err)
	}
	tree, head, err := l.proj.Tree(aid)
	if err != nil {
		return cp, err
	}
	if cp.Size == 0 || cp.Size > head.Seq {
		return cp, domain.Errorf(domain.Invalid, "checkpoint of size %d: alliance %s has %d events", cp.Size, aid, head.Seq)
	}
	if !rootIs(tree, cp.Size, cp.Root) {
		return cp, domain.Errorf(domain.Invalid, "checkpoint of size %d has another root than alliance %s's tree of that size", cp.Size, aid)
	}
	return cp, nil
}

// verifyCosignature checks line over cp against every witness registered
// in the alliance, and returns the witness that made it with the verified
// cosignature, or an Invalid error.
func (l *Ledger) verifyCosignature(aid string, cp transparency.Checkpoint, line []byte) (domain.Witness, transparency.Cosignature, error) {
	var witnesses []domain.Witness
	if err := l.proj.Read(aid, func(st domain.Alliance, _ Position) { witnesses = append(witnesses, st.Witnesses...) }); err != nil {
		return domain.Witness{}, transparency.Cosignature{}, err
	}
	keys := make([]transparency.WitnessKey, 0, len(witnesses))
	registered := make([]domain.Witness, 0, len(witnesses))
	for _, w := range witnesses {
		if k, err := transparency.ParseWitnessKey(w.VKey); err == nil {
			keys, registered = append(keys, k), append(registered, w)
		}
	}
	cs, err := transparency.VerifyCosignature(cp, line, keys)
	switch {
	case errors.Is(err, transparency.ErrUnknownWitness):
		return domain.Witness{}, cs, domain.Errorf(domain.Invalid, "cosignature is by no witness registered in alliance %s: %v", aid, err)
	case err != nil:
		return domain.Witness{}, cs, domain.Errorf(domain.Invalid, "cosignature does not verify over the checkpoint of size %d: %v", cp.Size, err)
	}
	for i, k := range keys {
		if k.Name() == cs.Witness.Name() && k.KeyID() == cs.Witness.KeyID() {
			return registered[i], cs, nil
		}
	}
	return domain.Witness{}, cs, domain.Errorf(domain.Internal, "verified cosignature of an unlisted witness")
}
