package projections

// SetTreeChunkLeaves makes trees snapshot in chunks of n leaves, so that a
// test spans several chunks with few events; the returned function restores
// the size.
func SetTreeChunkLeaves(n int) (restore func()) {
	old := treeChunkLeaves
	treeChunkLeaves = n
	return func() { treeChunkLeaves = old }
}

// RecentEntries returns how many directory entries are in memory, waiting
// to be stored.
func (p *Projection) RecentEntries() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return len(p.recent)
}
