package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/services/event/internal/allocation"
	"github.com/ocopfair/ocopfair/services/event/internal/application"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// A commit runs to its end on a context of its own, even when the client goes away: a commit cut
// off half-way leaves some exhibitors with booths and others without, and no answer saying which.
// Assigning takes a few database round trips per booth; commitTimeout covers some thousand
// booths on the embedded database. A roll-back gets rollbackTimeout afresh, since the commit's
// context running out is one reason to roll back.
const (
	commitTimeout   = 5 * time.Minute
	rollbackTimeout = 30 * time.Second
)

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
	ProposalID        string          `json:"proposal_id" doc:"names this proposal; it can be committed once"`
	ComputedAt        time.Time       `json:"computed_at"`
	Placements        []placementBody `json:"placements"`
	Unplaced          []unplacedBody  `json:"unplaced" doc:"go to the waitlist, each with a reason"`
	SameSetNeighbours int             `json:"same_set_neighbours"`
	Violations        []string        `json:"violations" doc:"hard-rule violations found by an independent check; always empty"`
}

type commitFailure struct {
	ApplicationID string   `json:"application_id"`
	Reason        string   `json:"reason"`
	StillAssigned []string `json:"still_assigned,omitempty" doc:"booths this commit gave the application and could not release again when another of its booths failed: they stay assigned to it until released by hand"`
}

type commitResponse struct {
	ProposalID string          `json:"proposal_id"`
	Committed  []placementBody `json:"committed"`
	Failed     []commitFailure `json:"failed"`
}

// boothWriter is what committing needs of the floor plan: *booth.Store, or in tests a store that
// fails on purpose.
type boothWriter interface {
	Booth(ctx context.Context, fairID, code string) (booth.Booth, error)
	Active(ctx context.Context, filter bson.M) ([]booth.Assignment, error)
	Assign(ctx context.Context, b booth.Booth, applicationID, producerID string, pinned bool, now time.Time, correlationID string) (booth.Assignment, error)
	Release(ctx context.Context, a booth.Assignment, reason string, now time.Time, correlationID string) error
}

func (s *Server) boothWriter() boothWriter {
	if s.commitBooths != nil {
		return s.commitBooths
	}
	return s.Booths
}

func (s *Server) mountAllocation(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/allocation", Tag: "allocation", Roles: organisers,
		Summary: "Propose booths for every approved application without one: priority by stars then application time, preferred zones, " +
			"province quotas, same criteria sets not side by side, hand-placed booths kept. Nothing is assigned until commit.",
		Response: proposalResponse{}}, s.propose)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/allocation/commit", Tag: "allocation", Roles: organisers,
		Summary: "Assign the booths of the last proposal, once: committing it again is 409, as is committing unless the fair is published, " +
			"applications closed or live. A booth taken meanwhile fails only its application. The commit finishes even if the client disconnects.",
		Response: commitResponse{}}, s.commit)
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
	if !f.AssignsBooths() {
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
	resp := proposalResponse{FairID: f.ID, ProposalID: uuid.Must(uuid.NewV7()).String(), ComputedAt: s.now(), Placements: []placementBody{}, Unplaced: []unplacedBody{},
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
	err = s.Proposals.Save(ctx, allocation.Stored{ID: resp.ProposalID, FairID: f.ID, ComputedAt: resp.ComputedAt, Placements: prop.Placements})
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, resp)
}

func (s *Server) commit(c *gin.Context) {
	f, ok := s.manageFair(c)
	if !ok {
		return
	}
	if !f.AssignsBooths() {
		httpx.RespondError(c, apperr.E(apperr.Conflict, "booths can be assigned only once the fair is published and before it ends (it is %s)", f.Status))
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), commitTimeout)
	defer cancel()
	prop, err := s.Proposals.Last(ctx, f.ID)
	if apperr.Is(err, apperr.NotFound) {
		httpx.RespondError(c, apperr.E(apperr.Conflict, "there is no proposal to commit; run POST /api/fairs/%s/allocation first", f.ID))
		return
	}
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	if err := s.Proposals.Claim(ctx, prop, p.AccountID, s.now()); err != nil {
		httpx.RespondError(c, err)
		return
	}
	resp := s.commitProposal(ctx, httpx.Logger(c), f, prop)
	c.JSON(http.StatusOK, resp)
}

// commitProposal assigns the booths of a claimed proposal, placement by placement, and records
// how it went. Each placement gets all its booths or none; a failure fails only its application.
func (s *Server) commitProposal(ctx context.Context, log *slog.Logger, f fair.Fair, prop allocation.Stored) commitResponse {
	w := s.boothWriter()
	resp := commitResponse{ProposalID: prop.ID, Committed: []placementBody{}, Failed: []commitFailure{}}
	made := map[string][]booth.Assignment{}
	for _, pl := range prop.Placements {
		body, done, failure := s.commitPlacement(ctx, log, w, f, pl)
		if failure != nil {
			resp.Failed = append(resp.Failed, *failure)
			continue
		}
		made[pl.ApplicationID] = done
		resp.Committed = append(resp.Committed, body)
	}
	// The end gets time of its own too: the placements may have used up the commit's.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	resp = s.undoIfFairEnded(ctx, log, w, f.ID, resp, made)
	var outcome allocation.Outcome
	outcome.Committed, outcome.Failed = len(resp.Committed), len(resp.Failed)
	for _, fl := range resp.Failed {
		outcome.StillAssigned += len(fl.StillAssigned)
	}
	if err := s.Proposals.Finish(ctx, prop, outcome, s.now()); err != nil {
		log.Warn("recording the end of an allocation commit", "proposal", prop.ID, "err", err)
	}
	s.Notify()
	return resp
}

// undoIfFairEnded releases what the commit assigned when the fair stopped taking booths while it
// ran (it was cancelled, say). The cancellation releases the booths it finds, but not those this
// commit assigned after that; checking once all are written closes the gap, since a cancellation
// stored after this check releases everything written before it.
func (s *Server) undoIfFairEnded(ctx context.Context, log *slog.Logger, w boothWriter, fairID string, resp commitResponse, made map[string][]booth.Assignment) commitResponse {
	if len(resp.Committed) == 0 {
		return resp
	}
	current, err := s.Fairs.Get(ctx, fairID)
	if err != nil {
		log.Error("re-reading the fair after an allocation commit; a cancellation meanwhile releases the booths itself only if it came later",
			"fair", fairID, "err", err)
		return resp
	}
	if current.AssignsBooths() {
		return resp
	}
	committed := resp.Committed
	resp.Committed = []placementBody{}
	for _, pl := range committed {
		stuck := s.rollback(ctx, log, w, made[pl.ApplicationID], fmt.Sprintf("allocation rolled back: the fair is %s", current.Status))
		reason := fmt.Sprintf("the fair became %s while the allocation was committed; its booths were released again", current.Status)
		if len(stuck) > 0 {
			reason = fmt.Sprintf("the fair became %s while the allocation was committed; releasing its booths again failed for those listed", current.Status)
		}
		resp.Failed = append(resp.Failed, commitFailure{ApplicationID: pl.ApplicationID, StillAssigned: codes(stuck), Reason: reason})
	}
	return resp
}

// commitPlacement assigns all booths of one placement, or none. It returns the placement and the
// assignments made, or why it failed in words a client may read.
func (s *Server) commitPlacement(ctx context.Context, log *slog.Logger, w boothWriter, f fair.Fair, pl allocation.Placement) (placementBody, []booth.Assignment, *commitFailure) {
	fail := func(err error, stuck []booth.Assignment) (placementBody, []booth.Assignment, *commitFailure) {
		return placementBody{}, nil, &commitFailure{ApplicationID: pl.ApplicationID, Reason: publicReason(log, err, pl.ApplicationID), StillAssigned: codes(stuck)}
	}
	app, err := s.Applications.Get(ctx, pl.ApplicationID)
	if err != nil {
		return fail(err, nil)
	}
	if app.FairID != f.ID {
		return fail(apperr.E(apperr.Conflict, "the application is not to this fair"), nil)
	}
	if app.Status != application.Approved {
		return fail(apperr.E(apperr.Conflict, "the application is now %s", app.Status), nil)
	}
	held, err := w.Active(ctx, bson.M{"application_id": app.ID})
	if err != nil {
		return fail(err, nil)
	}
	if len(held) > 0 {
		return fail(apperr.E(apperr.Conflict, "the application got a booth meanwhile"), nil)
	}
	done, stuck, err := s.assignGroup(ctx, log, w, f.ID, pl.Booths, app)
	if err != nil {
		return fail(err, stuck)
	}
	return placementBody{Placement: pl, ProducerName: app.ProducerName, Province: app.Province}, done, nil
}

// assignGroup assigns every booth of codes to app, or none: when one fails, those already
// assigned are released again. It returns the assignments made; on failure, the error and the
// booths whose release failed too, which stay assigned.
func (s *Server) assignGroup(ctx context.Context, log *slog.Logger, w boothWriter, fairID string, boothCodes []string, app application.Application) (done, stuck []booth.Assignment, err error) {
	for _, code := range boothCodes {
		b, err := w.Booth(ctx, fairID, code)
		if err == nil && b.Hold != "" {
			err = apperr.E(apperr.Conflict, "booth %s is now %s", code, b.Hold)
		}
		var a booth.Assignment
		if err == nil {
			a, err = w.Assign(ctx, b, app.ID, app.ProducerID, false, s.now(), correlation.From(ctx))
		}
		if err != nil {
			if errors.Is(err, booth.ErrTaken) {
				err = apperr.E(apperr.Conflict, "booth %s was taken meanwhile; run the allocation again", code)
			}
			return nil, s.rollback(ctx, log, w, done, "allocation rolled back: another booth of the group could not be assigned"), err
		}
		done = append(done, a)
	}
	return done, nil, nil
}

// rollback releases assignments made by a commit, on a context of its own with rollbackTimeout.
// It returns those it could not release: they stay assigned, and each failure is logged.
func (s *Server) rollback(ctx context.Context, log *slog.Logger, w boothWriter, made []booth.Assignment, reason string) (stuck []booth.Assignment) {
	if len(made) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	for _, a := range made {
		err := w.Release(ctx, a, reason, s.now(), correlation.From(ctx))
		if err == nil || apperr.Is(err, apperr.NotFound) { // NotFound: already released by someone else
			continue
		}
		log.Error("rolling back a booth assignment failed; the booth stays assigned", "fair", a.FairID, "booth", a.Code,
			"assignment", a.ID, "application", a.ApplicationID, "err", err)
		stuck = append(stuck, a)
	}
	return stuck
}

func codes(as []booth.Assignment) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Code)
	}
	return out
}

// publicReason is what a client may read of err: the message of an error of a known kind, or a
// sentence saying something failed on our side, in which case err is logged.
func publicReason(log *slog.Logger, err error, applicationID string) string {
	var e *apperr.Error
	if errors.As(err, &e) && e.Kind != apperr.Internal {
		return e.Message
	}
	log.Error("committing an allocation placement", "application", applicationID, "err", err)
	return "the booths could not be assigned because of an error on our side; it has been logged"
}
