package projections

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/domain/domaintest"
)

// storedSignedStory tells the signed story onto an embedded JetStream in a
// temp dir, and returns the projection following it.
func storedSignedStory(t *testing.T) (*Projection, domaintest.SignedStory) {
	t.Helper()
	s := domaintest.NewSignedStory(0)
	l := newStoredLog(t, s.AID)
	s.Tell(l.run, l.next)
	return l.proj, s
}

func TestDecisionRecordShowsSignatures(t *testing.T) {
	proj, s := storedSignedStory(t)
	rec, err := proj.Record(context.Background(), s.AID, s.P1)
	require.NoError(t, err)
	kid := func(k ed25519.PrivateKey) string { return domain.KeyID(k.Public().(ed25519.PublicKey)) }
	type shown struct {
		seq     uint64
		signer  string
		meaning domain.Meaning
		action  domain.Action
		key     string
	}
	want := []shown{
		{10, "Member A", domain.MeaningAuthorship, domain.ActionPropose, kid(s.Keys[s.M1])},
		{11, "Member B", domain.MeaningAuthorship, domain.ActionAmend, kid(s.Keys[s.M2])},
		{12, "Member A", domain.MeaningAcceptance, domain.ActionAcceptAmendment, kid(s.Keys[s.M1])},
		{14, "Member A", domain.MeaningApproval, domain.ActionVote, kid(s.Keys[s.M1])},
		{15, "Member B", domain.MeaningBlock, domain.ActionVote, kid(s.Keys[s.M2])},
		{16, "Member C", domain.MeaningAbstention, domain.ActionVote, kid(s.Keys[s.M3])},
		{18, "Member B", domain.MeaningApproval, domain.ActionVote, kid(s.Rotated[s.M2])},
		{19, "Northside Health", domain.MeaningApproval, domain.ActionVote, kid(s.Keys[s.Conv])},
	}
	require.Len(t, rec.Signatures, len(want))
	for i, w := range want {
		got := rec.Signatures[i]
		require.Equal(t, w.seq, got.Seq)
		require.Equal(t, w.signer, got.Signer.Name, "the signer's printed name")
		require.Equal(t, w.meaning, got.Meaning)
		require.Equal(t, w.action, got.Action)
		require.Equal(t, w.key, got.KeyID)
		require.Equal(t, domaintest.T0.Add(time.Duration(w.seq)*time.Minute), got.SignedAt, "the time of signing, from the statement")
		_, err := domain.ParseStatement(got.Statement)
		require.NoError(t, err)
	}
	var m2 StanceHistory
	for _, st := range rec.Stances {
		if st.MemberID == s.M2 {
			m2 = st
		}
	}
	require.Len(t, m2.History, 2)
	require.Equal(t, domain.MeaningBlock, m2.History[0].Signature.Meaning)
	require.Equal(t, kid(s.Rotated[s.M2]), m2.History[1].Signature.KeyID, "each change with the key it was signed with")
}

func TestDecisionRecordMarksUnsignedStances(t *testing.T) {
	proj, s := storedStory(t)
	rec, err := proj.Record(context.Background(), s.AID, s.P1)
	require.NoError(t, err)
	require.Empty(t, rec.Signatures)
	raw, err := json.Marshal(rec)
	require.NoError(t, err)
	require.Contains(t, string(raw), `"signatures":[]`)
	for _, st := range rec.Stances {
		for _, h := range st.History {
			require.Nil(t, h.Signature)
		}
	}
	require.Contains(t, string(raw), `"signature":null`, "an unsigned stance says so")
}
