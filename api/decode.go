package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"accord/domain"
)

// MaxBody is the largest request body accepted; larger ones answer 413.
const MaxBody = 1 << 20

// decodeBody reads r's body strictly into v: at most MaxBody bytes, valid
// UTF-8, one JSON object with no unknown or duplicate fields and nothing after
// it. An empty body decodes as {}. Every failure is an Invalid or TooLarge
// error whose message names what is wrong.
func decodeBody(r *http.Request, v any) error {
	data, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte("{}")
	}
	if !utf8.Valid(data) {
		return domain.Errorf(domain.Invalid, "the body is not valid UTF-8")
	}
	if t := bytes.TrimLeft(data, " \t\r\n"); t[0] != '{' {
		return domain.Errorf(domain.Invalid, "the body must be a JSON object")
	}
	if err := checkDuplicateKeys(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return domain.Errorf(domain.Invalid, "the body has data after its JSON object")
	}
	return nil
}

// readBody reads at most MaxBody bytes of the body.
func readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBody {
		return nil, domain.Errorf(domain.TooLarge, "the body is %d bytes; the limit is %d", r.ContentLength, MaxBody)
	}
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, domain.Errorf(domain.TooLarge, "the body is over the limit of %d bytes", MaxBody)
	}
	if err != nil {
		return nil, domain.Errorf(domain.Invalid, "cannot read the body: %v", err)
	}
	return data, nil
}

// jsonError turns a decoding error into an Invalid error naming the field.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return domain.Errorf(domain.Invalid, "field %q must be %s, not %s", field, describeType(typeErr.Type.Kind().String()), typeErr.Value)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return domain.Errorf(domain.Invalid, "malformed JSON at byte %d: %s", syntaxErr.Offset, strings.TrimPrefix(syntaxErr.Error(), "json: "))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return domain.Errorf(domain.Invalid, "malformed JSON: the body ends too early")
	}
	return domain.Errorf(domain.Invalid, "invalid body: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func describeType(kind string) string {
	switch kind {
	case "float64", "int", "int64", "uint64":
		return "a number"
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	case "bool":
		return "true or false"
	default:
		return kind
	}
}

// checkDuplicateKeys refuses an object that names a key twice at any depth:
// encoding/json would silently keep the last one, and a ledger should not
// guess which the caller meant.
func checkDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := walkValue(dec); err != nil {
		return err
	}
	return nil
}

func walkValue(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return jsonError(err)
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return jsonError(err)
			}
			k, _ := key.(string)
			if seen[k] {
				return domain.Errorf(domain.Invalid, "field %q appears twice", k)
			}
			seen[k] = true
			if err := walkValue(dec); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	case json.Delim('['):
		for dec.More() {
			if err := walkValue(dec); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	}
	if err != nil {
		return jsonError(err)
	}
	return nil
}

// pathID returns the named path value if it is a uuid, else an Invalid error
// naming it.
func pathID(r *http.Request, name string) (string, error) {
	v := r.PathValue(name)
	id, err := uuid.Parse(v)
	if err != nil || len(v) != 36 {
		return "", domain.Errorf(domain.Invalid, "%s %q is not a uuid", name, truncate(v, 64))
	}
	return id.String(), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
