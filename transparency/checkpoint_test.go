package transparency

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/formats/log"
)

func TestCheckpointBodyIsTheThreeC2SPLines(t *testing.T) {
	root := LeafHash([]byte("x"))
	cp := Checkpoint{Origin: Origin(testAlliance), Size: 1234, Root: root}
	want := "accord/" + testAlliance + "\n1234\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"
	require.Equal(t, want, string(cp.Body()))
	require.Equal(t, want, string(log.Checkpoint{Origin: cp.Origin, Size: cp.Size, Hash: root[:]}.Marshal()),
		"the formats library writes the same bytes")

	got, err := ParseCheckpoint(cp.Body())
	require.NoError(t, err)
	require.Equal(t, cp, got)

	empty := Checkpoint{Origin: "accord/a", Size: 0, Root: EmptyRoot()}
	got, err = ParseCheckpoint(empty.Body())
	require.NoError(t, err)
	require.Equal(t, empty, got)
}

func TestMalformedCheckpointBodiesAreRefused(t *testing.T) {
	root := base64.StdEncoding.EncodeToString(make([]byte, 32))
	short := base64.StdEncoding.EncodeToString(make([]byte, 31))
	// "AAAB…" differs from the canonical "AAAA…=" only in padding bits.
	nonCanonical := root[:len(root)-2] + "B="
	for name, body := range map[string]string{
		"extension line":      "accord/a\n1\n" + root + "\nextension\n",
		"no final newline":    "accord/a\n1\n" + root,
		"blank line":          "accord/a\n1\n" + root + "\n\n",
		"leading zero":        "accord/a\n01\n" + root + "\n",
		"plus sign":           "accord/a\n+1\n" + root + "\n",
		"negative":            "accord/a\n-1\n" + root + "\n",
		"size overflows":      "accord/a\n18446744073709551616\n" + root + "\n",
		"size with space":     "accord/a\n1 \n" + root + "\n",
		"short root":          "accord/a\n1\n" + short + "\n",
		"unpadded root":       "accord/a\n1\n" + strings.TrimRight(root, "=") + "\n",
		"non-canonical root":  "accord/a\n1\n" + nonCanonical + "\n",
		"url-safe root":       "accord/a\n1\n" + strings.Repeat("_", 43) + "=\n",
		"empty origin":        "\n1\n" + root + "\n",
		"origin with space":   "accord/a b\n1\n" + root + "\n",
		"origin with plus":    "accord/a+b\n1\n" + root + "\n",
		"CRLF":                "accord/a\r\n1\r\n" + root + "\r\n",
		"two lines only":      "accord/a\n1\n",
		"nothing":             "",
		"hex root":            "accord/a\n1\n" + strings.Repeat("00", 32) + "\n",
		"origin not UTF-8":    "accord/\xff\n1\n" + root + "\n",
		"size not a number":   "accord/a\nten\n" + root + "\n",
		"size and root swap":  "accord/a\n" + root + "\n1\n",
		"extension then none": "accord/a\n1\n" + root + "\nx",
	} {
		_, err := ParseCheckpoint([]byte(body))
		require.ErrorIs(t, err, ErrMalformed, name)
	}
}
