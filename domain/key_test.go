package domain

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"
)

// keyOf is a member's signing key, the same every run.
func keyOf(member string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("key of " + member))
	return ed25519.NewKeyFromSeed(seed[:])
}

// rotated is a member's second key.
func rotated(member string) ed25519.PrivateKey { return keyOf("rotated " + member) }

// registered is the MemberKeyRegistered of key for member in alliance aid.
func registered(member string, key ed25519.PrivateKey) MemberKeyRegistered {
	c := NewKeyRegistration(aid, member, key)
	return MemberKeyRegistered{MemberID: member, KeyID: KeyID(key.Public().(ed25519.PublicKey)), PublicKey: c.PublicKey, Proof: c.Proof}
}

func TestKeyID(t *testing.T) {
	pub := make(ed25519.PublicKey, ed25519.PublicKeySize) // 32 zero bytes
	// SHA-256 of 32 zero bytes is 66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925.
	require.Equal(t, "66687aadf862bd77", KeyID(pub))
	require.Equal(t, "accord-key/v1\nalliance A\nmember M\nkey K\n", KeyRegistrationStatement("A", "M", "K"))
}

func TestRegisterKey(t *testing.T) {
	good := NewKeyRegistration(aid, m2, keyOf(m2))
	withProof := func(proof string) RegisterKey { c := good; c.Proof = proof; return c }
	otherKey := NewKeyRegistration(aid, m2, keyOf(m3))
	forAnotherAlliance := NewKeyRegistration(id(2), m2, keyOf(m2))
	forAnotherMember := NewKeyRegistration(aid, m3, keyOf(m2))
	short := base64.StdEncoding.EncodeToString(make([]byte, 31))
	run(t, []scenario{
		{name: "by the member itself", given: formed(), as: asMember(m2), when: good, then: then(registered(m2, keyOf(m2)))},
		{name: "a new key replaces the old", given: append(formed(), registered(m2, keyOf(m2))), as: asMember(m2),
			when: NewKeyRegistration(aid, m2, rotated(m2)), then: then(registered(m2, rotated(m2)))},
		{name: "a convener for itself", given: formed(), as: asConvener(), when: NewKeyRegistration(aid, conv, keyOf(conv)),
			then: then(registered(conv, keyOf(conv)))},

		{name: "by another member", given: formed(), as: asMember(m3), when: good, err: Forbidden,
			msg: "only member " + m2 + " (MedCo) itself can register its signing key; member " + m3},
		{name: "by a convener", given: formed(), as: asConvener(), when: good, err: Forbidden, msg: "only member " + m2 + " (MedCo) itself"},
		{name: "by the admin", given: formed(), as: asAdmin(), when: good, err: Forbidden, msg: "the admin is not a member"},
		{name: "by an observer", given: formed(), as: asObserver(), when: good, err: Forbidden, msg: "observers"},
		{name: "a withdrawn member", given: append(formed(), MemberWithdrew{MemberID: m2}), as: asMember(m2), when: good, err: Forbidden, msg: "has withdrawn"},
		{name: "no such member", given: formed(), as: asMember(m2), when: NewKeyRegistration(aid, stranger, keyOf(m2)), err: NotFound, msg: "no member " + stranger},
		{name: "bad member id", given: formed(), as: asMember(m2), when: RegisterKey{MemberID: "m2"}, err: Invalid, msg: `member id "m2" is not a uuid`},
		{name: "no public key", given: formed(), as: asMember(m2), when: RegisterKey{MemberID: m2, Proof: good.Proof}, err: Invalid,
			msg: `public_key "" is not the standard base64 of a 32-byte Ed25519 public key`},
		{name: "31-byte key", given: formed(), as: asMember(m2), when: RegisterKey{MemberID: m2, PublicKey: short, Proof: good.Proof}, err: Invalid,
			msg: "is not the standard base64 of a 32-byte"},
		{name: "URL-safe base64", given: formed(), as: asMember(m2), when: RegisterKey{MemberID: m2, PublicKey: "-_" + good.PublicKey[2:], Proof: good.Proof},
			err: Invalid, msg: "is not the standard base64"},
		{name: "proof not base64", given: formed(), as: asMember(m2), when: withProof("not base64!"), err: Invalid,
			msg: `proof "not base64!" is not the standard base64 of a 64-byte Ed25519 signature`},
		{name: "proof by another key", given: formed(), as: asMember(m2), when: withProof(otherKey.Proof), err: Invalid,
			msg: "proof does not verify: it must be this key's signature of \"accord-key/v1\\nalliance " + aid + "\\nmember " + m2},
		{name: "proof for another alliance", given: formed(), as: asMember(m2), when: withProof(forAnotherAlliance.Proof), err: Invalid, msg: "proof does not verify"},
		{name: "proof for another member", given: formed(), as: asMember(m2), when: withProof(forAnotherMember.Proof), err: Invalid, msg: "proof does not verify"},
	})
}

// The key in force is part of the state, from its registration's seq on.
func TestKeyInForce(t *testing.T) {
	given := append(formed(), registered(m2, keyOf(m2)), registered(m3, keyOf(m3)), registered(m2, rotated(m2)))
	s := fold(t, given[:6])
	m, _ := s.Member(m2)
	require.Equal(t, &MemberKey{KeyID: KeyID(keyOf(m2).Public().(ed25519.PublicKey)), PublicKey: registered(m2, keyOf(m2)).PublicKey, Seq: 6}, m.Key)

	s = fold(t, given)
	m, _ = s.Member(m2)
	require.Equal(t, registered(m2, rotated(m2)).KeyID, m.Key.KeyID)
	require.Equal(t, uint64(8), m.Key.Seq)
	other, _ := s.Member(m3)
	require.Equal(t, uint64(7), other.Key.Seq)
	none, _ := s.Member(m1)
	require.Nil(t, none.Key)
	require.NotContains(t, stateJSON(t, fold(t, formed())), `"key"`, "absent until registered")
}

func TestCheckKeyRegistration(t *testing.T) {
	r := registered(m2, keyOf(m2))
	_, err := CheckKeyRegistration(aid, r)
	require.NoError(t, err)
	bad := r
	bad.KeyID = "0000000000000000"
	_, err = CheckKeyRegistration(aid, bad)
	require.ErrorContains(t, err, "key_id \"0000000000000000\" is not the id of public key")
	_, err = CheckKeyRegistration(id(2), r)
	require.ErrorContains(t, err, "proof does not verify")
}
