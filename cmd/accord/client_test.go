package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/client"
	"accord/domain"
)

// apiClient returns a client of the test server with token.
func (e *cliEnv) apiClient(token string, opts ...client.Option) *client.Client {
	e.t.Helper()
	c, err := client.New(e.m.URL(), token, opts...)
	require.NoError(e.t, err)
	return c
}

// clientAlliance forms an alliance with a convener and a member through the
// client, and returns the alliance's id and their clients.
func clientAlliance(t *testing.T, e *cliEnv) (aid string, admin, conv, member *client.Client) {
	t.Helper()
	ctx := t.Context()
	admin = e.apiClient(cliAdminToken)
	a, err := admin.FormAlliance(ctx, domain.FormAlliance{Name: "Dual Eligible Coalition", Purpose: "Integrated care",
		Charter: domain.Charter{DecisionRule: domain.RuleMajority}})
	require.NoError(t, err)
	c, err := admin.AdmitMember(ctx, a.ID, domain.AdmitMember{Name: "Payer", Sector: "payer", Role: domain.RoleConvener})
	require.NoError(t, err)
	m, err := admin.AdmitMember(ctx, a.ID, domain.AdmitMember{Name: "Clinic", Sector: "provider", Role: domain.RoleMember})
	require.NoError(t, err)
	return a.ID, admin, e.apiClient(c.Token), e.apiClient(m.Token)
}

// TestClientAgainstServer runs a decision through the client against a
// real accord serve, and checks its typed answers.
func TestClientAgainstServer(t *testing.T) {
	e := newCLIEnv(t)
	ctx := t.Context()
	aid, admin, conv, member := clientAlliance(t, e)

	p, err := member.SubmitProposal(ctx, aid, domain.SubmitProposal{Kind: "resolution", Title: "Shared care plan", Body: "One plan."})
	require.NoError(t, err)
	require.Equal(t, domain.StatusOpen, p.Status)
	am, err := conv.ProposeAmendment(ctx, aid, p.ID, domain.ProposeAmendment{Body: "One plan, shared.", Rationale: "Say shared"})
	require.NoError(t, err)
	p, err = member.AcceptAmendment(ctx, aid, p.ID, am.ID)
	require.NoError(t, err)
	require.Equal(t, 2, p.Version)
	p, err = conv.OpenVoting(ctx, aid, p.ID, nil)
	require.NoError(t, err)
	require.Equal(t, domain.StatusVoting, p.Status)
	v, err := member.CastVote(ctx, aid, p.ID, domain.CastVote{Stance: domain.StanceAgree, Reason: "yes"})
	require.NoError(t, err)
	require.Len(t, v.Hash, 64)
	closed, err := conv.CloseVoting(ctx, aid, p.ID)
	require.NoError(t, err)
	require.Equal(t, domain.ResultAdopted, closed.Result)

	rec, err := admin.Record(ctx, aid, p.ID, client.AsOf{})
	require.NoError(t, err)
	require.Equal(t, domain.ResultAdopted, rec.Outcome.Result)
	require.Equal(t, "Clinic", rec.Stances[1].Name)
	require.Len(t, rec.Versions, 2)
	head, err := admin.Head(ctx, aid)
	require.NoError(t, err)
	require.Equal(t, head.Seq, rec.Events[len(rec.Events)-1].Seq)
	past, err := admin.Alliance(ctx, aid, client.AsOf{Seq: 3})
	require.NoError(t, err)
	require.Len(t, past.Members, 2)
	require.Empty(t, past.Proposals)
	ver, err := member.Verify(ctx, aid)
	require.NoError(t, err)
	require.True(t, ver.OK)
	require.Equal(t, head, ver.Head)
	page, err := member.Audit(ctx, aid, 1, 2)
	require.NoError(t, err)
	require.Len(t, page.Events, 2)
	require.Equal(t, uint64(3), *page.NextSeq)
	me, err := member.WhoAmI(ctx)
	require.NoError(t, err)
	require.Equal(t, client.Identity{ID: rec.Stances[1].MemberID, Role: domain.RoleMember, AllianceID: aid, Name: "Clinic"}, me)
}

// TestClientErrorKinds decodes the server's refusals into domain kinds.
func TestClientErrorKinds(t *testing.T) {
	e := newCLIEnv(t)
	ctx := t.Context()
	aid, admin, conv, member := clientAlliance(t, e)
	obs, err := admin.AddObserver(ctx, aid, domain.AddObserver{Name: "Regulator"})
	require.NoError(t, err)
	observer := e.apiClient(obs.Token)
	p, err := member.SubmitProposal(ctx, aid, domain.SubmitProposal{Kind: "resolution", Title: "T", Body: "B"})
	require.NoError(t, err)

	calls := []struct {
		kind domain.Kind
		call func() error
	}{
		{domain.NotFound, func() error {
			_, err := admin.Proposal(ctx, aid, "0190a0a0-0000-7000-8000-000000000000", client.AsOf{})
			return err
		}},
		{domain.Forbidden, func() error {
			_, err := observer.CastVote(ctx, aid, p.ID, domain.CastVote{Stance: "agree"})
			return err
		}},
		{domain.Conflict, func() error { _, err := conv.CloseVoting(ctx, aid, p.ID); return err }},
		{domain.Invalid, func() error {
			_, err := member.SubmitProposal(ctx, aid, domain.SubmitProposal{Kind: "resolution", Title: "", Body: "B"})
			return err
		}},
		{domain.Unauthorized, func() error { _, err := e.apiClient("acc_nobody").Alliances(ctx); return err }},
	}
	for _, c := range calls {
		err := c.call()
		var apiErr *client.Error
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, c.kind, domain.KindOf(err), err.Error())
		require.ErrorIs(t, err, &domain.Error{Kind: c.kind})
		require.Equal(t, string(c.kind), apiErr.Code)
	}
}

// dropFirstAnswer is a proxy that forwards every request to the server but
// drops the connection instead of passing on the answer to the first
// request for which drop says so: the write is stored, and the client
// cannot know it.
type dropFirstAnswer struct {
	target  string
	drop    func(*http.Request) bool
	dropped atomic.Bool

	mu   sync.Mutex
	keys []string
}

func (p *dropFirstAnswer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodGet {
		p.mu.Lock()
		p.keys = append(p.keys, r.Header.Get("Idempotency-Key"))
		p.mu.Unlock()
	}
	up, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	up.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(up)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	if p.drop(r) && p.dropped.CompareAndSwap(false, true) {
		panic(http.ErrAbortHandler)
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// TestClientRetryIsRecordedOnce loses the answer to an admission the server
// stored: the client sends it again with the same Idempotency-Key, gets the
// first answer (the same member and token), and the ledger holds it once.
func TestClientRetryIsRecordedOnce(t *testing.T) {
	e := newCLIEnv(t)
	ctx := t.Context()
	aid, admin, _, _ := clientAlliance(t, e)
	before, err := admin.Head(ctx, aid)
	require.NoError(t, err)

	proxy := &dropFirstAnswer{target: e.m.URL(), drop: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/members") }}
	srv := httptest.NewServer(proxy)
	defer srv.Close()
	c, err := client.New(srv.URL, cliAdminToken, client.WithRetries(3, 10*time.Millisecond))
	require.NoError(t, err)
	cred, err := c.AdmitMember(ctx, aid, domain.AdmitMember{Name: "Pharmacy", Sector: "pharmacy", Role: domain.RoleMember})
	require.NoError(t, err)
	require.True(t, proxy.dropped.Load(), "the first answer was lost")
	proxy.mu.Lock()
	keys := proxy.keys
	proxy.mu.Unlock()
	require.Len(t, keys, 2)
	require.Equal(t, keys[0], keys[1], "resent with the same key")

	after, err := admin.Head(ctx, aid)
	require.NoError(t, err)
	require.Equal(t, before.Seq+1, after.Seq, "recorded once")
	a, err := admin.Alliance(ctx, aid, client.AsOf{})
	require.NoError(t, err)
	require.Equal(t, cred.ID, a.Members[2].ID)
	me, err := e.apiClient(cred.Token).WhoAmI(ctx)
	require.NoError(t, err)
	require.Equal(t, "Pharmacy", me.Name, "the token of the first answer")

	// The same key later, on purpose, answers the same again.
	keyed := client.WithIdempotencyKey(ctx, "admit-pharmacy-2")
	first, err := admin.AdmitMember(keyed, aid, domain.AdmitMember{Name: "Pharmacy 2", Sector: "pharmacy", Role: domain.RoleMember})
	require.NoError(t, err)
	again, err := admin.AdmitMember(keyed, aid, domain.AdmitMember{Name: "Pharmacy 2", Sector: "pharmacy", Role: domain.RoleMember})
	require.NoError(t, err)
	require.Equal(t, first, again)
}

// TestClientFollowAndExportAgainstServer follows an alliance through a
// connection that breaks in the middle of an event, and exports it.
func TestClientFollowAndExportAgainstServer(t *testing.T) {
	e := newCLIEnv(t)
	w := e.walkthrough()
	data := 0
	proxy, url := newCutProxy(t, e.m.URL(), true, func(r *http.Request, nth int, line []byte) bool {
		if !strings.HasSuffix(r.URL.Path, "/events") || nth > 0 || !bytes.HasPrefix(line, []byte("data:")) {
			return false
		}
		data++
		return data == 3
	})
	c, err := client.New(url, cliAdminToken)
	require.NoError(t, err)
	var drops []client.Drop
	f := c.Follow(w.aid, client.FollowOptions{FromSeq: 2, MinBackoff: 10 * time.Millisecond, OnDrop: func(d client.Drop) { drops = append(drops, d) }})
	defer f.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var seqs []uint64
	for len(seqs) < 10 {
		ev, err := f.Next(ctx)
		require.NoError(t, err)
		seqs = append(seqs, ev.Seq)
	}
	require.Equal(t, []uint64{2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, seqs)
	require.Len(t, drops, 1)
	require.True(t, errors.Is(drops[0].Err, io.ErrUnexpectedEOF), drops[0].Err)
	require.Equal(t, uint64(3), drops[0].After)
	reqs := proxy.requests("/v1/alliances/" + w.aid + "/events")
	require.Equal(t, "3", reqs[1].Header.Get("Last-Event-ID"))

	ex, err := c.Export(ctx, w.aid)
	require.NoError(t, err)
	defer ex.Close()
	got, err := io.ReadAll(ex)
	require.NoError(t, err)
	require.Equal(t, e.serverExport(w.aid), got)
	require.Equal(t, uint64(11), ex.HeadSeq)
}
