package booth

import (
	"cmp"
	"context"
	"log/slog"
	"math"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

func (rt *Routes) assign(c *gin.Context) {
	f, ok := rt.Access.Managed(c)
	if !ok {
		return
	}
	var req assignRequest
	if !httpx.Bind(c, &req) {
		return
	}
	if strings.TrimSpace(req.ApplicationID) == "" {
		httpx.RespondError(c, apperr.InvalidField("application_id", apperr.Required))
		return
	}
	if !f.AssignsBooths() {
		httpx.RespondError(c, apperr.New(apperr.Conflict, MsgAssignClosed, fair.StatusName(f.Status)))
		return
	}
	ctx := c.Request.Context()
	b, err := rt.Booths.Booth(ctx, f.ID, strings.ToUpper(c.Param("code")))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if b.Hold == Blocked {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgBlocked, b.Code))
		return
	}
	app, err := rt.Applicants.Get(ctx, req.ApplicationID)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		httpx.RespondError(c, err)
		return
	}
	if err != nil || app.FairID != f.ID {
		httpx.RespondError(c, apperr.InvalidField("application_id", msgNotThisFair))
		return
	}
	if app.Status != applicants.Approved {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgOnlyApproved, applicants.StatusName(app.Status)))
		return
	}
	if held, err := rt.Booths.ActiveOf(ctx, app.ID); err != nil || len(held) >= MostBooths(f) {
		httpx.RespondError(c, cmp.Or(err, error(apperr.New(apperr.Conflict, MsgOverMax, len(held), MostBooths(f)))))
		return
	}
	// The assignment and its checks run to their end on a context of their own: a client that
	// goes away must not leave an assignment written and never checked.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), editWriteTimeout)
	defer cancel()
	a, err := rt.Booths.Assign(wctx, b, app.ID, app.ProducerID, true, fair.Stamp(rt.Now()), correlation.From(ctx))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.Notify()
	if err := rt.heldStill(wctx, httpx.Logger(c), b, a); err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, assignmentBody{FairID: a.FairID, BoothCode: a.Code, Zone: a.Zone, ApplicationID: a.ApplicationID, ProducerID: a.ProducerID, Pinned: a.Pinned, AssignedAt: a.AssignedAt})
}

// heldStill re-reads, once assignment a is written, the booth b it was made on, the application
// and the fair it was made for, and releases it again when the booth was changed or removed, the
// application stopped being approved or the fair stopped taking booths meanwhile. An edit holds
// the booth only while it is written, and the applicants model looks for the booths of an
// application that ended (or of a cancelled fair) once its end is stored, so an assignment that
// read them before and is written after is caught here. It returns why the assignment did not stand, or nil; a failed re-read
// is logged and leaves the assignment standing.
func (rt *Routes) heldStill(ctx context.Context, log *slog.Logger, b Booth, a Assignment) error {
	app, err := rt.Applicants.Get(ctx, a.ApplicationID)
	var f fair.Fair
	if err == nil {
		f, err = rt.Access.Fairs.Get(ctx, a.FairID)
	}
	same := false
	if err == nil {
		same, err = rt.Booths.Unchanged(ctx, b)
	}
	if err != nil {
		log.Error("re-reading an assigned booth, its application and fair; an end meanwhile releases it only if it came later",
			"fair", a.FairID, "booth", a.Code, "application", a.ApplicationID, "err", err)
		return nil
	}
	why, answer := Why{}, error(nil)
	switch {
	case f.Status == fair.Cancelled:
		why, answer = Why{Code: ReleaseFairCancelled, Words: f.CancelReason}, apperr.New(apperr.Conflict, MsgAssignClosed, fair.StatusName(f.Status))
	case !f.AssignsBooths():
		why, answer = Why{Code: ReleaseAllocationFairChanged}, apperr.New(apperr.Conflict, MsgAssignClosed, fair.StatusName(f.Status))
	case app.Status != applicants.Approved:
		why, answer = Why{Code: EndedReason(app.Status)}, apperr.New(apperr.Conflict, msgOnlyApproved, applicants.StatusName(app.Status))
	case !same:
		why, answer = Why{Code: ReleaseBoothChanged}, apperr.New(apperr.Conflict, MsgChangedMeanwhile, b.Code)
	default:
		// Assignments at once may all have counted below the fair's most: each counts again, and
		// those made after the first most of them go.
		held, err := rt.Booths.ActiveOf(ctx, a.ApplicationID)
		if err != nil || !BeyondMost(held, a.ID, MostBooths(f)) {
			return nil
		}
		why, answer = Why{Code: ReleaseOverMax}, apperr.New(apperr.Conflict, MsgOverMax, MostBooths(f), MostBooths(f))
	}
	if err := rt.Booths.Release(context.WithoutCancel(ctx), a, why, fair.Stamp(rt.Now()), correlation.From(ctx)); err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	rt.Notify()
	return answer
}

// MostBooths is the most booths an application of f may hold: the fair's most per producer (a
// rule producers applied under), or no limit on a fair stored before it had one.
func MostBooths(f fair.Fair) int {
	if f.Eligibility.MaxBoothsPerProducer <= 0 {
		return math.MaxInt
	}
	return f.Eligibility.MaxBoothsPerProducer
}

// BeyondMost reports whether assignment id, among an application's active assignments held, was
// made after the first most of them (assignment IDs are time-ordered).
func BeyondMost(held []Assignment, id string, most int) bool {
	before := 0
	for _, h := range held {
		if h.ID < id {
			before++
		}
	}
	return before >= most
}

// release frees a booth by hand while the floor plan is open: a completed fair's plan is the
// record of who exhibited where, and a cancelled fair's booths were released with its reason.
func (rt *Routes) release(c *gin.Context) {
	f, ok := rt.Access.Managed(c)
	if !ok || !floorPlanOpen(c, f) {
		return
	}
	ctx := c.Request.Context()
	code := strings.ToUpper(c.Param("code"))
	held, err := rt.Booths.ActiveAt(ctx, f.ID, code)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if len(held) == 0 {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgNotAssigned, code))
		return
	}
	if err := rt.Booths.Release(ctx, held[0], Why{Code: ReleaseByOrganiser}, fair.Stamp(rt.Now()), correlation.From(ctx)); err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.Notify()
	c.Status(http.StatusNoContent)
}
