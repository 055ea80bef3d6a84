package domain

import (
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
		sc.lit(`,"data":`) && sc.data(e.Type, &e.Data) &&
		sc.lit(`}`) && sc.end()
	if !ok {
		return Event{}, false
	}
	e.V = 1
	return e, true
}

// data decodes the data of the most frequent event, a vote, signed or not,
// cast by a proxy or not.
func (s *scanner) data(typ string, dst *EventData) bool {
	if typ == TypeWitnessAdded {
		return s.witnessAdded(dst)
	}
	if typ != TypeVoteCast {
		return false
	}
	var d VoteCast
	ok := s.lit(`{"proposal_id":`) && s.str(&d.ProposalID) &&
		s.lit(`,"member_id":`) && s.str(&d.MemberID) &&
		s.lit(`,"stance":`) && s.str((*string)(&d.Stance)) &&
		s.lit(`,"reason":`) && s.str(&d.Reason) &&
		(!s.lit(`,"cast_by":`) || s.str(&d.CastBy)) &&
		(s.lit(`}`) || (s.lit(`,"signature":`) && s.signature(&d.Signature) && s.lit(`}`)))
	*dst = d
	return ok
}

// witnessAdded decodes the data of a WitnessAdded.
func (s *scanner) witnessAdded(dst *EventData) bool {
	var d WitnessAdded
	ok := s.lit(`{"witness_id":`) && s.str(&d.WitnessID) &&
		s.lit(`,"party_id":`) && s.str(&d.PartyID) &&
		s.lit(`,"name":`) && s.str(&d.Name) &&
		s.lit(`,"vkey":`) && s.str(&d.VKey) &&
		s.lit(`}`)
	*dst = d
	return ok
}

// signature decodes a stored signature, whose statement's only escapes are
// its newlines.
func (s *scanner) signature(dst **Signature) bool {
	var sig Signature
	ok := s.lit(`{"key_id":`) && s.str(&sig.KeyID) &&
		s.lit(`,"statement":`) && s.lines(&sig.Statement) &&
		s.lit(`,"sig":`) && s.str(&sig.Sig) && s.lit(`}`)
	*dst = &sig
	return ok
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

// lines reads a string like str, but one whose only escapes are \n, as in a
// signed statement; any other escape takes the slow path.
func (s *scanner) lines(dst *string) bool {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false
	}
	var out []byte
	start := s.i + 1
	j := start
	for ; j < len(s.b) && s.b[j] != '"'; j++ {
		switch c := s.b[j]; {
		case c < 0x20:
			return false
		case c == '\\':
			if j+1 == len(s.b) || s.b[j+1] != 'n' {
				return false
			}
			out = append(append(out, s.b[start:j]...), '\n')
			j++
			start = j + 1
		}
	}
	if j == len(s.b) {
		return false
	}
	out = append(out, s.b[start:j]...)
	if !utf8.Valid(out) {
		return false
	}
	*dst, s.i = string(out), j+1
	return true
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
