package meeting

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

// Modes of POST /api/fairs/{id}/schedule.
const (
	modeFresh  = "fresh"
	modeRepair = "repair"
)

type scheduleResponse struct {
	FairID  string                 `json:"fair_id"`
	Version int64                  `json:"version" doc:"the schedule's version: every later run has a greater one"`
	Days    []dayResult            `json:"days"`
	Left    []schedule.Unscheduled `json:"unscheduled"`
}

type dayResult struct {
	Day      string       `json:"day"`
	Status   string       `json:"status"`
	Meetings int          `json:"meetings"`
	Breaks   int          `json:"total_breaks"`
	Bound    int          `json:"lower_bound"`
	Elapsed  int64        `json:"elapsed_ms"`
	Moved    []moveResult `json:"moved" doc:"the meetings this day placed that the schedule before the run had at another day, slot or table (a meeting the run left unplaced is in unscheduled instead)"`
	MovedN   int          `json:"moved_count"`
}

type moveResult struct {
	MeetingID string      `json:"meeting_id"`
	From      placeResult `json:"from" doc:"where the schedule before the run had it"`
	To        placeResult `json:"to" doc:"where it is now"`
}

type placeResult struct {
	Day   string `json:"day" format:"date"`
	Slot  int    `json:"slot"`
	Table int    `json:"table"`
}

// schedule runs the scheduling of a fair for its organisers, one run per replica at a time.
func (rt *Routes) schedule(c *gin.Context) {
	fairID := c.Param("fairId")
	p, _ := httpx.PrincipalFrom(c)
	if !rt.fairOrganiser(p, fairID) {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgScheduleOrganisersOnly))
		return
	}
	mode := c.DefaultQuery("mode", modeFresh)
	if mode != modeFresh && mode != modeRepair {
		httpx.RespondError(c, apperr.InvalidField("mode", apperr.OneOf, apperr.OrOf(modeFresh, modeRepair)))
		return
	}
	f, ok := rt.settingsOf(c, fairID)
	if !ok {
		return
	}
	if len(f.B2BDays) == 0 {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgNoB2BSettings))
		return
	}
	limit := rt.SolveLimit
	if s := c.Query("time_limit_ms"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 10 || time.Duration(n)*time.Millisecond > rt.SolveLimit {
			httpx.RespondError(c, apperr.InvalidField("time_limit_ms", apperr.Between, 10, rt.SolveLimit.Milliseconds()))
			return
		}
		limit = time.Duration(n) * time.Millisecond
	}
	started, err := strconv.ParseBool(c.DefaultQuery("include_started", "false"))
	if err != nil {
		httpx.RespondError(c, apperr.InvalidField("include_started", apperr.OneOf, apperr.OrOf("true", "false")))
		return
	}
	release, ok := rt.acquire(c)
	if !ok {
		return
	}
	defer release()
	out, err := rt.ScheduleWith(c.Request.Context(), f, limit, RunOptions{Repair: mode == modeRepair, IncludeStarted: started})
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	for i, u := range out.Left {
		out.Left[i].Why = rt.named(c.Request.Context(), u.Why)
	}
	c.JSON(http.StatusOK, toScheduleResponse(out, answerLang(c)))
}

// named is why with the buyers' and producers' IDs among its words replaced by their names, as
// the organisers' agenda says it (see namedFor); an ID whose name cannot be read stays.
func (rt *Routes) named(ctx context.Context, why apperr.Text) apperr.Text {
	return namedFor(why, func(id string) string {
		n, _ := rt.participantName(ctx, id)
		return n
	})
}

// toScheduleResponse shapes a run for clients, its reasons said in lang: no days, no moves and
// no meetings left are empty lists.
func toScheduleResponse(r Run, lang apperr.Lang) scheduleResponse {
	out := scheduleResponse{FairID: r.FairID, Version: r.Version, Days: []dayResult{}, Left: []schedule.Unscheduled{}}
	for _, d := range r.Days {
		day := dayResult{Day: d.Day, Status: d.Status, Meetings: d.Meetings, Breaks: d.Breaks, Bound: d.Bound, Elapsed: d.Elapsed,
			Moved: []moveResult{}, MovedN: len(d.Moved)}
		for _, m := range d.Moved {
			day.Moved = append(day.Moved, moveResult{MeetingID: m.MeetingID, From: placeOf(m.From), To: placeOf(m.To)})
		}
		out.Days = append(out.Days, day)
	}
	for _, u := range r.Left {
		out.Left = append(out.Left, u.In(lang))
	}
	return out
}

func placeOf(p Placement) placeResult { return placeResult{Day: p.Day, Slot: p.Slot, Table: p.Table} }
