package projections

import (
	"context"
	"errors"
	"time"

	"accord/domain"
	"accord/eventstore"
)

// DecisionRecord is how a proposal was decided, as docs/API.md lists it: its
// versions and amendments with who and when, the rule and eligible members
// frozen when voting opened, every stance with each change, the outcome and
// its explanation, and the seq and hash of every event it rests on, so a
// reader can check each against the chain; and every member's own
// signature on those events, as §11.50 of 21 CFR Part 11 asks it shown
// (Signatures; each stance says whether it was signed). It reflects the
// ledger up to AsOf; until the vote closes, Provisional is what closing it
// then would record.
type DecisionRecord struct {
	Alliance       Party                `json:"alliance"`
	AsOf           Point                `json:"as_of"`
	Proposal       RecordedProposal     `json:"proposal"`
	Versions       []Version            `json:"versions"`
	Amendments     []AmendmentHistory   `json:"amendments"`
	Withdrawal     *Withdrawal          `json:"withdrawal,omitempty"`
	Voting         *VotingHistory       `json:"voting"`
	Stances        []StanceHistory      `json:"stances"`
	Outcome        *RecordedOutcome     `json:"outcome"`
	Provisional    *domain.VotingClosed `json:"provisional,omitempty"`
	CharterAmended *CharterChange       `json:"charter_amended,omitempty"`
	Signatures     []RecordedSignature  `json:"signatures"`
	Proxies        []ProxyUse           `json:"proxies"`
	Events         []EventRef           `json:"events"`
	// Checkpoint is the checkpoint that covers Events, when the ledger
	// keeps a transparency log: the latest cosigned one that does, else
	// the head's. The read model leaves it for the ledger to fill in.
	Checkpoint *RecordCheckpoint `json:"checkpoint,omitempty"`
}

// Point is a place in an alliance's ledger: an event's seq, hash and time.
type Point struct {
	Seq  uint64    `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
}

// Party names an alliance, member or observer.
type Party struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Act is who did something, when, and at which seq: the actor as recorded
// in the event, and By, their name as the alliance knew it.
type Act struct {
	Seq   uint64       `json:"seq"`
	At    time.Time    `json:"at"`
	Actor domain.Actor `json:"actor"`
	By    string       `json:"by"`
}

// RecordedProposal is the proposal as it stood at the record's point.
type RecordedProposal struct {
	ID      string              `json:"id"`
	Kind    domain.ProposalKind `json:"kind"`
	Title   string              `json:"title"`
	Author  Party               `json:"author"`
	Status  domain.Status       `json:"status"`
	Version int                 `json:"version"`
	Body    string              `json:"body"`
	Charter *domain.Charter     `json:"charter,omitempty"`
}

// Version is one text of the proposal: version 1 as submitted, each later
// one made by accepting an amendment (AmendmentID) at its Act.
type Version struct {
	Version     int    `json:"version"`
	Body        string `json:"body"`
	AmendmentID string `json:"amendment_id,omitempty"`
	Act
}

// AmendmentHistory is an amendment: who proposed it and when, and whether
// and by whom it was accepted (making Version) or rejected.
type AmendmentHistory struct {
	ID        string        `json:"id"`
	Body      string        `json:"body"`
	Rationale string        `json:"rationale"`
	Author    Party         `json:"author"`
	Status    domain.Status `json:"status"`
	Proposed  Act           `json:"proposed"`
	Settled   *Act          `json:"settled,omitempty"`
	Version   int           `json:"version,omitempty"`
}

// Withdrawal is a proposal or a member taken back, with the reason given.
type Withdrawal struct {
	Act
	Reason string `json:"reason"`
}

// VotingHistory is what VotingOpened froze, and who left the eligible set
// before the close.
type VotingHistory struct {
	Opened   Act              `json:"opened"`
	Version  int              `json:"version"`
	Rule     domain.Charter   `json:"rule"`
	ClosesAt *time.Time       `json:"closes_at,omitempty"`
	Eligible []EligibleMember `json:"eligible"`
}

// EligibleMember is a member eligible when voting opened. Withdrew is set
// when they left before the close, which dropped their stance.
type EligibleMember struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	Sector   string      `json:"sector"`
	Withdrew *Withdrawal `json:"withdrew,omitempty"`
}

// StanceHistory is one eligible member's votes in order. Final is the stance
// that counts (or would, if voting is still open): the latest, unless the
// member withdrew (Dropped); nil when there is none.
type StanceHistory struct {
	MemberID string         `json:"member_id"`
	Name     string         `json:"name"`
	History  []StanceChange `json:"history"`
	Final    *domain.Stance `json:"final"`
	Dropped  bool           `json:"dropped"`
}

// StanceChange is one VoteCast. CastBy is the proxy who cast it, absent
// when the member did. Signature is the signature of whoever cast it (the
// member, or its proxy), null when the vote was not signed.
type StanceChange struct {
	Stance    domain.Stance      `json:"stance"`
	Reason    string             `json:"reason"`
	CastBy    string             `json:"cast_by,omitempty"`
	Seq       uint64             `json:"seq"`
	At        time.Time          `json:"at"`
	Signature *RecordedSignature `json:"signature"`
}

// RecordedOutcome is the VotingClosed data and who closed the vote, when.
type RecordedOutcome struct {
	domain.VotingClosed
	Closed Act `json:"closed"`
}

// CharterChange is the CharterAmended an adopted charter proposal caused.
type CharterChange struct {
	Seq     uint64         `json:"seq"`
	At      time.Time      `json:"at"`
	Charter domain.Charter `json:"charter"`
}

// EventRef is an event the record rests on.
type EventRef struct {
	Seq  uint64 `json:"seq"`
	Type string `json:"type"`
	Hash string `json:"hash"`
}

// Record returns the decision record of a proposal as of the alliance's
// head. It returns NotFound for an unknown alliance or proposal.
func (p *Projection) Record(ctx context.Context, allianceID, proposalID string) (DecisionRecord, error) {
	head, err := p.Head(allianceID)
	if err != nil {
		return DecisionRecord{}, err
	}
	return p.record(ctx, allianceID, proposalID, func(e domain.Event) bool { return e.Seq <= head.Seq })
}

// RecordAt returns the decision record as it stood right after the
// alliance's event seq. It returns Invalid for seq 0 or a seq past the head,
// NotFound for an unknown alliance or a proposal not yet submitted then.
func (p *Projection) RecordAt(ctx context.Context, allianceID, proposalID string, seq uint64) (DecisionRecord, error) {
	head, err := p.Head(allianceID)
	if err != nil {
		return DecisionRecord{}, err
	}
	if seq == 0 || seq > head.Seq {
		return DecisionRecord{}, domain.Errorf(domain.Invalid, "at_seq %d is outside alliance %s's ledger (seqs 1 to %d)", seq, allianceID, head.Seq)
	}
	return p.record(ctx, allianceID, proposalID, func(e domain.Event) bool { return e.Seq <= seq })
}

// RecordAtTime returns the decision record as it stood at instant t. It
// returns NotFound for an unknown alliance, one that did not exist yet at t,
// or a proposal not yet submitted then.
func (p *Projection) RecordAtTime(ctx context.Context, allianceID, proposalID string, t time.Time) (DecisionRecord, error) {
	if _, err := p.Head(allianceID); err != nil {
		return DecisionRecord{}, err
	}
	rec, err := p.record(ctx, allianceID, proposalID, func(e domain.Event) bool { return !e.At.After(t) })
	if errors.Is(err, errNoEvents) {
		return rec, domain.Errorf(domain.NotFound, "alliance %s did not exist yet at %s", allianceID, t.Format(time.RFC3339Nano))
	}
	return rec, err
}

// errNoEvents is record's NotFound when keep accepted no event at all.
var errNoEvents = domain.Errorf(domain.NotFound, "the alliance has no events at that point")

// record folds the alliance's events that keep accepts into a decision
// record of the proposal.
func (p *Projection) record(ctx context.Context, allianceID, proposalID string, keep func(domain.Event) bool) (DecisionRecord, error) {
	b := newRecordBuilder(proposalID)
	final, pos, err := p.Fold(ctx, allianceID, keep, b.observe)
	if pos.Seq == 0 && domain.KindOf(err) == domain.NotFound {
		return DecisionRecord{}, errNoEvents
	}
	if err != nil {
		return DecisionRecord{}, err
	}
	return b.finish(final, Point{Seq: pos.Seq, Hash: pos.Hash, At: b.lastAt})
}

// recordBuilder gathers a decision record while the alliance's log is
// folded; observe sees each event with the state just before it.
type recordBuilder struct {
	pid        string
	rec        DecisionRecord
	submitted  bool
	amendments map[string]int // amendment id → index in rec.Amendments
	stances    map[string]int // member id → index in rec.Stances
	eligible   map[string]int // member id → index in rec.Voting.Eligible
	lastAt     time.Time
	// grants holds, by seq, the hash of every ProxyGranted so far.
	grants map[uint64]string
}

func newRecordBuilder(proposalID string) *recordBuilder {
	return &recordBuilder{
		pid:        proposalID,
		rec:        DecisionRecord{Versions: []Version{}, Amendments: []AmendmentHistory{}, Stances: []StanceHistory{}, Signatures: []RecordedSignature{}, Proxies: []ProxyUse{}, Events: []EventRef{}},
		amendments: map[string]int{},
		stances:    map[string]int{},
		eligible:   map[string]int{},
		grants:     map[uint64]string{},
	}
}

// observe takes in one event of the alliance, with the state before it.
func (b *recordBuilder) observe(s domain.Alliance, r eventstore.Record) {
	b.lastAt = r.Event.At
	act := actOf(s, r.Event)
	var relevant bool
	switch d := r.Event.Data.(type) {
	case domain.ProposalSubmitted:
		relevant = d.ProposalID == b.pid && !b.submitted
		if relevant {
			b.submitted = true
			b.rec.Versions = append(b.rec.Versions, Version{Version: 1, Body: d.Body, Act: act})
		}
	case domain.AmendmentProposed:
		relevant = d.ProposalID == b.pid && b.submitted
		if relevant {
			b.amendments[d.AmendmentID] = len(b.rec.Amendments)
			b.rec.Amendments = append(b.rec.Amendments, AmendmentHistory{
				ID: d.AmendmentID, Body: d.Body, Rationale: d.Rationale, Author: party(s, d.AuthorID),
				Status: domain.StatusProposed, Proposed: act,
			})
		}
	case domain.AmendmentAccepted:
		relevant = d.ProposalID == b.pid && b.settle(d.AmendmentID, domain.StatusAccepted, d.Version, act)
	case domain.AmendmentRejected:
		relevant = d.ProposalID == b.pid && b.settle(d.AmendmentID, domain.StatusRejected, d.Version, act)
	case domain.ProposalWithdrawn:
		relevant = d.ProposalID == b.pid && b.submitted
		if relevant {
			b.rec.Withdrawal = &Withdrawal{Act: act, Reason: d.Reason}
		}
	case domain.ProxyGranted:
		b.noteGrant(r)
	default:
		relevant = b.observeVoting(s, r.Event, act)
	}
	if relevant {
		b.rec.Events = append(b.rec.Events, EventRef{Seq: r.Event.Seq, Type: r.Event.Type, Hash: r.Hash})
		if _, isVote := r.Event.Data.(domain.VoteCast); !isVote { // a vote's is signed in observeVoting
			b.sign(s, r.Event)
		}
	}
}

// settle records an amendment accepted or rejected, and the version an
// acceptance made. It reports whether the amendment is one of the proposal's.
func (b *recordBuilder) settle(amendmentID string, status domain.Status, version int, act Act) bool {
	i, ok := b.amendments[amendmentID]
	if !ok {
		return false
	}
	a := &b.rec.Amendments[i]
	a.Status, a.Settled, a.Version = status, &act, version
	if status == domain.StatusAccepted {
		b.rec.Versions = append(b.rec.Versions, Version{Version: version, Body: a.Body, AmendmentID: a.ID, Act: act})
	}
	return true
}

// observeVoting takes in the events of the vote: its opening, each stance,
// a withdrawal that shrinks the eligible set, the close and the charter
// change. It reports whether the event is one the record rests on.
func (b *recordBuilder) observeVoting(s domain.Alliance, e domain.Event, act Act) bool {
	switch d := e.Data.(type) {
	case domain.VotingOpened:
		if d.ProposalID != b.pid || !b.submitted {
			return false
		}
		b.open(s, d, act)
	case domain.VoteCast:
		i, ok := b.stances[d.MemberID]
		if d.ProposalID != b.pid || !ok {
			return false
		}
		st := &b.rec.Stances[i]
		st.History = append(st.History, StanceChange{Stance: d.Stance, Reason: d.Reason, CastBy: d.CastBy, Seq: e.Seq, At: e.At, Signature: b.sign(s, e)})
		b.proxyUse(s, e, d)
	case domain.MemberWithdrew:
		p, ok := s.Proposal(b.pid)
		i, known := b.eligible[d.MemberID]
		if !ok || !known || b.rec.Voting == nil || p.Status != domain.StatusVoting || p.Voting == nil || !p.Voting.IsEligible(d.MemberID) {
			return false
		}
		b.rec.Voting.Eligible[i].Withdrew = &Withdrawal{Act: act, Reason: d.Reason}
		b.rec.Stances[b.stances[d.MemberID]].Dropped = true
	case domain.VotingClosed:
		if d.ProposalID != b.pid || b.rec.Voting == nil {
			return false
		}
		b.rec.Outcome = &RecordedOutcome{VotingClosed: d, Closed: act}
	case domain.CharterAmended:
		if d.ProposalID != b.pid || b.rec.Outcome == nil {
			return false
		}
		b.rec.CharterAmended = &CharterChange{Seq: e.Seq, At: e.At, Charter: d.Charter}
	default:
		return false
	}
	return true
}

// open records what VotingOpened froze and starts a stance history for
// every eligible member.
func (b *recordBuilder) open(s domain.Alliance, d domain.VotingOpened, act Act) {
	v := &VotingHistory{Opened: act, Version: d.Version, Rule: d.Rule, Eligible: make([]EligibleMember, 0, len(d.Eligible))}
	if d.ClosesAt != nil {
		t := *d.ClosesAt
		v.ClosesAt = &t
	}
	b.rec.Stances = make([]StanceHistory, 0, len(d.Eligible))
	clear(b.stances)
	clear(b.eligible)
	for _, id := range d.Eligible {
		m, _ := s.Member(id)
		b.eligible[id] = len(v.Eligible)
		v.Eligible = append(v.Eligible, EligibleMember{ID: id, Name: m.Name, Sector: m.Sector})
		b.stances[id] = len(b.rec.Stances)
		b.rec.Stances = append(b.rec.Stances, StanceHistory{MemberID: id, Name: m.Name, History: []StanceChange{}})
	}
	b.rec.Voting = v
}

// finish completes the record from the state at its point. It returns
// NotFound when the proposal did not exist then.
func (b *recordBuilder) finish(s domain.Alliance, at Point) (DecisionRecord, error) {
	p, ok := s.Proposal(b.pid)
	if !ok {
		return DecisionRecord{}, domain.Errorf(domain.NotFound, "no proposal %s in alliance %s as of seq %d", b.pid, s.ID, at.Seq)
	}
	rec := b.rec
	rec.Alliance = Party{ID: s.ID, Name: s.Name}
	rec.AsOf = at
	rec.Proposal = RecordedProposal{
		ID: p.ID, Kind: p.Kind, Title: p.Title, Author: party(s, p.AuthorID),
		Status: p.Status, Version: p.Version, Body: p.Body, Charter: p.Charter,
	}
	for i := range rec.Stances {
		st := &rec.Stances[i]
		if n := len(st.History); n > 0 && !st.Dropped {
			final := st.History[n-1].Stance
			st.Final = &final
		}
	}
	b.finishProxies(&rec)
	if p.Status == domain.StatusVoting {
		if out, err := domain.DeriveOutcome(s, p.ID); err == nil {
			rec.Provisional = &out
		}
	}
	return rec, nil
}

// actOf is the event's Act, naming its actor as the state before it knew them.
func actOf(s domain.Alliance, e domain.Event) Act {
	return Act{Seq: e.Seq, At: e.At, Actor: e.Actor, By: actorName(s, e.Actor)}
}

func actorName(s domain.Alliance, a domain.Actor) string {
	switch a.Role {
	case domain.RoleAdmin:
		return "the administrator"
	case domain.RoleSystem:
		return "the ledger, at the deadline"
	}
	if m, ok := s.Member(a.MemberID); ok {
		return m.Name
	}
	if o, ok := s.Observer(a.ID); ok {
		return o.Name
	}
	return a.ID
}

// party names a member of the alliance by id.
func party(s domain.Alliance, memberID string) Party {
	m, _ := s.Member(memberID)
	return Party{ID: memberID, Name: m.Name}
}
