package transparency

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// benchLine is about the size of a stored VoteCast event.
var benchLine = []byte(fmt.Sprintf(`{"id":"0195f3a2-7c1e-7d4b-9a10-3f2e8c6d5b4a","alliance_id":"%s","seq":123456,`+
	`"type":"VoteCast","v":1,"at":"2026-11-22T10:00:00.123456789Z","actor":{"id":"0195f3a2-0000-7d4b-9a10-3f2e8c6d5b4a",`+
	`"role":"member","member_id":"0195f3a2-1111-7d4b-9a10-3f2e8c6d5b4a"},"command_id":"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",`+
	`"prev_hash":"%064x","data":{"proposal_id":"0195f3a2-2222-7d4b-9a10-3f2e8c6d5b4a","stance":"agree","reason":"within budget"}}`,
	testAlliance, 7))

// counterHash is a cheap distinct leaf hash per i.
func counterHash(i uint64) [32]byte {
	var h [32]byte
	binary.BigEndian.PutUint64(h[:], i)
	return h
}

func benchTree(n uint64) *Tree {
	t := &Tree{}
	for i := range n {
		t.AppendLeafHash(counterHash(i))
	}
	return t
}

// BenchmarkTreeAppend: one event line hashed and appended, interior nodes
// completed; the tree grows across iterations.
func BenchmarkTreeAppend(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchLine)))
	var t Tree
	for b.Loop() {
		t.Append(benchLine)
	}
}

// BenchmarkTreeAppendLeafHash: the tree's own cost per leaf, without hashing
// the line.
func BenchmarkTreeAppendLeafHash(b *testing.B) {
	b.ReportAllocs()
	var t Tree
	var i uint64
	for b.Loop() {
		t.AppendLeafHash(counterHash(i))
		i++
	}
}

func BenchmarkInclusionProof100k(b *testing.B) {
	const n = 100_000
	t := benchTree(n)
	r := rand.New(rand.NewPCG(1, 1))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.InclusionProof(r.Uint64N(n), n); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConsistencyProof100k(b *testing.B) {
	const n = 100_000
	t := benchTree(n)
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.ConsistencyProof(1+r.Uint64N(n), n); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRootAt100k: the root of a random past size of a 100,000-leaf tree.
func BenchmarkRootAt100k(b *testing.B) {
	const n = 100_000
	t := benchTree(n)
	r := rand.New(rand.NewPCG(1, 3))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.RootAt(1 + r.Uint64N(n)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTreeMemoryPerLeaf reports the heap a tree of 2^20 leaves holds,
// per leaf.
func BenchmarkTreeMemoryPerLeaf(b *testing.B) {
	const n = 1 << 20
	var perLeaf float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		t := benchTree(n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		perLeaf = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(t)
	}
	b.ReportMetric(perLeaf, "B/leaf")
}

// BenchmarkSnapshotRestore100k: UnmarshalBinary of a 100,000-leaf tree.
func BenchmarkSnapshotRestore100k(b *testing.B) {
	snap, err := benchTree(100_000).MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(snap)))
	b.ReportAllocs()
	for b.Loop() {
		var t Tree
		if err := t.UnmarshalBinary(snap); err != nil {
			b.Fatal(err)
		}
	}
}

func benchLogKey(b *testing.B) LogKey {
	file, err := GenerateLogKey(seeded(1))
	if err != nil {
		b.Fatal(err)
	}
	k, err := ParseLogKey(file)
	if err != nil {
		b.Fatal(err)
	}
	return k
}

func BenchmarkCheckpointSign(b *testing.B) {
	k := benchLogKey(b)
	cp := Checkpoint{Origin: Origin(testAlliance), Size: 123456, Root: LeafHash(benchLine)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.SignCheckpoint(cp); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenCheckpoint(b *testing.B) {
	k := benchLogKey(b)
	cp := Checkpoint{Origin: Origin(testAlliance), Size: 123456, Root: LeafHash(benchLine)}
	signed, err := k.SignCheckpoint(cp)
	if err != nil {
		b.Fatal(err)
	}
	vkey, err := k.VerifierKey(testAlliance)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := OpenCheckpoint(signed, vkey); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyCosigned: a checkpoint with the log's signature and three
// witness cosignatures, quorum 3.
func BenchmarkVerifyCosigned(b *testing.B) {
	k := benchLogKey(b)
	cp := Checkpoint{Origin: Origin(testAlliance), Size: 123456, Root: LeafHash(benchLine)}
	signed, err := k.SignCheckpoint(cp)
	if err != nil {
		b.Fatal(err)
	}
	vkey, _ := k.VerifierKey(testAlliance)
	var vkeys []string
	for i := range 3 {
		file, wv, err := GenerateWitnessKey(fmt.Sprintf("witness.example/%d", i), seeded(byte(40+i)))
		if err != nil {
			b.Fatal(err)
		}
		s, _ := ParseWitnessSigner(file)
		line, _ := s.Cosign(cp, cosignTime)
		if signed, err = AddCosignatures(signed, line); err != nil {
			b.Fatal(err)
		}
		vkeys = append(vkeys, wv)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := VerifyCosigned(signed, vkey, vkeys, 3); err != nil {
			b.Fatal(err)
		}
	}
}
