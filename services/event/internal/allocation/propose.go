package allocation

import (
	"context"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// problem loads what the allocator needs for a fair.
func (rt *Routes) problem(ctx context.Context, f fair.Fair) (Problem, map[string]applicants.Application, error) {
	booths, err := rt.Booths.Booths(ctx, f.ID)
	if err != nil {
		return Problem{}, nil, err
	}
	held, err := rt.Booths.ActiveForFair(ctx, f.ID)
	if err != nil {
		return Problem{}, nil, err
	}
	apps, err := rt.Applicants.ForFair(ctx, f.ID, applicants.Approved)
	if err != nil {
		return Problem{}, nil, err
	}
	p := Problem{Quotas: f.Eligibility.ProvinceQuotas, MostBooths: booth.MostBooths(f)}
	for _, b := range booths {
		p.Booths = append(p.Booths, Booth{Code: b.Code, Zone: b.Zone, Kind: b.Kind, X: b.X, Y: b.Y, W: b.W, H: b.H, Usable: b.Hold == ""})
	}
	for _, h := range held {
		p.Held = append(p.Held, Held{Code: h.Code, ApplicationID: h.ApplicationID})
	}
	byID := map[string]applicants.Application{}
	for _, a := range apps {
		byID[a.ID] = a
		count := a.BoothCount
		if count < 1 {
			count = 1
		}
		kind := a.BoothKind
		if kind == "" {
			kind = booth.Standard
		}
		p.Applications = append(p.Applications, Application{ID: a.ID, ProducerID: a.ProducerID, Province: a.Province,
			Priority: a.Best().Priority(), CriteriaSets: a.CriteriaSets(), Kind: kind, Count: count, PreferredZone: a.PreferredZone, SubmittedAt: a.SubmittedAt})
	}
	return p, byID, nil
}

// proposal allocates f's booths (the reasons of the unplaced said in lang) and stores the result as the fair's last proposal, which a commit
// then assigns.
func (rt *Routes) proposal(ctx context.Context, f fair.Fair, lang apperr.Lang) (proposalResponse, error) {
	p, apps, err := rt.problem(ctx, f)
	if err != nil {
		return proposalResponse{}, err
	}
	prop := Allocate(p)
	resp := proposalResponse{FairID: f.ID, ProposalID: uuid.Must(uuid.NewV7()).String(), ComputedAt: fair.Stamp(rt.Now()), Placements: []placementBody{}, Unplaced: []unplacedBody{},
		SameSetNeighbours: prop.SameSetNeighbours, Violations: []string{}}
	for _, v := range Check(p, prop) {
		resp.Violations = append(resp.Violations, v.In(lang))
	}
	for _, pl := range prop.Placements {
		resp.Placements = append(resp.Placements, placementBody{Placement: pl, ProducerName: apps[pl.ApplicationID].ProducerName, Province: apps[pl.ApplicationID].Province})
	}
	for _, u := range prop.Unplaced {
		u.Reason = u.Text.In(lang)
		resp.Unplaced = append(resp.Unplaced, unplacedBody{Unplaced: u, ProducerName: apps[u.ApplicationID].ProducerName})
	}
	err = rt.Proposals.Save(ctx, Stored{ID: resp.ProposalID, FairID: f.ID, ComputedAt: resp.ComputedAt, Placements: prop.Placements})
	return resp, err
}
