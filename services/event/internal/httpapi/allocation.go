package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/services/event/internal/allocation"
	"github.com/ocopfair/ocopfair/services/event/internal/application"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// ProposalsCollection keeps the last proposal per fair until it is committed.
const ProposalsCollection = "allocation_proposals"

type placementBody struct {
	allocation.Placement
	ProducerName string `json:"producer_name"`
	Province     string `json:"province_code"`
}

type unplacedBody struct {
	allocation.Unplaced
	ProducerName string `json:"producer_name"`
}

type proposalResponse struct {
	FairID            string          `json:"fair_id"`
	ComputedAt        time.Time       `json:"computed_at"`
	Placements        []placementBody `json:"placements"`
	Unplaced          []unplacedBody  `json:"unplaced" doc:"go to the waitlist, each with a reason"`
	SameSetNeighbours int             `json:"same_set_neighbours"`
	Violations        []string        `json:"violations" doc:"hard-rule violations found by an independent check; always empty"`
}

type commitFailure struct {
	ApplicationID string `json:"application_id"`
	Reason        string `json:"reason"`
}

type commitResponse struct {
	Committed []placementBody `json:"committed"`
	Failed    []commitFailure `json:"failed"`
}

func (s *Server) mountAllocation(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/allocation", Tag: "allocation", Roles: organisers,
		Summary: "Propose booths for every approved application without one: priority by stars then application time, preferred zones, " +
			"province quotas, same criteria sets not side by side, hand-placed booths kept. Nothing is assigned until commit.",
		Response: proposalResponse{}}, s.propose)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/allocation/commit", Tag: "allocation", Roles: organisers,
		Summary: "Assign the booths of the last proposal. A booth taken meanwhile fails only its application.", Response: commitResponse{}}, s.commit)
}

// problem loads what the allocator needs for a fair.
func (s *Server) problem(ctx context.Context, f fair.Fair) (allocation.Problem, map[string]application.Application, error) {
	booths, err := s.Booths.Booths(ctx, f.ID)
	if err != nil {
		return allocation.Problem{}, nil, err
	}
	held, err := s.Booths.ActiveForFair(ctx, f.ID)
	if err != nil {
		return allocation.Problem{}, nil, err
	}
	apps, err := s.Applications.ForFair(ctx, f.ID, application.Approved)
	if err != nil {
		return allocation.Problem{}, nil, err
	}
	p := allocation.Problem{Quotas: f.Eligibility.ProvinceQuotas}
	for _, b := range booths {
		p.Booths = append(p.Booths, allocation.Booth{Code: b.Code, Zone: b.Zone, Kind: b.Kind, X: b.X, Y: b.Y, W: b.W, H: b.H, Usable: b.Hold == ""})
	}
	for _, h := range held {
		p.Held = append(p.Held, allocation.Held{Code: h.Code, ApplicationID: h.ApplicationID})
	}
	byID := map[string]application.Application{}
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
		p.Applications = append(p.Applications, allocation.Application{ID: a.ID, ProducerID: a.ProducerID, Province: a.Province,
			Priority: a.Best().Priority(), CriteriaSets: a.CriteriaSets(), Kind: kind, Count: count, PreferredZone: a.PreferredZone, SubmittedAt: a.SubmittedAt})
	}
	return p, byID, nil
}

func (s *Server) propose(c *gin.Context) {
	f, ok := s.manageFair(c)
	if !ok {
		return
	}
	if f.Status == fair.Draft || f.Status == fair.Completed || f.Status == fair.Cancelled {
		httpx.RespondError(c, apperr.E(apperr.Conflict, "allocation runs once the fair is published and before it ends (it is %s)", f.Status))
		return
	}
	ctx := c.Request.Context()
	p, apps, err := s.problem(ctx, f)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	prop := allocation.Allocate(p)
	resp := proposalResponse{FairID: f.ID, ComputedAt: s.now(), Placements: []placementBody{}, Unplaced: []unplacedBody{},
		SameSetNeighbours: prop.SameSetNeighbours, Violations: allocation.Check(p, prop)}
	if resp.Violations == nil {
		resp.Violations = []string{}
	}
	for _, pl := range prop.Placements {
		resp.Placements = append(resp.Placements, placementBody{Placement: pl, ProducerName: apps[pl.ApplicationID].ProducerName, Province: apps[pl.ApplicationID].Province})
	}
	for _, u := range prop.Unplaced {
		resp.Unplaced = append(resp.Unplaced, unplacedBody{Unplaced: u, ProducerName: apps[u.ApplicationID].ProducerName})
	}
	data, err := json.Marshal(resp)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	_, err = s.DB.Collection(ProposalsCollection).ReplaceOne(ctx, bson.M{"_id": f.ID},
		bson.M{"_id": f.ID, "proposal": string(data), "computed_at": resp.ComputedAt}, options.Replace().SetUpsert(true))
	if err != nil {
		httpx.RespondError(c, storage.MapError(err, "allocation proposal"))
		return
	}
	c.JSON(http.StatusOK, resp)
}

func (s *Server) commit(c *gin.Context) {
	f, ok := s.manageFair(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	var doc struct {
		Proposal string `bson:"proposal"`
	}
	err := s.DB.Collection(ProposalsCollection).FindOne(ctx, bson.M{"_id": f.ID}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		httpx.RespondError(c, apperr.E(apperr.Conflict, "there is no proposal to commit; run POST /api/fairs/%s/allocation first", f.ID))
		return
	}
	if err != nil {
		httpx.RespondError(c, storage.MapError(err, "allocation proposal"))
		return
	}
	var prop proposalResponse
	if err := json.Unmarshal([]byte(doc.Proposal), &prop); err != nil {
		httpx.RespondError(c, err)
		return
	}
	resp := commitResponse{Committed: []placementBody{}, Failed: []commitFailure{}}
	for _, pl := range prop.Placements {
		if err := s.commitPlacement(ctx, f, pl); err != nil {
			resp.Failed = append(resp.Failed, commitFailure{ApplicationID: pl.ApplicationID, Reason: err.Error()})
			continue
		}
		resp.Committed = append(resp.Committed, pl)
	}
	if _, err := s.DB.Collection(ProposalsCollection).DeleteOne(ctx, bson.M{"_id": f.ID}); err != nil {
		httpx.Logger(c).Warn("deleting committed proposal", "err", err)
	}
	s.Notify()
	c.JSON(http.StatusOK, resp)
}

// commitPlacement assigns all booths of one placement, or none: if a booth was taken meanwhile,
// the ones already assigned for it are released again.
func (s *Server) commitPlacement(ctx context.Context, f fair.Fair, pl placementBody) error {
	app, err := s.Applications.Get(ctx, pl.ApplicationID)
	if err != nil {
		return err
	}
	if app.Status != application.Approved {
		return apperr.E(apperr.Conflict, "the application is now %s", app.Status)
	}
	if held, err := s.Booths.Active(ctx, bson.M{"application_id": app.ID}); err != nil || len(held) > 0 {
		if err != nil {
			return err
		}
		return apperr.E(apperr.Conflict, "the application got a booth meanwhile")
	}
	var done []booth.Assignment
	for _, code := range pl.Booths {
		b, err := s.Booths.Booth(ctx, f.ID, code)
		if err == nil && b.Hold != "" {
			err = apperr.E(apperr.Conflict, "booth %s is now %s", code, b.Hold)
		}
		var a booth.Assignment
		if err == nil {
			a, err = s.Booths.Assign(ctx, b, app.ID, app.ProducerID, false, s.now(), correlation.From(ctx))
		}
		if err != nil {
			for _, d := range done {
				_ = s.Booths.Release(ctx, d, "allocation rolled back: another booth of the group was taken", s.now(), correlation.From(ctx))
			}
			if errors.Is(err, booth.ErrTaken) {
				return apperr.E(apperr.Conflict, "booth %s was taken meanwhile; run the allocation again", code)
			}
			return err
		}
		done = append(done, a)
	}
	return nil
}
