package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"accord/domain"
	"accord/transparency"
	"accord/verify"
)

// witnessPage is how many events the witness asks for at once.
const witnessPage = 1000

// extension is what checking the events after a cosigned checkpoint gave:
// the tree and the verifier's state extended to the new checkpoint, and
// the keys registered for the witness's own member id on the way.
type extension struct {
	tree   *transparency.Tree
	chain  verify.ChainState
	events uint64
	keys   []keyRegistration
}

// keyRegistration is a MemberKeyRegistered for the witness's member id.
type keyRegistration struct {
	seq   uint64
	keyID string
	actor domain.Actor
	at    time.Time
}

// badLog is something the server served that the witness will not cosign:
// events that do not hold, or do not hash to the checkpoint's root.
type badLog struct{ reason string }

func (b *badLog) Error() string { return b.reason }

// fetchAndCheck reads the events after seq from up to the checkpoint's
// size from the audit trail, a page at a time, and checks them as they
// come on top of what st holds: the chain, every outcome and signed
// statement (verify), and the tree, whose root must be the checkpoint's.
// It returns a *badLog for events that do not hold, and any other error
// when they could not all be read.
func (w *witness) fetchAndCheck(ctx context.Context, st *witnessed, from uint64, cp transparency.Checkpoint) (*extension, error) {
	var resume []verify.ChainState
	if st.chain != nil {
		resume = append(resume, *st.chain)
	}
	v := verify.NewVerifier(verify.Options{Resume: resume})
	ext := &extension{tree: st.tree}
	for next := from + 1; next <= cp.Size; {
		page, err := w.api.Audit(ctx, st.aid, next, min(cp.Size-next+1, witnessPage))
		if err != nil {
			return nil, fmt.Errorf("fetching the events from seq %d: %w", next, err)
		}
		if len(page.Events) == 0 {
			return nil, fmt.Errorf("the audit trail ends before seq %d, which the checkpoint of size %d covers (a server not caught up yet?)", next, cp.Size)
		}
		for _, e := range page.Events {
			if next > cp.Size {
				break
			}
			if err := ext.add(v, w.me.ID, e.Event); err != nil {
				return nil, err
			}
			next++
		}
	}
	return ext, ext.finish(v, st.aid, cp)
}

// add checks the next line and takes it into the tree.
func (e *extension) add(v *verify.Verifier, me string, line []byte) error {
	if err := v.Check(line); err != nil {
		return doesNotHold(err)
	}
	e.tree.Append(line)
	e.events++
	if me == "" || !bytes.Contains(line, []byte(`"type":"`+domain.TypeMemberKeyRegistered+`"`)) {
		return nil
	}
	ev, err := domain.Decode(line)
	if err != nil {
		return nil // not reached: Check decoded it
	}
	if d, ok := ev.Data.(domain.MemberKeyRegistered); ok && d.MemberID == me {
		e.keys = append(e.keys, keyRegistration{seq: ev.Seq, keyID: d.KeyID, actor: ev.Actor, at: ev.At})
	}
	return nil
}

// finish checks that the events read are the alliance's seqs up to the
// checkpoint's size, that every signature among them verified, and that
// they hash to the checkpoint's root.
func (e *extension) finish(v *verify.Verifier, aid string, cp transparency.Checkpoint) error {
	chain, ok, err := v.Chain(aid)
	if err != nil {
		return doesNotHold(err)
	}
	if !ok || chain.Head.Seq != cp.Size {
		return &badLog{reason: fmt.Sprintf("the events served are not alliance %s's seqs up to %d", aid, cp.Size)}
	}
	e.chain = chain
	if root, size := e.tree.Root(); size != cp.Size || root != cp.Root {
		return &badLog{reason: fmt.Sprintf("the events served for seqs 1…%d hash to the root %s, the checkpoint's is %s: it does not sign the events the server serves",
			cp.Size, b64(root), b64(cp.Root))}
	}
	return nil
}

// doesNotHold is the *badLog of a verifier's failure, named by seq (its
// line number counts only the lines of this round).
func doesNotHold(err error) error {
	var ce *verify.ChainError
	if errors.As(err, &ce) && ce.Seq != 0 {
		return &badLog{reason: fmt.Sprintf("the events served do not hold: seq %d of alliance %s: %s", ce.Seq, ce.AllianceID, ce.Reason)}
	}
	return &badLog{reason: "the events served do not hold: " + err.Error()}
}

// asRefusal refuses the served checkpoint when err is a *badLog, and
// returns any other err as it is.
func (w *witness) asRefusal(st *witnessed, served []byte, err error) error {
	var bad *badLog
	if errors.As(err, &bad) {
		return w.refuse(st, served, bad.reason)
	}
	return err
}

// reportKeys logs and reports the keys registered for the witness's member
// id.
func (w *witness) reportKeys(aid string, keys []keyRegistration) {
	for _, k := range keys {
		w.log.Warn("a signing key was registered for this witness's member id", "alliance", aid, "seq", k.seq,
			"key_id", k.keyID, "member", w.me.ID, "actor", k.actor.ID, "at", k.at)
		w.report("alliance %s: seq %d: signing key %s was registered for your member id %s (by actor %s at %s); if you did not register it, someone else can sign in your name",
			aid, k.seq, k.keyID, w.me.ID, k.actor.ID, k.at.UTC().Format(time.RFC3339))
	}
}
