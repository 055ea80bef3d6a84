package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"accord/transparency"
)

// witnessAlliance brings the witness's cosignature of one alliance up to
// date: it pins the log's key on first contact, fetches the checkpoint,
// checks that it extends the one cosigned before and that the new events
// hold, then cosigns it and posts the cosignature. It returns a *refusal
// (evidence written) for a checkpoint it will not cosign, and any other
// error for what kept it from deciding (the server unreachable, say).
func (w *witness) witnessAlliance(ctx context.Context, aid string) error {
	st, err := w.state(aid)
	if err != nil {
		return err
	}
	if st.logVKey == "" {
		if err := w.pinLogKey(ctx, st); err != nil {
			return err
		}
	}
	note, err := w.api.Checkpoint(ctx, aid, 0)
	if err != nil {
		return fmt.Errorf("fetching the checkpoint: %w", err)
	}
	cp, err := transparency.OpenCheckpoint(note, st.logVKey)
	if err != nil {
		return w.refuse(st, note, fmt.Sprintf("the checkpoint does not verify with the log key pinned on first contact (%s): %s",
			st.logVKey, strings.TrimPrefix(err.Error(), "transparency: ")))
	}
	if st.stale {
		if err := w.rebuild(ctx, st, note); err != nil {
			return err
		}
	}
	if err := w.extends(ctx, st, note, cp); err != nil {
		return err
	}
	if cp.Size == st.cp.Size {
		return w.upToDate(ctx, st, note)
	}
	ext, err := w.fetchAndCheck(ctx, st, st.cp.Size, cp)
	if err != nil {
		return w.asRefusal(st, note, err)
	}
	return w.cosign(ctx, st, note, cp, ext)
}

// pinLogKey fetches the log's verifier key on first contact and keeps it:
// every later checkpoint must verify with it.
func (w *witness) pinLogKey(ctx context.Context, st *witnessed) error {
	vkey, err := w.api.LogKey(ctx, st.aid)
	if err != nil {
		return fmt.Errorf("fetching the log key: %w", err)
	}
	// Opening no note with it fails on the key when the key is bad.
	_, err = transparency.OpenCheckpoint(nil, vkey)
	if errors.Is(err, transparency.ErrKey) || !strings.HasPrefix(vkey, transparency.Origin(st.aid)+"+") {
		return fmt.Errorf("the server's log key %q is not the verifier key of alliance %s's checkpoints", vkey, st.aid)
	}
	if err := st.pin(vkey); err != nil {
		return err
	}
	w.log.Info("pinned the log key on first contact", "alliance", st.aid, "log_key", vkey)
	return nil
}

// extends refuses a checkpoint that is not an extension of the one
// cosigned before: a shorter tree, another root for the same size, or a
// consistency proof that does not verify.
func (w *witness) extends(ctx context.Context, st *witnessed, note []byte, cp transparency.Checkpoint) error {
	was := st.cp
	switch {
	case cp.Size < was.Size:
		return w.refuse(st, note, fmt.Sprintf("a shorter tree: the checkpoint is of size %d, and size %d was cosigned before", cp.Size, was.Size))
	case cp.Size == was.Size && cp.Root != was.Root:
		return w.refuse(st, note, fmt.Sprintf("another root for size %d: %s, where %s was cosigned", cp.Size, b64(cp.Root), b64(was.Root)))
	case cp.Size == was.Size || was.Size == 0:
		return nil
	}
	proof, err := w.api.ConsistencyProof(ctx, st.aid, was.Size, cp.Size)
	if err != nil {
		return fmt.Errorf("fetching the consistency proof from size %d to %d: %w", was.Size, cp.Size, err)
	}
	if transparency.VerifyConsistency(was.Size, cp.Size, was.Root, cp.Root, proof.Hashes) != nil {
		return w.refuse(st, note, fmt.Sprintf("the tree of size %d (root %s) is not an extension of the tree of size %d cosigned before (root %s): the consistency proof does not verify",
			cp.Size, b64(cp.Root), was.Size, b64(was.Root)))
	}
	return nil
}

// upToDate handles a checkpoint the witness cosigned already: it posts its
// cosignature again when the server does not show it (an earlier post
// that failed).
func (w *witness) upToDate(ctx context.Context, st *witnessed, served []byte) error {
	mine := w.signer.WitnessKey().String()
	if _, _, err := transparency.VerifyCosigned(served, st.logVKey, []string{mine}, 1); err == nil || st.note == nil {
		w.report("alliance %s: up to date: the checkpoint of size %d is cosigned", st.aid, st.cp.Size)
		return nil
	}
	_, cosigs, err := transparency.VerifyCosigned(st.note, st.logVKey, []string{mine}, 1)
	if err != nil {
		return fmt.Errorf("the checkpoint kept in %s does not carry this witness's cosignature: %v", st.dir, err)
	}
	if err := w.post(ctx, st.aid, served, cosigs[0].Line); err != nil {
		return err
	}
	w.report("alliance %s: posted again the cosignature of size %d, which the server did not show", st.aid, st.cp.Size)
	return nil
}

// cosign cosigns a checkpoint whose events held, records it as cosigned,
// then posts the cosignature. It is recorded first: a cosignature that
// may have reached the server binds the witness whether or not the answer
// came back.
func (w *witness) cosign(ctx context.Context, st *witnessed, served []byte, cp transparency.Checkpoint, ext *extension) error {
	w.reportKeys(st.aid, ext.keys)
	line, err := w.signer.Cosign(cp, w.now())
	if err != nil {
		return err
	}
	note, err := transparency.AddCosignatures(served, line)
	if err != nil {
		return err
	}
	if err := st.commit(note, cp, ext.tree, ext.chain); err != nil {
		return fmt.Errorf("recording the cosignature in %s: %w", st.dir, err)
	}
	w.log.Info("cosigned", "alliance", st.aid, "size", cp.Size, "root", b64(cp.Root), "new_events", ext.events)
	if err := w.post(ctx, st.aid, served, line); err != nil {
		return err
	}
	w.report("alliance %s: cosigned the checkpoint of size %d (root %s) after checking %d new events", st.aid, cp.Size, b64(cp.Root), ext.events)
	return nil
}

// post hands the server a cosignature.
func (w *witness) post(ctx context.Context, aid string, served, line []byte) error {
	if err := w.api.PostCosignature(ctx, aid, served, line); err != nil {
		return fmt.Errorf("the server did not take the cosignature (is this witness key registered? accord witness register): %w", err)
	}
	return nil
}

// rebuild reads the events of the checkpoint cosigned before again, when
// the tree or chain state kept for it is missing or of another version:
// they must hash to the root cosigned, or the server has changed history.
func (w *witness) rebuild(ctx context.Context, st *witnessed, served []byte) error {
	w.log.Info("rebuilding the state of the checkpoint cosigned before", "alliance", st.aid, "size", st.cp.Size)
	ext, err := w.fetchAndCheck(ctx, &witnessed{aid: st.aid, tree: &transparency.Tree{}}, 0, st.cp)
	if err != nil {
		return w.asRefusal(st, served, err)
	}
	return st.commit(st.note, st.cp, ext.tree, ext.chain)
}

// b64 is a root as checkpoints write it.
func b64(root [32]byte) string { return base64.StdEncoding.EncodeToString(root[:]) }
