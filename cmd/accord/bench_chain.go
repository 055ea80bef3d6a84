package main

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"accord/domain"
	"accord/eventstore"
	"accord/ledger"
)

// benchChain is an alliance's log built without a ledger: each command
// decided by the domain against the alliance's state, its events chained
// and encoded as an append stores them, and folded into the state, so that
// the chain and its hashes are the real thing.
type benchChain struct {
	aid   string
	state domain.Alliance
	pos   eventstore.Position
}

// next decides cmd, made by actor at at under commandID, and returns its
// events sealed after the chain's position, which moves past them. It
// returns the domain's refusal, or an encoding error.
func (c *benchChain) next(commandID string, actor domain.Actor, at time.Time, cmd domain.Command) (sealed, error) {
	m := domain.Meta{AllianceID: c.aid, CommandID: commandID, At: at, Actor: actor}
	events, err := domain.Decide(c.state, m, cmd)
	if err != nil {
		return sealed{}, err
	}
	s, err := sealEvents(c.pos, events)
	if err != nil {
		return sealed{}, err
	}
	c.fold(s.events)
	c.pos = s.next
	return s, nil
}

// fold applies stored events to the state.
func (c *benchChain) fold(events []domain.Event) {
	for _, e := range events {
		c.state = domain.Evolve(c.state, e)
	}
}

// voteLineSize returns the length of a stored vote's line, as the runner's
// votes write it (reason "bench"), from a chain of one member built here.
// It returns the domain's refusal of a command, which would be a bug.
func voteLineSize() (int, error) {
	cmds := []domain.Command{
		domain.FormAlliance{Name: "Bench alliance", Purpose: "measure", Charter: domain.Charter{DecisionRule: domain.RuleConsensus}},
		domain.AdmitMember{Name: "Member 0", Sector: "payer", Role: domain.RoleConvener},
		domain.SubmitProposal{Kind: domain.KindResolution, Title: "Bench", Body: "b"},
	}
	admin := domain.Actor{ID: ledger.AdminID, Role: domain.RoleAdmin}
	formID := uuid.NewString()
	c := benchChain{aid: domain.CreatedID("", formID, domain.CreatesAlliance)}
	var member, pid string
	at := time.Now().UTC()
	for i, cmd := range cmds {
		commandID, actor := uuid.NewString(), admin
		switch x := cmd.(type) {
		case domain.FormAlliance:
			commandID = formID
		case domain.AdmitMember:
			member = domain.CreatedID(c.aid, commandID, domain.CreatesMember)
			x.MemberID = member
			cmd = x
		case domain.SubmitProposal:
			pid = domain.CreatedID(c.aid, commandID, domain.CreatesProposal)
			x.ProposalID = pid
			cmd, actor = x, memberActor(member)
		}
		if _, err := c.next(commandID, actor, at, cmd); err != nil {
			return 0, fmt.Errorf("command %d: %w", i, err)
		}
	}
	if _, err := c.next(uuid.NewString(), memberActor(member), at, domain.OpenVoting{ProposalID: pid}); err != nil {
		return 0, err
	}
	s, err := c.next(uuid.NewString(), memberActor(member), at, domain.CastVote{ProposalID: pid, Stance: domain.StanceAgree, Reason: "bench"})
	return len(s.body), err
}
