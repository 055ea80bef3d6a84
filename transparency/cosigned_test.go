package transparency

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/formats/log"
	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

// cosignedFixture is a checkpoint signed by the log and cosigned by the
// first two of three witnesses.
type cosignedFixture struct {
	tree      *Tree
	cp        Checkpoint
	logOnly   []byte
	cosigned  []byte
	logVKey   string
	witnesses []WitnessSigner
	vkeys     []string
}

func newCosignedFixture(t *testing.T) cosignedFixture {
	t.Helper()
	k := newLogKey(t, 1)
	tree, cp, signed := signedCheckpoint(t, k, 20)
	f := cosignedFixture{tree: tree, cp: cp, logOnly: signed, logVKey: logVKey(t, k, testAlliance)}
	for i, name := range []string{"witness.example/a", "witness.example/b", "witness.example/c"} {
		w := newWitness(t, name, byte(20+i))
		f.witnesses = append(f.witnesses, w)
		f.vkeys = append(f.vkeys, w.WitnessKey().String())
	}
	var err error
	f.cosigned, err = AddCosignatures(signed, mustCosign(t, f.witnesses[0], cp), mustCosign(t, f.witnesses[1], cp))
	require.NoError(t, err)
	return f
}

func TestAQuorumOfWitnessesIsCounted(t *testing.T) {
	f := newCosignedFixture(t)
	for quorum := 0; quorum <= 2; quorum++ {
		cp, cosigs, err := VerifyCosigned(f.cosigned, f.logVKey, f.vkeys, quorum)
		require.NoError(t, err, "quorum %d", quorum)
		require.Equal(t, f.cp, cp)
		require.Len(t, cosigs, 2)
		require.Equal(t, "witness.example/a", cosigs[0].Witness.Name())
		require.Equal(t, "witness.example/b", cosigs[1].Witness.Name())
		require.True(t, cosigs[0].Time.Equal(cosignTime))
	}
	cp, cosigs, err := VerifyCosigned(f.cosigned, f.logVKey, f.vkeys, 3)
	require.ErrorIs(t, err, ErrQuorum, "c did not cosign")
	require.Equal(t, f.cp, cp, "the checkpoint comes back with the shortfall")
	require.Len(t, cosigs, 2)

	_, _, err = VerifyCosigned(f.logOnly, f.logVKey, f.vkeys, 1)
	require.ErrorIs(t, err, ErrQuorum, "no cosignature at all")
	_, _, err = VerifyCosigned(f.logOnly, f.logVKey, nil, 0)
	require.NoError(t, err, "no witnesses asked for")

	for _, q := range []int{-1, 4} {
		_, _, err := VerifyCosigned(f.cosigned, f.logVKey, f.vkeys, q)
		require.ErrorIs(t, err, ErrQuorum, "quorum %d", q)
	}
}

func TestCosignaturesOfUnlistedWitnessesAreIgnored(t *testing.T) {
	f := newCosignedFixture(t)
	_, cosigs, err := VerifyCosigned(f.cosigned, f.logVKey, f.vkeys[1:], 1)
	require.NoError(t, err)
	require.Len(t, cosigs, 1, "only b of the listed b and c")
	_, _, err = VerifyCosigned(f.cosigned, f.logVKey, f.vkeys[2:], 1)
	require.ErrorIs(t, err, ErrQuorum, "a and b are not listed; c did not cosign")
}

func TestACosignatureOverAnotherRootRefusesTheNote(t *testing.T) {
	f := newCosignedFixture(t)
	earlier, err := f.tree.RootAt(19)
	require.NoError(t, err)
	stale := mustCosign(t, f.witnesses[2], Checkpoint{Origin: f.cp.Origin, Size: 19, Root: earlier})
	withStale, err := AddCosignatures(f.cosigned, stale)
	require.NoError(t, err, "AddCosignatures checks form, not signatures")
	_, _, err = VerifyCosigned(withStale, f.logVKey, f.vkeys, 2)
	require.ErrorIs(t, err, ErrSignature)
	_, _, err = VerifyCosigned(withStale, f.logVKey, f.vkeys[:2], 2)
	require.NoError(t, err, "c's bad line is ignored when c is not a listed witness")
}

func TestACosignedNoteWithoutTheLogsSignatureIsRefused(t *testing.T) {
	f := newCosignedFixture(t)
	logLine := f.logOnly[len(f.cp.Body())+1:]
	stripped := bytes.Replace(f.cosigned, logLine, nil, 1)
	_, _, err := VerifyCosigned(stripped, f.logVKey, f.vkeys, 2)
	require.ErrorIs(t, err, ErrSignature)

	tampered := bytes.Replace(f.cosigned, []byte("\n20\n"), []byte("\n21\n"), 1)
	_, _, err = VerifyCosigned(tampered, f.logVKey, f.vkeys, 0)
	require.ErrorIs(t, err, ErrSignature)
}

func TestBadWitnessListsAreRefused(t *testing.T) {
	f := newCosignedFixture(t)
	_, _, err := VerifyCosigned(f.cosigned, f.logVKey, []string{f.vkeys[0], f.vkeys[0]}, 1)
	require.ErrorIs(t, err, ErrKey, "listed twice")
	_, _, err = VerifyCosigned(f.cosigned, f.logVKey, []string{f.logVKey}, 1)
	require.ErrorIs(t, err, ErrKey, "a log key is no witness key")
	_, _, err = VerifyCosigned(f.cosigned, f.vkeys[0], f.vkeys, 1)
	require.ErrorIs(t, err, ErrKey, "a witness key is no log key")
}

func TestARealCheckpointMeetsAQuorumOfOneRealWitness(t *testing.T) {
	cp, cosigs, err := VerifyCosigned([]byte(realCheckpoint), realLogVKey, []string{realWitnessVKey}, 1)
	require.NoError(t, err)
	require.Equal(t, uint64(realSize), cp.Size)
	require.Len(t, cosigs, 1)
	require.Equal(t, realRemoraLine, string(cosigs[0].Line))
}

func TestAddCosignaturesKeepsOnePerWitnessKey(t *testing.T) {
	f := newCosignedFixture(t)
	a := mustCosign(t, f.witnesses[0], f.cp)
	c := mustCosign(t, f.witnesses[2], f.cp)
	out, err := AddCosignatures(f.cosigned, a, bytes.TrimSuffix(c, []byte("\n")), c)
	require.NoError(t, err)
	require.Equal(t, append(append([]byte(nil), f.cosigned...), c...), out, "a already signs; c once, its newline restored")

	later, err := f.witnesses[0].Cosign(f.cp, cosignTime.Add(3600e9))
	require.NoError(t, err)
	out2, err := AddCosignatures(out, later)
	require.NoError(t, err)
	require.Equal(t, out, out2, "a second cosignature by the same key is not added")

	_, cosigs, err := VerifyCosigned(out, f.logVKey, f.vkeys, 3)
	require.NoError(t, err)
	require.Len(t, cosigs, 3)

	// The formats library opens the same note with its own verifiers.
	logV, err := note.NewVerifier(f.logVKey)
	require.NoError(t, err)
	var theirs []note.Verifier
	for _, v := range f.vkeys {
		fv, err := fnote.NewVerifierForCosignatureV1(v)
		require.NoError(t, err)
		theirs = append(theirs, fv)
	}
	parsed, _, n, err := log.ParseCheckpoint(out, f.cp.Origin, logV, theirs...)
	require.NoError(t, err)
	require.Equal(t, f.cp.Size, parsed.Size)
	require.Len(t, n.Sigs, 4, "the log and three witnesses")

	for what, bad := range map[string][2][]byte{
		"no signatures":     {f.cp.Body(), c},
		"no final newline":  {f.cosigned[:len(f.cosigned)-1], c},
		"blank line at end": {append(f.cosigned, '\n'), c},
		"bad line":          {f.cosigned, []byte("— witness.example/d !!!\n")},
		"not a line":        {f.cosigned, []byte(strings.Repeat("x", 10))},
	} {
		_, err := AddCosignatures(bad[0], bad[1])
		require.ErrorIs(t, err, ErrMalformed, what)
	}
}
