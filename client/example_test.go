package client_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"accord/client"
	"accord/domain"
)

// Example forms an alliance, admits a convener, has it propose, and follows
// the alliance's events. (It needs a running accord serve, so it is
// compiled but not run.)
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := client.New("http://127.0.0.1:8080", "the-admin-token")
	if err != nil {
		panic(err)
	}
	a, err := admin.FormAlliance(ctx, domain.FormAlliance{
		Name: "Drug Supply Chain Alliance", Purpose: "Unit-level traceability",
		Charter: domain.Charter{DecisionRule: domain.RuleConsensus, Quorum: "1/2", Threshold: "3/4"},
	})
	if err != nil {
		panic(err)
	}
	conv, err := admin.AdmitMember(ctx, a.ID, domain.AdmitMember{Name: "Intermountain Health", Sector: "health system", Role: domain.RoleConvener})
	if err != nil {
		panic(err)
	}
	member, _ := client.New("http://127.0.0.1:8080", conv.Token)
	p, err := member.SubmitProposal(ctx, a.ID, domain.SubmitProposal{Kind: "resolution", Title: "Traceability", Body: "Serialise every unit by 2027."})
	switch {
	case errors.Is(err, &domain.Error{Kind: domain.Forbidden}):
		fmt.Println("not allowed:", err)
	case err != nil:
		panic(err)
	default:
		fmt.Println("proposed", p.ID, "version", p.Version)
	}

	f := admin.Follow(a.ID, client.FollowOptions{FromSeq: 1})
	defer f.Close()
	for {
		ev, err := f.Next(ctx)
		if err != nil {
			return // ctx done, or the server refused the stream
		}
		fmt.Println(ev.Seq, ev.Type)
	}
}
