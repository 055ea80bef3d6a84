package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"accord/domain"
	"accord/eventstore"
	"accord/ledger"
)

// A prepared alliance admits prepMembers members, then runs proposals one
// after another: submitted and opened by its convener (the first member),
// voted on prepCycleVotes times by the members in turn, closed by the
// convener. Its last proposal stays open, so that a member can vote on it.
const (
	prepMembers    = 10
	prepCycleVotes = 2 * prepMembers
	// prepMinEvents is the fewest events a prepared alliance has: formed,
	// its members admitted, a proposal submitted and opened, one vote.
	prepMinEvents = 1 + prepMembers + 3
)

// prepSectors are the sectors the members of a prepared alliance come from.
var prepSectors = []string{"health system", "payer", "manufacturer", "agency", "patient group"}

// prepAlliance is one alliance of a prepared data dir as it is being
// written: its chain, where its script stands and its message awaiting an
// acknowledgement.
type prepAlliance struct {
	index   int
	target  int // events it is to have
	chain   benchChain
	members []string
	pid     string // the proposal of the current cycle, "" between two
	open    bool   // whether pid is in voting
	votes   int    // votes cast on pid
	pending jetstream.PubAckFuture
}

// prepCommandID is the command id of the prepared alliance's event seq:
// every command writes one event, and every id is derived from its index
// and seq, so that a restarted preparation finds the alliances it had
// begun, and the ids of an alliance's members and proposals are known
// without reading its log (sampleVoters).
func prepCommandID(index int, seq uint64) string {
	return domain.NameID(fmt.Sprintf("accord bench prepare: alliance %d, event %d", index, seq))
}

// prepAllianceID is the id of the prepared alliance of that index, and the
// command id of its formation.
func prepAllianceID(index int) (aid, formCommandID string) {
	formCommandID = prepCommandID(index, 1)
	return domain.CreatedID("", formCommandID, domain.CreatesAlliance), formCommandID
}

// newPrepAlliance returns the prepared alliance of that index, with no
// event yet.
func newPrepAlliance(index, target int) *prepAlliance {
	a := &prepAlliance{index: index, target: target}
	a.chain.aid, _ = prepAllianceID(index)
	return a
}

// resumePrepAlliance returns the prepared alliance of that index as the
// store holds it: empty when it has no event yet, else folded from its
// events, its script where they left it. It returns the store's error.
func resumePrepAlliance(ctx context.Context, store *eventstore.Store, index, target int) (*prepAlliance, error) {
	a := newPrepAlliance(index, target)
	aid := a.chain.aid
	head, err := store.Head(ctx, aid)
	if err != nil || head.Seq == 0 {
		return a, err
	}
	for rec, err := range store.ReadAlliance(ctx, aid, 0) {
		if err != nil {
			return nil, err
		}
		a.chain.fold([]domain.Event{rec.Event})
		a.chain.pos = rec.Position()
		a.observe(rec.Event)
	}
	return a, nil
}

// done reports whether the alliance has all its events.
func (a *prepAlliance) done() bool { return int(a.chain.pos.Seq) >= a.target }

// observe moves the script past one of the alliance's events.
func (a *prepAlliance) observe(e domain.Event) {
	switch d := e.Data.(type) {
	case domain.MemberAdmitted:
		a.members = append(a.members, d.MemberID)
	case domain.ProposalSubmitted:
		a.pid, a.open, a.votes = d.ProposalID, false, 0
	case domain.VotingOpened:
		a.open = true
	case domain.VoteCast:
		a.votes++
	case domain.VotingClosed:
		a.pid, a.open = "", false
	}
}

// step decides the script's next command at `at` and returns its command
// id and its event, sealed after the chain, which moves past it. It
// returns the domain's refusal, which would be a bug of the script.
func (a *prepAlliance) step(at time.Time) (string, sealed, error) {
	commandID, actor, cmd := a.nextCommand()
	s, err := a.chain.next(commandID, actor, at, cmd)
	if err != nil {
		return "", s, fmt.Errorf("prepared alliance %d (%s) at seq %d: %s: %w", a.index, a.chain.aid, a.chain.pos.Seq, cmd.CommandName(), err)
	}
	for _, e := range s.events {
		a.observe(e)
	}
	return commandID, s, nil
}

// nextCommand returns the script's next command, its command id and who
// makes it.
func (a *prepAlliance) nextCommand() (commandID string, actor domain.Actor, cmd domain.Command) {
	admin := domain.Actor{ID: ledger.AdminID, Role: domain.RoleAdmin}
	commandID = prepCommandID(a.index, a.chain.pos.Seq+1)
	switch {
	case a.chain.pos.Seq == 0:
		_, formID := prepAllianceID(a.index)
		charter := domain.Charter{DecisionRule: domain.RuleConsensus, Quorum: "1/2", Threshold: "3/4"}
		return formID, admin, domain.FormAlliance{Name: fmt.Sprintf("Prepared alliance %d", a.index), Purpose: "measure accord at scale", Charter: charter}
	case len(a.members) < prepMembers:
		n := len(a.members)
		role := domain.RoleMember
		if n == 0 {
			role = domain.RoleConvener
		}
		return commandID, admin, domain.AdmitMember{MemberID: domain.CreatedID(a.chain.aid, commandID, domain.CreatesMember),
			Name: fmt.Sprintf("Member %d", n), Sector: prepSectors[n%len(prepSectors)], Role: role}
	}
	convener := domain.Actor{ID: a.members[0], Role: domain.RoleConvener, MemberID: a.members[0]}
	switch {
	case a.pid == "":
		return commandID, convener, domain.SubmitProposal{ProposalID: domain.CreatedID(a.chain.aid, commandID, domain.CreatesProposal),
			Kind: domain.KindResolution, Title: fmt.Sprintf("Resolution %d", a.chain.pos.Seq), Body: "Prepared for measuring accord at scale."}
	case !a.open:
		return commandID, convener, domain.OpenVoting{ProposalID: a.pid}
	case a.votes >= prepCycleVotes && a.target-int(a.chain.pos.Seq) >= 4: // a close, and a next cycle with a vote
		return commandID, convener, domain.CloseVoting{ProposalID: a.pid}
	}
	voter := memberActor(a.members[a.votes%len(a.members)])
	if voter.ID == convener.ID {
		voter = convener
	}
	return commandID, voter, domain.CastVote{ProposalID: a.pid, Stance: stances[a.votes%len(stances)], Reason: "Prepared vote " + strconv.Itoa(a.votes)}
}
