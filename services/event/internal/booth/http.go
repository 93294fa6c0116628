package booth

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/sheet"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

type boothInput struct {
	Code   string  `json:"code"`
	Zone   string  `json:"zone"`
	Kind   string  `json:"kind" doc:"standard (3×3 m), corner, double (3×6 m) or premium"`
	X      float64 `json:"x" doc:"metres from the left of the hall"`
	Y      float64 `json:"y" doc:"metres from the top of the hall"`
	W      float64 `json:"w" doc:"width in metres; default by kind"`
	H      float64 `json:"h" doc:"depth in metres; default by kind"`
	Price  int64   `json:"price" doc:"VND; 0 uses the fair's price for the kind"`
	Status string  `json:"status" enum:"available,reserved,blocked" doc:"default available"`
}

type gridInput struct {
	Zone        string  `json:"zone"`
	Prefix      string  `json:"prefix" doc:"code prefix, e.g. A gives A01, A02, ..."`
	Kind        string  `json:"kind"`
	Rows        int     `json:"rows"`
	Columns     int     `json:"columns"`
	OriginX     float64 `json:"origin_x"`
	OriginY     float64 `json:"origin_y"`
	Aisle       float64 `json:"aisle" doc:"metres between rows; default 3"`
	StartNumber int     `json:"start_number" doc:"default 1"`
	Price       int64   `json:"price"`
}

type addBoothsRequest struct {
	Booths []boothInput `json:"booths"`
	Grid   *gridInput   `json:"grid"`
}

type boothPatch struct {
	Zone   *string  `json:"zone"`
	Kind   *string  `json:"kind"`
	X      *float64 `json:"x"`
	Y      *float64 `json:"y"`
	W      *float64 `json:"w"`
	H      *float64 `json:"h"`
	Price  *int64   `json:"price"`
	Status *string  `json:"status" enum:"available,reserved,blocked"`
}

type assignRequest struct {
	ApplicationID string `json:"application_id" required:"true" doc:"an approved application of the fair"`
}

type assignmentBody struct {
	FairID        string    `json:"fair_id"`
	BoothCode     string    `json:"booth_code"`
	Zone          string    `json:"zone"`
	ApplicationID string    `json:"application_id"`
	ProducerID    string    `json:"producer_id"`
	Pinned        bool      `json:"pinned"`
	AssignedAt    time.Time `json:"assigned_at"`
}

// Routes serves a fair's floor plan: its booths, the map, the booth-plan download, and assigning
// and releasing booths by hand.
type Routes struct {
	Access     fair.Access
	Booths     *Store
	Applicants *applicants.Store
	// Plans serves the map once ready (nil: the database does).
	Plans *Plans
	// Notify wakes the outbox relay after a write.
	Notify func()
	Now    func() time.Time
	memo   *httpx.Memo
	// layout is held from a layout check to the end of its write (checkLayout).
	layout sync.Mutex
}

// Register adds the floor-plan routes to api.
func (rt *Routes) Register(api httpx.API) {
	rt.memo = httpx.NewMemo(32 << 20)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/booths", Tag: "floor plan", Roles: fair.OrganiserRoles, Status: http.StatusCreated, Idempotent: true,
		Summary: "Add booths: a list, or a grid generator (zone, rows, columns, prefix, kind).", Request: addBoothsRequest{}, Response: mapResponse{}}, rt.addBooths)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:id/booths", Tag: "floor plan",
		Summary: "The floor plan as map data (public), or the booth plan as CSV/XLSX for organisers.", Response: mapResponse{},
		Query: []openapi.Param{{Name: "format", Description: "json (default), csv or xlsx", Enum: []string{"json", "csv", "xlsx"}}},
		Files: []string{"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, Headers: map[string]string{"ETag": "a hash of the JSON body"},
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden}}, rt.getBooths)
	api.Handle(openapi.Op{Method: http.MethodPatch, Path: "/api/fairs/:id/booths/:code", Tag: "floor plan", Roles: fair.OrganiserRoles,
		Summary: "Change a booth that is not assigned.", Request: boothPatch{}, Response: boothBody{}}, rt.patchBooth)
	api.Handle(openapi.Op{Method: http.MethodDelete, Path: "/api/fairs/:id/booths/:code", Tag: "floor plan", Roles: fair.OrganiserRoles, Status: http.StatusNoContent,
		Summary: "Remove a booth that is not assigned."}, rt.deleteBooth)
	api.Handle(openapi.Op{Method: http.MethodPut, Path: "/api/fairs/:id/booths/:code/assignment", Tag: "allocation", Roles: fair.OrganiserRoles,
		Summary: "Assign a booth by hand to an approved application (pinned: the allocator keeps it). 409 if the booth is held.",
		Request: assignRequest{}, Response: assignmentBody{}}, rt.assign)
	api.Handle(openapi.Op{Method: http.MethodDelete, Path: "/api/fairs/:id/booths/:code/assignment", Tag: "allocation", Roles: fair.OrganiserRoles, Status: http.StatusNoContent,
		Summary: "Release a booth."}, rt.release)
	rt.registerLandmarks(api)
}

func (rt *Routes) addBooths(c *gin.Context) {
	f, ok := rt.Access.Managed(c)
	if !ok {
		return
	}
	var req addBoothsRequest
	if !httpx.Bind(c, &req) {
		return
	}
	if !floorPlanOpen(c, f) {
		return
	}
	var booths []Booth
	field := func(i int) string { return "grid.position" }
	switch {
	case req.Grid != nil && len(req.Booths) > 0:
		httpx.RespondError(c, apperr.New(apperr.Invalid, msgBoothsOrGrid))
		return
	case req.Grid != nil:
		g := req.Grid
		var err error
		booths, err = Grid{Zone: g.Zone, Prefix: g.Prefix, Kind: g.Kind, Rows: g.Rows, Columns: g.Columns, OriginX: g.OriginX,
			OriginY: g.OriginY, Aisle: g.Aisle, StartNumber: g.StartNumber, Price: g.Price}.Booths(f.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
	case len(req.Booths) > 0:
		field = func(i int) string { return "booths[" + strconv.Itoa(i) + "].position" }
		var v apperr.Validation
		v.Expect(len(req.Booths) <= 500, "booths", apperr.TooMany, 500)
		seen := map[string]bool{}
		for i, in := range req.Booths {
			hold, okStatus := holdOf(in.Status)
			if !okStatus {
				v.Fail("booths["+strconv.Itoa(i)+"].status", apperr.OneOf, holdStatuses)
			}
			b, err := Normalize(Booth{FairID: f.ID, Code: in.Code, Zone: in.Zone, Kind: in.Kind, X: in.X, Y: in.Y, W: in.W, H: in.H, Price: in.Price, Hold: hold},
				"booths["+strconv.Itoa(i)+"].")
			v.Merge("", err)
			if seen[b.Code] {
				v.Fail("booths["+strconv.Itoa(i)+"].code", msgTwice)
			}
			seen[b.Code] = true
			booths = append(booths, b)
		}
		if err := v.Err(); err != nil {
			httpx.RespondError(c, err)
			return
		}
	default:
		httpx.RespondError(c, apperr.InvalidField("booths", msgNothingToAdd))
		return
	}
	if err := rt.addChecked(c.Request.Context(), f.ID, booths, field, httpx.NewID(c)); err != nil {
		httpx.RespondError(c, err)
		return
	}
	m, err := rt.floorPlan(c.Request.Context(), f)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusCreated, m)
}

// addChecked adds booths to a fair's plan, for request requestID (httpx.NewID), unless they
// overlap each other or its booths. A re-run of a request whose first run stored the booths and
// failed after (counting the change, say) adds those it did not store, and counts the change
// again, so that it answers 201 with the plan rather than 409 booth_code_taken, kept for a day.
func (rt *Routes) addChecked(ctx context.Context, fairID string, booths []Booth, field func(i int) string, requestID string) error {
	rt.layout.Lock()
	defer rt.layout.Unlock()
	rest, err := rt.checkAdd(ctx, fairID, booths, field, requestID)
	switch {
	case err != nil:
		return err
	case len(rest) == 0:
		return rt.Booths.floorplanChanged(ctx, fairID, correlation.From(ctx))
	}
	_, err = rt.Booths.AddBoothsFor(ctx, rest, requestID)
	return err
}

func holdOf(status string) (string, bool) {
	switch status {
	case "", Available:
		return "", true
	case Reserved, Blocked:
		return status, true
	}
	return "", false
}

func (rt *Routes) getBooths(c *gin.Context) {
	f, ok := rt.Access.Visible(c)
	if !ok {
		return
	}
	format := c.DefaultQuery("format", "json")
	if format != "json" {
		if !fair.CanManage(c, f) {
			httpx.RespondError(c, apperr.New(apperr.Forbidden, msgPlanOrganisersOnly))
			return
		}
		ctx := c.Request.Context()
		booths, held, apps, err := rt.load(ctx, f.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		sheet.Send(c, PlanTable(f, booths, held, apps, httpx.Lang(c)), format, sheet.FileName("so-do-gian-hang", f.NameVI, f.ID))
		return
	}
	if rt.Plans.Ready() {
		// The map of an unchanged model and fair is encoded once, however many phones ask.
		// The version is read before the plan: a change in between is then built under the older
		// version and rebuilt at the next read, never kept under the newer one.
		version := strconv.FormatUint(rt.Plans.Version(), 10) + "/" + strconv.FormatInt(f.Revision, 10)
		rt.memo.JSON(c, f.ID, version, func() any {
			booths, held, apps := rt.Plans.Plan(f.ID)
			return withLandmarks(toMap(f, booths, held, apps), rt.Plans.Landmarks(f.ID))
		})
		return
	}
	m, err := rt.floorPlan(c.Request.Context(), f)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// Phones on the floor poll the map: an unchanged one costs them no body.
	httpx.JSONWithETag(c, m)
}

// floorPlanOpen answers 409 and returns false once the fair is completed or cancelled: its floor
// plan is then a record that reports and exports read, and stays as it was.
func floorPlanOpen(c *gin.Context, f fair.Fair) bool {
	if f.Status == fair.Completed || f.Status == fair.Cancelled {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgPlanClosed, fair.StatusName(f.Status)))
		return false
	}
	return true
}

// editableBooth loads a booth for editing: the floor plan must be open, and the booth must exist
// and not be assigned.
func (rt *Routes) editableBooth(c *gin.Context, f fair.Fair) (Booth, bool) {
	if !floorPlanOpen(c, f) {
		return Booth{}, false
	}
	code := strings.ToUpper(c.Param("code"))
	b, err := rt.Booths.Booth(c.Request.Context(), f.ID, code)
	if err != nil {
		httpx.RespondError(c, err)
		return Booth{}, false
	}
	held, err := rt.Booths.ActiveAt(c.Request.Context(), f.ID, code)
	if err != nil {
		httpx.RespondError(c, err)
		return Booth{}, false
	}
	if len(held) > 0 {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgBoothHeld, code))
		return Booth{}, false
	}
	return b, true
}

func (rt *Routes) patchBooth(c *gin.Context) {
	f, ok := rt.Access.Managed(c)
	if !ok {
		return
	}
	var req boothPatch
	if !httpx.Bind(c, &req) {
		return
	}
	b, ok := rt.editableBooth(c, f)
	if !ok {
		return
	}
	before := b
	if req.Zone != nil {
		b.Zone = *req.Zone
	}
	if req.Kind != nil {
		b.Kind = *req.Kind
	}
	for _, p := range []struct {
		dst *float64
		src *float64
	}{{&b.X, req.X}, {&b.Y, req.Y}, {&b.W, req.W}, {&b.H, req.H}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	if req.Price != nil {
		b.Price = *req.Price
	}
	if req.Status != nil {
		hold, valid := holdOf(*req.Status)
		if !valid {
			httpx.RespondError(c, apperr.InvalidField("status", apperr.OneOf, holdStatuses))
			return
		}
		b.Hold = hold
	}
	b, err := Normalize(b, "")
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := rt.saveChecked(c.Request.Context(), before, b); err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, boothBody{Code: b.Code, Zone: b.Zone, Kind: b.Kind, X: b.X, Y: b.Y, W: b.W, H: b.H, Price: PriceOf(f, b), Status: StatusOf(b, false)})
}

// saveChecked stores b, the booth that was before, unless it moved or grew onto another booth. A
// booth that keeps its place is not checked, so a plan stored before the rule stays editable. The
// booth is held from assignments while it is written (HoldForEdit).
func (rt *Routes) saveChecked(ctx context.Context, before, b Booth) error {
	rt.layout.Lock()
	defer rt.layout.Unlock()
	if b.X != before.X || b.Y != before.Y || b.W != before.W || b.H != before.H {
		if err := rt.checkLayout(ctx, b.FairID, []Booth{b}, func(int) string { return "position" }); err != nil {
			return err
		}
	}
	return rt.whileHeld(ctx, before, func(ctx context.Context) error { return rt.Booths.SaveBooth(ctx, b) })
}

// deleteChecked removes booth b from its plan, held from assignments while it is (HoldForEdit).
func (rt *Routes) deleteChecked(ctx context.Context, b Booth) error {
	rt.layout.Lock()
	defer rt.layout.Unlock()
	return rt.whileHeld(ctx, b, func(ctx context.Context) error { return rt.Booths.DeleteBooth(ctx, b.FairID, b.Code) })
}

// whileHeld runs write, an edit of booth b as it was read, while the booth is held from
// assignments (HoldForEdit), on a context of its own (editWriteTimeout). A booth another edit
// changed since it was read is not written over (409 booth_changed_meanwhile: two organisers'
// edits of one booth do not undo each other). A write whose outcome is unsure (an error other
// than the database's own refusal) keeps the hold until it lapses: the write may still land, and
// no assignment must read the booth before it does.
func (rt *Routes) whileHeld(ctx context.Context, b Booth, write func(context.Context) error) error {
	done, err := rt.Booths.HoldForEdit(ctx, b.FairID, b.Code)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), editWriteTimeout)
	defer cancel()
	now, err := rt.Booths.Booth(wctx, b.FairID, b.Code)
	switch {
	case err != nil:
	case now != b:
		err = apperr.New(apperr.Conflict, MsgChangedMeanwhile, b.Code)
	default:
		err = write(wctx)
	}
	if err == nil || apperr.Is(err, apperr.NotFound) || apperr.Is(err, apperr.Conflict) || apperr.Is(err, apperr.Invalid) {
		done()
	}
	return err
}

func (rt *Routes) deleteBooth(c *gin.Context) {
	f, ok := rt.Access.Managed(c)
	if !ok {
		return
	}
	b, ok := rt.editableBooth(c, f)
	if !ok {
		return
	}
	if err := rt.deleteChecked(c.Request.Context(), b); err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
