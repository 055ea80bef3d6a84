package domain

// evolveProposal applies the events of a proposal's life; any other event
// changes nothing.
func (a *Alliance) evolveProposal(e Event) {
	if d, ok := e.Data.(ProposalSubmitted); ok {
		a.submit(d)
		return
	}
	i, ok := lookup(a.proposalIdx, proposalOf(e.Data), len(a.Proposals))
	if !ok {
		return
	}
	p := &a.Proposals[i]
	switch d := e.Data.(type) {
	case AmendmentProposed:
		p.Amendments = append(p.Amendments, Amendment{
			ID: d.AmendmentID, Body: d.Body, Rationale: d.Rationale, AuthorID: d.AuthorID, Status: StatusProposed,
		})
	case AmendmentAccepted:
		p.settleAmendment(d.AmendmentID, StatusAccepted, d.Version)
	case AmendmentRejected:
		p.settleAmendment(d.AmendmentID, StatusRejected, d.Version)
	case ProposalWithdrawn:
		p.Status = StatusWithdrawn
	case VotingOpened:
		p.open(e, d)
	case VoteCast:
		if p.Stances == nil {
			p.Stances = map[string]LatestStance{}
		}
		p.Stances[d.MemberID] = LatestStance{Stance: d.Stance, Reason: d.Reason, CastBy: d.CastBy, Seq: e.Seq, At: e.At}
		if d.CastBy != "" {
			p.recordProxyCast(d.CastBy, d.MemberID)
		}
	case VotingClosed:
		p.Status = Status(d.Result) // adopted or rejected
		p.Outcome = &Outcome{VotingClosed: d, ClosedSeq: e.Seq}
	}
}

// proposalOf returns the proposal id an event is about, or "".
func proposalOf(data EventData) string {
	switch d := data.(type) {
	case AmendmentProposed:
		return d.ProposalID
	case AmendmentAccepted:
		return d.ProposalID
	case AmendmentRejected:
		return d.ProposalID
	case ProposalWithdrawn:
		return d.ProposalID
	case VotingOpened:
		return d.ProposalID
	case VoteCast:
		return d.ProposalID
	case VotingClosed:
		return d.ProposalID
	}
	return ""
}

func (a *Alliance) submit(d ProposalSubmitted) {
	if _, dup := a.proposalIdx[d.ProposalID]; dup {
		return
	}
	var charter *Charter
	if d.Charter != nil {
		c := *d.Charter
		charter = &c
	}
	a.proposalIdx = put(a.proposalIdx, d.ProposalID, len(a.Proposals))
	a.Proposals = append(a.Proposals, Proposal{
		ID: d.ProposalID, Kind: d.Kind, Title: d.Title, Body: d.Body, AuthorID: d.AuthorID,
		Charter: charter, Status: StatusOpen, Version: 1,
		Amendments: []Amendment{}, Stances: map[string]LatestStance{},
	})
}

// settleAmendment records the author's answer to an amendment; an accepted
// amendment's body becomes the proposal's.
func (p *Proposal) settleAmendment(id string, status Status, version int) {
	for i := range p.Amendments {
		if p.Amendments[i].ID != id {
			continue
		}
		p.Amendments[i].Status = status
		if status == StatusAccepted {
			p.Body = p.Amendments[i].Body
		}
	}
	p.Version = version
}

// open freezes the version, rule and eligible set; stances start afresh.
func (p *Proposal) open(e Event, d VotingOpened) {
	p.Status = StatusVoting
	p.Voting = &Voting{
		Version: d.Version, Rule: d.Rule, Eligible: append([]string{}, d.Eligible...),
		ClosesAt: copyTime(d.ClosesAt), OpenedSeq: e.Seq,
	}
	p.Stances = map[string]LatestStance{}
	p.ProxyCasts = nil
}
