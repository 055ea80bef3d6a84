package api_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/transparency"
)

// TestCosignaturesOfEverySize: a witness cosigns the alliance's checkpoint
// each time it grows, as `accord witness` does. The cosigned route serves
// the largest, every earlier size's checkpoint still carries its
// cosignature (read from the bucket when asked for, not held), another
// instance over the same NATS serves the same bytes, and a cosignature
// posted through the first reaches it.
func TestCosignaturesOfEverySize(t *testing.T) {
	e := newGuardEnv(t)
	a := newTlogAlliance(t, e.testEnv)
	w, vkey := newWitness(t, "regulator-witness")
	e.must(201, "POST", a.base+"/witnesses", a.Observer.Token, map[string]any{"name": "regulator-witness", "vkey": vkey})
	cosign := func() (uint64, []byte) {
		t.Helper()
		served := e.do("GET", a.base+"/checkpoint", a.Observer.Token, nil).Body
		cp, err := transparency.OpenCheckpoint(served, a.vkey)
		require.NoError(t, err)
		e.must(201, "POST", a.base+"/checkpoint/cosignatures", a.Observer.Token, map[string]any{"checkpoint": string(served), "cosignature": string(mustCosign(t, w, cp))})
		return cp.Size, served
	}
	var sizes []uint64
	for i := 0; i < 5; i++ {
		size, _ := cosign()
		sizes = append(sizes, size)
		e.must(201, "POST", a.base+"/proposals", a.Members[0].Token, map[string]any{"kind": "resolution", "title": "Next", "body": "b"})
	}
	for _, size := range sizes {
		body := e.do("GET", a.base+"/checkpoint?size="+itoa(int(size)), a.Observer.Token, nil).Body
		got, cosigs, err := transparency.VerifyCosigned(body, a.vkey, []string{vkey}, 1)
		require.NoError(t, err, "size %d carries its cosignature", size)
		require.Equal(t, size, got.Size)
		require.Len(t, cosigs, 1)
	}
	latest := e.do("GET", a.base+"/checkpoint/cosigned", a.Observer.Token, nil)
	require.Equal(t, 200, latest.Status)
	got, _, err := transparency.VerifyCosigned(latest.Body, a.vkey, []string{vkey}, 1)
	require.NoError(t, err)
	require.Equal(t, sizes[len(sizes)-1], got.Size)

	hs := httptest.NewServer(e.second())
	t.Cleanup(hs.Close)
	other := &testEnv{t: t, URL: hs.URL}
	require.Equal(t, string(latest.Body), string(other.do("GET", a.base+"/checkpoint/cosigned", a.Observer.Token, nil).Body))

	next, _ := cosign()
	require.Eventually(t, func() bool {
		body := other.do("GET", a.base+"/checkpoint/cosigned", a.Observer.Token, nil).Body
		cp, _, err := transparency.VerifyCosigned(body, a.vkey, []string{vkey}, 1)
		return err == nil && cp.Size == next
	}, 10*time.Second, 20*time.Millisecond, "the other instance serves the new cosignature")
}
