package meeting

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

type createRequest struct {
	BuyerID    string `json:"buyer_id"`
	ProducerID string `json:"producer_id"`
	Session    string `json:"session" doc:"morning, afternoon or any (default)"`
	Note       string `json:"note"`
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

type outcomeRequest struct {
	Outcome  string `json:"outcome" doc:"no_interest, negotiating, sample_requested, mou_signed or contract_signed"`
	ValueVND int64  `json:"value_vnd"`
}

type unavailabilityRequest struct {
	Day   string `json:"day" doc:"YYYY-MM-DD, one of the B2B days"`
	Slots []int  `json:"slots"`
}

type response struct {
	ID           string    `json:"id"`
	FairID       string    `json:"fair_id"`
	BuyerID      string    `json:"buyer_id"`
	BuyerName    string    `json:"buyer_name"`
	ProducerID   string    `json:"producer_id"`
	ProducerName string    `json:"producer_name"`
	RequestedBy  string    `json:"requested_by"`
	Session      string    `json:"session"`
	Note         string    `json:"note"`
	Status       string    `json:"status"`
	Reason       string    `json:"reason,omitempty"`
	Day          string    `json:"day,omitempty"`
	Slot         int       `json:"slot,omitempty"`
	Table        int       `json:"table,omitempty"`
	Starts       string    `json:"starts_at,omitempty" doc:"RFC 3339, once scheduled"`
	Outcome      string    `json:"outcome,omitempty"`
	ValueVND     int64     `json:"value_vnd,omitempty"`
	Held         bool      `json:"held" doc:"the outcome is recorded: the meeting took place and can no longer be cancelled"`
	Revision     int64     `json:"revision"`
	UpdatedAt    time.Time `json:"updated_at"`
}

type scheduleResponse struct {
	FairID  string                 `json:"fair_id"`
	Version int64                  `json:"version" doc:"the schedule's version: every later run has a greater one"`
	Days    []dayResult            `json:"days"`
	Left    []schedule.Unscheduled `json:"unscheduled"`
}

type dayResult struct {
	Day      string `json:"day"`
	Status   string `json:"status"`
	Meetings int    `json:"meetings"`
	Breaks   int    `json:"total_breaks"`
	Bound    int    `json:"lower_bound"`
	Elapsed  int64  `json:"elapsed_ms"`
}

type gridCell struct {
	Table        int    `json:"table"`
	MeetingID    string `json:"meeting_id"`
	BuyerName    string `json:"buyer_name"`
	ProducerName string `json:"producer_name"`
}

type gridSlot struct {
	Slot   int        `json:"slot"`
	Starts string     `json:"starts_at"`
	Cells  []gridCell `json:"cells"`
}

type gridDay struct {
	Day    string     `json:"day"`
	Tables int        `json:"tables"`
	Slots  []gridSlot `json:"slots"`
}

type agendaResponse struct {
	FairID      string     `json:"fair_id"`
	Version     int64      `json:"schedule_version" doc:"the version of the schedule shown (0: never scheduled)"`
	Participant string     `json:"participant,omitempty"`
	Meetings    []response `json:"meetings"`
	Grid        []gridDay  `json:"grid,omitempty" doc:"slots × tables, for organisers"`
}

// Handlers serves meetings, unavailability, scheduling and agendas, and consumes the events
// that cancel meetings.
type Handlers struct {
	Store  *Store
	Buyers *buyer.Store
	Index  *index.Index
	Notify func()
	Now    func() time.Time
	// Cap is the most active meetings a participant may have at one fair.
	Cap int
	// SolveLimit bounds one day's scheduling run.
	SolveLimit time.Duration
	// Gate, when set, lets one scheduling run at a time take this replica's cores: a run uses
	// up to two for SolveLimit, and the other requests on the replica must keep answering.
	Gate chan struct{}
	// Solve solves one B2B day; nil is schedule.Solve. Tests hold a run at this point to make
	// runs of two replicas meet.
	Solve func(context.Context, schedule.Problem) (schedule.Solution, error)
}

// acquire waits up to SolveLimit for the gate; when the scheduler stays busy it answers 503
// with Retry-After and reports false. release gives the gate back.
func (h *Handlers) acquire(c *gin.Context) (release func(), ok bool) {
	if h.Gate == nil {
		return func() {}, true
	}
	wait := time.NewTimer(h.SolveLimit)
	defer wait.Stop()
	select {
	case h.Gate <- struct{}{}:
		return func() { <-h.Gate }, true
	case <-wait.C:
	case <-c.Request.Context().Done():
	}
	c.Header("Retry-After", strconv.Itoa(int(math.Ceil(h.SolveLimit.Seconds()))))
	httpx.RespondError(c, apperr.E(apperr.Unavailable, "the scheduler is busy with another run; try again shortly"))
	return nil, false
}

// Mount registers the routes.
func (h *Handlers) Mount(api httpx.API) {
	sides := []string{auth.RoleBuyer, auth.RoleProducer}
	all := []string{auth.RoleBuyer, auth.RoleProducer, auth.RoleOrganiser, auth.RoleAdmin}
	staff := []string{auth.RoleOrganiser, auth.RoleAdmin}
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:fairId/meetings", Tag: "meetings", Roles: sides, Status: http.StatusCreated, Idempotent: true,
		Summary: "Ask for a B2B meeting (either side asks; the other answers) with a producer that holds a booth at the fair (422 on producer_id otherwise).", Request: createRequest{}, Response: response{}}, h.create)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/meetings", Tag: "meetings", Roles: all,
		Summary: "Meetings at a fair in the order they were asked for: organisers see all, buyers and producers their own.", Response: httpx.List[response]{},
		Query: []openapi.Param{{Name: "status", Description: "requested, accepted, declined or cancelled"}, {Name: "limit", Type: "integer"}, {Name: "cursor"}}}, h.list)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/meetings", Tag: "meetings", Roles: sides,
		Summary: "The signed-in buyer's or producer's meetings at every fair, in the order they were asked for.", Response: httpx.List[response]{},
		Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, h.mine)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/meetings/:id", Tag: "meetings", Roles: all, Summary: "One meeting.", Response: response{}}, h.get)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/meetings/:id/accept", Tag: "meetings", Roles: sides, Summary: "Accept a meeting request.", Response: response{}}, h.respond(true))
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/meetings/:id/decline", Tag: "meetings", Roles: sides, Summary: "Decline a meeting request.", Response: response{}}, h.respond(false))
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/meetings/:id/cancel", Tag: "meetings", Roles: all,
		Summary: "Cancel a meeting (either side or the fair's organisers).", Request: reasonRequest{}, Response: response{}}, h.cancel)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/meetings/:id/outcome", Tag: "meetings", Roles: sides,
		Summary: "Record what came of an accepted meeting once its scheduled slot has started (409 before); the meeting is then held and can no longer be cancelled.", Request: outcomeRequest{}, Response: response{}}, h.outcome)
	api.Handle(openapi.Op{Method: http.MethodPut, Path: "/api/fairs/:fairId/unavailability", Tag: "meetings", Roles: sides,
		Summary: "Mark the B2B slots of a day you cannot attend.", Request: unavailabilityRequest{}}, h.unavailability)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:fairId/schedule", Tag: "scheduling", Roles: staff,
		Summary: "Schedule the accepted meetings into the fair's B2B slots and tables, saved whole as a new schedule version; a meeting that was held or whose slot has started keeps its place, which no other meeting takes. One run of a fair at a time across replicas (409 while another holds it), and one run per replica (503 with Retry-After when another stays busy).", Response: scheduleResponse{},
		Query: []openapi.Param{{Name: "time_limit_ms", Type: "integer", Description: "per day; default 10000"}}}, h.schedule)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/agenda", Tag: "scheduling", Roles: all,
		Summary: "The agenda: a participant's meetings in time order, or for organisers the slots × tables grid.", Response: agendaResponse{},
		Query: []openapi.Param{{Name: "participant", Description: "buyer or producer ID; buyers and producers see only their own"}}}, h.agenda)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/scheduling/solve", Tag: "scheduling", Roles: staff,
		Summary: "Solve a scheduling problem given as JSON (the ocopfair-schedule format). One run at a time per replica: 503 with Retry-After when another stays busy.",
		Request: schedule.Problem{}, Response: schedule.Solution{}}, h.solve)
}

func (h *Handlers) now() time.Time { return h.Now().In(vntext.Zone).Truncate(time.Millisecond) }

// fairOrganiser reports whether the caller organises the fair (or is an admin).
func (h *Handlers) fairOrganiser(p auth.Principal, fairID string) bool {
	if p.Role == auth.RoleAdmin {
		return true
	}
	f, ok := h.Index.Fair(fairID)
	return ok && p.Role == auth.RoleOrganiser && slices.Contains(f.Organisers, p.AccountID)
}

// participantOf returns the buyer or producer ID the caller acts as.
func (h *Handlers) participantOf(ctx context.Context, p auth.Principal) (string, error) {
	switch p.Role {
	case auth.RoleBuyer:
		b, err := h.Buyers.BuyerByAccount(ctx, p.AccountID)
		if err != nil {
			return "", apperr.E(apperr.Conflict, "create your buyer profile first")
		}
		return b.ID, nil
	case auth.RoleProducer:
		prod, ok := h.Index.ProducerByAccount(p.AccountID)
		if !ok {
			return "", apperr.E(apperr.Conflict, "create your producer profile first (a new profile may take a moment to appear)")
		}
		return prod.ID, nil
	}
	return "", nil
}

// toResponse shapes a meeting for clients, naming its buyer (names caches the buyers already
// looked up). A buyer that is gone leaves its name empty; a failed lookup is returned, never
// swallowed into an empty name.
func (h *Handlers) toResponse(ctx context.Context, m Meeting, names map[string]string) (response, error) {
	r := response{ID: m.ID, FairID: m.FairID, BuyerID: m.BuyerID, ProducerID: m.ProducerID, RequestedBy: m.RequestedBy, Session: m.Session,
		Note: m.Note, Status: m.Status, Reason: m.Reason, Day: m.Day, Slot: m.Slot, Table: m.Table, Outcome: m.Outcome, ValueVND: m.ValueVND,
		Held: m.Held(), Revision: m.Revision, UpdatedAt: m.UpdatedAt}
	n, ok := names[m.BuyerID]
	if !ok {
		b, err := h.Buyers.Buyer(ctx, m.BuyerID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return response{}, err
		}
		n = b.Name
		names[m.BuyerID] = n
	}
	r.BuyerName = n
	if p, ok := h.Index.ProducerByID(m.ProducerID); ok {
		r.ProducerName = p.Name
	}
	if m.Slot > 0 {
		if f, ok := h.Index.Fair(m.FairID); ok {
			if t := slotTime(f, m.Day, m.Slot); !t.IsZero() {
				r.Starts = t.Format(time.RFC3339)
			}
		}
	}
	return r, nil
}

// respondMeeting answers with one meeting.
func (h *Handlers) respondMeeting(c *gin.Context, status int, m Meeting) {
	r, err := h.toResponse(c.Request.Context(), m, map[string]string{})
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(status, r)
}

// slotTime is when a slot of a B2B day starts, in Vietnam's time; zero when the fair has no
// such day or its settings do not parse.
func slotTime(f index.Fair, day string, slot int) time.Time {
	for _, d := range f.B2BDays {
		if d.Date != day {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02 15:04", d.Date+" "+d.StartTime, vntext.Zone)
		if err != nil {
			return time.Time{}
		}
		return t.Add(time.Duration((slot-1)*d.SlotMinutes) * time.Minute)
	}
	return time.Time{}
}

// slotStart is the RFC 3339 start of a slot of a B2B day, or "".
func slotStart(f index.Fair, day string, slot int) string {
	if t := slotTime(f, day, slot); !t.IsZero() {
		return t.Format(time.RFC3339)
	}
	return ""
}

// fair returns the :fairId fair from the index, answering 404 when it is unknown.
func (h *Handlers) fair(c *gin.Context) (index.Fair, bool) {
	f, ok := h.Index.Fair(c.Param("fairId"))
	if !ok {
		httpx.RespondError(c, apperr.E(apperr.NotFound, "fair not found"))
	}
	return f, ok
}

func (h *Handlers) create(c *gin.Context) {
	var req createRequest
	if !httpx.Bind(c, &req) {
		return
	}
	ctx := c.Request.Context()
	f, ok := h.fair(c)
	if !ok {
		return
	}
	fairID := f.ID
	if f.Status == "cancelled" || f.Status == "completed" || f.Status == "draft" {
		httpx.RespondError(c, apperr.E(apperr.Conflict, "meetings cannot be requested at a %s fair", f.Status))
		return
	}
	if req.Session == "" {
		req.Session = schedule.Any
	}
	var v apperr.Validation
	v.Check(slices.Contains([]string{schedule.Morning, schedule.Afternoon, schedule.Any}, req.Session), "session", "must be morning, afternoon or any")
	v.Check(len([]rune(req.Note)) <= 1000, "note", "at most 1000 characters")
	b, err := h.Buyers.Buyer(ctx, req.BuyerID)
	v.Check(err == nil, "buyer_id", "is not a buyer")
	prod, found := h.Index.ProducerByID(req.ProducerID)
	v.Check(found, "producer_id", "is not a producer")
	if found {
		// Meetings are with the fair's exhibitors: a producer without a booth there (never
		// allocated one, rejected, or released) cannot be met at the fair.
		booths, err := h.Store.Booths(ctx, fairID, prod.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		v.Check(booths > 0, "producer_id", "holds no booth at this fair: meetings are with the fair's exhibitors")
	}
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	side := ""
	switch p.AccountID {
	case b.AccountID:
		side = SideBuyer
	case prod.AccountID:
		side = SideProducer
	default:
		httpx.RespondError(c, apperr.E(apperr.Forbidden, "you can only ask for meetings you take part in"))
		return
	}
	for _, x := range []struct{ field, id string }{{"buyer_id", b.ID}, {"producer_id", prod.ID}} {
		n, err := h.Store.CountActive(ctx, fairID, x.field, x.id)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		if int(n) >= h.Cap {
			httpx.RespondError(c, apperr.E(apperr.Conflict, "the %s already has %d meetings at this fair, the most allowed", x.field[:len(x.field)-3], h.Cap))
			return
		}
	}
	now := h.now()
	m := Meeting{ID: uuid.Must(uuid.NewV7()).String(), FairID: fairID, BuyerID: b.ID, BuyerAccount: b.AccountID, ProducerID: prod.ID,
		ProducerAccount: prod.AccountID, RequestedBy: side, Session: req.Session, Note: vntext.Clean(req.Note), Status: Requested,
		Revision: 1, CreatedAt: now, UpdatedAt: now}
	if err := h.Store.Create(ctx, m, correlation.From(ctx)); err != nil {
		httpx.RespondError(c, err)
		return
	}
	h.Notify()
	c.Header("Location", "/api/meetings/"+m.ID)
	h.respondMeeting(c, http.StatusCreated, m)
}

func (h *Handlers) list(c *gin.Context) {
	fairID := c.Param("fairId")
	p, _ := httpx.PrincipalFrom(c)
	q := bson.M{"fair_id": fairID}
	if st := c.Query("status"); st != "" {
		if !slices.Contains([]string{Requested, Accepted, Declined, Cancelled}, st) {
			httpx.RespondError(c, &apperr.Error{Kind: apperr.Invalid, Message: "bad filter",
				Fields: []apperr.FieldError{{Field: "status", Message: "must be requested, accepted, declined or cancelled"}}})
			return
		}
		q["status"] = st
	}
	if !h.fairOrganiser(p, fairID) {
		switch p.Role {
		case auth.RoleBuyer:
			q["buyer_account"] = p.AccountID
		case auth.RoleProducer:
			q["producer_account"] = p.AccountID
		default:
			httpx.RespondError(c, apperr.E(apperr.Forbidden, "only the fair's organisers see all its meetings"))
			return
		}
	}
	h.page(c, q)
}

func (h *Handlers) mine(c *gin.Context) {
	p, _ := httpx.PrincipalFrom(c)
	field := "buyer_account"
	if p.Role == auth.RoleProducer {
		field = "producer_account"
	}
	h.page(c, bson.M{field: p.AccountID})
}

// page answers with one page of the meetings matching q.
func (h *Handlers) page(c *gin.Context, q bson.M) {
	ctx := c.Request.Context()
	var after string
	page, err := httpx.PageAfter(c, &after)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	ms, err := h.Store.Page(ctx, q, after, page.Limit+1)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	names := map[string]string{}
	rs := make([]response, 0, len(ms))
	for _, m := range ms {
		r, err := h.toResponse(ctx, m, names)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		rs = append(rs, r)
	}
	c.JSON(http.StatusOK, httpx.ListOf(rs, page.Limit, func(r response) any { return r.ID }, func(r response) response { return r }))
}

// load returns the meeting if the caller takes part or organises the fair.
func (h *Handlers) load(c *gin.Context) (Meeting, string, bool) {
	m, err := h.Store.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return Meeting{}, "", false
	}
	p, _ := httpx.PrincipalFrom(c)
	side := m.SideOf(p.AccountID)
	if side == "" && !h.fairOrganiser(p, m.FairID) {
		httpx.RespondError(c, apperr.E(apperr.Forbidden, "you do not take part in this meeting"))
		return Meeting{}, "", false
	}
	return m, side, true
}

func (h *Handlers) get(c *gin.Context) {
	if m, _, ok := h.load(c); ok {
		h.respondMeeting(c, http.StatusOK, m)
	}
}

// save applies fn and stores the meeting with subject, retrying on a concurrent change.
func (h *Handlers) save(ctx context.Context, m Meeting, subject string, fn func(Meeting) (Meeting, error)) (Meeting, error) {
	next, err := storage.RetryStale(ctx, m, storage.StaleTries, ErrStale, fn,
		func(ctx context.Context, next, prev Meeting) error {
			return h.Store.Save(ctx, next, prev.Revision, subject, correlation.From(ctx))
		},
		func(ctx context.Context, prev Meeting) (Meeting, error) { return h.Store.Get(ctx, prev.ID) })
	if err == nil {
		h.Notify()
	}
	return next, err
}

func (h *Handlers) respond(accept bool) gin.HandlerFunc {
	subject := events.MeetingDeclined
	if accept {
		subject = events.MeetingAccepted
	}
	return func(c *gin.Context) {
		m, side, ok := h.load(c)
		if !ok {
			return
		}
		if side == "" {
			httpx.RespondError(c, apperr.E(apperr.Forbidden, "only the buyer or producer answers"))
			return
		}
		next, err := h.save(c.Request.Context(), m, subject, func(m Meeting) (Meeting, error) { return m.Respond(side, accept, h.now()) })
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		h.respondMeeting(c, http.StatusOK, next)
	}
}

func (h *Handlers) cancel(c *gin.Context) {
	var req reasonRequest
	if c.Request.ContentLength != 0 && !httpx.Bind(c, &req) {
		return
	}
	m, side, ok := h.load(c)
	if !ok {
		return
	}
	reason := req.Reason
	if reason == "" {
		reason = map[string]string{SideBuyer: "Người mua đã hủy / cancelled by the buyer", SideProducer: "Chủ thể đã hủy / cancelled by the producer"}[side]
		if reason == "" {
			reason = "Ban tổ chức đã hủy / cancelled by the organiser"
		}
	}
	next, err := h.save(c.Request.Context(), m, events.MeetingCancelled, func(m Meeting) (Meeting, error) { return m.Cancel(reason, h.now()) })
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	h.respondMeeting(c, http.StatusOK, next)
}

func (h *Handlers) outcome(c *gin.Context) {
	var req outcomeRequest
	if !httpx.Bind(c, &req) {
		return
	}
	m, side, ok := h.load(c)
	if !ok {
		return
	}
	if side == "" {
		httpx.RespondError(c, apperr.E(apperr.Forbidden, "only the buyer or producer records the outcome"))
		return
	}
	next, err := h.save(c.Request.Context(), m, events.MeetingOutcomeRecorded, func(m Meeting) (Meeting, error) {
		// The slot is the meeting's place in its fair's newest schedule, read with the meeting.
		var starts time.Time
		if f, ok := h.Index.Fair(m.FairID); ok && m.Slot > 0 {
			starts = slotTime(f, m.Day, m.Slot)
		}
		return m.Record(req.Outcome, req.ValueVND, starts, h.now())
	})
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	h.respondMeeting(c, http.StatusOK, next)
}

func (h *Handlers) unavailability(c *gin.Context) {
	var req unavailabilityRequest
	if !httpx.Bind(c, &req) {
		return
	}
	ctx := c.Request.Context()
	f, ok := h.fair(c)
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
	v.Check(slots > 0, "day", "is not one of the fair's B2B days")
	for i, s := range req.Slots {
		v.Check(s >= 1 && s <= slots, "slots["+strconv.Itoa(i)+"]", fmt.Sprintf("must be a slot from 1 to %d", slots))
	}
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	who, err := h.participantOf(ctx, p)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := h.Store.SetUnavailable(ctx, fairID, who, req.Day, slices.Compact(slices.Sorted(slices.Values(req.Slots)))); err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handlers) solve(c *gin.Context) {
	var p schedule.Problem
	// Decode without Bind: the problem's own Validate runs inside Solve and is reported below.
	if err := httpx.Decode(c.Request.Body, &p); err != nil {
		httpx.RespondError(c, err)
		return
	}
	if p.TimeLimitMS == 0 || time.Duration(p.TimeLimitMS)*time.Millisecond > h.SolveLimit {
		p.TimeLimitMS = int(h.SolveLimit / time.Millisecond)
	}
	release, ok := h.acquire(c)
	if !ok {
		return
	}
	defer release()
	sol, err := schedule.Solve(c.Request.Context(), p)
	if err != nil {
		httpx.RespondError(c, &apperr.Error{Kind: apperr.Invalid, Message: err.Error(), Fields: []apperr.FieldError{{Field: "problem", Message: err.Error()}}})
		return
	}
	c.JSON(http.StatusOK, sol)
}

// leaseMargin is what a scheduling run's lease and context allow beyond its days' solving time,
// for reading the meetings and saving the schedule.
const leaseMargin = 30 * time.Second

// schedule places the fair's accepted meetings day by day: what does not fit a day goes on to
// the next. A run holds the fair's scheduling lease, so that runs on different replicas never
// overlap (the gate only keeps one replica's cores), and saves the whole schedule as one new
// version in one write. It finishes on a context of its own: a client that goes away leaves the
// old schedule or the new one, never half of one.
func (h *Handlers) schedule(c *gin.Context) {
	fairID := c.Param("fairId")
	p, _ := httpx.PrincipalFrom(c)
	if !h.fairOrganiser(p, fairID) {
		httpx.RespondError(c, apperr.E(apperr.Forbidden, "only the fair's organisers schedule its meetings"))
		return
	}
	f, _ := h.Index.Fair(fairID)
	if len(f.B2BDays) == 0 {
		httpx.RespondError(c, apperr.E(apperr.Conflict, "the fair has no B2B session settings yet (PUT /api/fairs/%s/b2b-sessions)", fairID))
		return
	}
	limit := h.SolveLimit
	if s := c.Query("time_limit_ms"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 10 || time.Duration(n)*time.Millisecond > h.SolveLimit {
			httpx.RespondError(c, &apperr.Error{Kind: apperr.Invalid, Message: "bad time limit", Fields: []apperr.FieldError{{Field: "time_limit_ms", Message: fmt.Sprintf("must be 10 to %d", h.SolveLimit.Milliseconds())}}})
			return
		}
		limit = time.Duration(n) * time.Millisecond
	}
	release, ok := h.acquire(c)
	if !ok {
		return
	}
	defer release()
	ttl := time.Duration(len(f.B2BDays))*limit + leaseMargin
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), ttl)
	defer cancel()
	lease, err := h.Store.TakeLease(ctx, fairID, uuid.Must(uuid.NewV7()).String(), h.now(), ttl)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	defer func() {
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer rcancel()
		// A lease left unreleased expires at its time: the next run waits for it, no longer.
		_ = h.Store.ReleaseLease(rctx, lease)
	}()
	out, err := h.run(ctx, f, limit, lease)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// Pruning is housekeeping on insert-only records: whatever this call misses (an error, a
	// version whose events are not published yet), the next run's call takes.
	_ = h.Store.PruneSchedules(ctx, lease, h.now())
	h.Notify()
	c.JSON(http.StatusOK, out)
}

// run solves the fair's days under lease and saves the schedule as version lease.Epoch, with a
// scheduled event for every meeting whose place changed. A meeting that was held or whose slot
// has started is not moved: it keeps its place in the new schedule, and its slot and table are
// taken from everyone else.
func (h *Handlers) run(ctx context.Context, f index.Fair, limit time.Duration, lease Lease) (scheduleResponse, error) {
	accepted, err := h.Store.Find(ctx, bson.M{"fair_id": f.ID, "status": Accepted})
	if err != nil {
		return scheduleResponse{}, err
	}
	now := h.now()
	byID := map[string]Meeting{}
	placed := map[string]Placement{}
	var fixed []Meeting
	pending := make([]string, 0, len(accepted))
	for _, m := range accepted {
		if settled(f, m, now) {
			if m.Slot > 0 {
				placed[m.ID] = Placement{Day: m.Day, Slot: m.Slot, Table: m.Table}
			}
			fixed = append(fixed, m)
			continue
		}
		byID[m.ID] = m
		pending = append(pending, m.ID)
	}
	out := scheduleResponse{FairID: f.ID, Version: lease.Epoch, Days: []dayResult{}, Left: []schedule.Unscheduled{}}
	var left []schedule.Unscheduled
	for _, d := range f.B2BDays {
		unav, err := h.Store.Unavailable(ctx, f.ID, d.Date)
		if err != nil {
			return scheduleResponse{}, err
		}
		prob := schedule.Problem{Slots: d.Slots, MorningSlots: d.MorningSlots, Tables: d.Tables, MaxBreakSpread: 2, TimeLimitMS: int(limit / time.Millisecond)}
		held := holdFixed(&prob, fixed, d.Date, unav)
		for who, slots := range unav {
			prob.Participants = append(prob.Participants, schedule.Participant{ID: who, Unavailable: slices.Compact(slices.Sorted(slices.Values(slots)))})
		}
		slices.SortFunc(prob.Participants, func(a, b schedule.Participant) int { return cmpString(a.ID, b.ID) })
		for _, id := range pending {
			m := byID[id]
			prob.Meetings = append(prob.Meetings, schedule.Meeting{ID: m.ID, Participants: []string{m.BuyerID, m.ProducerID}, Session: m.Session})
		}
		solve := h.Solve
		if solve == nil {
			solve = schedule.Solve
		}
		sol, err := solve(ctx, prob)
		if err != nil {
			return scheduleResponse{}, err
		}
		assigned, unplaced := clearOfFixed(sol, held)
		for _, a := range assigned {
			placed[a.Meeting] = Placement{Day: d.Date, Slot: a.Slot, Table: a.Table}
		}
		pending = pending[:0]
		left = unplaced
		for _, u := range unplaced {
			pending = append(pending, u.Meeting)
		}
		out.Days = append(out.Days, dayResult{Day: d.Date, Status: sol.Status, Meetings: len(assigned), Breaks: sol.TotalBreaks, Bound: sol.LowerBound, Elapsed: sol.ElapsedMS})
		if len(pending) == 0 {
			left = nil
			break
		}
	}
	if left != nil {
		out.Left = left
	}
	t := Timetable{FairID: f.ID, Version: lease.Epoch, Placements: placed, CreatedAt: now}
	var envs []events.Envelope
	for _, m := range accepted {
		next := t.place(m)
		if next.Day == m.Day && next.Slot == m.Slot && next.Table == m.Table {
			continue
		}
		next.UpdatedAt = t.CreatedAt
		env, err := envelope(next, events.MeetingScheduled, correlation.From(ctx))
		if err != nil {
			return scheduleResponse{}, err
		}
		envs = append(envs, env)
	}
	if err := h.Store.SaveTimetable(ctx, lease, h.now(), t, envs...); err != nil {
		return scheduleResponse{}, err
	}
	return out, nil
}

// settled reports whether a meeting's place is history: it was held (its outcome is recorded)
// or its slot has started. A new run leaves such a meeting where it is.
func settled(f index.Fair, m Meeting, now time.Time) bool {
	if m.Held() {
		return true
	}
	if m.Slot == 0 {
		return false
	}
	starts := slotTime(f, m.Day, m.Slot)
	return !starts.IsZero() && !now.Before(starts)
}

// heldPrefix marks the stand-in meetings that keep settled meetings' tables in a day's problem.
const heldPrefix = "held:"

// holdFixed takes the places of the settled meetings on day out of the day's problem: their
// participants are unavailable in their slots (added to unav), and each one's table is taken by
// a stand-in meeting fixed to its slot, whose only participant is its own. It returns the table
// each stand-in must end on, by stand-in ID. Places outside the day's current slots or tables
// (the day's settings shrank) need no stand-in: the solver never uses them.
func holdFixed(prob *schedule.Problem, fixed []Meeting, day string, unav map[string][]int) map[string]Placement {
	held := map[string]Placement{}
	for _, m := range fixed {
		if m.Day != day || m.Slot < 1 || m.Slot > prob.Slots {
			continue
		}
		for _, who := range []string{m.BuyerID, m.ProducerID} {
			unav[who] = append(unav[who], m.Slot)
		}
		if m.Table < 1 || m.Table > prob.Tables {
			continue
		}
		id := heldPrefix + m.ID
		prob.Meetings = append(prob.Meetings, schedule.Meeting{ID: id, Participants: []string{id}, Session: schedule.Any, FixedSlot: m.Slot})
		held[id] = Placement{Day: day, Slot: m.Slot, Table: m.Table}
	}
	return held
}

// clearOfFixed returns a day's solution without its stand-ins, each settled meeting back at its
// own table: the solver numbers a slot's tables freely, so the meeting it put at a settled
// meeting's table trades tables with that meeting's stand-in. A meeting that would still share a
// settled meeting's table (its stand-in was left out) is returned unscheduled instead.
func clearOfFixed(sol schedule.Solution, held map[string]Placement) ([]schedule.Assignment, []schedule.Unscheduled) {
	as := slices.Clone(sol.Assignments)
	at := func(slot, table int) int {
		return slices.IndexFunc(as, func(a schedule.Assignment) bool { return a.Slot == slot && a.Table == table })
	}
	taken := map[[2]int]bool{}
	for i := range as {
		want, ok := held[as[i].Meeting]
		if !ok {
			continue
		}
		taken[[2]int{want.Slot, want.Table}] = true
		if j := at(as[i].Slot, want.Table); j >= 0 && j != i {
			as[j].Table = as[i].Table
		}
		as[i].Table = want.Table
	}
	for _, p := range held {
		taken[[2]int{p.Slot, p.Table}] = true
	}
	var assigned []schedule.Assignment
	var left []schedule.Unscheduled
	for _, a := range as {
		if _, ok := held[a.Meeting]; ok {
			continue
		}
		if taken[[2]int{a.Slot, a.Table}] {
			left = append(left, schedule.Unscheduled{Meeting: a.Meeting, Reason: "its slot's table is taken by a meeting that has already started"})
			continue
		}
		assigned = append(assigned, a)
	}
	for _, u := range sol.Unscheduled {
		if _, ok := held[u.Meeting]; !ok {
			left = append(left, u)
		}
	}
	return assigned, left
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// agenda answers with one schedule version's meetings: a participant's own, or for the fair's
// organisers all of them with the slots × tables grid.
func (h *Handlers) agenda(c *gin.Context) {
	ctx := c.Request.Context()
	fairID := c.Param("fairId")
	p, _ := httpx.PrincipalFrom(c)
	organiser := h.fairOrganiser(p, fairID)
	who := c.Query("participant")
	if !organiser {
		if p.Role != auth.RoleBuyer && p.Role != auth.RoleProducer {
			httpx.RespondError(c, apperr.E(apperr.Forbidden, "only the fair's organisers see its agenda"))
			return
		}
		me, err := h.participantOf(ctx, p)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		if who != "" && who != me {
			httpx.RespondError(c, apperr.E(apperr.Forbidden, "you can only see your own agenda"))
			return
		}
		who = me
	}
	q := bson.M{"status": Accepted}
	if who != "" {
		q["$or"] = bson.A{bson.M{"buyer_id": who}, bson.M{"producer_id": who}}
	}
	t, ms, err := h.Store.Scheduled(ctx, fairID, q)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	ms = slices.DeleteFunc(ms, func(m Meeting) bool { return m.Slot == 0 })
	slices.SortFunc(ms, func(a, b Meeting) int {
		if a.Day != b.Day {
			return cmpString(a.Day, b.Day)
		}
		if a.Slot != b.Slot {
			return a.Slot - b.Slot
		}
		return a.Table - b.Table
	})
	names := map[string]string{}
	out := agendaResponse{FairID: fairID, Version: t.Version, Participant: who, Meetings: []response{}}
	for _, m := range ms {
		r, err := h.toResponse(ctx, m, names)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		out.Meetings = append(out.Meetings, r)
	}
	if organiser && who == "" {
		f, _ := h.Index.Fair(fairID)
		for _, d := range f.B2BDays {
			g := gridDay{Day: d.Date, Tables: d.Tables}
			for s := 1; s <= d.Slots; s++ {
				gs := gridSlot{Slot: s, Starts: slotStart(f, d.Date, s), Cells: []gridCell{}}
				for _, r := range out.Meetings {
					if r.Day == d.Date && r.Slot == s {
						gs.Cells = append(gs.Cells, gridCell{Table: r.Table, MeetingID: r.ID, BuyerName: r.BuyerName, ProducerName: r.ProducerName})
					}
				}
				g.Slots = append(g.Slots, gs)
			}
			out.Grid = append(out.Grid, g)
		}
	}
	c.JSON(http.StatusOK, out)
}

// Consumers returns the durable consumers that cancel meetings when a fair is cancelled, an
// application is withdrawn or cancelled, or a producer no longer holds a booth at the fair.
func (h *Handlers) Consumers() []bus.Consumer {
	return []bus.Consumer{
		{Durable: "matchmaking-meeting-fairs", Stream: "EVENT", Subjects: []string{events.FairCancelled, events.BoothAssigned, events.BoothReleased}, Handler: h.onEvent},
		{Durable: "matchmaking-meeting-applications", Stream: "EXHIBITOR", Subjects: []string{events.ApplicationWithdrawn, events.ApplicationCancelled}, Handler: h.onApplication},
	}
}

func (h *Handlers) cancelWhere(ctx context.Context, q bson.M, reason string) error {
	q["status"] = bson.M{"$in": bson.A{Requested, Accepted}}
	ms, err := h.Store.Find(ctx, q)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := h.save(ctx, m, events.MeetingCancelled, func(m Meeting) (Meeting, error) { return m.Cancel(reason, h.now()) }); err != nil && !apperr.Is(err, apperr.Conflict) {
			return err
		}
	}
	return nil
}

func (h *Handlers) onEvent(ctx context.Context, env events.Envelope) error {
	switch env.Type {
	case events.FairCancelled:
		var pl events.FairChangedV1
		if err := env.Decode(&pl); err != nil || pl.Fair.ID == "" {
			return bus.Permanent(fmt.Errorf("bad fair payload: %v", err))
		}
		return h.cancelWhere(ctx, bson.M{"fair_id": pl.Fair.ID}, "Hội chợ bị hủy / the fair was cancelled: "+pl.Fair.CancelReason)
	default:
		var pl events.BoothAssignmentV1
		if err := env.Decode(&pl); err != nil || pl.FairID == "" || pl.BoothCode == "" || pl.ProducerID == "" {
			return bus.Permanent(fmt.Errorf("bad booth payload: %v", err))
		}
		// Each assignment is its own record, so a late or repeated event changes only the
		// assignment it is about. An event from before assignments had IDs is keyed by booth.
		key, legacy := pl.AssignmentID, pl.AssignmentID == ""
		if legacy {
			key = pl.FairID + "/" + pl.BoothCode
		}
		if env.Type == events.BoothAssigned {
			return h.Store.Hold(ctx, key, pl.FairID, pl.BoothCode, pl.ProducerID, legacy)
		}
		left, err := h.Store.Release(ctx, key, pl.FairID, pl.BoothCode, pl.ProducerID)
		if err != nil || left > 0 {
			return err
		}
		// Meetings already held keep their outcome: Cancel refuses them and cancelWhere skips them.
		return h.cancelWhere(ctx, bson.M{"fair_id": pl.FairID, "producer_id": pl.ProducerID}, "Gian hàng của chủ thể đã bị thu hồi / the producer's booth was released")
	}
}

func (h *Handlers) onApplication(ctx context.Context, env events.Envelope) error {
	var pl events.ApplicationChangedV1
	if err := env.Decode(&pl); err != nil || pl.Application.FairID == "" {
		return bus.Permanent(fmt.Errorf("bad application payload: %v", err))
	}
	a := pl.Application
	return h.cancelWhere(ctx, bson.M{"fair_id": a.FairID, "producer_id": a.ProducerID}, "Chủ thể đã rút đơn tham gia / the producer's application was withdrawn or cancelled")
}
