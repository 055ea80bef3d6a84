package client_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"accord/client"
	"accord/domain"
)

// Example_signing gives a member a key of its own, registers it, and votes
// signed. (It needs a running accord serve, so it is compiled but not run.)
func Example_signing() {
	ctx := context.Background()
	const server, token, aid, mid, pid = "http://127.0.0.1:8080", "the-member-token", "alliance id", "member id", "proposal id"
	key, err := client.ReadKeyFile("cardinal.key")
	if errors.Is(err, fs.ErrNotExist) {
		if key, err = client.GenerateKey(); err == nil {
			err = client.WriteKeyFile("cardinal.key", key, false) // mode 0600
		}
	}
	if err != nil {
		panic(err)
	}
	plain, err := client.New(server, token)
	if err != nil {
		panic(err)
	}
	if _, err := plain.RegisterKey(ctx, aid, mid, key); err != nil {
		panic(err)
	}

	// Every member action this client sends is signed: the statement is
	// built from what it sends, under one command id that is also the
	// request's Idempotency-Key.
	member, err := client.New(server, token, client.WithSigner(client.Signer{Key: key, MemberID: mid}))
	if err != nil {
		panic(err)
	}
	v, err := member.CastVote(ctx, aid, pid, domain.CastVote{Stance: domain.StanceAgree, Reason: "Patients first."})
	if err != nil {
		panic(err)
	}
	fmt.Println("vote", v.Seq, "signed with key", v.Signature.KeyID)
}
