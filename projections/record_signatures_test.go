package projections

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/eventstore"
)

// storedSignedStory tells the signed story through the real runner onto an
// embedded JetStream in a temp dir, and returns the projection following it.
func storedSignedStory(t *testing.T) (*Projection, signedStory) {
	t.Helper()
	srv, err := eventstore.StartServer(eventstore.ServerConfig{Dir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	nc, err := eventstore.ConnectInProcess(srv)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	store, err := eventstore.Open(ctx, nc)
	require.NoError(t, err)
	proj := New(store)
	require.NoError(t, proj.Start(ctx))
	t.Cleanup(proj.Close)

	s := newSignedStory(0)
	runner := eventstore.NewRunner(store)
	clock, n := t0, 0
	run := func(a domain.Actor, c domain.Command) {
		t.Helper()
		clock = clock.Add(time.Minute)
		n++
		m := domain.Meta{AllianceID: s.aid, CommandID: fmt.Sprintf("cmd-%d", n), At: clock, Actor: a}
		res, _, err := runner.Run(ctx, m, c, nil)
		require.NoError(t, err, "%s", c.CommandName())
		require.NoError(t, proj.WaitFor(ctx, s.aid, res.Records[len(res.Records)-1].Event.Seq))
	}
	next := func(member string) domain.StatementHeader {
		return domain.StatementHeader{AllianceID: s.aid, MemberID: member, SignedAt: clock.Add(time.Minute), CommandID: fmt.Sprintf("cmd-%d", n+1)}
	}
	s.tell(run, next)
	return proj, s
}

func TestDecisionRecordShowsSignatures(t *testing.T) {
	proj, s := storedSignedStory(t)
	rec, err := proj.Record(context.Background(), s.aid, s.p1)
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
		{10, "Member A", domain.MeaningAuthorship, domain.ActionPropose, kid(s.keys[s.m1])},
		{11, "Member B", domain.MeaningAuthorship, domain.ActionAmend, kid(s.keys[s.m2])},
		{12, "Member A", domain.MeaningAcceptance, domain.ActionAcceptAmendment, kid(s.keys[s.m1])},
		{14, "Member A", domain.MeaningApproval, domain.ActionVote, kid(s.keys[s.m1])},
		{15, "Member B", domain.MeaningBlock, domain.ActionVote, kid(s.keys[s.m2])},
		{16, "Member C", domain.MeaningAbstention, domain.ActionVote, kid(s.keys[s.m3])},
		{18, "Member B", domain.MeaningApproval, domain.ActionVote, kid(s.rotated[s.m2])},
		{19, "Northside Health", domain.MeaningApproval, domain.ActionVote, kid(s.keys[s.conv])},
	}
	require.Len(t, rec.Signatures, len(want))
	for i, w := range want {
		got := rec.Signatures[i]
		require.Equal(t, w.seq, got.Seq)
		require.Equal(t, w.signer, got.Signer.Name, "the signer's printed name")
		require.Equal(t, w.meaning, got.Meaning)
		require.Equal(t, w.action, got.Action)
		require.Equal(t, w.key, got.KeyID)
		require.Equal(t, t0.Add(time.Duration(w.seq)*time.Minute), got.SignedAt, "the time of signing, from the statement")
		_, err := domain.ParseStatement(got.Statement)
		require.NoError(t, err)
	}
	var m2 StanceHistory
	for _, st := range rec.Stances {
		if st.MemberID == s.m2 {
			m2 = st
		}
	}
	require.Len(t, m2.History, 2)
	require.Equal(t, domain.MeaningBlock, m2.History[0].Signature.Meaning)
	require.Equal(t, kid(s.rotated[s.m2]), m2.History[1].Signature.KeyID, "each change with the key it was signed with")
}

func TestDecisionRecordMarksUnsignedStances(t *testing.T) {
	proj, s := storedStory(t)
	rec, err := proj.Record(context.Background(), s.aid, s.p1)
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
