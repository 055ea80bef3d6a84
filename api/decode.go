package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"accord/domain"
)

// MaxBody is the largest request body accepted; larger ones answer 413.
const MaxBody = 1 << 20

// The bounds of the lingering read that follows an answer given before the
// request's body was read (a 413, a 401…). A client that sends its whole
// body before it reads would otherwise have its upload, and with it the
// answer, cut by the reset that closing a connection with unread data
// causes.
const (
	// lingerMax is the largest body read and discarded after the answer;
	// a larger one is not read at all and its client may see a reset.
	lingerMax = 16 << 20
	// lingerTime bounds how long that read may take.
	lingerTime = 5 * time.Second
	// discardedByNetHTTP is the declared body size up to which net/http
	// itself reads what a handler left before it reuses the connection.
	discardedByNetHTTP = 256 << 10
)

// maxDepth bounds how deeply a body's objects and arrays nest. The deepest
// request body is three levels; the bound keeps a body of a million '['
// from costing a million stack frames.
const maxDepth = 32

// decodeBody reads r's body strictly into v: at most MaxBody bytes, valid
// UTF-8 with no lone UTF-16 surrogate escapes, one JSON object with no
// unknown or duplicate fields, nested at most maxDepth deep, and nothing
// after it. An empty body (or one of blanks only) decodes as {}. Every
// failure is an Invalid or TooLarge error whose message names what is
// wrong.
func decodeBody(r *http.Request, v any) error {
	data, err := readBody(r)
	if err != nil {
		return err
	}
	if !utf8.Valid(data) {
		return domain.Errorf(domain.Invalid, "the body is not valid UTF-8")
	}
	if len(bytes.TrimLeft(data, jsonBlanks)) == 0 {
		data = []byte("{}")
	}
	if t := bytes.TrimLeft(data, jsonBlanks); t[0] != '{' {
		return domain.Errorf(domain.Invalid, "the body must be a JSON object")
	}
	if err := checkSurrogates(data); err != nil {
		return err
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

// jsonBlanks is the white space JSON allows between tokens.
const jsonBlanks = " \t\r\n"

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
	var netErr net.Error
	switch {
	case errors.As(err, &netErr) && netErr.Timeout():
		return nil, domain.Errorf(domain.Invalid, "the body did not arrive in time")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, domain.Errorf(domain.Invalid, "the body ends before its Content-Length")
	case err != nil:
		return nil, domain.Errorf(domain.Invalid, "cannot read the body")
	}
	return data, nil
}

// bodyWatch notes whether a request's body was read at all, and whether to
// its end (or to an error), so that ServeHTTP knows whether any is left to
// linger on.
type bodyWatch struct {
	io.ReadCloser
	started, done bool
}

func (b *bodyWatch) Read(p []byte) (int, error) {
	b.started = true
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.done = true
	}
	return n, err
}

// watchBody puts a bodyWatch in front of r's body; nil when r has none.
func watchBody(r *http.Request) *bodyWatch {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil
	}
	b := &bodyWatch{ReadCloser: r.Body}
	r.Body = b
	return b
}

// lingerBody reads and discards, once the answer is written, what the
// handler left of an HTTP/1 request's body: at most lingerMax bytes, for at
// most lingerTime, as nginx's lingering close does. The answer is flushed
// first, so a client that reads at once has it before the read begins. It
// returns how many bytes it discarded; it reads nothing when the body was
// read, is declared small enough for net/http to read the rest itself or
// larger than lingerMax, or waits on a 100 Continue that was never sent
// (reading sends it, so the client will not send the body).
func lingerBody(w http.ResponseWriter, r *http.Request, body *bodyWatch) int64 {
	if body == nil || body.done || r.ProtoMajor != 1 ||
		r.ContentLength > lingerMax || (r.ContentLength >= 0 && r.ContentLength <= discardedByNetHTTP) {
		return 0
	}
	if !body.started && strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		return 0
	}
	rc := http.NewResponseController(w)
	if err := rc.Flush(); err != nil {
		return 0
	}
	_ = rc.SetReadDeadline(time.Now().Add(lingerTime))
	n, _ := io.CopyN(io.Discard, body, lingerMax)
	return n
}

// checkSurrogates refuses \u escapes of lone UTF-16 surrogates: they are no
// character, and encoding/json would silently store U+FFFD instead of what
// the client sent. A backslash outside a string is a syntax error the
// decoder reports.
func checkSurrogates(data []byte) error {
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' || i+1 >= len(data) {
			continue
		}
		i++ // the escaped character: a second backslash is not an escape
		if data[i] != 'u' {
			continue
		}
		r, ok := hex4(data, i+1)
		if !ok || !utf16.IsSurrogate(r) {
			continue
		}
		if r < 0xDC00 && i+6 < len(data) && data[i+5] == '\\' && data[i+6] == 'u' {
			if low, ok := hex4(data, i+7); ok && 0xDC00 <= low && low <= 0xDFFF {
				i += 10 // the whole pair
				continue
			}
		}
		return domain.Errorf(domain.Invalid, "the body has a lone UTF-16 surrogate \\u%04X, which is no character", r)
	}
	return nil
}

// hex4 reads the four hex digits at data[i:].
func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// jsonError turns a decoding error into an Invalid error naming the field.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		want := describeType(typeErr.Type.Kind().String())
		if want == "a number" && strings.HasPrefix(typeErr.Value, "number") {
			return domain.Errorf(domain.Invalid, "field %q is a number out of range (%s)", field, truncate(strings.TrimPrefix(typeErr.Value, "number "), 40))
		}
		return domain.Errorf(domain.Invalid, "field %q must be %s, not %s", field, want, typeErr.Value)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return domain.Errorf(domain.Invalid, "malformed JSON at byte %d: %s", syntaxErr.Offset, strings.TrimPrefix(syntaxErr.Error(), "json: "))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return domain.Errorf(domain.Invalid, "malformed JSON: the body ends too early")
	}
	var timeErr *time.ParseError
	if errors.As(err, &timeErr) {
		return domain.Errorf(domain.Invalid, "a time must be RFC 3339, like 2026-11-22T10:00:00Z, not %q", truncate(strings.Trim(timeErr.Value, `"`), 40))
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
	if plainJSONKeysUnique(data) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers are checked against their field's type later, with its name
	return walkValue(dec, 0)
}

// maxPlainKeys is how many keys of one object plainJSONKeysUnique compares
// pairwise; an object with more is left to the decoder's walk.
const maxPlainKeys = 32

// plainJSONKeysUnique reports, without allocating, that data is valid JSON
// without escapes, nested at most maxDepth deep, whose objects name each of
// their keys once. When it says false, checkDuplicateKeys walks the body with
// the decoder, which finds what is wrong and names it: an escape may spell a
// key two ways, and only the decoder's tokens compare them after unescaping.
func plainJSONKeysUnique(data []byte) bool {
	if bytes.IndexByte(data, '\\') >= 0 || !json.Valid(data) {
		return false
	}
	// One entry per open object or array: where its keys start in keys
	// (-1 for an array). keys holds the open objects' keys so far, as
	// offsets of their quoted text in data.
	type open struct{ from int }
	var stackBuf [maxDepth]open
	var keysBuf [64][2]int
	stack, keys := stackBuf[:0], keysBuf[:0]
	expectKey := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '{', '[':
			if len(stack) == maxDepth {
				return false
			}
			from := -1
			if c == '{' {
				from = len(keys)
			}
			stack = append(stack, open{from})
			expectKey = c == '{'
		case '}', ']':
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if top.from >= 0 {
				keys = keys[:top.from]
			}
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].from >= 0
		case '"':
			end := i + 1 + bytes.IndexByte(data[i+1:], '"')
			if expectKey {
				key, mine := data[i+1:end], keys[stack[len(stack)-1].from:]
				if len(mine) == maxPlainKeys {
					return false // a map then, in the decoder's walk
				}
				for _, k := range mine {
					if bytes.Equal(data[k[0]:k[1]], key) {
						return false
					}
				}
				keys = append(keys, [2]int{i + 1, end})
				expectKey = false
			}
			i = end
		}
	}
	return true
}

// walkValue reads one value, refusing duplicate keys and nesting deeper
// than maxDepth.
func walkValue(dec *json.Decoder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return jsonError(err)
	}
	if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') && depth >= maxDepth {
		return domain.Errorf(domain.Invalid, "the body nests objects and arrays more than %d deep", maxDepth)
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
			if err := walkValue(dec, depth+1); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	case json.Delim('['):
		for dec.More() {
			if err := walkValue(dec, depth+1); err != nil {
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
	id, ok := domain.CanonicalID(v)
	if !ok {
		return "", domain.Errorf(domain.Invalid, "%s %q is not a uuid", name, truncate(v, 64))
	}
	return id, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
