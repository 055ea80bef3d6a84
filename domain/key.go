package domain

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// KeyStatementVersion is the first line of a key registration statement.
const KeyStatementVersion = "accord-key/v1"

// MemberKeyRegistered records a member's Ed25519 signing key, which replaces
// any key it registered before from this event's seq on. PublicKey is the
// standard base64 of the 32 raw key bytes, KeyID the first 16 hex digits of
// their SHA-256, and Proof the base64 signature, by that key, of
// KeyRegistrationStatement.
type MemberKeyRegistered struct {
	MemberID  string `json:"member_id"`
	KeyID     string `json:"key_id"`
	PublicKey string `json:"public_key"`
	Proof     string `json:"proof"`
}

// EventType returns the catalogue's type string.
func (MemberKeyRegistered) EventType() string { return TypeMemberKeyRegistered }

// RegisterKey registers or replaces a member's signing key (that member
// only). PublicKey and Proof are as in MemberKeyRegistered.
type RegisterKey struct {
	MemberID  string `json:"-"`
	PublicKey string `json:"public_key"`
	Proof     string `json:"proof"`
}

// CommandName returns "RegisterKey".
func (RegisterKey) CommandName() string { return "RegisterKey" }

// MemberKey is a member's signing key in force, and the seq of the
// MemberKeyRegistered that put it there.
type MemberKey struct {
	KeyID     string `json:"key_id"`
	PublicKey string `json:"public_key"`
	Seq       uint64 `json:"seq"`
}

// KeyID returns the key id of a raw Ed25519 public key: the first 16 hex
// digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// KeyRegistrationStatement returns the text a member signs with its key to
// prove that it holds it: "accord-key/v1\nalliance <aid>\nmember
// <mid>\nkey <public_key>\n".
func KeyRegistrationStatement(allianceID, memberID, publicKey string) string {
	return KeyStatementVersion + "\nalliance " + allianceID + "\nmember " + memberID + "\nkey " + publicKey + "\n"
}

// NewKeyRegistration returns the command that registers key's public half
// for member memberID of alliance allianceID, with its proof.
func NewKeyRegistration(allianceID, memberID string, key ed25519.PrivateKey) RegisterKey {
	pub := base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	proof := ed25519.Sign(key, []byte(KeyRegistrationStatement(allianceID, memberID, pub)))
	return RegisterKey{MemberID: memberID, PublicKey: pub, Proof: base64.StdEncoding.EncodeToString(proof)}
}

// ParsePublicKey decodes the standard base64 of a 32-byte Ed25519 public
// key, in its one canonical spelling. It returns an Invalid error saying
// what is wrong.
func ParsePublicKey(field, b64 string) (ed25519.PublicKey, error) {
	raw, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || len(raw) != ed25519.PublicKeySize || base64.StdEncoding.EncodeToString(raw) != b64 {
		return nil, Errorf(Invalid, "%s %s is not the standard base64 of a 32-byte Ed25519 public key", field, clip(b64))
	}
	return ed25519.PublicKey(raw), nil
}

// parseSignature decodes the standard base64 of a 64-byte Ed25519
// signature. It returns an Invalid error saying what is wrong.
func parseSignature(field, b64 string) ([]byte, error) {
	raw, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return nil, Errorf(Invalid, "%s %s is not the standard base64 of a 64-byte Ed25519 signature", field, clip(b64))
	}
	return raw, nil
}

func (d decision) registerKey(c RegisterKey) ([]EventData, error) {
	if err := checkID("member id", c.MemberID); err != nil {
		return nil, err
	}
	m, ok := d.s.Member(c.MemberID)
	if !ok {
		return nil, Errorf(NotFound, "no member %s in alliance %s", c.MemberID, d.s.ID)
	}
	if !d.by.is(m.ID) {
		return nil, Errorf(Forbidden, "only member %s (%s) itself can register its signing key; %s", m.ID, m.Name, d.by.describe())
	}
	reg := MemberKeyRegistered{MemberID: m.ID, PublicKey: c.PublicKey, Proof: c.Proof}
	pub, err := CheckKeyRegistration(d.s.ID, reg)
	if err != nil {
		return nil, err
	}
	reg.KeyID = KeyID(pub)
	return one(reg)
}

// CheckKeyRegistration checks that a registration's public key is well
// formed and that its proof is that key's signature of the registration
// statement for the alliance and member; when KeyID is set, that it is the
// key's id. It returns the key, or an Invalid error naming what fails.
func CheckKeyRegistration(allianceID string, r MemberKeyRegistered) (ed25519.PublicKey, error) {
	pub, err := ParsePublicKey("public_key", r.PublicKey)
	if err != nil {
		return nil, err
	}
	proof, err := parseSignature("proof", r.Proof)
	if err != nil {
		return nil, err
	}
	if !ed25519.Verify(pub, []byte(KeyRegistrationStatement(allianceID, r.MemberID, r.PublicKey)), proof) {
		return nil, Errorf(Invalid, "proof does not verify: it must be this key's signature of %q", KeyRegistrationStatement(allianceID, r.MemberID, r.PublicKey))
	}
	if r.KeyID != "" && r.KeyID != KeyID(pub) {
		return nil, Errorf(Invalid, "key_id %s is not the id of public key %s (%s)", clip(r.KeyID), r.PublicKey, KeyID(pub))
	}
	return pub, nil
}

// registerKey puts a member's new key in force from the event's seq on.
func (a *Alliance) registerKey(e Event, d MemberKeyRegistered) {
	i, ok := lookup(a.memberIdx, d.MemberID, len(a.Members))
	if !ok {
		return
	}
	a.Members[i].Key = &MemberKey{KeyID: d.KeyID, PublicKey: d.PublicKey, Seq: e.Seq}
}
