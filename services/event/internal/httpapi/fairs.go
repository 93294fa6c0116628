package httpapi

import (
	"context"
	"net/http"
	"slices"
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
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

type venueBody struct {
	Name    string `json:"name"`
	Address string `json:"address"`
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
	BoothPrices         map[string]int64 `json:"booth_prices" doc:"VND per booth kind"`
	SubsidyPercent      int              `json:"subsidy_percent"`
	MaxSubsidisedBooths int              `json:"max_subsidised_booths"`
}

type contactBody struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// fairRequest creates (all required fields) or patches (any subset) a fair.
type fairRequest struct {
	NameVI            *string          `json:"name_vi"`
	NameEN            *string          `json:"name_en"`
	Kind              *string          `json:"kind" doc:"fair, trade_week, regional_promotion or b2b_conference"`
	Theme             *string          `json:"theme"`
	Region            *string          `json:"region" doc:"region or promotion-group code"`
	HostProvince      *string          `json:"host_province" doc:"code or name of one of the 34 provinces"`
	Venue             *venueBody       `json:"venue"`
	StartDate         *string          `json:"start_date" doc:"YYYY-MM-DD"`
	EndDate           *string          `json:"end_date" doc:"YYYY-MM-DD, inclusive"`
	ApplicationsOpen  *string          `json:"applications_open" doc:"RFC 3339"`
	ApplicationsClose *string          `json:"applications_close" doc:"RFC 3339, before the start"`
	Eligibility       *eligibilityBody `json:"eligibility"`
	Fees              *feesBody        `json:"fees"`
	Contact           *contactBody     `json:"contact"`
	Organisers        *[]string        `json:"organisers" doc:"organiser account IDs who may manage the fair"`
}

func (r fairRequest) fields() (fair.Fields, error) {
	var v apperr.Validation
	f := fair.Fields{NameVI: r.NameVI, NameEN: r.NameEN, Kind: r.Kind, Theme: r.Theme, Region: r.Region, HostProvince: r.HostProvince, Organisers: r.Organisers}
	if r.Venue != nil {
		f.Venue = &fair.Venue{Name: r.Venue.Name, Address: r.Venue.Address}
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
		t := parseTime(&v, field, *s)
		return &t
	}
	f.StartDate, f.EndDate = date(r.StartDate, "start_date"), date(r.EndDate, "end_date")
	f.ApplicationsOpen, f.ApplicationsClose = stamp(r.ApplicationsOpen, "applications_open"), stamp(r.ApplicationsClose, "applications_close")
	if e := r.Eligibility; e != nil {
		f.Eligibility = &fair.Eligibility{MinStars: e.MinStars, AllowedSectors: e.AllowedSectors, AllowedProvinces: e.AllowedProvinces,
			AllowedRegions: e.AllowedRegions, MaxBoothsPerProducer: e.MaxBoothsPerProducer, ProvinceQuotas: e.ProvinceQuotas}
	}
	if fe := r.Fees; fe != nil {
		f.Fees = &fair.Fees{BoothPrices: fe.BoothPrices, SubsidyPercent: fe.SubsidyPercent, MaxSubsidisedBooths: fe.MaxSubsidisedBooths}
	}
	if ct := r.Contact; ct != nil {
		f.Contact = &fair.Contact{Name: ct.Name, Phone: ct.Phone, Email: ct.Email}
	}
	return f, v.Err()
}

type b2bDayBody struct {
	Date         string `json:"date" doc:"YYYY-MM-DD, one of the fair's days"`
	StartTime    string `json:"start_time" doc:"HH:MM"`
	SlotMinutes  int    `json:"slot_minutes"`
	Slots        int    `json:"slots"`
	MorningSlots int    `json:"morning_slots" doc:"the first this many slots are the morning session"`
	Tables       int    `json:"tables"`
}

type fairResponse struct {
	ID                string          `json:"id"`
	NameVI            string          `json:"name_vi"`
	NameEN            string          `json:"name_en"`
	Kind              string          `json:"kind"`
	Theme             string          `json:"theme"`
	Region            string          `json:"region"`
	RegionName        string          `json:"region_name"`
	HostProvince      string          `json:"host_province"`
	HostProvinceName  string          `json:"host_province_name"`
	Venue             venueBody       `json:"venue"`
	StartDate         string          `json:"start_date"`
	EndDate           string          `json:"end_date"`
	ApplicationsOpen  time.Time       `json:"applications_open"`
	ApplicationsClose time.Time       `json:"applications_close"`
	AcceptsNow        bool            `json:"accepts_applications_now"`
	Eligibility       eligibilityBody `json:"eligibility"`
	Fees              feesBody        `json:"fees"`
	Contact           contactBody     `json:"contact"`
	Organisers        []string        `json:"organisers,omitempty" doc:"shown to the fair's organisers and admins"`
	Status            string          `json:"status"`
	AllowedActions    []string        `json:"allowed_actions"`
	CancelReason      string          `json:"cancel_reason,omitempty"`
	B2BDays           []b2bDayBody    `json:"b2b_days"`
	Revision          int64           `json:"revision"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

func toFairResponse(f fair.Fair, manager bool, now time.Time) fairResponse {
	region, _ := ocop.RegionByCode(f.Region)
	prov, _ := ocop.ProvinceByCode(f.HostProvince)
	actions := []string{}
	if manager {
		for _, a := range fair.Allowed(f.Status) {
			actions = append(actions, string(a))
		}
	}
	days := make([]b2bDayBody, len(f.B2BDays))
	for i, d := range f.B2BDays {
		days[i] = b2bDayBody{Date: d.Date.Format(time.DateOnly), StartTime: d.StartTime, SlotMinutes: d.SlotMinutes, Slots: d.Slots, MorningSlots: d.MorningSlots, Tables: d.Tables}
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
		Status:  string(f.Status), AllowedActions: actions, CancelReason: f.CancelReason, B2BDays: days,
		Revision: f.Revision, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt,
	}
	if manager {
		r.Organisers = f.Organisers
	}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type cancelRequest struct {
	Reason string `json:"reason"`
}

type b2bRequest struct {
	Days []b2bDayBody `json:"days"`
}

func (s *Server) mountFairs(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs", Tag: "fairs", Roles: organisers, Status: http.StatusCreated, Idempotent: true,
		Summary: "Create a draft fair; the creator becomes its organiser.", Request: fairRequest{}, Response: fairResponse{}}, s.createFair)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs", Tag: "fairs",
		Summary: "List fairs (public). Drafts appear only to their organisers and admins.", Response: httpx.List[fairResponse]{},
		Query: []openapi.Param{{Name: "kind"}, {Name: "status", Description: "one or more statuses, comma-separated"}, {Name: "region"},
			{Name: "province", Description: "host province code or name"}, {Name: "from", Description: "YYYY-MM-DD: fairs ending on or after"},
			{Name: "to", Description: "YYYY-MM-DD: fairs starting on or before"}, {Name: "q", Description: "name search ignoring diacritics"},
			{Name: "organiser", Description: "me: only the fairs the signed-in caller organises, in any status"},
			{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, s.listFairs)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:id", Tag: "fairs", Summary: "One fair (public once published).", Response: fairResponse{}}, s.getFair)
	api.Handle(openapi.Op{Method: http.MethodPatch, Path: "/api/fairs/:id", Tag: "fairs", Roles: organisers,
		Summary: "Change a fair (its organisers and admins).", Request: fairRequest{}, Response: fairResponse{}}, s.patchFair)
	for _, a := range []fair.Action{fair.Publish, fair.CloseApplications, fair.Start, fair.Complete} {
		api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/" + string(a), Tag: "fairs", Roles: organisers,
			Summary: "Lifecycle: " + string(a) + ". An illegal move is 409 and names the allowed ones.", Response: fairResponse{}}, s.move(a))
	}
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/cancel", Tag: "fairs", Roles: organisers,
		Summary: "Cancel the fair with a reason; booths are released and applications cancelled.", Request: cancelRequest{}, Response: fairResponse{}}, s.cancelFair)
	api.Handle(openapi.Op{Method: http.MethodPut, Path: "/api/fairs/:id/b2b-sessions", Tag: "fairs", Roles: organisers,
		Summary: "Set the B2B conference days, slots and tables.", Request: b2bRequest{}, Response: fairResponse{}}, s.setB2B)
}

func (s *Server) createFair(c *gin.Context) {
	var req fairRequest
	if !httpx.Bind(c, &req) {
		return
	}
	fields, err := req.fields()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	f, err := fair.New(httpx.NewID(c), p.AccountID, fields, s.now())
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := s.Fairs.Create(c.Request.Context(), f, correlation.From(c.Request.Context())); err != nil {
		stored, ok := s.createdBefore(c, f.ID, p.AccountID, err)
		if !ok {
			httpx.RespondError(c, err)
			return
		}
		// A re-run of a request whose first run stored the fair but whose response was lost:
		// answer as that first run did, so the client learns the fair it created.
		f = stored
	}
	s.Notify()
	c.Header("Location", "/api/fairs/"+f.ID)
	c.JSON(http.StatusCreated, toFairResponse(f, true, s.Now()))
}

// createdBefore returns the fair a re-run of an idempotent create meets: when err is a duplicate
// key, the ID came from the Idempotency-Key (so it is this request's own ID, not a clash) and the
// stored fair is the caller's. Anything else is a real conflict, answered as such.
func (s *Server) createdBefore(c *gin.Context, id, accountID string, err error) (fair.Fair, bool) {
	if !httpx.Rerun(c, id, err) {
		return fair.Fair{}, false
	}
	f, gerr := s.Fairs.Get(c.Request.Context(), id)
	if gerr != nil || !f.IsOrganiser(accountID) {
		return fair.Fair{}, false
	}
	return f, true
}

func (s *Server) getFair(c *gin.Context) {
	f, ok := s.loadFair(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, toFairResponse(f, canManage(c, f), s.Now()))
}

func (s *Server) listFairs(c *gin.Context) {
	page, err := httpx.PageOf(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	var v apperr.Validation
	flt := fair.Filter{Kind: c.Query("kind"), Region: c.Query("region"), Query: c.Query("q"), Limit: page.Limit + 1}
	if flt.Kind != "" {
		v.Check(slices.Contains(fair.Kinds, flt.Kind), "kind", "must be fair, trade_week, regional_promotion or b2b_conference")
	}
	if flt.Region != "" {
		_, ok := ocop.RegionByCode(flt.Region)
		v.Check(ok, "region", "is not a region code")
	}
	if pv := c.Query("province"); pv != "" {
		prov, ok := ocop.LookupProvince(pv)
		v.Check(ok, "province", "is not one of the 34 provinces")
		flt.Province = prov.Code
	}
	for _, st := range strings.Split(c.Query("status"), ",") {
		if st = strings.TrimSpace(st); st != "" {
			valid := slices.Contains([]fair.Status{fair.Draft, fair.Published, fair.ApplicationsClosed, fair.Live, fair.Completed, fair.Cancelled}, fair.Status(st))
			v.Check(valid, "status", "must be draft, published, applications_closed, live, completed or cancelled")
			flt.Statuses = append(flt.Statuses, fair.Status(st))
		}
	}
	if s := c.Query("from"); s != "" {
		flt.From = parseDate(&v, "from", s)
	}
	if s := c.Query("to"); s != "" {
		flt.To = parseDate(&v, "to", s)
	}
	var cur fair.Cursor
	if page.Cursor != "" {
		if err := httpx.DecodeCursor(page.Cursor, &cur); err != nil {
			httpx.RespondError(c, err)
			return
		}
		flt.After = &cur
	}
	p, signedIn := httpx.PrincipalFrom(c)
	organiser := c.Query("organiser")
	if organiser != "" {
		v.Check(organiser == "me", "organiser", "must be me: the list can narrow only to the caller's own fairs")
	}
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	if organiser != "" {
		if !signedIn {
			httpx.RespondError(c, apperr.E(apperr.Unauthorized, "organiser=me lists the caller's own fairs: sign in first"))
			return
		}
		flt.OrganisedBy = p.AccountID
	}
	if signedIn {
		flt.Organiser = p.AccountID
		flt.All = p.Role == auth.RoleAdmin
	}
	fairs, err := s.Fairs.List(c.Request.Context(), flt)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, httpx.ListOf(fairs, page.Limit, func(f fair.Fair) any { return fair.Cursor{Start: f.StartDate, ID: f.ID} },
		func(f fair.Fair) fairResponse { return toFairResponse(f, canManage(c, f), s.Now()) }))
}

// change loads the fair (checking the caller organises it), applies fn, and saves with one event
// of subject, retrying when another writer got in between.
func (s *Server) change(c *gin.Context, subject func(fair.Fair) string, fn func(fair.Fair) (fair.Fair, error)) (fair.Fair, bool) {
	f, ok := s.manageFair(c)
	if !ok {
		return fair.Fair{}, false
	}
	ctx := c.Request.Context()
	next, err := storage.RetryStale(ctx, f, storage.StaleTries, fair.ErrStale, fn,
		func(ctx context.Context, next, prev fair.Fair) error {
			return s.Fairs.Save(ctx, next, prev.Revision, subject(next), correlation.From(ctx))
		},
		func(ctx context.Context, prev fair.Fair) (fair.Fair, error) { return s.Fairs.Get(ctx, prev.ID) })
	if err != nil {
		httpx.RespondError(c, err)
		return fair.Fair{}, false
	}
	s.Notify()
	c.JSON(http.StatusOK, toFairResponse(next, true, s.Now()))
	return next, true
}

func (s *Server) patchFair(c *gin.Context) {
	var req fairRequest
	if !httpx.Bind(c, &req) {
		return
	}
	fields, err := req.fields()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	s.change(c, func(fair.Fair) string { return events.FairUpdated }, func(f fair.Fair) (fair.Fair, error) { return f.Update(fields, s.now()) })
}

func (s *Server) move(a fair.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		s.change(c, func(fair.Fair) string { return fair.SubjectOf(a) }, func(f fair.Fair) (fair.Fair, error) { return f.Move(a, "", s.now()) })
	}
}

func (s *Server) cancelFair(c *gin.Context) {
	var req cancelRequest
	if !httpx.Bind(c, &req) {
		return
	}
	s.change(c, func(fair.Fair) string { return events.FairCancelled }, func(f fair.Fair) (fair.Fair, error) { return f.Move(fair.Cancel, req.Reason, s.now()) })
}

func (s *Server) setB2B(c *gin.Context) {
	var req b2bRequest
	if !httpx.Bind(c, &req) {
		return
	}
	var v apperr.Validation
	days := make([]fair.B2BDay, len(req.Days))
	for i, d := range req.Days {
		days[i] = fair.B2BDay{StartTime: d.StartTime, SlotMinutes: d.SlotMinutes, Slots: d.Slots, MorningSlots: d.MorningSlots, Tables: d.Tables}
		if d.Date != "" {
			days[i].Date = parseDate(&v, "days["+strconv.Itoa(i)+"].date", d.Date)
		}
	}
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	s.change(c, func(fair.Fair) string { return events.FairB2BSessionsSet }, func(f fair.Fair) (fair.Fair, error) { return f.SetB2BDays(days, s.now()) })
}
