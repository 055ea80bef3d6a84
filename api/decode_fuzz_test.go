package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/domain"
)

// FuzzDecodeBody feeds arbitrary bodies to decodeBody for every shape of
// request body. It never panics; a refusal is Invalid or TooLarge with a
// message; and what it accepts is valid JSON that encoding/json reads the
// same way (strictness never changes what a body means), whose re-encoding
// it accepts again unchanged.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{
		``, ` `, `{}`, `{"kind":"position","title":"t","body":"b"}`, `{"kind":"charter","title":"t","body":"b","charter":{"decision_rule":"majority"}}`,
		`{"name":"n","purpose":"p","charter":{"decision_rule":"consensus","quorum":"1/2","threshold":"3/4"}}`,
		`{"name":"n","aim":"a","metric":"m","target":1.5e3,"due":"2027-06-30","member_ids":["0190a0a0-0000-7000-8000-000000000001"]}`,
		`{"stance":"agree","reason":"r"}`, `{"closes_at":"2026-12-01T17:00:00+01:00"}`, `{"closes_at":null}`,
		`{"proposal_id":"0190a0a0-0000-7000-8000-000000000001","description":"d","metric":"m","target":-0,"due":"2027-01-01"}`,
		`{"value":1e308,"note":"n"}`, `{"value":1e309}`, `{"note":"\ud83d\ude00"}`, `{"note":"\ud83d"}`, `{"note":"\\ud800"}`,
		`{"a":1,"a":2}`, `{"charter":{"quorum":"1/2","quorum":"1/3"}}`, `{"title":"t"} x`, `[1]`, `null`, "\xef\xbb\xbf{}",
		`{"member_ids":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`, `{"title":` + "\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	targets := []func() any{
		func() any { return &struct{}{} },
		func() any { return &domain.FormAlliance{} },
		func() any { return &domain.AdmitMember{} },
		func() any { return &domain.WithdrawMember{} },
		func() any { return &domain.FormWorkgroup{} },
		func() any { return &domain.SubmitProposal{} },
		func() any { return &domain.ProposeAmendment{} },
		func() any { return &domain.OpenVoting{} },
		func() any { return &domain.CastVote{} },
		func() any { return &domain.MakeCommitment{} },
		func() any { return &domain.ReportProgress{} },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, target := range targets {
			v := target()
			err := decodeBody(httptest.NewRequest("POST", "/", bytes.NewReader(body)), v)
			if err != nil {
				var de *domain.Error
				require.True(t, errors.As(err, &de), "%T: %v", v, err)
				require.Contains(t, []domain.Kind{domain.Invalid, domain.TooLarge}, de.Kind)
				require.NotEmpty(t, de.Message)
				continue
			}
			if len(bytes.Trim(body, jsonBlanks)) == 0 {
				continue // an empty body is {}
			}
			require.True(t, json.Valid(body), "accepted invalid JSON %q", body)
			plain := target()
			require.NoError(t, json.Unmarshal(body, plain), "encoding/json refuses %q", body)
			got, want := mustMarshal(t, v), mustMarshal(t, plain)
			require.Equal(t, string(want), string(got), "decodeBody read %q differently", body)
			again := target()
			require.NoError(t, decodeBody(httptest.NewRequest("POST", "/", bytes.NewReader(got)), again), "refused its own re-encoding %s", got)
			require.Equal(t, string(got), string(mustMarshal(t, again)))
		}
	})
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return raw
}

// FuzzPlainJSONKeysUnique holds the quick duplicate-key check to the
// decoder's walk: whatever it passes, the walk passes too (duplicates,
// escapes and depth included), so it only ever saves time.
func FuzzPlainJSONKeysUnique(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"stance":"agree","reason":"r"}`, `{"a":1,"a":2}`, `{"a":{"b":1},"b":{"b":2}}`, `{"a":[{"b":1},{"b":1}]}`,
		`{"a":{"b":1,"b":2}}`, `{"a":1,"\u0061":2}`, `{"a":"}","a":"{"}`, `{"a":[1,{"c":2}],"b":3,"a":4}`, `[{"a":1},{"a":1}]`,
		`{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`, `{"k":"v"} {"k":"v"}`, `{"a" : 1 , "a" : 2}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !plainJSONKeysUnique(body) {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		require.NoError(t, walkValue(dec, 0), "%q", body)
	})
}

// TestPlainJSONKeysUnique: the usual bodies take the quick path, and the
// duplicates it must not miss do not.
func TestPlainJSONKeysUnique(t *testing.T) {
	for _, s := range []string{`{}`, `{"stance":"agree","reason":"because"}`, `{"a":{"b":1},"b":{"b":2}}`, `{"a":[{"b":1},{"b":1}]}`,
		`{"name":"n","charter":{"decision_rule":"consensus","quorum":"1/2"},"purpose":"p"}`} {
		require.True(t, plainJSONKeysUnique([]byte(s)), s)
	}
	for _, s := range []string{`{"a":1,"a":2}`, `{"a":{"b":1,"b":2}}`, `{"a":[1,{"c":2}],"b":3,"a":4}`, `{"a":1,"\u0061":2}`, `{"a":`, `{"a" : 1 , "a" : 2}`} {
		require.False(t, plainJSONKeysUnique([]byte(s)), s)
	}
}

// BenchmarkPlainJSONKeysUnique is the quick duplicate-key check of a vote's
// body: no allocation (0 allocs/op) without the race detector.
func BenchmarkPlainJSONKeysUnique(b *testing.B) {
	body := []byte(`{"stance":"agree","reason":"because","x":{"y":[1,2]}}`)
	b.ReportAllocs()
	for b.Loop() {
		if !plainJSONKeysUnique(body) {
			b.Fatal("a plain body with unique keys")
		}
	}
}
