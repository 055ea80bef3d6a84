package api_test

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/stretchr/testify/require"

	"accord/transparency"
)

// newWitness returns a fresh witness key named name.
func newWitness(t require.TestingT, name string) (transparency.WitnessSigner, string) {
	file, vkey, err := transparency.GenerateWitnessKey(name, rand.Reader)
	require.NoError(t, err)
	signer, err := transparency.ParseWitnessSigner(file)
	require.NoError(t, err)
	return signer, vkey
}

// witnessBody is a registration of a fresh witness key, for caller c.
func (f *fixture) witnessBody(c int) map[string]any {
	name := fmt.Sprintf("matrix-witness-%d-%d", c, time.Now().UnixNano())
	_, vkey := newWitness(f.e.t, name)
	return map[string]any{"name": name, "vkey": vkey}
}

// ownerWitness is the row's witness of the owner member, registered once.
func (f *fixture) ownerWitness() transparency.WitnessSigner {
	if f.witness == nil {
		signer, vkey := newWitness(f.e.t, "owner-witness")
		f.e.must(201, "POST", f.path("/witnesses"), f.member.Token, map[string]any{"name": "owner-witness", "vkey": vkey})
		f.witness = &signer
	}
	return *f.witness
}

// cosignatureBody is the owner's witness's cosignature of the current
// checkpoint, as the witness's party would post it.
func (f *fixture) cosignatureBody() map[string]any {
	signer := f.ownerWitness()
	note := f.e.do("GET", f.path("/checkpoint"), f.member.Token, nil)
	require.Equal(f.e.t, 200, note.Status, "%s", note.Body)
	cp, err := transparency.OpenCheckpoint(note.Body, f.logKey())
	require.NoError(f.e.t, err)
	line, err := signer.Cosign(cp, time.Now())
	require.NoError(f.e.t, err)
	return map[string]any{"checkpoint": string(note.Body), "cosignature": string(line)}
}

// cosigned makes sure a checkpoint of the row's alliance is cosigned.
func (f *fixture) cosigned() {
	if !f.hasCosigned {
		f.e.must(201, "POST", f.path("/checkpoint/cosignatures"), f.member.Token, f.cosignatureBody())
		f.hasCosigned = true
	}
}

// logKey is the alliance's verifier key, as served.
func (f *fixture) logKey() string {
	a := f.e.do("GET", f.path("/log-key"), f.member.Token, nil)
	require.Equal(f.e.t, 200, a.Status, "%s", a.Body)
	return string(a.Body[:len(a.Body)-1])
}
