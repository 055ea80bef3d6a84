package domain

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Input limits. Names are one line; texts and bodies may span lines.
const (
	// MaxNameRunes bounds names, titles, sectors and metrics.
	MaxNameRunes = 200
	// MaxTextRunes bounds reasons, notes, rationales, aims, descriptions and
	// purposes.
	MaxTextRunes = 2000
	// MaxBodyBytes bounds proposal and amendment bodies.
	MaxBodyBytes = 65536
	// MaxWorkgroupMembers bounds a workgroup's member_ids.
	MaxWorkgroupMembers = 1000
)

// DateLayout is the layout of due dates: a calendar date, YYYY-MM-DD.
const DateLayout = "2006-01-02"

// firstError returns the first non-nil error, so a handler can list its
// checks in the order a caller would fix them.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkName validates a required one-line field (already trimmed): no
// control characters at all, at most MaxNameRunes.
func checkName(field, v string) error {
	if err := checkRequired(field, v); err != nil {
		return err
	}
	return checkChars(field, v, MaxNameRunes, false)
}

// checkText validates a multi-line text of at most MaxTextRunes; it may be
// empty unless required.
func checkText(field, v string, required bool) error {
	if required {
		if err := checkRequired(field, v); err != nil {
			return err
		}
	}
	return checkChars(field, v, MaxTextRunes, true)
}

// checkBody validates a required body of at most MaxBodyBytes.
func checkBody(field, v string) error {
	if len(v) > MaxBodyBytes {
		return Errorf(Invalid, "%s is %d bytes, over the limit of %d", field, len(v), MaxBodyBytes)
	}
	if err := checkRequired(field, v); err != nil {
		return err
	}
	return checkChars(field, v, -1, true)
}

func checkRequired(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return Errorf(Invalid, "%s is required", field)
	}
	return nil
}

// checkChars refuses invalid UTF-8, control characters (bar \n and \t in
// multi-line text: they can hide or forge text in what a reader sees) and
// more than maxRunes runes (no limit if negative).
func checkChars(field, v string, maxRunes int, multiline bool) error {
	if !utf8.ValidString(v) {
		return Errorf(Invalid, "%s is not valid UTF-8", field)
	}
	n := 0
	for _, r := range v {
		n++
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
			return Errorf(Invalid, "%s contains a control character (U+%04X)", field, r)
		}
		if bidiControl(r) {
			return Errorf(Invalid, "%s contains a bidirectional control character (U+%04X)", field, r)
		}
	}
	if maxRunes >= 0 && n > maxRunes {
		return Errorf(Invalid, "%s is %d characters, over the limit of %d", field, n, maxRunes)
	}
	return nil
}

// bidiControl reports the embedding, override and isolate characters, which
// can make a title or a reason read differently from what is stored.
func bidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// checkID refuses anything but a uuid in canonical lowercase form
// (8-4-4-4-12 hex digits): ids are compared as strings, so one uuid must
// have one spelling.
func checkID(field, v string) error {
	if v == "" {
		return Errorf(Invalid, "%s is required", field)
	}
	if !IsUUID(v) {
		return Errorf(Invalid, "%s %s is not a uuid (lowercase, like 0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b)", field, clip(v))
	}
	return nil
}

// IsUUID reports whether s is a uuid in canonical lowercase form.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// checkDate refuses anything but a calendar date YYYY-MM-DD.
func checkDate(field, v string) error {
	if v == "" {
		return Errorf(Invalid, "%s is required", field)
	}
	if _, err := time.Parse(DateLayout, v); err != nil || len(v) != len(DateLayout) {
		return Errorf(Invalid, "%s %s is not a date (YYYY-MM-DD)", field, clip(v))
	}
	return nil
}

// checkFinite refuses NaN and infinities, which JSON cannot carry.
func checkFinite(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Errorf(Invalid, "%s must be a finite number", field)
	}
	return nil
}

// checkOneOf refuses v unless it is one of allowed.
func checkOneOf[T ~string](field string, v T, allowed ...T) error {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		if v == a {
			return nil
		}
		names[i] = string(a)
	}
	if v == "" {
		return Errorf(Invalid, "%s is required (one of %s)", field, strings.Join(names, ", "))
	}
	return Errorf(Invalid, "%s %s is not one of %s", field, clip(string(v)), strings.Join(names, ", "))
}

// clip quotes v for a message, cut short so a hostile input cannot flood
// logs and answers.
func clip(v string) string {
	const max = 48
	if len(v) > max {
		return fmt.Sprintf("%q…", strings.ToValidUTF8(v[:max], ""))
	}
	return fmt.Sprintf("%q", v)
}
