package domain

import (
	"strconv"
	"strings"
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
	var id, actor, member, command, prev span
	sc := scanner{b: line}
	ok := sc.lit(`{"id":`) && sc.span(&id) &&
		sc.lit(`,"alliance_id":`) && sc.str(&e.AllianceID) &&
		sc.lit(`,"seq":`) && sc.uint(&e.Seq) &&
		sc.lit(`,"type":`) && sc.typ(&e.Type) &&
		sc.lit(`,"v":1`) &&
		sc.lit(`,"at":`) && sc.time(&e.At) &&
		sc.lit(`,"actor":{"id":`) && sc.span(&actor) &&
		sc.lit(`,"role":`) && sc.role(&e.Actor.Role) &&
		(sc.lit(`}`) || (sc.lit(`,"member_id":`) && sc.span(&member) && sc.lit(`}`))) &&
		sc.lit(`,"command_id":`) && sc.span(&command) &&
		sc.lit(`,"prev_hash":`) && sc.span(&prev) &&
		sc.lit(`,"data":`) && sc.data(e.Type, &e.Data) &&
		sc.lit(`}`) && sc.end()
	if !ok {
		return Event{}, false
	}
	e.V = 1
	together(line, []span{id, actor, member, command, prev}, []*string{&e.ID, &e.Actor.ID, &e.Actor.MemberID, &e.CommandID, &e.PrevHash})
	return e, true
}

// span is where a string's bytes are in a line: line[from:to].
type span struct{ from, to int }

// together sets each *dst to its span of line, all copied into one
// allocation instead of one each. It is for the envelope's ids, which a
// fold does not keep (the state holds none of them): they live and die
// with the event, and sharing one allocation keeps no more memory alive
// than the event already does.
func together(line []byte, spans []span, dst []*string) {
	n := 0
	for _, sp := range spans {
		n += sp.to - sp.from
	}
	var b strings.Builder
	b.Grow(n)
	for _, sp := range spans {
		b.Write(line[sp.from:sp.to])
	}
	all := b.String()
	at := 0
	for i, sp := range spans {
		if sp.to > sp.from {
			*dst[i] = all[at : at+sp.to-sp.from]
			at += sp.to - sp.from
		}
	}
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
		s.lit(`,"stance":`) && s.stance(&d.Stance) &&
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
	ascii := true
	for j := s.i + 1; ; j++ {
		j = skipPlain(s.b, j)
		if j == len(s.b) {
			return nil, false
		}
		switch c := s.b[j]; {
		case c == '"':
			v := s.b[s.i+1 : j]
			if !ascii && !utf8.Valid(v) {
				return nil, false
			}
			s.i = j + 1
			return v, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		ascii = false // a byte of a multi-byte sequence
	}
}

// span reads a string like str, but only notes where its bytes are.
func (s *scanner) span(dst *span) bool {
	v, ok := s.quoted()
	if ok {
		*dst = span{from: s.i - 1 - len(v), to: s.i - 1}
	}
	return ok
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

// The decoder's closed sets: a value that is one of them takes the
// constant's string instead of a copy of its own, which saves an
// allocation per field on every event a rebuild decodes.
var (
	fastRoles   = []Role{RoleMember, RoleAdmin, RoleConvener, RoleObserver, RoleSystem}
	fastStances = []Stance{StanceAgree, StanceDisagree, StanceAbstain, StanceBlock}
	fastTypes   = typeNames()
)

// typeNames returns the catalogue's type strings by themselves.
func typeNames() map[string]string {
	names := make(map[string]string, len(catalogue))
	for t := range catalogue {
		names[t] = t
	}
	return names
}

// typ reads an event's type: the catalogue's string when it is one, a copy
// otherwise (Decode then rejects it).
func (s *scanner) typ(dst *string) bool {
	v, ok := s.quoted()
	if !ok {
		return false
	}
	t, known := fastTypes[string(v)]
	if !known {
		t = string(v)
	}
	*dst = t
	return true
}

func (s *scanner) role(dst *Role) bool { return closedSet(s, dst, fastRoles) }

func (s *scanner) stance(dst *Stance) bool { return closedSet(s, dst, fastStances) }

// closedSet reads a string like str into dst, as the member of set it
// spells when it spells one.
func closedSet[T ~string](s *scanner, dst *T, set []T) bool {
	v, ok := s.quoted()
	if !ok {
		return false
	}
	for _, c := range set {
		if string(v) == string(c) {
			*dst = c
			return true
		}
	}
	*dst = T(v)
	return true
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
