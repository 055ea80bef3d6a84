package client

import (
	"context"
	"testing"

	"accord/domain"
)

// BenchmarkSignVote measures what signing adds to a vote on the client's
// side: the command id, the statement built by the domain, and the Ed25519
// signature (the proposal read before it is a round trip, not measured).
func BenchmarkSignVote(b *testing.B) {
	key, err := GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	c, err := New("http://127.0.0.1:1", "token", WithSigner(Signer{Key: key, MemberID: "0190a0a0-0000-7000-8000-000000000001"}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		_, sig, err := c.signAction(ctx, "0190a0a0-0000-7000-8000-000000000000", nil, func(h domain.StatementHeader) domain.Statement {
			return domain.VoteStatement(h, "0190a0a0-0000-7000-8000-000000000002", 2, domain.StanceAgree, "Patients first.", "")
		})
		if err != nil || sig == nil {
			b.Fatal(err)
		}
	}
}
