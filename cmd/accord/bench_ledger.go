package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/google/uuid"

	"accord/domain"
	"accord/ledger"
	"accord/projections"
)

// benchLedger is a ledger over read models of its own, wired as accord
// serve wires them but without snapshots, for figures taken without HTTP.
type benchLedger struct {
	proj  *projections.Projection
	l     *ledger.Ledger
	admin ledger.Identity
}

// startBenchLedger starts read models over env's store, keeping Merkle
// trees or not (projections.WithoutTrees), and a ledger over them. It
// returns the first error.
func startBenchLedger(ctx context.Context, env *benchEnv, trees bool) (*benchLedger, error) {
	proj := projections.New(env.store)
	if !trees {
		proj.WithoutTrees()
	}
	return startBenchLedgerOver(ctx, env, proj)
}

// startBenchLedgerOver starts proj, configured by the caller, and a
// ledger over it. It returns the first error.
func startBenchLedgerOver(ctx context.Context, env *benchEnv, proj *projections.Projection) (*benchLedger, error) {
	if err := proj.Start(ctx); err != nil {
		return nil, err
	}
	l, err := newBenchLedger(ctx, env, proj)
	if err != nil {
		proj.Close()
		return nil, err
	}
	admin, err := l.Resolve(ctx, benchAdminToken)
	if err != nil {
		l.Close()
		proj.Close()
		return nil, err
	}
	return &benchLedger{proj: proj, l: l, admin: admin}, nil
}

func (b *benchLedger) close() {
	b.l.Close()
	b.proj.Close()
}

// benchMember is a member as the ledger knows it from its token and, in a
// signed alliance, the key it signs with.
type benchMember struct {
	id  ledger.Identity
	key ed25519.PrivateKey
}

// signing returns the member's signature of st, as its client sends it
// with the command st names.
func (m benchMember) signing(st domain.Statement) domain.Signing {
	s := domain.SignStatement(m.key, st.String())
	return domain.Signing{Signature: &s}
}

// header returns the header of a statement the member signs now for the
// command commandID.
func (m benchMember) header(commandID string) domain.StatementHeader {
	return domain.StatementHeader{AllianceID: m.id.AllianceID, MemberID: m.id.ID, SignedAt: time.Now().UTC(), CommandID: commandID}
}

// benchVoting is an alliance formed through a bench ledger with one
// proposal in voting.
type benchVoting struct {
	aid, pid string
	members  []benchMember
	signed   bool
}

// formVoting forms, through the ledger, an alliance of n members (the
// first a convener) with one proposal in voting. With signed, its charter
// requires signatures, every member registers a key of its own and the
// proposal is signed. It returns the first error.
func (b *benchLedger) formVoting(ctx context.Context, n int, signed bool) (*benchVoting, error) {
	charter := domain.Charter{DecisionRule: domain.RuleConsensus}
	if signed {
		charter.Signatures = domain.SignaturesRequired
	}
	a, err := b.l.FormAlliance(ctx, b.admin, "", domain.FormAlliance{Name: "Bench alliance", Purpose: "measure", Charter: charter})
	if err != nil {
		return nil, err
	}
	v := &benchVoting{aid: a.ID, signed: signed}
	for i := 0; i < n; i++ {
		m, err := b.admit(ctx, v.aid, i, signed)
		if err != nil {
			return nil, err
		}
		v.members = append(v.members, m)
	}
	conv, commandID := v.members[0], uuid.NewString()
	cmd := domain.SubmitProposal{Kind: domain.KindResolution, Title: "Bench", Body: "b"}
	if signed {
		cmd.Signing = conv.signing(domain.ProposeStatement(conv.header(commandID), cmd.Kind, cmd.Title, cmd.Body))
	}
	p, err := b.l.SubmitProposal(ctx, conv.id, v.aid, commandID, cmd)
	if err != nil {
		return nil, err
	}
	v.pid = p.ID
	_, err = b.l.OpenVoting(ctx, conv.id, v.aid, "", domain.OpenVoting{ProposalID: v.pid})
	return v, err
}

// admit admits member i (a convener when i is 0) and, with signed, has it
// register a new key. It returns the first error.
func (b *benchLedger) admit(ctx context.Context, aid string, i int, signed bool) (benchMember, error) {
	role := domain.RoleMember
	if i == 0 {
		role = domain.RoleConvener
	}
	cred, err := b.l.AdmitMember(ctx, b.admin, aid, "", domain.AdmitMember{Name: fmt.Sprintf("Member %d", i), Sector: "payer", Role: role})
	if err != nil {
		return benchMember{}, err
	}
	m := benchMember{}
	if m.id, err = b.l.Resolve(ctx, cred.Token); err != nil || !signed {
		return m, err
	}
	if _, m.key, err = ed25519.GenerateKey(rand.Reader); err != nil {
		return m, err
	}
	_, err = b.l.RegisterKey(ctx, m.id, aid, "", domain.NewKeyRegistration(aid, m.id.ID, m.key))
	return m, err
}
