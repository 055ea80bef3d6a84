package domain

import (
	"bytes"
	"strconv"
	"time"
	"unicode/utf8"
)

// decodeFast parses a line laid out exactly as Encode writes it, without
// reflection: a rebuild decodes every event of the ledger, and encoding/json
// is most of its cost. It returns false at the first byte that differs from
// that layout — an escaped string, another field order, an unknown key, a
// data type it does not know — and Decode then falls back to encoding/json,
// so both paths always give the same event.
func decodeFast(line []byte) (Event, bool) {
	var e Event
	var raw []byte
	sc := scanner{b: line}
	ok := sc.lit(`{"id":`) && sc.str(&e.ID) &&
		sc.lit(`,"alliance_id":`) && sc.str(&e.AllianceID) &&
		sc.lit(`,"seq":`) && sc.uint(&e.Seq) &&
		sc.lit(`,"type":`) && sc.str(&e.Type) &&
		sc.lit(`,"v":1`) &&
		sc.lit(`,"at":`) && sc.time(&e.At) &&
		sc.lit(`,"actor":{"id":`) && sc.str(&e.Actor.ID) &&
		sc.lit(`,"role":`) && sc.role(&e.Actor.Role) &&
		(sc.lit(`}`) || (sc.lit(`,"member_id":`) && sc.str(&e.Actor.MemberID) && sc.lit(`}`))) &&
		sc.lit(`,"command_id":`) && sc.str(&e.CommandID) &&
		sc.lit(`,"prev_hash":`) && sc.str(&e.PrevHash) &&
		sc.lit(`,"data":`) && sc.object(&raw) &&
		sc.lit(`}`) && sc.end()
	if !ok {
		return Event{}, false
	}
	e.V = 1
	data, ok := decodeDataFast(e.Type, raw)
	if !ok {
		return Event{}, false
	}
	e.Data = data
	return e, true
}

// decodeDataFast decodes the data of the most frequent event, a vote, cast
// by a proxy or not.
func decodeDataFast(typ string, raw []byte) (EventData, bool) {
	if typ != TypeVoteCast {
		return nil, false
	}
	var d VoteCast
	sc := scanner{b: raw}
	ok := sc.lit(`{"proposal_id":`) && sc.str(&d.ProposalID) &&
		sc.lit(`,"member_id":`) && sc.str(&d.MemberID) &&
		sc.lit(`,"stance":`) && sc.str(&d.Stance) &&
		sc.lit(`,"reason":`) && sc.str(&d.Reason) &&
		(sc.lit(`}`) || (sc.lit(`,"cast_by":`) && sc.str(&d.CastBy) && sc.lit(`}`))) &&
		sc.end()
	return d, ok
}

// scanner walks a byte slice; every method consumes what it matched and
// reports whether it matched.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) lit(l string) bool {
	if len(s.b)-s.i < len(l) || string(s.b[s.i:s.i+len(l)]) != l {
		return false
	}
	s.i += len(l)
	return true
}

func (s *scanner) end() bool { return s.i == len(s.b) }

// quoted returns the bytes of a string with no escapes, control characters
// or invalid UTF-8 (encoding/json would rewrite those, so they take the slow
// path), without its quotes.
func (s *scanner) quoted() ([]byte, bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	j := s.i + 1
	for j < len(s.b) && s.b[j] != '"' {
		if s.b[j] == '\\' || s.b[j] < 0x20 {
			return nil, false
		}
		j++
	}
	if j == len(s.b) || !utf8.Valid(s.b[s.i+1:j]) {
		return nil, false
	}
	v := s.b[s.i+1 : j]
	s.i = j + 1
	return v, true
}

func (s *scanner) str(dst *string) bool {
	v, ok := s.quoted()
	if ok {
		*dst = string(v)
	}
	return ok
}

func (s *scanner) role(dst *Role) bool {
	var r string
	ok := s.str(&r)
	*dst = Role(r)
	return ok
}

func (s *scanner) uint(dst *uint64) bool {
	j := s.i
	for j < len(s.b) && s.b[j] >= '0' && s.b[j] <= '9' {
		j++
	}
	if j == s.i || (s.b[s.i] == '0' && j-s.i > 1) {
		return false
	}
	n, err := strconv.ParseUint(string(s.b[s.i:j]), 10, 64)
	if err != nil {
		return false
	}
	*dst, s.i = n, j
	return true
}

// time parses a quoted time with the same function encoding/json uses.
func (s *scanner) time(dst *time.Time) bool {
	start := s.i
	if _, ok := s.quoted(); !ok {
		return false
	}
	return dst.UnmarshalJSON(s.b[start:s.i]) == nil
}

// object takes a flat JSON object whose values are all plain strings (the
// fast data decoders accept nothing else), leaving its exact bytes in dst.
func (s *scanner) object(dst *[]byte) bool {
	start := s.i
	if !s.lit("{") {
		return false
	}
	for first := true; !s.lit("}"); first = false {
		if (!first && !s.lit(",")) || !s.skipString() || !s.lit(":") || !s.skipString() {
			return false
		}
	}
	*dst = s.b[start:s.i]
	return bytes.HasSuffix(*dst, []byte("}"))
}

func (s *scanner) skipString() bool {
	_, ok := s.quoted()
	return ok
}
