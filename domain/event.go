package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ZeroHash is the prev_hash of an alliance's first event.
var ZeroHash = strings.Repeat("0", 64)

// Role is what an actor is to an alliance.
type Role string

// The roles an actor can hold. System is the ledger itself, e.g. closing a vote
// at its deadline.
const (
	RoleAdmin    Role = "admin"
	RoleConvener Role = "convener"
	RoleMember   Role = "member"
	RoleObserver Role = "observer"
	RoleSystem   Role = "system"
)

// Actor is who caused an event. It is taken from the caller's credentials,
// never from a request body.
type Actor struct {
	ID       string `json:"id"`
	Role     Role   `json:"role"`
	MemberID string `json:"member_id,omitempty"`
}

// EventData is the type-specific payload of an event.
type EventData interface {
	// EventType returns the stable type string stored in the envelope.
	EventType() string
}

// Event is the envelope of one immutable fact in an alliance's ledger. Its
// field names and order are the stored format; see docs/EVENTS.md.
type Event struct {
	ID         string    `json:"id"`
	AllianceID string    `json:"alliance_id"`
	Seq        uint64    `json:"seq"`
	Type       string    `json:"type"`
	V          int       `json:"v"`
	At         time.Time `json:"at"`
	Actor      Actor     `json:"actor"`
	CommandID  string    `json:"command_id"`
	PrevHash   string    `json:"prev_hash"`
	Data       EventData `json:"data"`
}

// NewEvent returns an envelope for data with the metadata of the command that
// caused it. ID, Seq and PrevHash are assigned when the event is appended.
func NewEvent(m Meta, data EventData) Event {
	return Event{
		AllianceID: m.AllianceID,
		Type:       data.EventType(),
		V:          1,
		At:         m.At,
		Actor:      m.Actor,
		CommandID:  m.CommandID,
		Data:       data,
	}
}

// Meta is what every command carries besides its own fields: which alliance,
// the command id (idempotency key), the time and the actor. The domain never
// reads a clock or makes ids; they arrive here.
type Meta struct {
	AllianceID string
	CommandID  string
	At         time.Time
	Actor      Actor
}

// Encode returns the event's stored form: compact JSON on one line with no
// trailing newline. Its SHA-256 is the event's hash.
func Encode(e Event) ([]byte, error) {
	if e.Data == nil {
		return nil, Errorf(Internal, "event %s has no data", e.Type)
	}
	if e.Type != e.Data.EventType() {
		return nil, Errorf(Internal, "event type %q does not match its data (%s)", e.Type, e.Data.EventType())
	}
	line, err := encodeEnvelope(e)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", e.Type, err)
	}
	return line, nil
}

// Hash returns the lowercase hex SHA-256 of an event's stored bytes.
func Hash(line []byte) string {
	sum := sha256.Sum256(line)
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:]) // one allocation, where hex.EncodeToString makes two
}

// envelope is Event with its data still raw, for decoding.
type envelope struct {
	ID         string          `json:"id"`
	AllianceID string          `json:"alliance_id"`
	Seq        uint64          `json:"seq"`
	Type       string          `json:"type"`
	V          int             `json:"v"`
	At         time.Time       `json:"at"`
	Actor      Actor           `json:"actor"`
	CommandID  string          `json:"command_id"`
	PrevHash   string          `json:"prev_hash"`
	Data       json.RawMessage `json:"data"`
}

// Decode parses one stored event line. It returns an Invalid error when the
// line is not an event envelope, names an unknown type or version, or its data
// does not decode.
func Decode(line []byte) (Event, error) {
	if e, ok := decodeFast(line); ok {
		return e, nil
	}
	return decodeSlow(line)
}

// decodeSlow is Decode through encoding/json, for any line the fast path
// does not take.
func decodeSlow(line []byte) (Event, error) {
	var env envelope
	if err := json.Unmarshal(line, &env); err != nil {
		return Event{}, Errorf(Invalid, "not an event: %v", err)
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		return Event{}, Errorf(Invalid, "event seq %d (%s) has no data", env.Seq, env.Type)
	}
	data, err := decodeData(env.Type, env.V, env.Data)
	if err != nil {
		return Event{}, err
	}
	return Event{
		ID: env.ID, AllianceID: env.AllianceID, Seq: env.Seq, Type: env.Type, V: env.V,
		At: env.At, Actor: env.Actor, CommandID: env.CommandID, PrevHash: env.PrevHash,
		Data: data,
	}, nil
}

// decodeData looks the type up in the catalogue and decodes raw into it,
// upcasting older schema versions on the way.
func decodeData(typ string, v int, raw []byte) (EventData, error) {
	dec, ok := catalogue[typ]
	if !ok {
		return nil, Errorf(Invalid, "unknown event type %q", typ)
	}
	if v != 1 {
		return nil, Errorf(Invalid, "event type %s has no schema version %d", typ, v)
	}
	data, err := dec(raw)
	if err != nil {
		return nil, Errorf(Invalid, "event %s: bad data: %v", typ, err)
	}
	return data, nil
}

// decodeAs decodes raw as the event data type T.
func decodeAs[T EventData](raw []byte) (EventData, error) {
	var d T
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	return d, nil
}
