package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxStatementBytes bounds a signed statement's text. Free texts appear in
// it as digests, so a statement is a few hundred bytes.
const MaxStatementBytes = 4096

// Check compares a signed statement's text with want, the statement the
// action calls for, line by line: every line must be want's, but a number
// may be written as any decimal of the same float64, and signed-at may be
// any RFC 3339 UTC instant within SignedAtTolerance of want's SignedAt (the
// time the action is recorded). It returns an Invalid error naming the
// first line that does not match.
func (want Statement) Check(text string) error {
	got, err := splitStatement(text)
	if err != nil {
		return err
	}
	lines := want.Lines()
	for i, w := range lines {
		if i == len(got) {
			return Errorf(Invalid, "the signed statement ends after line %d; line %d must be %q", i, i+1, w.String())
		}
		if err := w.match(got[i], i+1, want.SignedAt); err != nil {
			return err
		}
	}
	if len(got) > len(lines) {
		return Errorf(Invalid, "signed statement line %d %s is one too many: the statement ends after line %d", len(lines)+1, quoteLine(got[len(lines)]), len(lines))
	}
	return nil
}

// splitStatement returns a statement's lines without their newlines. It
// returns an Invalid error when the text is not UTF-8, is too long or does
// not end in a newline.
func splitStatement(text string) ([]string, error) {
	switch {
	case len(text) > MaxStatementBytes:
		return nil, Errorf(Invalid, "the signed statement is %d bytes, over the limit of %d", len(text), MaxStatementBytes)
	case !utf8.ValidString(text):
		return nil, Errorf(Invalid, "the signed statement is not valid UTF-8")
	case !strings.HasSuffix(text, "\n"):
		return nil, Errorf(Invalid, "the signed statement must end with a newline (every line ends in \\n)")
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n"), nil
}

// match checks the signed line got, line n of its statement, against l;
// at is the time the action is recorded.
func (l StatementLine) match(got string, n int, at time.Time) error {
	name, value, _ := strings.Cut(got, " ")
	switch {
	case l.kind == lineInstant && name == l.Name:
		return matchInstant(got, value, n, at)
	case l.kind == lineNumber && name == l.Name && sameNumber(value, l.Value):
		return nil
	case got == l.String():
		return nil
	}
	msg := fmt.Sprintf("signed statement line %d is %s; it must be %q", n, quoteLine(got), l.String())
	switch {
	case l.kind == lineNumber:
		msg += " (or another decimal of the same number)"
	case l.Name == "command":
		msg += ", the command id (the request's Idempotency-Key)"
	}
	return Errorf(Invalid, "%s", msg)
}

// matchInstant checks a signed-at line: an RFC 3339 UTC instant within
// SignedAtTolerance of at.
func matchInstant(got, value string, n int, at time.Time) error {
	t, err := time.Parse(time.RFC3339Nano, value)
	if err != nil || !strings.HasSuffix(value, "Z") {
		return Errorf(Invalid, "signed statement line %d is %s; signed-at must be an RFC 3339 UTC instant such as 2026-11-22T10:00:00Z", n, quoteLine(got))
	}
	off := t.Sub(at)
	if off > SignedAtTolerance || off < -SignedAtTolerance {
		return Errorf(Invalid, "signed statement line %d is %s, %s from the time the action is recorded (%s); at most %s either way is allowed",
			n, quoteLine(got), off.Abs().Round(time.Second), FormatSignedAt(at), SignedAtTolerance)
	}
	return nil
}

// sameNumber reports whether got is a decimal (digits, an optional sign,
// point and exponent) that parses to the same float64 as want.
func sameNumber(got, want string) bool {
	if !isDecimal(got) {
		return false
	}
	g, errG := strconv.ParseFloat(got, 64)
	w, errW := strconv.ParseFloat(want, 64)
	return errG == nil && errW == nil && g == w
}

// isDecimal reports whether s is -?digits[.digits][(e|E)[+-]digits].
func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	mantissa, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, hasPoint := strings.Cut(mantissa, ".")
	if !digits(whole) || (hasPoint && !digits(frac)) {
		return false
	}
	if hasExp {
		exp = strings.TrimLeft(exp, "+-")
		return digits(exp) && len(exp) <= 4
	}
	return true
}

// quoteLine quotes a signed line for a message, cut short if long.
func quoteLine(s string) string {
	const max = 120
	if len(s) > max {
		return fmt.Sprintf("%q…", strings.ToValidUTF8(s[:max], ""))
	}
	return fmt.Sprintf("%q", s)
}

// ParseStatement reads a statement's text: the version line, then the
// alliance, member, action, meaning, signed-at and command lines in that
// order, then the action's fields. It returns an Invalid error naming the
// first line that is not what a statement must have there. It does not
// check the fields against any action (Check does).
func ParseStatement(text string) (Statement, error) {
	lines, err := splitStatement(text)
	if err != nil {
		return Statement{}, err
	}
	header := []string{"alliance", "member", "action", "meaning", "signed-at", "command"}
	if len(lines) < 1+len(header) || lines[0] != StatementVersion {
		return Statement{}, Errorf(Invalid, "a statement starts with %q and the lines %s", StatementVersion, strings.Join(header, ", "))
	}
	vals := make([]string, len(header))
	for i, name := range header {
		got, value, _ := strings.Cut(lines[i+1], " ")
		if got != name {
			return Statement{}, Errorf(Invalid, "statement line %d is %s; it must be the %s line", i+2, quoteLine(lines[i+1]), name)
		}
		vals[i] = value
	}
	signedAt, err := time.Parse(time.RFC3339Nano, vals[4])
	if err != nil || !strings.HasSuffix(vals[4], "Z") {
		return Statement{}, Errorf(Invalid, "statement line 6 is %s; signed-at must be an RFC 3339 UTC instant", quoteLine(lines[5]))
	}
	st := Statement{
		StatementHeader: StatementHeader{AllianceID: vals[0], MemberID: vals[1], SignedAt: signedAt, CommandID: vals[5]},
		Action:          Action(vals[2]), Meaning: Meaning(vals[3]),
	}
	for _, l := range lines[1+len(header):] {
		name, value, _ := strings.Cut(l, " ")
		st.Fields = append(st.Fields, StatementLine{Name: name, Value: value})
	}
	return st, nil
}
