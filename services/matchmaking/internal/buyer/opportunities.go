package buyer

import (
	"cmp"
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/match"
)

// OpportunityWindow is how many of the most recent open requests a producer's opportunities are
// drawn from: scoring every open request on each call would grow without bound.
const OpportunityWindow = 2000

// Need turns a request into what the matcher looks for.
func Need(r Request) match.Need {
	return match.Need{CriteriaSets: r.CriteriaSets, Sectors: r.Sectors, Keywords: r.Keywords, MinStars: r.MinStars, Volume: r.Volume,
		Unit: r.Unit, RequiredCerts: r.RequiredCerts, Market: r.Market, Regions: r.Regions, Provinces: r.Provinces, MaxPrice: r.MaxPrice, FairID: r.FairID}
}

// Opportunity is an open sourcing request that fits a producer, with its buyer's name and how
// well the producer matches it.
type Opportunity struct {
	Request   Request
	BuyerName string
	Match     match.Result
}

// Opportunities scores the most recent open requests (Window of them) for a producer, best
// first. A failed buyer lookup is returned, not shown as an empty name.
func (s *Service) Opportunities(ctx context.Context, producerID string, limit int) ([]Opportunity, error) {
	window := s.Window
	if window <= 0 {
		window = OpportunityWindow
	}
	reqs, err := s.Store.RecentRequests(ctx, bson.M{"open": true}, window)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := []Opportunity{}
	names := map[string]string{}
	for _, r := range reqs {
		res, ok := s.Matcher.ScoreProducer(Need(r), producerID, now)
		if !ok {
			continue
		}
		if _, seen := names[r.BuyerID]; !seen {
			b, err := s.Store.Buyer(ctx, r.BuyerID)
			if err != nil && !apperr.Is(err, apperr.NotFound) {
				return nil, err
			}
			names[r.BuyerID] = b.Name
		}
		out = append(out, Opportunity{Request: r, BuyerName: names[r.BuyerID], Match: res})
	}
	slices.SortFunc(out, func(a, b Opportunity) int {
		return cmp.Or(cmp.Compare(b.Match.Score, a.Match.Score), cmp.Compare(a.Request.ID, b.Request.ID))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
