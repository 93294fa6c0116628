package allocation

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
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

// boothWriter is what committing needs of the floor plan: *booth.Store, or in tests a store that
// fails on purpose.
type boothWriter interface {
	Booth(ctx context.Context, fairID, code string) (booth.Booth, error)
	Active(ctx context.Context, filter bson.M) ([]booth.Assignment, error)
	Assign(ctx context.Context, b booth.Booth, applicationID, producerID string, pinned bool, now time.Time, correlationID string) (booth.Assignment, error)
	Release(ctx context.Context, a booth.Assignment, why booth.Why, now time.Time, correlationID string) error
	Unchanged(ctx context.Context, b booth.Booth) (bool, error)
}

func (rt *Routes) boothWriter() boothWriter {
	if rt.commitBooths != nil {
		return rt.commitBooths
	}
	return rt.Booths
}

// commitLast claims f's last proposal for the account by and commits it, on a context of its own
// that outlives the request (see commitTimeout). It returns Conflict when there is no proposal to
// commit or it was committed already.
// A named proposal (seen) that is no longer the last is not committed: the organiser would
// assign booths they did not see.
func (rt *Routes) commitLast(ctx context.Context, log *slog.Logger, f fair.Fair, by, seen string) (commitResponse, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	prop, err := rt.Proposals.Last(ctx, f.ID)
	if apperr.Is(err, apperr.NotFound) {
		return commitResponse{}, apperr.New(apperr.Conflict, msgNoProposal)
	}
	if err != nil {
		return commitResponse{}, err
	}
	if seen != "" && seen != prop.ID {
		return commitResponse{}, apperr.New(apperr.Conflict, msgProposalReplaced)
	}
	if err := rt.Proposals.Claim(ctx, prop, by, fair.Stamp(rt.Now())); err != nil {
		return commitResponse{}, err
	}
	return rt.commitProposal(ctx, log, f, prop), nil
}

// commitProposal assigns the booths of a claimed proposal, placement by placement, and records
// how it went. Each placement gets all its booths or none; a failure fails only its application.
func (rt *Routes) commitProposal(ctx context.Context, log *slog.Logger, f fair.Fair, prop Stored) commitResponse {
	w := rt.boothWriter()
	resp := commitResponse{ProposalID: prop.ID, Committed: []placementBody{}, Failed: []commitFailure{}}
	made := map[string][]booth.Assignment{}
	for _, pl := range prop.Placements {
		body, done, failure := rt.commitPlacement(ctx, log, w, f, pl)
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
	resp = rt.undoIfFairEnded(ctx, log, w, f.ID, resp, made)
	var outcome Outcome
	outcome.Committed, outcome.Failed = len(resp.Committed), len(resp.Failed)
	for _, fl := range resp.Failed {
		outcome.StillAssigned += len(fl.StillAssigned)
	}
	if err := rt.Proposals.Finish(ctx, prop, outcome, fair.Stamp(rt.Now())); err != nil {
		log.Warn("recording the end of an allocation commit", "proposal", prop.ID, "err", err)
	}
	rt.Notify()
	return resp
}

// undoIfFairEnded releases what the commit assigned when the fair stopped taking booths while it
// ran (it was cancelled, say). The cancellation releases the booths it finds, but not those this
// commit assigned after that; checking once all are written closes the gap, since a cancellation
// stored after this check releases everything written before it.
func (rt *Routes) undoIfFairEnded(ctx context.Context, log *slog.Logger, w boothWriter, fairID string, resp commitResponse, made map[string][]booth.Assignment) commitResponse {
	if len(resp.Committed) == 0 {
		return resp
	}
	current, err := rt.Access.Fairs.Get(ctx, fairID)
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
		stuck := rt.rollback(ctx, log, w, made[pl.ApplicationID], booth.Why{Code: booth.ReleaseAllocationFairChanged})
		reason := msgFairEnded.With(fair.StatusName(current.Status))
		if len(stuck) > 0 {
			reason = msgFairEndedStuck.With(fair.StatusName(current.Status))
		}
		resp.Failed = append(resp.Failed, failure(pl.ApplicationID, reason, codes(stuck)))
	}
	return resp
}

// commitPlacement assigns all booths of one placement, or none. It returns the placement and the
// assignments made, or why it failed in words a client may read.
func (rt *Routes) commitPlacement(ctx context.Context, log *slog.Logger, w boothWriter, f fair.Fair, pl Placement) (placementBody, []booth.Assignment, *commitFailure) {
	fail := func(err error, stuck []booth.Assignment) (placementBody, []booth.Assignment, *commitFailure) {
		f := failure(pl.ApplicationID, publicReason(log, err, pl.ApplicationID), codes(stuck))
		return placementBody{}, nil, &f
	}
	app, err := rt.Applicants.Get(ctx, pl.ApplicationID)
	if err != nil {
		return fail(err, nil)
	}
	if app.FairID != f.ID {
		return fail(apperr.New(apperr.Conflict, msgOtherFair), nil)
	}
	if app.Status != applicants.Approved {
		return fail(apperr.New(apperr.Conflict, msgApplicationNow, applicants.StatusName(app.Status)), nil)
	}
	held, err := w.Active(ctx, bson.M{"application_id": app.ID})
	if err != nil {
		return fail(err, nil)
	}
	if len(held) > 0 {
		return fail(apperr.New(apperr.Conflict, msgGotBoothMeanwhile), nil)
	}
	done, stuck, err := rt.assignGroup(ctx, log, w, f.ID, pl.Booths, app)
	if err != nil {
		return fail(err, stuck)
	}
	// The applicants model stores an application's end before it looks for the booths to
	// release: read again now that they are written, an end it stored meanwhile is seen here.
	if now, err := rt.Applicants.Get(ctx, app.ID); err == nil && now.Status != applicants.Approved {
		stuck := rt.rollback(ctx, log, w, done, booth.Why{Code: booth.EndedReason(now.Status)})
		return fail(apperr.New(apperr.Conflict, msgApplicationNow, applicants.StatusName(now.Status)), stuck)
	} else if err != nil {
		log.Error("re-reading an application after assigning its booths; an end meanwhile releases them only if it came later",
			"application", app.ID, "err", err)
	}
	// A booth assigned by hand meanwhile counts too: the application stays within the fair's most.
	if held, err := w.Active(ctx, bson.M{"application_id": app.ID}); err == nil && len(held) > booth.MostBooths(f) {
		stuck := rt.rollback(ctx, log, w, done, booth.Why{Code: booth.ReleaseOverMax})
		return fail(apperr.New(apperr.Conflict, booth.MsgOverMax, len(held)-len(done), booth.MostBooths(f)), stuck)
	}
	return placementBody{Placement: pl, ProducerName: app.ProducerName, Province: app.Province}, done, nil
}

// assignGroup assigns every booth of codes to app, or none: when one fails, those already
// assigned are released again. It returns the assignments made; on failure, the error and the
// booths whose release failed too, which stay assigned.
func (rt *Routes) assignGroup(ctx context.Context, log *slog.Logger, w boothWriter, fairID string, boothCodes []string, app applicants.Application) (done, stuck []booth.Assignment, err error) {
	var read []booth.Booth
	for _, code := range boothCodes {
		b, err := w.Booth(ctx, fairID, code)
		if err == nil && b.Hold != "" {
			err = apperr.New(apperr.Conflict, msgBoothNow, code, holdName(b.Hold))
		}
		var a booth.Assignment
		if err == nil {
			a, err = w.Assign(ctx, b, app.ID, app.ProducerID, false, fair.Stamp(rt.Now()), correlation.From(ctx))
		}
		if err != nil {
			if errors.Is(err, booth.ErrTaken) {
				err = apperr.New(apperr.Conflict, msgBoothTakenMeanwhile, code)
			}
			return nil, rt.rollback(ctx, log, w, done, booth.Why{Code: booth.ReleaseAllocationGroupFailed}), err
		}
		done, read = append(done, a), append(read, b)
	}
	// An edit or removal of a booth holds it only while it is written: read again now that they
	// are written, a booth changed since it was read is seen here (booth.Store.Unchanged).
	for i, b := range read {
		if same, err := w.Unchanged(ctx, b); err != nil {
			log.Error("re-reading a booth after assigning it; a change meanwhile stands", "booth", b.Code, "err", err)
		} else if !same {
			// The booth changed goes as such; the others of the group because it failed.
			others := append(append([]booth.Assignment(nil), done[:i]...), done[i+1:]...)
			stuck = rt.rollback(ctx, log, w, done[i:i+1], booth.Why{Code: booth.ReleaseBoothChanged})
			stuck = append(stuck, rt.rollback(ctx, log, w, others, booth.Why{Code: booth.ReleaseAllocationGroupFailed})...)
			return nil, stuck, apperr.New(apperr.Conflict, booth.MsgChangedMeanwhile, b.Code)
		}
	}
	return done, nil, nil
}

// rollback releases assignments made by a commit, on a context of its own with rollbackTimeout.
// It returns those it could not release: they stay assigned, and each failure is logged.
func (rt *Routes) rollback(ctx context.Context, log *slog.Logger, w boothWriter, made []booth.Assignment, why booth.Why) (stuck []booth.Assignment) {
	if len(made) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	for _, a := range made {
		err := w.Release(ctx, a, why, fair.Stamp(rt.Now()), correlation.From(ctx))
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
// sentence saying something failed on our side, in which case err is logged. An error without a
// message of its own (from a bare string) counts as ours: its text has only one language.
func publicReason(log *slog.Logger, err error, applicationID string) apperr.Text {
	var e *apperr.Error
	if errors.As(err, &e) && e.Kind != apperr.Internal && !e.Text.IsZero() {
		return e.Text
	}
	log.Error("committing an allocation placement", "application", applicationID, "err", err)
	return msgCommitInternal.With()
}
