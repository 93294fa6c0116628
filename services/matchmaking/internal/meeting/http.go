package meeting

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

type createRequest struct {
	BuyerID    string `json:"buyer_id" required:"true"`
	ProducerID string `json:"producer_id" required:"true"`
	Session    string `json:"session" doc:"morning, afternoon or any (default)"`
	Note       string `json:"note" doc:"what the other side reads with the request (the buyer's need, a product), at most 1,000 characters"`
}

type reasonRequest struct {
	Reason string `json:"reason" doc:"the canceller's own words, at most 300 characters (trimmed)"`
}

type declineRequest struct {
	ReasonCode string `json:"reason_code" enum:"no_time,not_relevant,other" doc:"why, as a code the other side reads in its language (other when only words are given)"`
	Reason     string `json:"reason" doc:"the decliner's own words, at most 300 characters (trimmed); required with reason_code other"`
}

type proposeRequest struct {
	Session string `json:"session" required:"true" enum:"morning,afternoon,any"`
	Day     string `json:"day" format:"date" doc:"one of the fair's B2B days; empty for any of them"`
	Note    string `json:"note" doc:"at most 300 characters"`
}

type proposalResponse struct {
	Session    string    `json:"session" enum:"morning,afternoon,any"`
	Day        string    `json:"day,omitempty" format:"date"`
	Note       string    `json:"note,omitempty"`
	ProposedBy string    `json:"proposed_by" enum:"buyer,producer"`
	At         time.Time `json:"proposed_at"`
}

type outcomeRequest struct {
	Outcome  string `json:"outcome" required:"true" enum:"no_interest,negotiating,sample_requested,mou_signed,contract_signed"`
	ValueVND int64  `json:"value_vnd" doc:"a signed contract's value in VND, only with contract_signed (422 meeting_value_contract_only otherwise)"`
}

type unavailabilityRequest struct {
	Day   string `json:"day" required:"true" format:"date" doc:"one of the B2B days"`
	Slots []int  `json:"slots" nullable:"true" doc:"the slots (from 1) you cannot attend; empty or null clears the day"`
}

type response struct {
	ID           string    `json:"id" format:"uuid"`
	FairID       string    `json:"fair_id"`
	BuyerID      string    `json:"buyer_id"`
	BuyerName    string    `json:"buyer_name"`
	ProducerID   string    `json:"producer_id"`
	ProducerName string    `json:"producer_name"`
	RequestedBy  string    `json:"requested_by"`
	Session      string    `json:"session"`
	Note         string    `json:"note"`
	Status       string    `json:"status" enum:"requested,accepted,declined,cancelled"`
	Reason       string    `json:"reason,omitempty" doc:"why it was cancelled, in the language of Accept-Language: the canceller's words, or what cancelled it"`
	ReasonCode   string    `json:"reason_code,omitempty" doc:"cancelled_by_buyer, cancelled_by_producer, cancelled_by_organiser, fair_cancelled, booth_released or application_ended"`
	Day          string    `json:"day,omitempty"`
	Slot         int       `json:"slot,omitempty"`
	Table        int       `json:"table,omitempty"`
	Starts       string    `json:"starts_at,omitempty" format:"date-time" doc:"once scheduled"`
	Ends         string    `json:"ends_at,omitempty" format:"date-time" doc:"in the agenda: when its slot ends"`
	Booths       []string  `json:"producer_booths,omitempty" doc:"in the agenda: the codes of the producer's booths at the fair, to find it on the floor plan"`
	Attended     bool      `json:"attended" doc:"both participants' badges were scanned at the meeting's table within its slot (from the check-ins, apart from the outcome typed by hand)"`
	AttendedAt   string    `json:"attended_at,omitempty" format:"date-time" doc:"when the meeting was marked attended"`
	Outcome      string    `json:"outcome,omitempty" enum:"no_interest,negotiating,sample_requested,mou_signed,contract_signed"`
	ValueVND     int64     `json:"value_vnd,omitempty"`
	OutcomeBy    string    `json:"outcome_by,omitempty" enum:"buyer,producer" doc:"the side that recorded the outcome; the other side replaces it only with If-Match naming the revision it saw (409 meeting_outcome_other_side)"`
	OutcomeAt    string    `json:"outcome_at,omitempty" format:"date-time" doc:"when the outcome was recorded"`
	Held         bool      `json:"held" doc:"the outcome is recorded: the meeting took place and can no longer be cancelled"`
	Revision     int64     `json:"revision"`
	UpdatedAt    time.Time `json:"updated_at"`

	Awaiting     string            `json:"awaiting,omitempty" enum:"buyer,producer" doc:"while requested: the side whose answer it waits for"`
	Proposal     *proposalResponse `json:"proposal,omitempty" doc:"the other time the side asked proposed; it stays once answered"`
	PreferredDay string            `json:"preferred_day,omitempty" format:"date" doc:"the B2B day agreed through a proposal"`
}

// Routes serves meetings, unavailability, scheduling runs and agendas over HTTP.
type Routes struct {
	*Service
}

// acquire waits up to SolveLimit for the gate; when the scheduler stays busy it answers 503
// with Retry-After and reports false. release gives the gate back.
func (rt *Routes) acquire(c *gin.Context) (release func(), ok bool) {
	if rt.Gate == nil {
		return func() {}, true
	}
	wait := time.NewTimer(rt.SolveLimit)
	defer wait.Stop()
	select {
	case rt.Gate <- struct{}{}:
		rt.endTrial()
		return func() { <-rt.Gate }, true
	case <-wait.C:
	case <-c.Request.Context().Done():
	}
	c.Header("Retry-After", strconv.Itoa(int(math.Ceil(rt.SolveLimit.Seconds()))))
	httpx.RespondError(c, apperr.New(apperr.Unavailable, msgSchedulerBusy))
	return nil, false
}

// Register registers the routes.
func (rt *Routes) Register(api httpx.API) {
	sides := []string{auth.RoleBuyer, auth.RoleProducer}
	all := []string{auth.RoleBuyer, auth.RoleProducer, auth.RoleOrganiser, auth.RoleAdmin}
	staff := []string{auth.RoleOrganiser, auth.RoleAdmin}
	rt.registerCounts(api, staff)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:fairId/meetings", Tag: "meetings", Roles: sides, Status: http.StatusCreated, Idempotent: true,
		Summary: "Ask for a B2B meeting (either side asks; the other answers) with a producer that holds a booth at the fair (422 on producer_id otherwise). 409 meeting_cap_reached when either side has committed to its cap of meetings at the fair (accepted, or asked for and awaiting an answer; requests it was sent do not count), however many asks arrive at once; 409 meeting_declined_lately when the other side declined this side's request there in the last 24 hours; 503 meeting_ask_busy when another ask of the same side held on for seconds (send it again).", Request: createRequest{}, Response: response{}}, rt.create)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/meetings", Tag: "meetings", Roles: all,
		Summary: "Meetings at a fair in the order they were asked for: organisers see all, buyers and producers their own.", Response: httpx.List[response]{},
		Query: []openapi.Param{{Name: "status", Description: "requested, accepted, declined or cancelled"}, {Name: "limit", Type: "integer"}, {Name: "cursor"}}}, rt.list)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/meetings", Tag: "meetings", Roles: sides,
		Summary: "The signed-in buyer's or producer's meetings at every fair, in the order they were asked for.", Response: httpx.List[response]{},
		Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, rt.mine)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/meetings/:id", Tag: "meetings", Roles: all, Summary: "One meeting.", Response: response{}}, rt.get)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/meetings/:id/accept", Tag: "meetings", Roles: sides, Summary: "Accept a meeting request, or the other time proposed on one's own. The side asked commits to the meeting: 409 meeting_cap_reached when it has its cap of meetings at the fair already; 503 meeting_ask_busy as for an ask.", Response: response{}}, rt.respond(true))
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/meetings/:id/decline", Tag: "meetings", Roles: sides,
		Summary: "Decline a meeting request, or the other time proposed for it, optionally saying why; the other side reads the reason in its language.",
		Request: declineRequest{}, OptionalBody: true, Response: response{}}, rt.decline)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/meetings/:id/propose", Tag: "meetings", Roles: sides,
		Summary: "Answer a meeting request with another time instead of accepting or declining it (the side asked, once); the side that asked then accepts it (POST .../accept: the meeting is accepted with that session and day) or declines it. 409 when the request awaits no answer or was already answered meanwhile.",
		Request: proposeRequest{}, Response: response{}}, rt.propose)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/meetings/:id/move", Tag: "scheduling", Roles: staff,
		Summary: "Move an accepted meeting to another day, slot and table of the fair's schedule (its organisers). Saved as a new schedule version; both participants hear of it (matchmaking.meeting.scheduled). 422 for a place outside the B2B days, slots or tables; 409 with a code per conflict: meeting_move_settled, meeting_move_slot_started, meeting_move_session, meeting_move_table_taken, meeting_move_participant_busy, meeting_move_participant_unavailable, meeting_move_schedule_changed, scheduling_in_progress.",
		Request: moveRequest{}, Response: response{}, Errors: []int{http.StatusConflict}}, rt.move)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/meetings/:id/cancel", Tag: "meetings", Roles: all,
		Summary: "Cancel a meeting (either side or the fair's organisers).", Request: reasonRequest{}, OptionalBody: true, Response: response{}}, rt.cancel)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/meetings/:id/outcome", Tag: "meetings", Roles: sides,
		Summary: "Record what came of an accepted meeting once its scheduled slot has started (409 before); the meeting is then held and can no longer be cancelled. Send If-Match with the meeting's revision shown: 409 meeting_outcome_changed when it changed since and an outcome is recorded; without it, an outcome the other side recorded is not replaced (409 meeting_outcome_other_side). The outcome already recorded, sent again, stores nothing.", Request: outcomeRequest{}, Response: response{}}, rt.outcome)
	api.Handle(openapi.Op{Method: http.MethodPut, Path: "/api/fairs/:fairId/unavailability", Tag: "meetings", Roles: sides,
		Summary: "Mark the B2B slots of a day you cannot attend.", Request: unavailabilityRequest{}, Status: http.StatusNoContent}, rt.unavailability)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:fairId/schedule", Tag: "scheduling", Roles: staff,
		Summary: "Schedule the accepted meetings into the fair's B2B slots and tables, saved whole as a new schedule version; a meeting that was held or attended, or whose slot starts before the run can save, keeps its place, which no other meeting takes; one attended, held or cancelled while the run solves is not moved (409 scheduling_run_raced, nothing saved, when the new schedule gave an attended meeting's place away: run it again). With mode=repair the published schedule changes as little as it can; either way each day reports the meetings it moved, and both participants of a moved meeting hear of it on their live stream (matchmaking.meeting.scheduled). One run of a fair at a time across replicas (409 while another holds it), and one run per replica (503 with Retry-After when another stays busy).", Response: scheduleResponse{},
		Query: []openapi.Param{{Name: "time_limit_ms", Type: "integer", Description: "per day; default 10000"},
			{Name: "mode", Enum: []string{modeFresh, modeRepair}, Description: "fresh (the default) places every meeting anew; repair keeps each meeting of the published schedule at its day, slot and table unless moving it is necessary (fewest moves first, then fewest breaks) and places the new ones"},
			{Name: "fair_revision", Type: "integer", Description: "the fair's revision that PUT /api/fairs/{id}/b2b-sessions answered: the run waits (up to 3 s) until this service has seen it, and answers 503 with Retry-After (nothing scheduled) when it has not"},
			{Name: "include_started", Type: "boolean", Description: "true places meetings in slots that have started and on days that are over too, which a run otherwise never does (they are left unscheduled, unscheduled.days_over): for entering a day held on paper, never for a live day's new meetings"}}}, rt.schedule)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/agenda", Tag: "scheduling", Roles: all,
		Summary: "The agenda: a participant's meetings in time order, or for organisers the slots × tables grid with the meetings the schedule's run left unscheduled (unscheduled: each named, with its reason in the language of Accept-Language and when that run was; only while still accepted and unplaced). It carries an ETag; a matching If-None-Match answers 304. A buyer without a profile gets 409.", Response: agendaResponse{},
		Query: []openapi.Param{{Name: "participant", Description: "buyer or producer ID; buyers and producers see only their own"},
			{Name: "format", Enum: []string{"json", "csv", "xlsx"}, Description: "json (the default), or the scheduled meetings as a spreadsheet, one a row in time order: date, time, table, buyer, producer, booths, attended, outcome, value in đồng, who recorded it and when (headers in the language of Accept-Language)"}},
		Files:   []string{"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		Headers: map[string]string{"ETag": "a hash of the body"}, Errors: []int{http.StatusConflict}}, rt.agenda)
	rt.registerAgendaPDF(api, sides)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/scheduling/solve", Tag: "scheduling", Roles: staff,
		Summary: "Solve a scheduling problem given as JSON (the ocopfair-schedule format), as a trial: it never holds up a fair's scheduling run. One trial at a time per replica, and none while a fair's run is on: 503 with Retry-After then. A fair's run starting on the replica cuts a trial short: its answer is then the best schedule found so far, with its status and bound.",
		Request: schedule.Problem{}, Response: schedule.Solution{}}, rt.solve)
}

// toResponse shapes a meeting for clients, naming its buyer (names caches the buyers already
// looked up). A buyer that is gone leaves its name empty; a failed lookup is returned, never
// swallowed into an empty name.
func (rt *Routes) toResponse(ctx context.Context, m Meeting, names map[string]string, lang apperr.Lang) (response, error) {
	n, ok := names[m.BuyerID]
	if !ok {
		b, err := rt.Buyers.Buyer(ctx, m.BuyerID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return response{}, err
		}
		n = b.Name
		names[m.BuyerID] = n
	}
	return rt.shape(m, n, lang), nil
}

// shape is a meeting as clients see it, with its buyer's name.
func (rt *Routes) shape(m Meeting, buyerName string, lang apperr.Lang) response {
	r := response{ID: m.ID, FairID: m.FairID, BuyerID: m.BuyerID, BuyerName: buyerName, ProducerID: m.ProducerID, RequestedBy: m.RequestedBy,
		Session: m.Session, Note: m.Note, Status: m.Status, Reason: reasonOf(m).In(lang), ReasonCode: coded(m).ReasonCode, Day: m.Day, Slot: m.Slot, Table: m.Table, Outcome: m.Outcome,
		ValueVND: m.ValueVND, Held: m.Held(), Revision: m.Revision, UpdatedAt: m.UpdatedAt, Awaiting: m.Awaiting(), PreferredDay: m.PreferredDay}
	if p := m.Proposal; p != nil {
		r.Proposal = &proposalResponse{Session: p.Session, Day: p.Day, Note: p.Note, ProposedBy: otherSide(m.RequestedBy), At: p.At}
	}
	if !m.AttendedAt.IsZero() {
		r.Attended, r.AttendedAt = true, m.AttendedAt.Format(time.RFC3339)
	}
	if r.OutcomeBy = m.OutcomeBy; !m.OutcomeAt.IsZero() {
		r.OutcomeAt = m.OutcomeAt.Format(time.RFC3339)
	}
	if p, ok := rt.Index.ProducerByID(m.ProducerID); ok {
		r.ProducerName = p.Name
	}
	if m.Slot > 0 {
		if f, ok := rt.Index.Fair(m.FairID); ok {
			if !placedStill(f, m, rt.now()) {
				// Settings changed since the run: no place until the next, never a table or a
				// time the day no longer has.
				r.Day, r.Slot, r.Table = "", 0, 0
			} else if t := slotTime(f, m.Day, m.Slot); !t.IsZero() {
				r.Starts = t.Format(time.RFC3339)
			}
		}
	}
	return r
}

// respondMeeting answers with one meeting.
func (rt *Routes) respondMeeting(c *gin.Context, status int, m Meeting) {
	r, err := rt.toResponse(c.Request.Context(), m, map[string]string{}, answerLang(c))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(status, r)
}

// fair returns the :fairId fair from the index, answering 404 when it is unknown.
func (rt *Routes) fair(c *gin.Context) (index.Fair, bool) {
	f, ok := rt.Index.Fair(c.Param("fairId"))
	if !ok {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgFairUnknown))
	}
	return f, ok
}

// seenFair returns the :fairId fair if the caller may see it, answering 404 otherwise: an unknown
// fair, or a draft to anyone but its organisers and admins (as the event service answers).
func (rt *Routes) seenFair(c *gin.Context, p auth.Principal) (index.Fair, bool) {
	f, ok := rt.fair(c)
	if ok && f.Private() && !rt.fairOrganiser(p, f.ID) {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgFairUnknown))
		return index.Fair{}, false
	}
	return f, ok
}

func (rt *Routes) list(c *gin.Context) {
	fairID := c.Param("fairId")
	p, _ := httpx.PrincipalFrom(c)
	f := Filter{FairID: fairID}
	if st := c.Query("status"); st != "" {
		if !slices.Contains([]string{Requested, Accepted, Declined, Cancelled}, st) {
			httpx.RespondError(c, apperr.InvalidField("status", apperr.OneOf, apperr.OrOf(Requested, Accepted, Declined, Cancelled)))
			return
		}
		f.Status = st
	}
	if !rt.fairOrganiser(p, fairID) {
		if p.Role != auth.RoleBuyer && p.Role != auth.RoleProducer {
			httpx.RespondError(c, apperr.New(apperr.Forbidden, msgListOrganisersOnly))
			return
		}
		f.Side, f.Who = rt.sideOf(p)
	}
	rt.page(c, f)
}

func (rt *Routes) mine(c *gin.Context) {
	p, _ := httpx.PrincipalFrom(c)
	f := Filter{}
	f.Side, f.Who = rt.sideOf(p)
	rt.page(c, f)
}

// sideOf is the side a buyer or producer caller is on, and who it is there: the buyer's account,
// or the producer profile the account holds now ("-" for none, which no meeting names).
func (rt *Routes) sideOf(p auth.Principal) (side, who string) {
	if p.Role != auth.RoleProducer {
		return SideBuyer, p.AccountID
	}
	if prod, ok := rt.Index.ProducerByAccount(p.AccountID); ok {
		return SideProducer, prod.ID
	}
	return SideProducer, "-"
}

// page answers with one page of the meetings that f selects.
func (rt *Routes) page(c *gin.Context, f Filter) {
	ctx, lang := c.Request.Context(), answerLang(c)
	var after string
	page, err := httpx.PageAfter(c, &after)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	ms, err := rt.Store.Page(ctx, f, after, page.Limit+1)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	names := map[string]string{}
	rs := make([]response, 0, len(ms))
	for _, m := range ms {
		r, err := rt.toResponse(ctx, m, names, lang)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		rs = append(rs, r)
	}
	c.JSON(http.StatusOK, httpx.ListOf(rs, page.Limit, func(r response) any { return r.ID }, func(r response) response { return r }))
}

// load returns the meeting if the caller takes part or organises the fair.
func (rt *Routes) load(c *gin.Context) (Meeting, string, bool) {
	m, err := rt.Store.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return Meeting{}, "", false
	}
	p, _ := httpx.PrincipalFrom(c)
	account, _ := ProducerAccount(rt.Index, m)
	side := m.SideOf(p.AccountID, account)
	if side == "" && !rt.fairOrganiser(p, m.FairID) {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgNotYours))
		return Meeting{}, "", false
	}
	return m, side, true
}

// ProducerAccount is the account m's producer profile belongs to now, with the profile's revision
// that says so: a profile handed over to the company that owns its tax code takes its meetings
// (and badges) along, and the account that registered it first keeps none. The meeting's own
// copy (revision 0) serves while x has not heard of the producer.
func ProducerAccount(x *index.Index, m Meeting) (string, int64) {
	if prod, ok := x.ProducerByID(m.ProducerID); ok && prod.AccountID != "" {
		return prod.AccountID, prod.Revision
	}
	return m.ProducerAccount, 0
}

func (rt *Routes) get(c *gin.Context) {
	if m, _, ok := rt.load(c); ok {
		rt.respondMeeting(c, http.StatusOK, m)
	}
}

func (rt *Routes) cancel(c *gin.Context) {
	var req reasonRequest
	if !httpx.BindOptional(c, &req) { // the reason is optional, and so is the body
		return
	}
	var v apperr.Validation
	v.Expect(len([]rune(vntext.Clean(req.Reason))) <= maxReason, "reason", apperr.TooLong, maxReason)
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	m, side, ok := rt.load(c)
	if !ok {
		return
	}
	code := map[string]string{SideBuyer: ReasonByBuyer, SideProducer: ReasonByProducer}[side]
	if code == "" {
		code = ReasonByOrganiser
	}
	next, err := rt.save(c.Request.Context(), m, events.MeetingCancelled, func(m Meeting) (Meeting, error) { return m.Cancel(code, req.Reason, rt.now()) })
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.respondMeeting(c, http.StatusOK, next)
}

func (rt *Routes) outcome(c *gin.Context) {
	var req outcomeRequest
	if !httpx.Bind(c, &req) {
		return
	}
	m, side, ok := rt.load(c)
	if !ok {
		return
	}
	if side == "" {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgOutcomeSidesOnly))
		return
	}
	next, err := rt.save(c.Request.Context(), m, events.MeetingOutcomeRecorded, rt.recording(req, side, c.GetHeader("If-Match")))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.respondMeeting(c, http.StatusOK, next)
}

// recording is the change of an outcome req sent by side, with If-Match match ("" for none), to
// the meeting as it is when saved.
func (rt *Routes) recording(req outcomeRequest, side, match string) func(Meeting) (Meeting, error) {
	return func(m Meeting) (Meeting, error) {
		// Sent again (its answer lost, or twice at once), or the same as the other side's, as
		// the meeting now is: nothing to store.
		if m.Outcome == req.Outcome && m.ValueVND == req.ValueVND && m.Status == Accepted {
			return m, nil
		}
		// A version named that is not this one matters only where an outcome would be replaced:
		// a scan at the table or a move since the page was drawn changed nothing it showed.
		named := match != "" && !strings.Contains(match, "*") && httpx.IfMatchRevision(match, m.Revision)
		if m.Outcome != "" && match != "" && !named {
			return Meeting{}, apperr.New(apperr.Conflict, msgOutcomeChanged)
		}
		// The slot is the meeting's place in its fair's newest schedule, read with the meeting.
		var starts time.Time
		if f, ok := rt.Index.Fair(m.FairID); ok && m.Slot > 0 {
			starts = slotTime(f, m.Day, m.Slot)
		}
		return m.Record(req.Outcome, req.ValueVND, side, named, starts, rt.now())
	}
}

func (rt *Routes) unavailability(c *gin.Context) {
	var req unavailabilityRequest
	if !httpx.Bind(c, &req) {
		return
	}
	ctx := c.Request.Context()
	p, _ := httpx.PrincipalFrom(c)
	f, ok := rt.seenFair(c, p)
	if !ok {
		return
	}
	fairID := f.ID
	var v apperr.Validation
	slots := 0
	for _, d := range f.B2BDays {
		if d.Date == req.Day {
			slots = d.Slots
		}
	}
	v.Expect(slots > 0, "day", msgNotB2BDay)
	for i, s := range req.Slots {
		v.Expect(s >= 1 && s <= slots, "slots["+strconv.Itoa(i)+"]", msgSlotRange, slots)
	}
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	who, err := rt.participantOf(ctx, p)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := rt.Store.SetUnavailable(ctx, fairID, who, req.Day, slices.Compact(slices.Sorted(slices.Values(req.Slots)))); err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (rt *Routes) solve(c *gin.Context) {
	var p schedule.Problem
	// Decode without Bind: the problem's own Validate runs inside Solve and is reported below.
	if err := httpx.Decode(c.Request.Body, &p); err != nil {
		httpx.RespondError(c, err)
		return
	}
	if p.TimeLimitMS == 0 || time.Duration(p.TimeLimitMS)*time.Millisecond > rt.SolveLimit {
		p.TimeLimitMS = int(rt.SolveLimit / time.Millisecond)
	}
	ctx, done, ok := rt.startTrial(c)
	if !ok {
		return
	}
	defer done()
	sol, err := schedule.Solve(ctx, p)
	if err != nil { // Invalid, on the problem's field at fault
		httpx.RespondError(c, err)
		return
	}
	lang := answerLang(c)
	for i, u := range sol.Unscheduled {
		sol.Unscheduled[i] = u.In(lang)
	}
	c.JSON(http.StatusOK, sol)
}
