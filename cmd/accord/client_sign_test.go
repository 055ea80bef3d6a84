package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"accord/client"
	"accord/domain"
)

// signingParty is a member with a registered key: its id, its key, and a
// client that signs with that key and one that does not.
type signingParty struct {
	id     string
	key    ed25519.PrivateKey
	signed *client.Client
	plain  *client.Client
}

// signingAlliance forms an alliance whose charter requires signatures,
// admits a convener and two members, and registers a key for each through
// Client.RegisterKey. The convener's signing client learns its member id
// from the server (WhoAmI); the others are given theirs.
func signingAlliance(t *testing.T, e *cliEnv, opts ...client.Option) (string, *client.Client, []signingParty) {
	t.Helper()
	ctx := t.Context()
	admin := e.apiClient(cliAdminToken)
	a, err := admin.FormAlliance(ctx, domain.FormAlliance{Name: "Signed Coalition", Purpose: "Integrated care",
		Charter: domain.Charter{DecisionRule: domain.RuleMajority, Signatures: domain.SignaturesRequired}})
	require.NoError(t, err)
	var parties []signingParty
	for i, name := range []string{"Payer", "Clinic", "Patients"} {
		role := map[bool]domain.Role{true: domain.RoleConvener, false: domain.RoleMember}[i == 0]
		cred, err := admin.AdmitMember(ctx, a.ID, domain.AdmitMember{Name: name, Sector: "health", Role: role})
		require.NoError(t, err)
		key, err := client.GenerateKey()
		require.NoError(t, err)
		plain := e.apiClient(cred.Token)
		reg, err := plain.RegisterKey(ctx, a.ID, cred.ID, key)
		require.NoError(t, err)
		require.Equal(t, client.RegisteredKey{MemberID: cred.ID, KeyID: client.KeyID(key), PublicKey: client.PublicKey(key), Seq: reg.Seq}, reg)
		signer := client.Signer{Key: key, MemberID: cred.ID}
		if i == 0 {
			signer.MemberID = ""
		}
		signed := e.apiClient(cred.Token, append(opts, client.WithSigner(signer))...)
		parties = append(parties, signingParty{id: cred.ID, key: key, signed: signed, plain: plain})
	}
	return a.ID, admin, parties
}

// TestClientSignsEveryMemberAction sends every kind of member action
// through signing clients, under a charter that refuses unsigned ones, and
// checks each stored statement: the signer's key id, the action and
// meaning, the command id, and every field as the domain builds it from
// the recorded event.
func TestClientSignsEveryMemberAction(t *testing.T) {
	e := newCLIEnv(t)
	ctx := t.Context()
	aid, admin, ps := signingAlliance(t, e)
	conv, m1, m2 := ps[0], ps[1], ps[2]

	_, err := m1.plain.SubmitProposal(ctx, aid, domain.SubmitProposal{Kind: "resolution", Title: "Unsigned", Body: "B"})
	require.ErrorIs(t, err, &domain.Error{Kind: domain.Forbidden}, "the charter refuses an unsigned proposal")

	p, err := m1.signed.SubmitProposal(ctx, aid, domain.SubmitProposal{Kind: "resolution", Title: "  Shared care plan ", Body: "One plan."})
	require.NoError(t, err)
	require.Equal(t, "Shared care plan", p.Title)
	am, err := m2.signed.ProposeAmendment(ctx, aid, p.ID, domain.ProposeAmendment{Body: "One plan, shared.", Rationale: "Say shared"})
	require.NoError(t, err)
	_, err = m1.signed.AcceptAmendment(ctx, aid, p.ID, am.ID)
	require.NoError(t, err)
	am, err = m2.signed.ProposeAmendment(ctx, aid, strings.ToUpper(p.ID), domain.ProposeAmendment{Body: "Two plans."})
	require.NoError(t, err)
	_, err = m1.signed.RejectAmendment(ctx, aid, p.ID, am.ID)
	require.NoError(t, err)
	_, err = conv.plain.OpenVoting(ctx, aid, p.ID, nil)
	require.NoError(t, err)
	for i, stance := range []domain.Stance{domain.StanceAgree, domain.StanceAgree, domain.StanceAbstain} {
		v, err := ps[i].signed.CastVote(ctx, aid, p.ID, domain.CastVote{Stance: stance, Reason: fmt.Sprint("reason ", i)})
		require.NoError(t, err)
		require.NotNil(t, v.Signature, "the answer shows the stored signature")
		require.Equal(t, client.KeyID(ps[i].key), v.Signature.KeyID)
	}
	closed, err := conv.plain.CloseVoting(ctx, aid, p.ID)
	require.NoError(t, err)
	require.Equal(t, domain.ResultAdopted, closed.Result)

	cm, err := m1.signed.MakeCommitment(ctx, aid, domain.MakeCommitment{ProposalID: p.ID, Description: "Share plans",
		Metric: " percent shared ", Target: 100, Due: "2027-06-30"})
	require.NoError(t, err)
	_, err = m1.signed.ReportProgress(ctx, aid, cm.ID, domain.ReportProgress{Value: 40.5, Note: "first clinic"})
	require.NoError(t, err)
	cm, err = m1.signed.FulfilCommitment(ctx, aid, cm.ID, domain.FulfilCommitment{Note: "done"})
	require.NoError(t, err)
	require.Equal(t, 40.5, *cm.Value, "without a value, the last one reported is signed and recorded")
	cm2, err := m2.signed.MakeCommitment(ctx, aid, domain.MakeCommitment{ProposalID: p.ID, Description: "Tell patients",
		Metric: "letters", Target: 3, Due: "2027-01-31"})
	require.NoError(t, err)
	final := 3.0
	_, err = m2.signed.FulfilCommitment(ctx, aid, cm2.ID, domain.FulfilCommitment{Value: &final})
	require.NoError(t, err)

	keys := map[string]ed25519.PrivateKey{conv.id: conv.key, m1.id: m1.key, m2.id: m2.key}
	raw, events := exportOf(t, admin, aid)
	actions := checkSignedEvents(t, events, keys)
	require.Equal(t, map[domain.Action]int{
		domain.ActionPropose: 1, domain.ActionAmend: 2, domain.ActionAcceptAmendment: 1, domain.ActionRejectAmendment: 1,
		domain.ActionVote: 3, domain.ActionCommit: 2, domain.ActionReportProgress: 1, domain.ActionFulfil: 2,
	}, actions)

	code, out, errOut := runVerify(t, raw)
	require.Equal(t, 0, code, "stdout: %s\nstderr: %s", out, errOut)
	require.Contains(t, out, "13 signed statements verified")
	ver, err := admin.Verify(ctx, aid)
	require.NoError(t, err)
	require.True(t, ver.OK, ver.Error)
}

// exportOf returns an alliance's export and its events.
func exportOf(t *testing.T, c *client.Client, aid string) ([]byte, []domain.Event) {
	t.Helper()
	x, err := c.Export(t.Context(), aid)
	require.NoError(t, err)
	defer x.Close()
	raw, err := io.ReadAll(x)
	require.NoError(t, err)
	var events []domain.Event
	for _, line := range bytes.Split(bytes.TrimSuffix(raw, []byte("\n")), []byte("\n")) {
		ev, err := domain.Decode(line)
		require.NoError(t, err)
		events = append(events, ev)
	}
	return raw, events
}

// checkSignedEvents checks every signed event against the state before it,
// as the ledger does (domain.CheckEventSignature), and that the statement
// is the signer's, with the event's command id, signed with keys[signer].
// It returns how many statements of each action it saw.
func checkSignedEvents(t *testing.T, events []domain.Event, keys map[string]ed25519.PrivateKey) map[domain.Action]int {
	t.Helper()
	actions := map[domain.Action]int{}
	var state domain.Alliance
	for _, ev := range events {
		if sig, _ := domain.SignatureOf(ev.Data); sig != nil {
			require.NoError(t, domain.CheckEventSignature(state, ev), "seq %d %s", ev.Seq, ev.Type)
			st, err := domain.ParseStatement(sig.Statement)
			require.NoError(t, err)
			require.Equal(t, ev.Actor.MemberID, st.MemberID)
			require.Equal(t, ev.CommandID, st.CommandID, "the statement's command is the request's Idempotency-Key")
			require.Equal(t, client.KeyID(keys[st.MemberID]), sig.KeyID, "seq %d", ev.Seq)
			actions[st.Action]++
		}
		state = domain.Evolve(state, ev)
	}
	return actions
}

// TestSignedVoteRetriesWhenTheVersionChanged reads the proposal before
// voting opens; between that read and the vote, the author accepts an
// amendment and the convener opens voting on version 2. The server refuses
// the statement signed for version 1, naming its version line, and the
// client signs again once for version 2.
func TestSignedVoteRetriesWhenTheVersionChanged(t *testing.T) {
	e := newCLIEnv(t)
	ctx := t.Context()
	var hook atomic.Pointer[func()]
	refusals := &refusalLog{}
	rt := &afterGet{next: http.DefaultTransport, hook: &hook, refusals: refusals}
	aid, _, ps := signingAlliance(t, e, client.WithHTTPClient(&http.Client{Transport: rt}))
	conv, m1, m2 := ps[0], ps[1], ps[2]
	p, err := m1.signed.SubmitProposal(ctx, aid, domain.SubmitProposal{Kind: "resolution", Title: "Plan", Body: "v1"})
	require.NoError(t, err)
	am, err := m2.signed.ProposeAmendment(ctx, aid, p.ID, domain.ProposeAmendment{Body: "v2"})
	require.NoError(t, err)

	race := func() {
		_, err := m1.signed.AcceptAmendment(ctx, aid, p.ID, am.ID)
		require.NoError(t, err)
		_, err = conv.plain.OpenVoting(ctx, aid, p.ID, nil)
		require.NoError(t, err)
	}
	hook.Store(&race)
	v, err := m2.signed.CastVote(ctx, aid, p.ID, domain.CastVote{Stance: domain.StanceAgree})
	require.NoError(t, err)
	require.Contains(t, v.Signature.Statement, "\nversion 2\n")
	require.Len(t, refusals.messages, 1)
	require.Contains(t, refusals.messages[0], `is "version 1"; it must be "version 2"`)
}

// afterGet runs hook once, after the first GET of a proposal it carries,
// and logs the 400 answers it carries.
type afterGet struct {
	next     http.RoundTripper
	hook     *atomic.Pointer[func()]
	refusals *refusalLog
}

type refusalLog struct{ messages []string }

func (a *afterGet) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := a.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if resp.StatusCode == http.StatusBadRequest {
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var body struct {
			Error struct{ Message string } `json:"error"`
		}
		_ = json.Unmarshal(raw, &body)
		a.refusals.messages = append(a.refusals.messages, body.Error.Message)
		resp.Body = io.NopCloser(bytes.NewReader(raw))
	}
	isProposal := req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/proposals/") && !strings.HasSuffix(req.URL.Path, "/record")
	if isProposal {
		if fn := a.hook.Swap(nil); fn != nil {
			(*fn)()
		}
	}
	return resp, nil
}

// countSessions counts the requests to /v1/session (WhoAmI) it carries.
type countSessions struct {
	next http.RoundTripper
	n    atomic.Int32
}

func (c *countSessions) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == "/v1/session" {
		c.n.Add(1)
	}
	return c.next.RoundTrip(req)
}

// TestSigningClientIsSafeForConcurrentUse submits proposals from one
// signing client on several goroutines: it learns its member id once, and
// each proposal is signed under its own command id.
func TestSigningClientIsSafeForConcurrentUse(t *testing.T) {
	e := newCLIEnv(t)
	ctx := t.Context()
	aid, admin, ps := signingAlliance(t, e)
	// A transport of its own, whose idle connections are closed before the
	// server shuts down: one dialled by a request that then found another
	// connection free never carried a request, and the server's shutdown
	// would wait five seconds for it.
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	counter := &countSessions{next: transport}
	cred, err := admin.AdmitMember(ctx, aid, domain.AdmitMember{Name: "Lab", Sector: "lab", Role: domain.RoleMember})
	require.NoError(t, err)
	key, err := client.GenerateKey()
	require.NoError(t, err)
	_, err = e.apiClient(cred.Token).RegisterKey(ctx, aid, cred.ID, key)
	require.NoError(t, err)
	lab := e.apiClient(cred.Token, client.WithHTTPClient(&http.Client{Transport: counter}), client.WithSigner(client.Signer{Key: key}))

	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := lab.SubmitProposal(ctx, aid, domain.SubmitProposal{Kind: "position", Title: fmt.Sprint("Position ", i), Body: "B"})
			errs <- err
		}()
	}
	for range n {
		require.NoError(t, <-errs)
	}
	require.Equal(t, int32(1), counter.n.Load(), "the member id is asked for once")
	_, events := exportOf(t, admin, aid)
	keys := map[string]ed25519.PrivateKey{cred.ID: key}
	for _, p := range ps {
		keys[p.id] = p.key
	}
	require.Equal(t, map[domain.Action]int{domain.ActionPropose: n}, checkSignedEvents(t, events, keys))
}
