package main

import "time"

// turn is one side of figures measured taking turns: prepare readies the
// next block of n operations before it is timed (nil when there is nothing
// to ready), and do runs its i-th operation.
type turn struct {
	prepare func(n int) error
	do      func(i int) error
}

// takeTurns runs one unmeasured block of n operations of each side, then
// blocks more of each, the sides taking turns block by block and which of
// them goes first rotating, so that whatever else the machine does over the
// seconds this takes weighs on all of them alike. It returns how long each
// side's measured blocks took in all, or the first error.
func takeTurns(sides []turn, blocks, n int) ([]time.Duration, error) {
	took := make([]time.Duration, len(sides))
	for b := -1; b < blocks; b++ {
		for k := range sides {
			i := (max(b, 0) + k) % len(sides)
			d, err := sides[i].block(n)
			if err != nil {
				return nil, err
			}
			if b >= 0 {
				took[i] += d
			}
		}
	}
	return took, nil
}

// block readies and runs n operations of the side and returns how long
// running them took.
func (t turn) block(n int) (time.Duration, error) {
	if t.prepare != nil {
		if err := t.prepare(n); err != nil {
			return 0, err
		}
	}
	return timed(n, t.do)
}
