package transparency

import (
	"crypto/ed25519"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// seeded returns a deterministic source of key bytes.
func seeded(b byte) io.Reader {
	var seed [32]byte
	seed[0] = b
	return rand.NewChaCha8(seed)
}

// failingReader fails every read.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("entropy exhausted") }

const testAlliance = "0195f3a2-7c1e-7d4b-9a10-3f2e8c6d5b4a"

func newLogKey(t *testing.T, b byte) LogKey {
	t.Helper()
	file, err := GenerateLogKey(seeded(b))
	require.NoError(t, err)
	k, err := ParseLogKey(file)
	require.NoError(t, err)
	return k
}

func logVKey(t *testing.T, k LogKey, alliance string) string {
	t.Helper()
	v, err := k.VerifierKey(alliance)
	require.NoError(t, err)
	return v
}

func newWitness(t *testing.T, name string, b byte) WitnessSigner {
	t.Helper()
	file, _, err := GenerateWitnessKey(name, seeded(b))
	require.NoError(t, err)
	s, err := ParseWitnessSigner(file)
	require.NoError(t, err)
	return s
}

// signedCheckpoint returns a checkpoint of the alliance's tree of n lines and
// its note signed by k.
func signedCheckpoint(t *testing.T, k LogKey, n uint64) (*Tree, Checkpoint, []byte) {
	t.Helper()
	tree, _ := buildTrees(n)
	root, size := tree.Root()
	cp := Checkpoint{Origin: Origin(testAlliance), Size: size, Root: root}
	signed, err := k.SignCheckpoint(cp)
	require.NoError(t, err)
	return tree, cp, signed
}

// cosignTime is when the test witnesses cosign.
var cosignTime = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func mustCosign(t *testing.T, s WitnessSigner, cp Checkpoint) []byte {
	t.Helper()
	line, err := s.Cosign(cp, cosignTime)
	require.NoError(t, err)
	return line
}

func fourBytes(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

func signEd25519(s WitnessSigner, msg []byte) []byte { return ed25519.Sign(s.private, msg) }
