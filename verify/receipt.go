package verify

import (
	"bytes"
	"encoding/json"
	"fmt"

	"accord/domain"
	"accord/transparency"
)

// Receipt is what a receipt (an event's C2SP tlog-proof) proves: that the
// event of AllianceID at Seq, whose hash is Hash, is leaf Seq-1 of the tree
// of the Checkpoint it carries.
type Receipt struct {
	AllianceID string     `json:"alliance_id"`
	Seq        uint64     `json:"seq"`
	Type       string     `json:"type"`
	Hash       string     `json:"hash"`
	Checkpoint Checkpoint `json:"checkpoint"`
}

// VerifyReceipt checks a receipt for one event line (its stored bytes; a
// final newline is ignored): the checkpoint it ends with carries the log's
// signature by logVKey and the cosignatures of at least quorum of the
// given witnesses (0: all of them), the line is the leaf the proof names
// in that checkpoint's tree, and the line is the event of that alliance at
// that seq. It returns a *ProofError naming what fails.
func VerifyReceipt(proof, line []byte, logVKey string, witnesses []string, quorum int) (Receipt, error) {
	line = bytes.TrimSuffix(line, []byte("\n"))
	var ev struct {
		AllianceID string `json:"alliance_id"`
		Seq        uint64 `json:"seq"`
		Type       string `json:"type"`
	}
	if err := json.Unmarshal(line, &ev); err != nil || ev.AllianceID == "" || ev.Seq == 0 {
		return Receipt{}, &ProofError{Reason: "the event is not one stored line of an accord event (one JSON object with alliance_id and seq)"}
	}
	p, err := transparency.ParseInclusionProof(proof)
	if err != nil {
		return Receipt{}, &ProofError{Reason: "not a receipt: " + detail(err, transparency.ErrMalformed), Err: err}
	}
	cp, err := OpenCheckpoint(p.Checkpoint, logVKey, witnesses, quorum)
	if err != nil {
		return Receipt{}, err
	}
	r := Receipt{AllianceID: ev.AllianceID, Seq: ev.Seq, Type: ev.Type, Hash: domain.Hash(line), Checkpoint: cp}
	switch {
	case cp.AllianceID != ev.AllianceID:
		return r, &ProofError{Reason: fmt.Sprintf("the receipt is for alliance %s, the event is of alliance %s", cp.AllianceID, ev.AllianceID)}
	case p.Index+1 != ev.Seq:
		return r, &ProofError{Reason: fmt.Sprintf("the receipt proves leaf %d (seq %d), the event is seq %d", p.Index, p.Index+1, ev.Seq)}
	}
	if err := transparency.VerifyInclusion(p.Index, cp.Size, transparency.LeafHash(line), p.Path, cp.Root); err != nil {
		return r, &ProofError{Reason: fmt.Sprintf(
			"seq %d as given is not in the tree of size %d the checkpoint signs (changed, or not the event the receipt was made for): %s",
			ev.Seq, cp.Size, detail(err, transparency.ErrProof)), Err: err}
	}
	return r, nil
}
