package domain

import "strings"

// ProposalKind is what a proposal is: a resolution, a charter…
type ProposalKind string

// The kinds of proposal.
const (
	KindResolution         ProposalKind = "resolution"
	KindCharter            ProposalKind = "charter"
	KindOperatingAgreement ProposalKind = "operating_agreement"
	KindPosition           ProposalKind = "position"
)

// Proposal is a text the alliance decides on. Its status moves open →
// voting → adopted|rejected, or open → withdrawn. Charter is set only for
// kind charter. Voting is set once voting opened, Outcome once it closed.
// Stances holds each eligible member's latest stance, by member id;
// ProxyCasts, by proxy id, the members each proxy cast for in this vote.
type Proposal struct {
	ID         string                  `json:"id"`
	Kind       ProposalKind            `json:"kind"`
	Title      string                  `json:"title"`
	Body       string                  `json:"body"`
	AuthorID   string                  `json:"author_id"`
	Charter    *Charter                `json:"charter,omitempty"`
	Status     Status                  `json:"status"`
	Version    int                     `json:"version"`
	Amendments []Amendment             `json:"amendments"`
	Voting     *Voting                 `json:"voting,omitempty"`
	Stances    map[string]LatestStance `json:"stances"`
	ProxyCasts map[string][]string     `json:"proxy_casts,omitempty"`
	Outcome    *Outcome                `json:"outcome,omitempty"`
}

// Amendment is a proposed new text for a proposal. Status is proposed,
// accepted or rejected.
type Amendment struct {
	ID        string `json:"id"`
	Body      string `json:"body"`
	Rationale string `json:"rationale"`
	AuthorID  string `json:"author_id"`
	Status    Status `json:"status"`
}

// Amendment returns the proposal's amendment with id, and false if there is
// none.
func (p Proposal) Amendment(id string) (Amendment, bool) {
	for _, a := range p.Amendments {
		if a.ID == id {
			return a, true
		}
	}
	return Amendment{}, false
}

// pendingAmendment returns the proposal's first amendment still awaiting
// its author's answer, and false when none is.
func (p Proposal) pendingAmendment() (Amendment, bool) {
	for _, a := range p.Amendments {
		if a.Status == StatusProposed {
			return a, true
		}
	}
	return Amendment{}, false
}

func (d decision) submitProposal(c SubmitProposal) ([]EventData, error) {
	if err := d.by.mustBeMember("submit proposals"); err != nil {
		return nil, err
	}
	c.Title = strings.TrimSpace(c.Title)
	if err := firstError(
		checkID("proposal id", c.ProposalID),
		checkOneOf("kind", c.Kind, KindResolution, KindCharter, KindOperatingAgreement, KindPosition),
		checkName("title", c.Title),
		checkBody("body", c.Body),
	); err != nil {
		return nil, err
	}
	charter, err := proposedCharter(c.Kind, c.Charter)
	if err != nil {
		return nil, err
	}
	if p, ok := d.s.Proposal(c.ProposalID); ok {
		return nil, Errorf(Conflict, "proposal %s (%s) was already submitted", p.ID, p.Title)
	}
	return one(ProposalSubmitted{
		ProposalID: c.ProposalID, Kind: c.Kind, Title: c.Title, Body: c.Body,
		AuthorID: d.by.member.ID, Charter: charter,
	})
}

// proposedCharter returns the normalised charter of a charter proposal, and
// refuses (Invalid) a missing one or one on any other kind.
func proposedCharter(kind ProposalKind, c *Charter) (*Charter, error) {
	if kind != KindCharter {
		if c != nil {
			return nil, Errorf(Invalid, "charter is only for proposals of kind charter, not %s", kind)
		}
		return nil, nil
	}
	if c == nil {
		return nil, Errorf(Invalid, "charter is required for a proposal of kind charter")
	}
	n, err := NormalizeCharter(*c)
	if err != nil {
		return nil, err
	}
	return &n, nil
}

func (d decision) proposeAmendment(c ProposeAmendment) ([]EventData, error) {
	if err := d.by.mustBeMember("propose amendments"); err != nil {
		return nil, err
	}
	if err := firstError(
		checkID("proposal id", c.ProposalID),
		checkID("amendment id", c.AmendmentID),
		checkBody("body", c.Body),
		checkText("rationale", c.Rationale, false),
	); err != nil {
		return nil, err
	}
	p, err := d.proposal(c.ProposalID)
	if err != nil {
		return nil, err
	}
	if p.Status != StatusOpen {
		return nil, p.notOpen("amended")
	}
	if _, ok := p.Amendment(c.AmendmentID); ok {
		return nil, Errorf(Conflict, "amendment %s was already proposed on proposal %s", c.AmendmentID, p.ID)
	}
	return one(AmendmentProposed{
		ProposalID: p.ID, AmendmentID: c.AmendmentID, Body: c.Body,
		Rationale: c.Rationale, AuthorID: d.by.member.ID,
	})
}

func (d decision) acceptAmendment(c AcceptAmendment) ([]EventData, error) {
	p, a, err := d.pendingAmendment(c.ProposalID, c.AmendmentID, "accept")
	if err != nil {
		return nil, err
	}
	return one(AmendmentAccepted{ProposalID: p.ID, AmendmentID: a.ID, Version: p.Version + 1})
}

func (d decision) rejectAmendment(c RejectAmendment) ([]EventData, error) {
	p, a, err := d.pendingAmendment(c.ProposalID, c.AmendmentID, "reject")
	if err != nil {
		return nil, err
	}
	return one(AmendmentRejected{ProposalID: p.ID, AmendmentID: a.ID, Version: p.Version})
}

// pendingAmendment finds an amendment the actor may accept or reject: the
// actor is the proposal's author, the proposal is open and the amendment
// still proposed.
func (d decision) pendingAmendment(pid, aid, verb string) (Proposal, Amendment, error) {
	if err := firstError(checkID("proposal id", pid), checkID("amendment id", aid)); err != nil {
		return Proposal{}, Amendment{}, err
	}
	p, err := d.proposal(pid)
	if err != nil {
		return Proposal{}, Amendment{}, err
	}
	a, ok := p.Amendment(aid)
	if !ok {
		return Proposal{}, Amendment{}, Errorf(NotFound, "no amendment %s on proposal %s", aid, pid)
	}
	if err := d.mustBeAuthor(p, verb+" amendments"); err != nil {
		return Proposal{}, Amendment{}, err
	}
	if p.Status != StatusOpen {
		return Proposal{}, Amendment{}, p.notOpen("amended")
	}
	if a.Status != StatusProposed {
		return Proposal{}, Amendment{}, Errorf(Conflict, "amendment %s on proposal %s was already %s", a.ID, p.ID, a.Status)
	}
	return p, a, nil
}

func (d decision) withdrawProposal(c WithdrawProposal) ([]EventData, error) {
	if err := firstError(checkID("proposal id", c.ProposalID), checkText("reason", c.Reason, false)); err != nil {
		return nil, err
	}
	p, err := d.proposal(c.ProposalID)
	if err != nil {
		return nil, err
	}
	if err := d.mustBeAuthor(p, "withdraw it"); err != nil {
		return nil, err
	}
	if p.Status != StatusOpen {
		return nil, p.notOpen("withdrawn")
	}
	return one(ProposalWithdrawn{ProposalID: p.ID, Reason: c.Reason})
}

// proposal returns the proposal with id, or a NotFound error.
func (d decision) proposal(id string) (Proposal, error) {
	p, ok := d.s.Proposal(id)
	if !ok {
		return Proposal{}, Errorf(NotFound, "no proposal %s in alliance %s", id, d.s.ID)
	}
	return p, nil
}

// mustBeAuthor returns Forbidden unless the actor wrote the proposal.
func (d decision) mustBeAuthor(p Proposal, action string) error {
	if d.by.is(p.AuthorID) {
		return nil
	}
	return Errorf(Forbidden, "only the author of proposal %s (member %s) can %s", p.ID, p.AuthorID, action)
}

// notOpen explains, as a Conflict, why a proposal past its open stage can no
// longer be amended or withdrawn (what says which).
func (p Proposal) notOpen(what string) error {
	switch p.Status {
	case StatusVoting:
		return Errorf(Conflict, "proposal %s can no longer be %s: voting on it opened at seq %d", p.ID, what, p.openedSeq())
	case StatusAdopted, StatusRejected:
		return Errorf(Conflict, "proposal %s can no longer be %s: %s", p.ID, what, MessageOf(p.closed()))
	case StatusWithdrawn:
		return Errorf(Conflict, "proposal %s can no longer be %s: it was withdrawn", p.ID, what)
	}
	return Errorf(Conflict, "proposal %s can no longer be %s: it is %s", p.ID, what, p.Status)
}

// notVoting explains, as a Conflict, why a proposal is not being voted on.
func (p Proposal) notVoting() error {
	switch p.Status {
	case StatusOpen:
		return Errorf(Conflict, "voting on proposal %s has not opened", p.ID)
	case StatusAdopted, StatusRejected:
		return p.closed()
	case StatusWithdrawn:
		return Errorf(Conflict, "proposal %s was withdrawn; there is no vote on it", p.ID)
	}
	return Errorf(Conflict, "proposal %s is %s, not being voted on", p.ID, p.Status)
}

// closed is the Conflict for acting on a vote that has closed.
func (p Proposal) closed() error {
	var seq uint64
	if p.Outcome != nil {
		seq = p.Outcome.ClosedSeq
	}
	return Errorf(Conflict, "voting on proposal %s closed at seq %d (%s)", p.ID, seq, p.Status)
}

func (p Proposal) openedSeq() uint64 {
	if p.Voting == nil {
		return 0
	}
	return p.Voting.OpenedSeq
}
