package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"accord/domain"
)

func TestNameIDIsTheVersion5IDOfTheName(t *testing.T) {
	require.Equal(t, "46b3edd5-7604-5ca5-94a5-841b50af5fa2", domain.NameID("accord:admin"))
	require.Equal(t, uuid.NewSHA1(uuid.NameSpaceURL, []byte("x")).String(), domain.NameID("x"))
}

func TestTimeIDIsAVersion7IDOfItsMillisecond(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC)
	random := [10]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	id, err := uuid.Parse(domain.TimeID(at, random))
	require.NoError(t, err)
	require.Equal(t, uuid.Version(7), id.Version())
	require.Equal(t, uuid.RFC4122, id.Variant())
	sec, nsec := id.Time().UnixTime()
	require.Equal(t, at.Truncate(time.Millisecond), time.Unix(sec, nsec).UTC())
	require.NotEqual(t, domain.TimeID(at, random), domain.TimeID(at, [10]byte{}), "the random bytes count")
	later := domain.TimeID(at.Add(time.Millisecond), [10]byte{})
	require.Less(t, domain.TimeID(at, random), later, "ids sort by time")
}

func TestCanonicalID(t *testing.T) {
	got, ok := domain.CanonicalID("0190A0A0-0000-7000-8000-000000000001")
	require.True(t, ok)
	require.Equal(t, "0190a0a0-0000-7000-8000-000000000001", got)
	for _, bad := range []string{"", "not-a-uuid", "{0190a0a0-0000-7000-8000-000000000001}", "0190a0a000007000800000000000000001", "urn:uuid:0190a0a0-0000-7000-8000-000000000001"} {
		_, ok := domain.CanonicalID(bad)
		require.False(t, ok, bad)
	}
}
