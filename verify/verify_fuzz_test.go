package verify

import (
	"bytes"
	"errors"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
)

// verifySeeds are exports to mutate: the story, two stories interleaved,
// and the story damaged in the ways TestVerifyCatches names.
func verifySeeds(f *testing.F) [][]byte {
	_, lines := domaintest.StoryLines(f, 0)
	_, other := domaintest.StoryLines(f, 1000)
	var mixed [][]byte
	for i := range lines {
		mixed = append(mixed, lines[i], other[i])
	}
	good := export(lines)
	return [][]byte{
		good, export(mixed), export(lines[:5]), good[:len(good)-1], good[:len(good)/2],
		bytes.ReplaceAll(good, []byte("\n"), []byte("\r\n")), append([]byte("\n"), good...),
		export(edit(lines, 20, replace(`"result":"adopted"`, `"result":"rejected"`))),
		export(reseal(edit(lines, 20, replace(`"result":"adopted"`, `"result":"rejected"`)), 19)),
		export(reseal(append(append([][]byte{}, lines[:26]...), lines[27:]...), 26)), // CharterAmended dropped
		{}, []byte("\n"), []byte("{}\n"), []byte("null\n"), []byte(`{"type":"AllianceFormed","v":1,"seq":1,"data":{}}`),
	}
}

// FuzzVerify feeds arbitrary bytes to the offline verifier's line parser.
// It never panics; it answers the same read whole or a byte at a time; an
// accepted input holds exactly as many events as lines, each a stored event,
// and its heads are hashes of lines it read; a refusal is a *ChainError.
func FuzzVerify(f *testing.F) {
	for _, s := range verifySeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkVerify(t, data) })
}

// FuzzVerifyResealed mutates ledgers and then re-chains every line (seq
// and prev_hash rewritten as a forger would), so the mutations reach the
// verifier's re-derivation of outcomes instead of stopping at the first
// broken hash.
func FuzzVerifyResealed(f *testing.F) {
	for _, s := range verifySeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
		checkVerify(t, export(reseal(lines, 0)))
	})
}

func checkVerify(t *testing.T, data []byte) {
	got, err := Verify(bytes.NewReader(data), Options{})
	slow, slowErr := Verify(iotest.OneByteReader(bytes.NewReader(data)), Options{})
	require.Equal(t, errText(err), errText(slowErr), "read whole and a byte at a time differ")
	require.Equal(t, got, slow)
	if err != nil {
		var ce *ChainError
		require.True(t, errors.As(err, &ce), "%T: %v", err, err)
		require.NotEmpty(t, ce.Error())
		return
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	require.Equal(t, len(lines), got.Events)
	hashes := map[string]bool{}
	for _, l := range lines {
		_, err := domain.Decode(l)
		require.NoError(t, err, "accepted a line that is not an event: %q", l)
		hashes[domain.Hash(l)] = true
	}
	events := 0
	for _, h := range got.Alliances {
		require.True(t, hashes[h.Hash], "head %s is no line's hash", h.Hash)
		events += h.Events
	}
	require.Equal(t, got.Events, events)
	last := domain.Hash(lines[len(lines)-1])
	_, err = Verify(bytes.NewReader(data), Options{Anchors: []string{last}})
	require.NoError(t, err, "the last line's hash is not found as an anchor")
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
