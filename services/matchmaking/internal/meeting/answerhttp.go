package meeting

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

// The answers to a meeting request, each given by one of its two sides: accept, decline (with an
// optional reason) and propose another time.

// answering returns the meeting and the caller's side of it, answering 403 to anyone who is
// neither its buyer nor its producer.
func (rt *Routes) answering(c *gin.Context) (Meeting, string, bool) {
	m, side, ok := rt.load(c)
	if ok && side == "" {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgAnswerSidesOnly))
		return m, side, false
	}
	return m, side, ok
}

// answer saves the meeting as change makes it, with subject's event, and answers with it.
func (rt *Routes) answer(c *gin.Context, m Meeting, subject string, change func(Meeting) (Meeting, error)) {
	next, err := rt.save(c.Request.Context(), m, subject, change)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.respondMeeting(c, http.StatusOK, next)
}

func (rt *Routes) respond(accept bool) gin.HandlerFunc {
	subject := events.MeetingDeclined
	if accept {
		subject = events.MeetingAccepted
	}
	return func(c *gin.Context) {
		m, side, ok := rt.answering(c)
		switch {
		case !ok:
		case accept:
			next, err := rt.accept(c.Request.Context(), m, side)
			if err != nil {
				httpx.RespondError(c, err)
				return
			}
			rt.respondMeeting(c, http.StatusOK, next)
		default:
			rt.answer(c, m, subject, func(m Meeting) (Meeting, error) { return m.Respond(side, false, rt.now()) })
		}
	}
}

// decline declines a request or a proposal with an optional reason.
func (rt *Routes) decline(c *gin.Context) {
	var req declineRequest
	if !httpx.BindOptional(c, &req) { // old clients send no body
		return
	}
	if m, side, ok := rt.answering(c); ok {
		rt.answer(c, m, events.MeetingDeclined, func(m Meeting) (Meeting, error) { return m.Decline(side, req.ReasonCode, req.Reason, rt.now()) })
	}
}

// propose answers a request with another time: a session, and optionally one of the fair's B2B
// days.
func (rt *Routes) propose(c *gin.Context) {
	var req proposeRequest
	if !httpx.Bind(c, &req) {
		return
	}
	m, side, ok := rt.answering(c)
	if !ok {
		return
	}
	f, _ := rt.Index.Fair(m.FairID)
	var v apperr.Validation
	v.Expect(slices.Contains([]string{schedule.Morning, schedule.Afternoon, schedule.Any}, req.Session), "session", apperr.OneOf, apperr.OrOf(schedule.Morning, schedule.Afternoon, schedule.Any))
	v.Expect(req.Day == "" || slices.ContainsFunc(f.B2BDays, func(d events.B2BDayV1) bool { return d.Date == req.Day }), "day", msgNotB2BDay)
	v.Expect(len([]rune(vntext.Clean(req.Note))) <= maxReason, "note", apperr.TooLong, maxReason)
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.answer(c, m, events.MeetingProposed, func(m Meeting) (Meeting, error) {
		return m.Propose(side, Proposal{Session: req.Session, Day: req.Day, Note: req.Note}, rt.now())
	})
}
