package domain_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/transparency"
	"accord/verify"
)

// FuzzDecide reads the fuzz input as a sequence of commands by a small fixed
// cast (the admin, the system, a convener, three members, a member admitted
// later, an observer, a stranger, and a token lying about its role) on a
// few proposals, amendments and commitments, with texts, fractions and
// times drawn from good and bad ones. For every command:
//   - Decide never panics and never changes the state it is given;
//   - a refusal is an *Error of a caller's kind, never Internal;
//   - every event it returns encodes, decodes to the same event, and
//     evolves; the write side (folding what Decide made) and the read side
//     (folding what Decode read back) reach the same state;
//   - the offline verifier accepts every line, so whatever the domain
//     decides a regulator can re-derive.
func FuzzDecide(f *testing.F) {
	for _, seed := range decideSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, script []byte) { runScript(t, script) })
}

// TestDecideSeedsCoverTheCatalogue keeps the seeds worth fuzzing from:
// together they make every type of event.
func TestDecideSeedsCoverTheCatalogue(t *testing.T) {
	made := map[string]bool{}
	for _, seed := range decideSeeds() {
		for typ := range runScript(t, seed).types {
			made[typ] = true
		}
	}
	for _, typ := range domain.EventTypes() {
		require.True(t, made[typ], "no seed makes a %s", typ)
	}
}

// decideSeeds are scripts a person wrote: an adopted resolution with its
// commitments and a workgroup; an amended charter proposal adopted after a
// member withdrew mid-vote and closed by the system at its deadline; a
// workgroup's life, proxies granted, used, refused over the limit and
// revoked, and the alliance concluded.
func decideSeeds() [][]byte {
	cmds := func(cs ...[]byte) []byte { return slices.Concat(cs...) }
	return [][]byte{
		{},
		cmds(
			[]byte{actMember1, 5, 0, 0, 0, 10, 0}, // submit resolution 0
			[]byte{actConvener, 10, 0, 0},         // open voting
			[]byte{actConvener, 11, 0, 0, 10}, []byte{actMember1, 11, 0, 0, 10},
			[]byte{actMember2, 11, 0, 0, 10}, []byte{actMember3, 11, 0, 1, 10},
			[]byte{actConvener, 12, 0},                           // close: adopted
			[]byte{actMember1, 13, 0, 0, 10, 10, 1, 0},           // commitment 0
			[]byte{actMember1, 14, 0, 3, 10},                     // progress
			[]byte{actMember1, 15, 0, 10, 1, 6},                  // fulfilled at 100
			[]byte{actMember2, 13, 1, 0, 10, 10, 1, 0},           // commitment 1
			[]byte{actMember2, 16, 1, 10},                        // withdrawn
			[]byte{actConvener, 4, 2, 0, 1, 0, 10, 10, 10, 1, 0}, // workgroup of members 1 and 2
			[]byte{actConvener, 1, 3, 10, 10, 0},                 // admit the late member
			[]byte{actLate, 2, 3, 10},                            // who withdraws
			[]byte{actMember1, 18, 0, 7, 0},                      // member 1 registers a key
			[]byte{actMember1, 27, 0, 0, 0, 0},                   // member 1 registers a witness
			[]byte{actObserver, 27, 1, 1, 0, 0},                  // so does the observer
		),
		cmds(
			[]byte{actMember1, 5, 1, 1, 0, 10, 1, 4, 1, 0},                   // charter proposal 1: majority, quorum 1/2
			[]byte{actMember2, 6, 1, 0, 10, 10}, []byte{actMember1, 7, 1, 0}, // amended, accepted
			[]byte{actMember3, 6, 1, 1, 10, 10}, []byte{actMember1, 8, 1, 1}, // amended, rejected
			[]byte{actConvener, 10, 1, 70}, // open, closing in six hours
			[]byte{actConvener, 11, 1, 0, 10}, []byte{actMember1, 11, 1, 0, 10}, []byte{actMember2, 11, 1, 0, 10},
			[]byte{actMember3, 2, 2, 10},                                        // member 3 withdraws mid-vote
			[]byte{actAdmin, 17, 10},                                            // ten hours pass
			[]byte{actSystem, 12, 1},                                            // the deadline closes it: adopted, CharterAmended
			[]byte{actMember1, 5, 2, 2, 0, 10, 0}, []byte{actMember1, 9, 2, 10}, // submitted, withdrawn
			[]byte{actAdmin, 3, 1, 10}, // another observer
		),
		cmds(
			[]byte{actConvener, 4, 2, 0, 1, 0, 10, 10, 10, 1, 0}, // workgroup 0 of members 1 and 2
			[]byte{actConvener, 20, 0, 1, 2, 1, 0},               // member 3 joins, member 1 leaves
			[]byte{actMember2, 21, 0, 3, 10},                     // progress 12.5
			[]byte{actMember3, 23, 0, 0, 0, 10, 10, 1, 0},        // commitment 0 toward it
			[]byte{actMember1, 23, 1, 0, 0, 10, 10, 1, 0},        // refused: member 1 left
			[]byte{actConvener, 22, 0, 0, 10},                    // closed: met
			[]byte{actMember1, 5, 0, 0, 0, 10, 0},                // resolution 0
			[]byte{actMember2, 24, 0, 1},                         // member 2 grants member 1 a proxy for it
			[]byte{actMember3, 24, 0, 0},                         // member 3 grants member 1 a standing proxy
			[]byte{actConvener, 10, 0, 0},                        // open voting, one proxy each
			[]byte{actMember1, 26, 0, 0, 10, 1},                  // member 1 agrees for member 2
			[]byte{actMember1, 26, 0, 0, 10, 2},                  // refused: a second grantor
			[]byte{actMember3, 25, 0, 0},                         // member 3 revokes
			[]byte{actMember2, 11, 0, 3, 10},                     // member 2 blocks itself
			[]byte{actMember1, 11, 0, 0, 10},                     // member 1 agrees
			[]byte{actConvener, 12, 0},                           // close: rejected
			[]byte{actConvener, 19, 10},                          // the alliance concludes
			[]byte{actMember1, 5, 1, 0, 0, 10, 0},                // refused: concluded
		),
	}
}

// runScript decides the prelude (an alliance, a convener, three members and
// an observer) and then the script's commands, checking each.
func runScript(t *testing.T, script []byte) *ledgerRun {
	r := &ledgerRun{t: t, verifier: verify.NewVerifier(verify.Options{}), at: fuzzT0, types: map[string]bool{}}
	admin, convener := fuzzActor(actAdmin), fuzzActor(actConvener)
	r.decide(admin, domain.FormAlliance{Name: "Fuzz Alliance", Purpose: "p", Charter: domain.Charter{MaxProxies: domain.Proxies(1)},
		Predecessor: &fuzzPredecessor})
	r.decide(admin, domain.AdmitMember{MemberID: fuzzConvener, Name: "Convener", Sector: "s", Role: domain.RoleConvener})
	for _, m := range fuzzMembers[:3] {
		r.decide(convener, domain.AdmitMember{MemberID: m, Name: "Member", Sector: "s", Role: domain.RoleMember})
	}
	r.decide(admin, domain.AddObserver{ObserverID: fuzzObserver, Name: "Regulator"})
	require.Equal(t, 6, r.events)
	for in := &script; len(*in) > 0; {
		actor := fuzzActor(next(in))
		r.decide(actor, fuzzCommand(in))
	}
	_, err := r.verifier.Finish()
	require.NoError(t, err)
	return r
}

var fuzzT0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func fuzzID(kind, n int) string { return fmt.Sprintf("0190f0f0-0000-7000-8000-%06d%06d", kind, n) }

var (
	fuzzAlliance = fuzzID(1, 0)
	fuzzConvener = fuzzID(2, 0)
	fuzzMembers  = []string{fuzzID(2, 1), fuzzID(2, 2), fuzzID(2, 3), fuzzID(2, 4)} // the last is admitted by the script
	fuzzObserver = fuzzID(3, 0)
	fuzzStranger = fuzzID(4, 0)
	// fuzzPredecessor is the head of the alliance the fuzzed one succeeds.
	fuzzPredecessor = domain.AllianceHead{AllianceID: fuzzID(1, 1), Seq: 12, Hash: strings.Repeat("5e", 32)}
)

// The actors, by the script's byte modulo their count.
const (
	actAdmin = iota
	actSystem
	actConvener
	actMember1
	actMember2
	actMember3
	actLate
	actObserver
	actStranger
	actLiar // claims convener, holds member 1's id
	actorCount
)

func fuzzActor(b byte) domain.Actor {
	member := func(id string, role domain.Role) domain.Actor { return domain.Actor{ID: id, Role: role, MemberID: id} }
	switch int(b) % actorCount {
	case actAdmin:
		return domain.Actor{ID: fuzzID(9, 0), Role: domain.RoleAdmin}
	case actSystem:
		return domain.Actor{ID: fuzzID(9, 1), Role: domain.RoleSystem}
	case actConvener:
		return member(fuzzConvener, domain.RoleConvener)
	case actMember1, actMember2, actMember3, actLate:
		return member(fuzzMembers[int(b)%actorCount-actMember1], domain.RoleMember)
	case actObserver:
		return domain.Actor{ID: fuzzObserver, Role: domain.RoleObserver}
	case actStranger:
		return member(fuzzStranger, domain.RoleMember)
	}
	return domain.Actor{ID: fuzzMembers[0], Role: domain.RoleConvener, MemberID: fuzzMembers[0]}
}

// next consumes one byte of the script (0 once it is spent).
func next(in *[]byte) byte {
	if len(*in) == 0 {
		return 0
	}
	b := (*in)[0]
	*in = (*in)[1:]
	return b
}

// fuzzCommand reads one command: its kind, then the ids, texts and values
// it needs, each picked by a byte.
func fuzzCommand(in *[]byte) domain.Command {
	kind := next(in)
	pick := func(ids ...string) string { return ids[int(next(in))%len(ids)] }
	proposal := func() string { return pick(fuzzID(5, 0), fuzzID(5, 1), fuzzID(5, 2), "not-a-uuid") }
	amendment := func() string { return pick(fuzzID(6, 0), fuzzID(6, 1), fuzzID(6, 2)) }
	commitment := func() string { return pick(fuzzID(7, 0), fuzzID(7, 1), strings.ToUpper(fuzzID(7, 0))) }
	member := func() string { return pick(append(fuzzMembers, fuzzConvener, fuzzStranger, "")...) }
	members := func() []string {
		ids := []string{}
		for n := next(in) % 4; n > 0; n-- {
			ids = append(ids, member())
		}
		return ids
	}
	workgroup := func() string { return pick(fuzzID(8, 0), fuzzID(8, 1), "wg") }
	switch kind % 28 {
	case 0:
		return domain.FormAlliance{Name: fuzzText(in), Purpose: fuzzText(in), Charter: fuzzCharter(in)}
	case 1:
		return domain.AdmitMember{MemberID: member(), Name: fuzzText(in), Sector: fuzzText(in), Role: domain.Role(pick("member", "convener", "observer", ""))}
	case 2:
		return domain.WithdrawMember{MemberID: member(), Reason: fuzzText(in)}
	case 3:
		return domain.AddObserver{ObserverID: pick(fuzzObserver, fuzzID(3, 1), fuzzMembers[0]), Name: fuzzText(in)}
	case 4:
		ids := []string{}
		for n := next(in) % 4; n > 0; n-- {
			ids = append(ids, member())
		}
		return domain.FormWorkgroup{WorkgroupID: pick(fuzzID(8, 0), fuzzID(8, 1)), Name: fuzzText(in), Aim: fuzzText(in), Metric: fuzzText(in), Target: fuzzNumber(in), Due: fuzzDate(in), MemberIDs: ids}
	case 5:
		c := domain.SubmitProposal{ProposalID: proposal(), Kind: domain.ProposalKind(pick("resolution", "charter", "position", "operating_agreement", "poem")), Title: fuzzText(in), Body: fuzzText(in)}
		if b := next(in); b%3 != 0 {
			ch := fuzzCharter(in)
			c.Charter = &ch
		}
		return c
	case 6:
		return domain.ProposeAmendment{ProposalID: proposal(), AmendmentID: amendment(), Body: fuzzText(in), Rationale: fuzzText(in)}
	case 7:
		return domain.AcceptAmendment{ProposalID: proposal(), AmendmentID: amendment()}
	case 8:
		return domain.RejectAmendment{ProposalID: proposal(), AmendmentID: amendment()}
	case 9:
		return domain.WithdrawProposal{ProposalID: proposal(), Reason: fuzzText(in)}
	case 10:
		c := domain.OpenVoting{ProposalID: proposal()}
		if b := next(in); b != 0 {
			closes := fuzzT0.Add(time.Duration(int(b)-64) * time.Hour)
			c.ClosesAt = &closes
		}
		return c
	case 11:
		return domain.CastVote{ProposalID: proposal(), Stance: domain.Stance(pick("agree", "disagree", "abstain", "block", "yes", "")), Reason: fuzzText(in)}
	case 12:
		return domain.CloseVoting{ProposalID: proposal()}
	case 13:
		return domain.MakeCommitment{CommitmentID: commitment(), ProposalID: proposal(), Description: fuzzText(in), Metric: fuzzText(in), Target: fuzzNumber(in), Due: fuzzDate(in)}
	case 14:
		return domain.ReportProgress{CommitmentID: commitment(), Value: fuzzNumber(in), Note: fuzzText(in)}
	case 15:
		c := domain.FulfilCommitment{CommitmentID: commitment(), Note: fuzzText(in)}
		if b := next(in); b%2 == 1 {
			v := fuzzNumber(in)
			c.Value = &v
		}
		return c
	case 16:
		return domain.WithdrawCommitment{CommitmentID: commitment(), Note: fuzzText(in)}
	case 18:
		c := domain.NewKeyRegistration(fuzzAlliance, member(), ed25519.NewKeyFromSeed(bytes.Repeat([]byte{next(in)}, ed25519.SeedSize)))
		if b := next(in); b%4 == 1 {
			c.Proof = c.PublicKey // not a signature
		}
		return c
	case 19:
		return domain.ConcludeAlliance{Reason: fuzzText(in)}
	case 20:
		return domain.ChangeWorkgroupMembers{WorkgroupID: workgroup(), Add: members(), Remove: members()}
	case 21:
		return domain.ReportWorkgroupProgress{WorkgroupID: workgroup(), Value: fuzzNumber(in), Note: fuzzText(in)}
	case 22:
		return domain.CloseWorkgroup{WorkgroupID: workgroup(), Outcome: domain.WorkgroupOutcome(pick("met", "missed", "dissolved", "open", "")), Note: fuzzText(in)}
	case 23:
		c := domain.MakeCommitment{CommitmentID: commitment(), WorkgroupID: workgroup()}
		if b := next(in); b%3 == 1 {
			c.ProposalID = proposal()
		}
		c.Description, c.Metric, c.Target, c.Due = fuzzText(in), fuzzText(in), fuzzNumber(in), fuzzDate(in)
		return c
	case 24:
		return domain.GrantProxy{ProxyID: member(), ProposalID: pick("", fuzzID(5, 0), fuzzID(5, 1), "p")}
	case 25:
		return domain.RevokeProxy{ProxyID: member(), ProposalID: pick("", fuzzID(5, 0), fuzzID(5, 1), "p")}
	case 26:
		return domain.CastVote{ProposalID: proposal(), Stance: domain.Stance(pick("agree", "disagree", "abstain", "block", "yes", "")), Reason: fuzzText(in), OnBehalfOf: member()}
	case 27:
		w := fuzzWitnesses[int(next(in))%len(fuzzWitnesses)]
		return domain.AddWitness{WitnessID: pick(fuzzID(9, 0), fuzzID(9, 1), "w"), Name: pick(w.name, "other", "a b", ""), VKey: pick(w.vkey, w.vkey+"\n", "")}
	}
	return fuzzTick{hours: int(next(in))}
}

// fuzzWitnesses are witness keys to register: real verifier keys of type
// 0x04, so that whatever the domain accepts the verifier accepts too (the
// ledger checks that a key parses before it decides).
var fuzzWitnesses = func() []struct{ name, vkey string } {
	var out []struct{ name, vkey string }
	for i, name := range []string{"member-witness", "regulator.example/witness"} {
		_, vkey, err := transparency.GenerateWitnessKey(name, bytes.NewReader(bytes.Repeat([]byte{byte(i + 1)}, 32)))
		if err != nil {
			panic(err)
		}
		out = append(out, struct{ name, vkey string }{name, vkey})
	}
	return out
}()

// fuzzTick is not a command: it moves the clock on, so deadlines pass.
type fuzzTick struct{ hours int }

func (fuzzTick) CommandName() string { return "tick" }

// fuzzText is a text from a pool of good and bad ones, or the script's own
// next bytes.
func fuzzText(in *[]byte) string {
	pool := []string{"Shared formulary", "", "   ", "a\nb\tc", "ctl\x01", "bad \xff utf8", "cr\r\n", strings.Repeat("é", 201), strings.Repeat("x", 2001), "\u202eevil", "ok"}
	b := next(in)
	if int(b) < len(pool) {
		return pool[b]
	}
	n := min(int(b)%24, len(*in))
	s := string((*in)[:n])
	*in = (*in)[n:]
	return s
}

func fuzzCharter(in *[]byte) domain.Charter {
	rules := []domain.DecisionRule{"", "consensus", "unanimity", "supermajority", "majority", "sortition"}
	fractions := []string{"", "1/2", "3/4", "2/3", "1/1", "0/1", "1/3", "1000000/1000000", "1/0", "5/4", "x", "1/1000001"}
	b := next(in)
	c := domain.Charter{DecisionRule: rules[int(b)%len(rules)], Quorum: fractions[int(next(in))%len(fractions)], Threshold: fractions[int(next(in))%len(fractions)]}
	if b >= 128 {
		c.MaxProxies = domain.Proxies(int(b) % 4)
	}
	return c
}

func fuzzNumber(in *[]byte) float64 {
	return []float64{0, 1, -1, 12.5, 1e308, -1e-308, 100}[int(next(in))%7]
}

func fuzzDate(in *[]byte) string {
	return []string{"2027-06-30", "", "2027-02-30", "30/06/2027", "2027-6-30", "9999-12-31"}[int(next(in))%6]
}

// ledgerRun decides commands one after the other as the store would append
// them, checking each event on the way.
type ledgerRun struct {
	t        *testing.T
	write    domain.Alliance // folded from the events Decide made
	read     domain.Alliance // folded from the lines read back
	verifier *verify.Verifier
	at       time.Time
	prev     string
	events   int
	commands int
	types    map[string]bool
}

func (r *ledgerRun) decide(actor domain.Actor, c domain.Command) {
	t := r.t
	if tick, ok := c.(fuzzTick); ok {
		r.at = r.at.Add(time.Duration(tick.hours) * time.Hour)
		return
	}
	r.commands++
	r.at = r.at.Add(time.Second)
	m := domain.Meta{AllianceID: fuzzAlliance, CommandID: fmt.Sprintf("cmd-%d", r.commands), At: r.at, Actor: actor}
	before := stateJSON(t, r.write)
	events, err := domain.Decide(r.write, m, c)
	require.Equal(t, before, stateJSON(t, r.write), "Decide changed its state")
	if err != nil {
		var de *domain.Error
		require.ErrorAs(t, err, &de, "%s by %+v: refusals are *Error", c.CommandName(), actor)
		require.NotEqual(t, domain.Internal, de.Kind, "%s by %+v: %v", c.CommandName(), actor, err)
		require.NotEmpty(t, de.Message)
		require.Nil(t, events)
		return
	}
	require.NotEmpty(t, events, "%s accepted without an event", c.CommandName())
	for _, ev := range events {
		r.append(ev)
	}
}

// append stamps ev as the store does, then checks it all the way round.
func (r *ledgerRun) append(ev domain.Event) {
	t := r.t
	r.events++
	r.types[ev.Type] = true
	ev.ID, ev.Seq, ev.PrevHash = fuzzID(10, r.events), uint64(r.events), domain.ZeroHash
	if r.prev != "" {
		ev.PrevHash = r.prev
	}
	line, err := domain.Encode(ev)
	require.NoError(t, err, "%s", ev.Type)
	back, err := domain.Decode(line)
	require.NoError(t, err, "%s", line)
	require.Equal(t, ev, back, "%s does not decode to itself", ev.Type)
	require.NoError(t, r.verifier.Check(line), "the verifier refuses what Decide made: %s", line)
	r.prev = domain.Hash(line)
	r.write = domain.Evolve(r.write, ev)
	r.read = domain.Evolve(r.read, back)
	require.Equal(t, stateJSON(t, r.write), stateJSON(t, r.read), "write and read sides differ after %s", ev.Type)
	require.Equal(t, ev.Seq, r.write.Seq)
}

func stateJSON(t *testing.T, s domain.Alliance) string {
	t.Helper()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	return string(b)
}
