package transparency

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// receiptFixture: a tree of 50 lines, its checkpoint at size 50 signed and
// cosigned by one witness, and the witness's key.
type receiptFixture struct {
	tree    *Tree
	cp      Checkpoint
	note    []byte
	logVKey string
	witness string
}

func newReceiptFixture(t *testing.T) receiptFixture {
	t.Helper()
	k := newLogKey(t, 1)
	tree, cp, signed := signedCheckpoint(t, k, 50)
	w := newWitness(t, "witness.example/a", 30)
	cosigned, err := AddCosignatures(signed, mustCosign(t, w, cp))
	require.NoError(t, err)
	return receiptFixture{tree, cp, cosigned, logVKey(t, k, testAlliance), w.WitnessKey().String()}
}

func (f receiptFixture) receipt(t *testing.T, seq uint64) []byte {
	t.Helper()
	path, err := f.tree.InclusionProof(seq-1, f.cp.Size)
	require.NoError(t, err)
	return FormatInclusionProof(seq-1, path, f.note)
}

func TestAReceiptIsTheC2SPTlogProofLayout(t *testing.T) {
	f := newReceiptFixture(t)
	path, err := f.tree.InclusionProof(6, 50)
	require.NoError(t, err)
	var want strings.Builder
	want.WriteString("c2sp.org/tlog-proof@v1\nindex 6\n")
	for _, h := range path {
		want.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	want.WriteString("\n")
	want.Write(f.note)
	require.Equal(t, want.String(), string(f.receipt(t, 7)))

	p, err := ParseInclusionProof(f.receipt(t, 7))
	require.NoError(t, err)
	require.Equal(t, InclusionProof{Index: 6, Path: path, Checkpoint: f.note}, p)
}

func TestEveryReceiptVerifies(t *testing.T) {
	f := newReceiptFixture(t)
	for seq := uint64(1); seq <= 50; seq++ {
		index, cp, err := VerifyReceipt(f.receipt(t, seq), eventLine(seq-1), f.logVKey)
		require.NoError(t, err, "seq %d", seq)
		require.Equal(t, seq-1, index)
		require.Equal(t, f.cp, cp)
		_, _, err = VerifyReceiptCosigned(f.receipt(t, seq), eventLine(seq-1), f.logVKey, []string{f.witness}, 1)
		require.NoError(t, err, "seq %d", seq)
	}
}

func TestAReceiptForAnEarlierSizeVerifies(t *testing.T) {
	f := newReceiptFixture(t)
	k := newLogKey(t, 1)
	root, err := f.tree.RootAt(10)
	require.NoError(t, err)
	cp := Checkpoint{Origin: Origin(testAlliance), Size: 10, Root: root}
	signed, err := k.SignCheckpoint(cp)
	require.NoError(t, err)
	path, err := f.tree.InclusionProof(2, 10)
	require.NoError(t, err)
	index, got, err := VerifyReceipt(FormatInclusionProof(2, path, signed), eventLine(2), f.logVKey)
	require.NoError(t, err)
	require.Equal(t, uint64(2), index)
	require.Equal(t, cp, got)
	_, _, err = VerifyReceiptCosigned(FormatInclusionProof(2, path, signed), eventLine(2), f.logVKey, []string{f.witness}, 1)
	require.ErrorIs(t, err, ErrQuorum, "nobody cosigned size 10")
}

func TestAReceiptForAnotherLineOrPlaceIsRefused(t *testing.T) {
	f := newReceiptFixture(t)
	r := f.receipt(t, 7)
	_, _, err := VerifyReceipt(r, eventLine(7), f.logVKey)
	require.ErrorIs(t, err, ErrProof, "another event")
	_, _, err = VerifyReceipt(r, append(eventLine(6), '\n'), f.logVKey)
	require.ErrorIs(t, err, ErrProof, "the line with its newline is another leaf")

	moved := bytes.Replace(r, []byte("index 6\n"), []byte("index 7\n"), 1)
	_, _, err = VerifyReceipt(moved, eventLine(6), f.logVKey)
	require.ErrorIs(t, err, ErrProof, "another index")
	beyond := bytes.Replace(r, []byte("index 6\n"), []byte("index 50\n"), 1)
	_, _, err = VerifyReceipt(beyond, eventLine(6), f.logVKey)
	require.ErrorIs(t, err, ErrProof, "an index beyond the tree")

	p, err := ParseInclusionProof(r)
	require.NoError(t, err)
	p.Path[1][5] ^= 0x40
	_, _, err = VerifyReceipt(FormatInclusionProof(p.Index, p.Path, p.Checkpoint), eventLine(6), f.logVKey)
	require.ErrorIs(t, err, ErrProof, "a tampered hash")
	_, _, err = VerifyReceipt(FormatInclusionProof(6, p.Path[:3], p.Checkpoint), eventLine(6), f.logVKey)
	require.ErrorIs(t, err, ErrProof, "a short path")

	_, _, err = VerifyReceipt(r, eventLine(6), logVKey(t, newLogKey(t, 2), testAlliance))
	require.ErrorIs(t, err, ErrSignature, "another log key")
	_, _, err = VerifyReceiptCosigned(r, eventLine(6), f.logVKey, []string{newWitness(t, "witness.example/z", 31).WitnessKey().String()}, 1)
	require.ErrorIs(t, err, ErrQuorum, "not cosigned by the witness asked for")
}

func TestMalformedProofFilesAreRefused(t *testing.T) {
	f := newReceiptFixture(t)
	r := string(f.receipt(t, 7))
	head, rest, _ := strings.Cut(r, "\nindex 6\n")
	hash := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for what, bad := range map[string]string{
		"another header":  strings.Replace(r, "tlog-proof@v1", "tlog-proof@v2", 1),
		"no header":       strings.TrimPrefix(r, head+"\n"),
		"leading zero":    strings.Replace(r, "index 6\n", "index 06\n", 1),
		"no index":        strings.Replace(r, "index 6\n", "", 1),
		"index word":      strings.Replace(r, "index 6\n", "idx 6\n", 1),
		"negative index":  strings.Replace(r, "index 6\n", "index -6\n", 1),
		"extra not b64":   head + "\nextra !!\nindex 6\n" + rest,
		"short hash":      strings.Replace(r, "index 6\n", "index 6\n"+base64.StdEncoding.EncodeToString(make([]byte, 31))+"\n", 1),
		"hex hash":        strings.Replace(r, "index 6\n", "index 6\n"+strings.Repeat("ab", 32)+"\n", 1),
		"65 hashes":       strings.Replace(r, "index 6\n", "index 6\n"+strings.Repeat(hash+"\n", 65), 1),
		"no blank line":   strings.Replace(r, "\n\n"+string(f.cp.Body()), "\n"+string(f.cp.Body()), 1),
		"no checkpoint":   r[:strings.Index(r, "\n\n")+2],
		"nothing":         "",
		"CRLF header":     strings.Replace(r, "@v1\n", "@v1\r\n", 1),
		"space in index":  strings.Replace(r, "index 6\n", "index  6\n", 1),
		"index overflows": strings.Replace(r, "index 6\n", "index 18446744073709551616\n", 1),
	} {
		_, err := ParseInclusionProof([]byte(bad))
		require.ErrorIs(t, err, ErrMalformed, what)
		_, _, err = VerifyReceipt([]byte(bad), eventLine(6), f.logVKey)
		require.Error(t, err, what)
	}
	full := []byte(r)
	withoutCosignature := bytes.LastIndex(full, []byte("— witness.example/a "))
	for n := range len(full) {
		_, _, err := VerifyReceiptCosigned(full[:n], eventLine(6), f.logVKey, []string{f.witness}, 1)
		require.Error(t, err, "truncated to %d bytes", n)
		if n != withoutCosignature {
			_, _, err = VerifyReceipt(full[:n], eventLine(6), f.logVKey)
			require.Error(t, err, "truncated to %d bytes", n)
		}
	}
}

// The example in the C2SP tlog-proof specification, with an extra line;
// its signatures are elided there, so only its form is checked.
const specProof = `c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

— example.com/fancylog hI2DJw[...]1roloI=
— witness1.example mJirIklj[...]qY9v2B/5bg==
`

func TestTheSpecificationsExampleProofParses(t *testing.T) {
	p, err := ParseInclusionProof([]byte(specProof))
	require.NoError(t, err)
	extra, err := base64.StdEncoding.DecodeString("YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ")
	require.NoError(t, err)
	require.Equal(t, extra, p.Extra)
	require.Equal(t, uint64(73894), p.Index)
	require.Len(t, p.Path, 5)
	require.Equal(t, "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=", base64.StdEncoding.EncodeToString(p.Path[0][:]))
	require.True(t, strings.HasPrefix(string(p.Checkpoint), "example.com/fancylog\n109482\n"))
	require.True(t, strings.HasSuffix(string(p.Checkpoint), "qY9v2B/5bg==\n"))
	_, err = OpenCheckpoint(p.Checkpoint, specVKey)
	require.Error(t, err, "its signatures are elided")
}
