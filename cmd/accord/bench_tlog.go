package main

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"accord/domain"
	"accord/eventstore"
)

// tlogEvents is the size of the alliance whose proofs are measured.
const tlogEvents = 100_000

// tlogReads is how many checkpoints and how many proofs are fetched.
const tlogReads = 2000

// benchTransparency seeds one alliance of tlogEvents events and measures,
// over HTTP from one client, the head checkpoint and inclusion proofs of
// random seqs in it: the p99 of each, in milliseconds.
func benchTransparency(ctx context.Context, env *benchEnv) (checkpointP99, proofP99 float64, err error) {
	aid, err := seedTlogAlliance(ctx, env.store, tlogEvents)
	if err != nil {
		return 0, 0, err
	}
	b, err := startBenchAPI(ctx, env, 1)
	if err != nil {
		return 0, 0, err
	}
	defer b.close()
	base := "/v1/alliances/" + aid
	if checkpointP99, err = b.p99(func(int) string { return base + "/checkpoint" }); err != nil {
		return 0, 0, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	proofP99, err = b.p99(func(int) string {
		return base + "/proofs/inclusion?seq=" + strconv.Itoa(1+rng.IntN(tlogEvents))
	})
	return checkpointP99, proofP99, err
}

// seedTlogAlliance appends an alliance of n events to the store in
// messages of up to 100 events, and returns its id.
func seedTlogAlliance(ctx context.Context, store *eventstore.Store, n int) (string, error) {
	aid := uuid.NewString()
	admin := domain.Meta{AllianceID: aid, At: time.Now().UTC(), Actor: domain.Actor{ID: uuid.NewString(), Role: domain.RoleAdmin}}
	first := domain.NewEvent(admin, domain.AllianceFormed{Name: "Proofs", Purpose: "measure", Charter: domain.Charter{DecisionRule: "consensus", Quorum: "1/2", Threshold: "3/4"}})
	first.CommandID = uuid.NewString()
	res, err := store.Append(ctx, aid, eventstore.Position{}, []domain.Event{first})
	if err != nil {
		return "", err
	}
	pos := res.Records[0].Position()
	for written := 1; written < n; {
		batch := make([]domain.Event, 0, 100)
		for len(batch) < 100 && written+len(batch) < n {
			ev := domain.NewEvent(admin, domain.ObserverAdded{ObserverID: uuid.NewString(), Name: "Observer " + strconv.Itoa(written+len(batch))})
			ev.CommandID = uuid.NewString()
			batch = append(batch, ev)
		}
		res, err := store.Append(ctx, aid, pos, batch)
		if err != nil {
			return "", err
		}
		pos = res.Records[len(res.Records)-1].Position()
		written += len(batch)
	}
	return aid, nil
}

// p99 GETs tlogReads paths as the admin, one at a time, after a warm-up,
// and returns the 99th percentile latency in milliseconds.
func (b *benchAPI) p99(path func(i int) string) (float64, error) {
	took := make([]time.Duration, 0, tlogReads)
	for i := -100; i < tlogReads; i++ {
		req, err := http.NewRequest(http.MethodGet, b.url+path(i), nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+benchAdminToken)
		start := time.Now()
		resp, err := b.client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = domain.Errorf(domain.Internal, "GET %s: %d", path(i), resp.StatusCode)
		}
		if err != nil {
			return 0, err
		}
		if i >= 0 {
			took = append(took, time.Since(start))
		}
	}
	slices.Sort(took)
	return float64(took[len(took)*99/100]) / float64(time.Millisecond), nil
}
