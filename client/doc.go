// Package client is the Go client of accord's HTTP API, used by the accord
// command and usable by any Go program.
//
// A Client holds the server's base URL and a bearer token. Its methods
// send the documented JSON and decode the answers into typed results: the
// domain's own types where the API answers them (domain.Alliance,
// domain.Proposal, domain.Commitment, domain.VotingClosed) and this
// package's for the rest (Credential, RecordedVote, DecisionRecord,
// AuditPage, Head, Verification…).
//
// Errors keep their meaning across the wire: an error answer is an *Error
// with the status, code and message, and it stands for a *domain.Error of
// the same kind, so callers test kinds as the server does:
//
//	if domain.KindOf(err) == domain.NotFound { … }
//	if errors.Is(err, &domain.Error{Kind: domain.Conflict}) { … }
//
// A request that gets no answer returns an error wrapping ErrUnreachable.
//
// Every write carries an Idempotency-Key (a new one per call, or the one
// set with WithIdempotencyKey). A write whose connection failed, or that
// the server answered 502, 503 or 504, is sent again a bounded number of
// times with the same key, so it is recorded once however often it is
// sent.
//
// Signing: a member may hold an Ed25519 key and sign its own actions, so
// that the record shows who decided in a way the server cannot make up.
// GenerateKey, WriteKeyFile and ReadKeyFile keep the key in a file of mode
// 0600 (one line: "accord-member-key/v1 <base64 seed>", see KeyFileVersion);
// RegisterKey registers its public half with its proof. A client made with
// WithSigner signs every member action it sends (vote, propose, amend,
// accept or reject an amendment, commit, report progress, fulfil): it picks
// the command id once, builds the statement of what it sends with the
// domain's builders (domain.VoteStatement…), sets signed-at from its clock,
// and sends the signature with the command id as the Idempotency-Key. A
// vote's statement names the version voted on, which the client reads from
// the proposal first; if that changed before the vote arrived, it signs
// again once. Example_signing has it whole.
//
// Streams: Export reads an alliance's NDJSON export and checks it against
// the head the server announced, and a Follower follows its live events,
// reconnecting after a drop and resuming after the last event it returned,
// with no gap and no repeat.
//
// Transparency: Checkpoint, CosignedCheckpoint, LogKey and InclusionProof
// return the server's signed notes, verifier key and receipts as bytes,
// unopened, for the caller to check with package transparency;
// ConsistencyProof decodes its hashes; PostCosignature and RegisterWitness
// are a witness's writes (accord witness uses them).
//
// An example, from forming an alliance to following its events (Example
// in example_test.go has it whole):
//
//	admin, err := client.New("http://127.0.0.1:8080", adminToken)
//	if err != nil {
//		return err
//	}
//	a, err := admin.FormAlliance(ctx, domain.FormAlliance{
//		Name: "Drug Supply Chain Alliance", Purpose: "Unit-level traceability",
//		Charter: domain.Charter{DecisionRule: domain.RuleConsensus, Quorum: "1/2", Threshold: "3/4"},
//	})
//	if err != nil {
//		return err
//	}
//	conv, err := admin.AdmitMember(ctx, a.ID, domain.AdmitMember{Name: "Intermountain Health", Sector: "health system", Role: domain.RoleConvener})
//	if err != nil {
//		return err
//	}
//	member, _ := client.New("http://127.0.0.1:8080", conv.Token)
//	p, err := member.SubmitProposal(ctx, a.ID, domain.SubmitProposal{Kind: "resolution", Title: "Traceability", Body: "Serialise every unit by 2027."})
//	if errors.Is(err, &domain.Error{Kind: domain.Forbidden}) {
//		… // not allowed to propose
//	}
//	f := admin.Follow(a.ID, client.FollowOptions{FromSeq: 1})
//	defer f.Close()
//	for {
//		ev, err := f.Next(ctx)
//		if err != nil {
//			return err // ctx done, or the server refused the stream
//		}
//		fmt.Println(ev.Seq, ev.Type)
//	}
package client
