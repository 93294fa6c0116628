package fair

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// venueBody is a fair's venue; a create or a PATCH that gives one gives it whole, with its name.
type venueBody struct {
	Name    string `json:"name" doc:"at most 200 characters" required:"true"`
	Address string `json:"address" doc:"at most 300 characters"`
}

type eligibilityBody struct {
	MinStars             int            `json:"min_stars" doc:"3, 4 or 5; default 3"`
	AllowedSectors       []string       `json:"allowed_sectors" doc:"sector codes; empty allows all"`
	AllowedProvinces     []string       `json:"allowed_provinces" doc:"province codes or names; empty (with no regions) allows all"`
	AllowedRegions       []string       `json:"allowed_regions" doc:"region or promotion-group codes"`
	MaxBoothsPerProducer int            `json:"max_booths_per_producer" doc:"default 2"`
	ProvinceQuotas       map[string]int `json:"province_quotas" doc:"maximum booths per province code"`
}

type feesBody struct {
	BoothPrices         map[string]int64 `json:"booth_prices" doc:"VND per booth kind; a PATCH that gives it gives the whole map (kinds left out have no price), while fees' other members left out keep their values"`
	SubsidyPercent      int              `json:"subsidy_percent"`
	MaxSubsidisedBooths int              `json:"max_subsidised_booths"`
}

type contactBody struct {
	Name  string `json:"name" doc:"at most 120 characters"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// fairRequest creates (all required fields) or patches (any subset) a fair.
type fairRequest struct {
	NameVI            *string          `json:"name_vi" doc:"5–200 characters"`
	NameEN            *string          `json:"name_en" doc:"at most 200 characters"`
	Kind              *string          `json:"kind" doc:"fair, trade_week, regional_promotion or b2b_conference"`
	Theme             *string          `json:"theme" doc:"at most 300 characters"`
	Region            *string          `json:"region" doc:"region or promotion-group code"`
	HostProvince      *string          `json:"host_province" doc:"code or name of one of the 34 provinces"`
	Venue             *venueBody       `json:"venue"`
	StartDate         *string          `json:"start_date" format:"date"`
	EndDate           *string          `json:"end_date" format:"date" doc:"inclusive"`
	ApplicationsOpen  *string          `json:"applications_open" doc:"an RFC 3339 time (2026-11-01T08:00:00+07:00), or a bare date (2026-11-01): the start of that day in Vietnam"`
	ApplicationsClose *string          `json:"applications_close" doc:"before the start; an RFC 3339 time, or a bare date (2027-02-20): the whole of that day (to 23:59:59.999 in Vietnam)"`
	Eligibility       *eligibilityBody `json:"eligibility"`
	Fees              *feesBody        `json:"fees"`
	Contact           *contactBody     `json:"contact"`
	Organisers        *[]string        `json:"organisers" format:"uuid" doc:"1 to 20 account IDs of the organisers who may manage the fair (duplicates count once); an organiser must include itself, an admin may set any list"`
}

// fairCreateRequest is fairRequest as POST /api/fairs documents it: the fields New refuses to do
// without are required. It converts to fairRequest, so the two keep the same fields and types;
// TestFairCreateRequest keeps their tags alike and the required ones those New asks for.
type fairCreateRequest struct {
	NameVI            *string          `json:"name_vi" doc:"5–200 characters" required:"true"`
	NameEN            *string          `json:"name_en" doc:"at most 200 characters"`
	Kind              *string          `json:"kind" doc:"fair, trade_week, regional_promotion or b2b_conference" required:"true"`
	Theme             *string          `json:"theme" doc:"at most 300 characters"`
	Region            *string          `json:"region" doc:"region or promotion-group code" required:"true"`
	HostProvince      *string          `json:"host_province" doc:"code or name of one of the 34 provinces" required:"true"`
	Venue             *venueBody       `json:"venue" required:"true"`
	StartDate         *string          `json:"start_date" format:"date" required:"true"`
	EndDate           *string          `json:"end_date" format:"date" doc:"inclusive" required:"true"`
	ApplicationsOpen  *string          `json:"applications_open" doc:"an RFC 3339 time (2026-11-01T08:00:00+07:00), or a bare date (2026-11-01): the start of that day in Vietnam" required:"true"`
	ApplicationsClose *string          `json:"applications_close" doc:"before the start; an RFC 3339 time, or a bare date (2027-02-20): the whole of that day (to 23:59:59.999 in Vietnam)" required:"true"`
	Eligibility       *eligibilityBody `json:"eligibility"`
	Fees              *feesBody        `json:"fees"`
	Contact           *contactBody     `json:"contact"`
	Organisers        *[]string        `json:"organisers" format:"uuid" doc:"1 to 20 account IDs of the organisers who may manage the fair (duplicates count once); an organiser must include itself, an admin may set any list"`
}

func (r fairRequest) fields() (Fields, error) {
	var v apperr.Validation
	f := Fields{NameVI: r.NameVI, NameEN: r.NameEN, Kind: r.Kind, Theme: r.Theme, Region: r.Region, HostProvince: r.HostProvince, Organisers: r.Organisers}
	if r.Venue != nil {
		f.Venue = &Venue{Name: r.Venue.Name, Address: r.Venue.Address}
	}
	date := func(s *string, field string) *time.Time {
		if s == nil {
			return nil
		}
		d := parseDate(&v, field, *s)
		return &d
	}
	stamp := func(s *string, field string) *time.Time {
		if s == nil {
			return nil
		}
		t := parseTime(&v, field, *s, field == "applications_close")
		return &t
	}
	f.StartDate, f.EndDate = date(r.StartDate, "start_date"), date(r.EndDate, "end_date")
	f.ApplicationsOpen, f.ApplicationsClose = stamp(r.ApplicationsOpen, "applications_open"), stamp(r.ApplicationsClose, "applications_close")
	// The bodies hold the domain's fields, one for one: they convert as they are.
	if e := r.Eligibility; e != nil {
		el := Eligibility(*e)
		f.Eligibility = &el
	}
	if fe := r.Fees; fe != nil {
		fees := Fees(*fe)
		f.Fees = &fees
	}
	if ct := r.Contact; ct != nil {
		contact := Contact(*ct)
		f.Contact = &contact
	}
	return f, v.Err()
}

type b2bDayBody struct {
	Date         string `json:"date" format:"date" required:"true" doc:"one of the fair's days"`
	StartTime    string `json:"start_time" doc:"HH:MM"`
	SlotMinutes  int    `json:"slot_minutes"`
	Slots        int    `json:"slots" doc:"1 to 40; start_time + slots × slot_minutes + lunch_minutes must be at most 24:00"`
	MorningSlots int    `json:"morning_slots" doc:"the first this many slots are the morning session"`
	Tables       int    `json:"tables"`
	LunchMinutes int    `json:"lunch_minutes" doc:"the pause between the morning and the afternoon session, 0 to 240 minutes (0: none); the afternoon's slots start that much later, and the pause is no one's break"`
}

type fairResponse struct {
	ID                string          `json:"id" format:"uuid"`
	NameVI            string          `json:"name_vi"`
	NameEN            string          `json:"name_en"`
	Kind              string          `json:"kind"`
	Theme             string          `json:"theme"`
	Region            string          `json:"region"`
	RegionName        string          `json:"region_name"`
	HostProvince      string          `json:"host_province"`
	HostProvinceName  string          `json:"host_province_name"`
	Venue             venueBody       `json:"venue"`
	StartDate         string          `json:"start_date" format:"date"`
	EndDate           string          `json:"end_date" format:"date"`
	ApplicationsOpen  time.Time       `json:"applications_open"`
	ApplicationsClose time.Time       `json:"applications_close"`
	AcceptsNow        bool            `json:"accepts_applications_now"`
	Eligibility       eligibilityBody `json:"eligibility"`
	Fees              feesBody        `json:"fees"`
	Contact           contactBody     `json:"contact"`
	Organisers        []string        `json:"organisers,omitempty" doc:"shown to the fair's organisers and admins"`
	Status            string          `json:"status" enum:"draft,published,applications_closed,live,completed,cancelled"`
	AllowedActions    []string        `json:"allowed_actions"`
	CancelReason      string          `json:"cancel_reason,omitempty"`
	Discarded         bool            `json:"discarded,omitempty" doc:"a draft cancelled before it was published: seen only by its organisers and admins, as a draft is"`
	B2BDays           []b2bDayBody    `json:"b2b_days"`
	Revision          int64           `json:"revision"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

func toFairResponse(f Fair, manager bool, now time.Time) fairResponse {
	region, _ := ocop.RegionByCode(f.Region)
	prov, _ := ocop.ProvinceByCode(f.HostProvince)
	actions := []string{}
	if manager {
		for _, a := range f.AllowedAt(now) {
			actions = append(actions, string(a))
		}
	}
	days := make([]b2bDayBody, len(f.B2BDays))
	for i, d := range f.B2BDays {
		days[i] = b2bDayBody{Date: d.Date.Format(time.DateOnly), StartTime: d.StartTime, SlotMinutes: d.SlotMinutes, Slots: d.Slots, MorningSlots: d.MorningSlots, Tables: d.Tables,
			LunchMinutes: d.LunchMinutes}
	}
	r := fairResponse{
		ID: f.ID, NameVI: f.NameVI, NameEN: f.NameEN, Kind: f.Kind, Theme: f.Theme, Region: f.Region, RegionName: region.Name,
		HostProvince: f.HostProvince, HostProvinceName: prov.Name, Venue: venueBody{Name: f.Venue.Name, Address: f.Venue.Address},
		StartDate: f.StartDate.Format(time.DateOnly), EndDate: f.EndDate.Format(time.DateOnly),
		ApplicationsOpen: f.ApplicationsOpen, ApplicationsClose: f.ApplicationsClose, AcceptsNow: f.AcceptsApplications(now),
		Eligibility: eligibilityBody{MinStars: f.Eligibility.MinStars, AllowedSectors: nonNil(f.Eligibility.AllowedSectors),
			AllowedProvinces: nonNil(f.Eligibility.AllowedProvinces), AllowedRegions: nonNil(f.Eligibility.AllowedRegions),
			MaxBoothsPerProducer: f.Eligibility.MaxBoothsPerProducer, ProvinceQuotas: f.Eligibility.ProvinceQuotas},
		Fees:    feesBody{BoothPrices: f.Fees.BoothPrices, SubsidyPercent: f.Fees.SubsidyPercent, MaxSubsidisedBooths: f.Fees.MaxSubsidisedBooths},
		Contact: contactBody{Name: f.Contact.Name, Phone: f.Contact.Phone, Email: f.Contact.Email},
		Status:  string(f.Status), AllowedActions: actions, CancelReason: f.CancelReason, Discarded: f.Discarded, B2BDays: days,
		Revision: f.Revision, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt,
	}
	if manager {
		r.Organisers = f.Organisers
	}
	return r
}

type cancelRequest struct {
	Reason string `json:"reason" required:"true" doc:"shown to producers and buyers; at most 500 characters"`
}

type b2bRequest struct {
	Days []b2bDayBody `json:"days" doc:"the whole setting, at most 14 days; an empty list removes the B2B sessions"`
}

// Routes serves the fairs: creating, listing, reading and changing them, their lifecycle and their
// B2B session settings.
type Routes struct {
	Fairs *Store
	// Model serves the reads once ready; this replica's writes go into it as soon as they are
	// stored (nil: every read goes to the database).
	Model *Model
	// Notify wakes the outbox relay after a write.
	Notify func()
	Now    func() time.Time
	// memo keeps the public list's encoded answers (see listFairs).
	memo *httpx.Memo
}

func (rt *Routes) access() Access { return Access{Fairs: rt.Fairs, Model: rt.Model} }

// Register adds the fair routes to api.
func (rt *Routes) Register(api httpx.API) {
	rt.memo = httpx.NewMemo(8 << 20)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs", Tag: "fairs", Roles: OrganiserRoles, Status: http.StatusCreated, Idempotent: true,
		Summary: "Create a draft fair, organised by its creator or by the organisers given, among whom an organiser creating it must be (an admin may give any).", Request: fairCreateRequest{}, Response: fairResponse{}}, rt.createFair)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs", Tag: "fairs",
		Summary: "List fairs (public). Drafts appear only to their organisers and admins.", Response: httpx.List[fairResponse]{},
		Query: []openapi.Param{{Name: "kind"}, {Name: "status", Description: "one or more statuses, comma-separated"}, {Name: "region"},
			{Name: "province", Description: "host province code or name"}, {Name: "from", Format: "date", Description: "fairs ending on or after"},
			{Name: "to", Format: "date", Description: "fairs starting on or before"}, {Name: "q", Description: "search of the names by words (at most 200 characters), whole or their start, ignoring diacritics; best matches first"},
			{Name: "order", Description: "by start date: asc (default) or desc, the latest first (past fairs); a search (q) lists best matches first", Enum: []string{"asc", "desc"}},
			{Name: "organiser", Description: "me: only the fairs the signed-in caller organises, in any status (401 without a token)", Enum: []string{"me"}},
			{Name: "limit", Type: "integer"}, {Name: "cursor"}}, Errors: []int{http.StatusUnauthorized}}, rt.listFairs)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:id", Tag: "fairs", Summary: "One fair (public once published).", Response: fairResponse{}}, rt.getFair)
	api.Handle(openapi.Op{Method: http.MethodPatch, Path: "/api/fairs/:id", Tag: "fairs", Roles: OrganiserRoles,
		Summary: "Change a fair (its organisers and admins); an organiser who changes the organisers must stay among them.", Request: fairRequest{}, Response: fairResponse{}}, rt.patchFair)
	for _, a := range []Action{Publish, CloseApplications, Start, Complete} {
		api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/" + string(a), Tag: "fairs", Roles: OrganiserRoles,
			Summary: "Lifecycle: " + string(a) + ". An illegal move is 409 and names the allowed ones.", Response: fairResponse{}}, rt.move(a))
	}
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/cancel", Tag: "fairs", Roles: OrganiserRoles,
		Summary: "Cancel the fair with a reason; booths are released and applications cancelled.", Request: cancelRequest{}, Response: fairResponse{}}, rt.cancelFair)
	api.Handle(openapi.Op{Method: http.MethodPut, Path: "/api/fairs/:id/b2b-sessions", Tag: "fairs", Roles: OrganiserRoles,
		Summary: "Set the B2B conference days, slots and tables; each day ends by 24:00 of its date. Send If-Match with the fair's revision (\"7\") to be refused (409 fair_b2b_changed) when someone saved since.", Request: b2bRequest{}, Response: fairResponse{}}, rt.setB2B)
}

// bindFields reads a fairRequest body (or a fairCreateRequest, the same fields documented for a
// create) as the fields it gives; it has answered the request when it returns false.
func bindFields[T fairRequest | fairCreateRequest](c *gin.Context) (Fields, bool) {
	var req T
	if !httpx.Bind(c, &req) {
		return Fields{}, false
	}
	fields, err := fairRequest(req).fields()
	if err != nil {
		httpx.RespondError(c, err)
		return Fields{}, false
	}
	fields.Editor = editor(c)
	return fields, true
}

func (rt *Routes) createFair(c *gin.Context) {
	fields, ok := bindFields[fairCreateRequest](c)
	if !ok {
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	f, err := New(httpx.NewID(c), p.AccountID, fields, Stamp(rt.Now()))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := rt.Fairs.Create(c.Request.Context(), f, correlation.From(c.Request.Context())); err != nil {
		// The caller manages the stored fair (an admin may have created it for other organisers).
		stored, ok := httpx.StoredBefore(c, f.ID, err, rt.Fairs.Get, func(x Fair) bool { return CanManage(c, x) })
		if !ok {
			httpx.RespondError(c, err)
			return
		}
		// A re-run of a request whose first run stored the fair but whose response was lost:
		// answer as that first run did, so the client learns the fair it created.
		f = stored
	}
	rt.remember(f)
	rt.Notify()
	c.Header("Location", "/api/fairs/"+f.ID)
	c.JSON(http.StatusCreated, toFairResponse(f, true, rt.Now()))
}

func (rt *Routes) getFair(c *gin.Context) {
	f, ok := rt.access().Visible(c)
	if !ok {
		return
	}
	httpx.JSONWithETag(c, toFairResponse(f, CanManage(c, f), rt.Now()))
}

// remember puts a fair this replica just stored into the model, so that its writer reads it at
// once instead of after the relay's round trip through the stream.
func (rt *Routes) remember(f Fair) {
	if rt.Model != nil {
		rt.Model.Put(f)
	}
}

// list reads the fairs of flt from the model once it is ready, from the database before.
func (rt *Routes) list(ctx context.Context, flt Filter) ([]Fair, error) {
	if rt.Model.Ready() {
		return rt.Model.List(flt), nil
	}
	return rt.Fairs.List(ctx, flt)
}

func (rt *Routes) listFairs(c *gin.Context) {
	page, err := httpx.PageOf(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	flt, err := listFilter(c, page)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	p, signedIn := httpx.PrincipalFrom(c)
	organiser := c.Query("organiser")
	if organiser != "" {
		if !signedIn {
			httpx.RespondError(c, apperr.New(apperr.Unauthorized, msgOrganiserSignIn))
			return
		}
		flt.OrganisedBy = p.AccountID
	}
	if signedIn {
		flt.Organiser, flt.All = draftsOf(p), p.Role == auth.RoleAdmin
	}
	answer := func(fairs []Fair) any {
		return httpx.ListOf(fairs, page.Limit, func(f Fair) any {
			return Cursor{Start: f.StartDate, ID: f.ID, Rank: Rank(flt.Query, f), Desc: flt.Desc}
		},
			func(f Fair) fairResponse { return toFairResponse(f, CanManage(c, f), rt.Now()) })
	}
	if !signedIn && rt.Model.Ready() {
		// The public list is the same for every visitor: keep each query's answer until the model
		// changes (or the minute turns: a fair's status follows the clock), however many ask. The
		// version is read before the answer is built, so a change meanwhile rebuilds the next one.
		version := strconv.FormatUint(rt.Model.Version(), 10) + "/" + rt.Now().UTC().Format("2006-01-02T15:04")
		rt.memo.JSON(c, c.Request.URL.RawQuery, version, func() any { return answer(rt.Model.List(flt)) })
		return
	}
	fairs, err := rt.list(c.Request.Context(), flt)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	httpx.JSONWithETag(c, answer(fairs))
}

// change loads the fair (checking the caller organises it), applies fn, and saves with one event
// of subject, retrying when another writer got in between.
func (rt *Routes) change(c *gin.Context, subject func(Fair) string, fn func(Fair) (Fair, error)) (Fair, bool) {
	f, ok := rt.access().Managed(c)
	if !ok {
		return Fair{}, false
	}
	ctx := c.Request.Context()
	next, err := storage.RetryStale(ctx, f, storage.StaleTries, ErrStale, fn,
		func(ctx context.Context, next, prev Fair) error {
			return rt.Fairs.Save(ctx, next, prev.Revision, subject(next), correlation.From(ctx))
		},
		func(ctx context.Context, prev Fair) (Fair, error) {
			// Changed meanwhile: the caller must still manage it (an organiser taken off the
			// list by that change may not put itself back).
			f, err := rt.Fairs.Get(ctx, prev.ID)
			if err == nil && !CanManage(c, f) {
				err = apperr.New(apperr.Forbidden, msgForbidden)
			}
			return f, err
		})
	if err != nil {
		httpx.RespondError(c, err)
		return Fair{}, false
	}
	rt.remember(next)
	rt.Notify()
	c.JSON(http.StatusOK, toFairResponse(next, true, rt.Now()))
	return next, true
}

func (rt *Routes) move(a Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		rt.change(c, func(Fair) string { return SubjectOf(a) }, func(f Fair) (Fair, error) { return f.Move(a, "", Stamp(rt.Now())) })
	}
}

func (rt *Routes) cancelFair(c *gin.Context) {
	var req cancelRequest
	if !httpx.Bind(c, &req) {
		return
	}
	rt.change(c, func(Fair) string { return events.FairCancelled }, func(f Fair) (Fair, error) { return f.Move(Cancel, req.Reason, Stamp(rt.Now())) })
}

func (rt *Routes) setB2B(c *gin.Context) {
	var req b2bRequest
	if !httpx.Bind(c, &req) {
		return
	}
	var v apperr.Validation
	days := make([]B2BDay, len(req.Days))
	for i, d := range req.Days {
		days[i] = B2BDay{StartTime: d.StartTime, SlotMinutes: d.SlotMinutes, Slots: d.Slots, MorningSlots: d.MorningSlots, Tables: d.Tables,
			LunchMinutes: d.LunchMinutes}
		if d.Date != "" {
			days[i].Date = parseDate(&v, "days["+strconv.Itoa(i)+"].date", d.Date)
		}
	}
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	// With If-Match, the days replace only the revision of the fair the sender read: every day is
	// sent, so a day another organiser saved meanwhile would otherwise be dropped.
	match := c.GetHeader("If-Match")
	rt.change(c, func(Fair) string { return events.FairB2BSessionsSet }, func(f Fair) (Fair, error) {
		if !httpx.IfMatch(match, strconv.FormatInt(f.Revision, 10)) {
			return Fair{}, apperr.New(apperr.Conflict, msgB2BChanged, f.Revision)
		}
		return f.SetB2BDays(days, Stamp(rt.Now()))
	})
}

func parseDate(v *apperr.Validation, field, s string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), vntext.Zone)
	v.Expect(err == nil, field, apperr.NotDate)
	return d
}

func parseTime(v *apperr.Validation, field, s string, deadline bool) time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		// A bare date means the start of that day in Vietnam; as a deadline ("applications close
		// 20/02"), the whole of that day: its last millisecond, which still reads as that day.
		if d, derr := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), vntext.Zone); derr == nil {
			if deadline {
				return d.AddDate(0, 0, 1).Add(-time.Millisecond)
			}
			return d
		}
	}
	v.Expect(err == nil, field, msgDateTime)
	return t.In(vntext.Zone)
}
