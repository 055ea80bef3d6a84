package projections

import (
	"context"

	"accord/domain"
	"accord/eventstore"
	"accord/transparency"
)

// WithoutTrees makes the projection keep no Merkle trees: Tree then answers
// Unavailable. It exists so that a benchmark can measure what keeping them
// costs; a ledger keeps them. Call it before Start.
func (p *Projection) WithoutTrees() { p.noTrees = true }

// newView returns an empty alliance view, with an empty tree unless trees
// are off.
func (p *Projection) newView() *allianceView {
	v := &allianceView{}
	if !p.noTrees {
		v.tree = &transparency.Tree{}
	}
	return v
}

// Tree returns the alliance's Merkle tree (RFC 6962, leaf i the stored line
// of seq i+1) and its head, read together: the tree has exactly head.Seq
// leaves at that moment, and only grows after it, so RootAt and the proofs
// of any size up to head.Seq stay what they are. The tree is safe for
// concurrent use and must not be changed. It returns NotFound for an
// unknown alliance, and Unavailable when trees are off (WithoutTrees) or
// the alliance's read model stopped at a break in its chain.
func (p *Projection) Tree(allianceID string) (*transparency.Tree, eventstore.Position, error) {
	v, err := p.acquire(context.Background(), allianceID)
	if err != nil {
		return nil, eventstore.Position{}, err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	switch {
	case v.state.ID == "":
		return nil, eventstore.Position{}, domain.Errorf(domain.NotFound, "no alliance %s", allianceID)
	case v.tree == nil:
		return nil, v.head, domain.Errorf(domain.Unavailable, "this process keeps no Merkle trees")
	case v.broken:
		return nil, v.head, domain.Errorf(domain.Unavailable, "the log of alliance %s does not chain after seq %d: no checkpoint is signed past a break", allianceID, v.head.Seq)
	}
	return v.tree, v.head, nil
}
