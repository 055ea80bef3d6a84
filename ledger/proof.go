package ledger

import (
	"accord/domain"
	"accord/transparency"
)

// InclusionProof returns the receipt of the event of seq in the alliance's
// tree of size events (0: all of them): a C2SP tlog-proof of index seq-1,
// its RFC 6962 audit path, a blank line, and the signed checkpoint of size
// with its cosignatures. It returns a Forbidden error for a caller who may
// not read the alliance, NotFound for an unknown alliance or a size beyond
// its head, Invalid for seq 0 or a seq beyond size, and Unavailable as
// Checkpoint does.
func (l *Ledger) InclusionProof(caller Identity, aid string, seq, size uint64) ([]byte, error) {
	if err := Readable(caller, aid); err != nil {
		return nil, err
	}
	tree, size, err := l.treeOf(aid, size)
	if err != nil {
		return nil, err
	}
	if seq == 0 || seq > size {
		return nil, domain.Errorf(domain.Invalid, "seq %d is not in the tree of size %d (seqs 1 to %d)", seq, size, size)
	}
	path, err := tree.InclusionProof(seq-1, size)
	if err != nil {
		return nil, domain.Errorf(domain.Internal, "inclusion proof of seq %d in size %d: %v", seq, size, err)
	}
	note, err := l.cosignedNote(aid, tree, size)
	if err != nil {
		return nil, err
	}
	return transparency.FormatInclusionProof(seq-1, path, note), nil
}

// ConsistencyProof is the RFC 6962 consistency proof between an alliance's
// trees of From and To events.
type ConsistencyProof struct {
	From   uint64   `json:"from"`
	To     uint64   `json:"to"`
	Hashes [][]byte `json:"hashes"` // each 32 bytes; standard base64 in JSON
}

// ConsistencyProof returns the proof that the alliance's tree of from
// events is a prefix of its tree of to events. It returns a Forbidden error
// for a caller who may not read the alliance, Invalid unless
// 1 <= from <= to, NotFound for an unknown alliance or a to beyond its
// head, and Unavailable when it keeps no tree.
func (l *Ledger) ConsistencyProof(caller Identity, aid string, from, to uint64) (ConsistencyProof, error) {
	if err := Readable(caller, aid); err != nil {
		return ConsistencyProof{}, err
	}
	if from == 0 || from > to {
		return ConsistencyProof{}, domain.Errorf(domain.Invalid, "from %d and to %d: a consistency proof needs 1 <= from <= to", from, to)
	}
	tree, to, err := l.treeOf(aid, to)
	if err != nil {
		return ConsistencyProof{}, err
	}
	hashes, err := tree.ConsistencyProof(from, to)
	if err != nil {
		return ConsistencyProof{}, domain.Errorf(domain.Internal, "consistency proof from %d to %d: %v", from, to, err)
	}
	out := ConsistencyProof{From: from, To: to, Hashes: make([][]byte, len(hashes))}
	for i, h := range hashes {
		out.Hashes[i] = h[:]
	}
	return out, nil
}
