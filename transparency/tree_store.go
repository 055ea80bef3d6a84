package transparency

// A level of the tree holds its node hashes in chunks of fixed length, so
// that growing a large tree never copies what it already holds (a single
// slice would copy every hash each time it doubles) and a small tree costs
// little: the first chunk grows from a few hashes up to chunkLen.
const (
	chunkBits     = 10
	chunkLen      = 1 << chunkBits
	firstChunkCap = 4
)

// level is one level of stored node hashes, index 0 on the left.
type level struct {
	chunks [][][32]byte
	n      uint64
}

// push appends h as the level's next node.
func (l *level) push(h [32]byte) {
	c := l.n >> chunkBits
	if c == uint64(len(l.chunks)) {
		capacity := chunkLen
		if c == 0 {
			capacity = firstChunkCap
		}
		l.chunks = append(l.chunks, make([][32]byte, 0, capacity))
	}
	l.chunks[c] = append(l.chunks[c], h)
	l.n++
}

// at returns node i of the level; i must be below l.n.
func (l *level) at(i uint64) [32]byte {
	return l.chunks[i>>chunkBits][i&(chunkLen-1)]
}
