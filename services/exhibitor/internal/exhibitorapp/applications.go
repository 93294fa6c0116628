package exhibitorapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/readmodel"
	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
)

// followApplications loads the applications read model (applications, fairs, which producer
// each account is) from the database and keeps it current: the store hands it this replica's
// writes as they succeed, and followers of the EXHIBITOR and EVENT streams bring in the other
// replicas' writes and the event service's fairs and booths. /readyz waits until every follower
// has caught up with its stream.
func followApplications(ctx context.Context, host *service.Host, store *application.Store, producers *producer.Store) (*application.Model, error) {
	m := application.NewModel(store)
	store.OnSaved(m.Put)
	begin := time.Now()
	n, err := m.Load(ctx, applicants(producers))
	if err != nil {
		return nil, fmt.Errorf("load the applications model: %w", err)
	}
	host.Log.Info("applications model loaded", "applications", n, "took", time.Since(begin).Round(time.Millisecond))
	host.Job(func(ctx context.Context) { followBehind(ctx, host, store, m.Behind()) })
	log := host.Log.With("component", "applications model")
	var followers []*readmodel.Follower
	for _, feed := range m.Feeds() {
		start := begin.Add(-outbox.Lag)
		if feed.FromStart {
			start = time.Time{}
		}
		f := readmodel.New(host.JS, readmodel.Config{Stream: feed.Stream, Subjects: feed.Subjects, Start: start, Apply: feed.Apply, Log: log})
		followers = append(followers, f)
		host.Job(func(ctx context.Context) { _ = f.Run(ctx) })
	}
	host.Check("applications model", func(context.Context) error {
		for _, f := range followers {
			if !f.Ready() {
				return errors.New("the applications model is still catching up with the streams")
			}
		}
		return nil
	})
	return m, nil
}

// applicants pages through every producer profile for the model's load.
func applicants(producers *producer.Store) application.Applicants {
	return func(ctx context.Context, after string, limit int) ([]application.Applicant, error) {
		page, err := producers.List(ctx, producer.Filter{After: after, Limit: limit})
		out := make([]application.Applicant, len(page))
		for i, p := range page {
			out[i] = applicantOf(p)
		}
		return out, err
	}
}

// applicantOf is what an application keeps of producer p.
func applicantOf(p producer.Producer) application.Applicant {
	return application.Applicant{ProducerID: p.ID, Name: p.LegalName, Province: p.Province.Code, AccountID: p.AccountID, Revision: p.Revision}
}

// followBehind writes each profile the load found newer than its applications show onto them
// (application.Store.FollowProducer). Replicas starting together may each try; the writes are
// conditional on revisions, so one wins and the others find nothing left to do.
func followBehind(ctx context.Context, host *service.Host, store *application.Store, behind []application.Applicant) {
	for _, p := range behind {
		n, err := store.FollowProducer(ctx, p, "")
		if err != nil {
			if ctx.Err() == nil {
				host.Log.Warn("applications not brought up to their producer's profile", "producer_id", p.ProducerID, "err", err)
			}
			continue
		}
		if n > 0 {
			host.NotifyRelays()
		}
	}
	if len(behind) > 0 {
		host.Log.Info("applications brought up to their producers' profiles", "producers", len(behind))
	}
}
