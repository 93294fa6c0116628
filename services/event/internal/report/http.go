package report

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/sheet"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

type exhibitorRow struct {
	ApplicationID string   `json:"application_id"`
	ProducerID    string   `json:"producer_id"`
	ProducerName  string   `json:"producer_name"`
	Province      string   `json:"province_code"`
	Zone          string   `json:"zone"`
	Booths        []string `json:"booths"`
	Products      []string `json:"products"`
	CriteriaSets  []int    `json:"criteria_sets"`
	Stars         int      `json:"stars"`
	PotentialFive bool     `json:"potential_five_star"`
}

// Routes serves the organisers' reports on a fair: the summary and the exhibitor list.
type Routes struct {
	Access     fair.Access
	Booths     *booth.Store
	Applicants *applicants.Store
	// Scans holds the counted views of verification pages; nil leaves them out of the report.
	Scans *ScanStore
	// Attendance holds the meetings attended; nil leaves them out of the report.
	Attendance *AttendanceStore
	Now        func() time.Time
}

// Register adds the report routes to api.
func (rt *Routes) Register(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:id/report", Tag: "reports", Roles: fair.OrganiserRoles,
		Summary:  "Booths by status and zone, exhibitors by province, star and sector, the subsidy total, B2B meeting outcomes and QR scans (views of the exhibitors' product verification pages).",
		Response: Report{}}, rt.getReport)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:id/exhibitors", Tag: "reports", Roles: fair.OrganiserRoles,
		Summary: "The exhibitor list with booths and products, as JSON, CSV or XLSX (CSV and XLSX headers in the language of Accept-Language).", Response: []exhibitorRow{},
		Query: []openapi.Param{{Name: "format", Description: "json (default), csv or xlsx", Enum: []string{"json", "csv", "xlsx"}}},
		Files: []string{"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}, rt.getExhibitors)
}

func (rt *Routes) getReport(c *gin.Context) {
	in, ok := rt.managedInput(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, Build(in))
}

func (rt *Routes) getExhibitors(c *gin.Context) {
	in, ok := rt.managedInput(c)
	if !ok {
		return
	}
	if format := c.DefaultQuery("format", "json"); format != "json" {
		sheet.Send(c, ExhibitorTable(in, httpx.Lang(c)), format, sheet.FileName("danh-sach-don-vi", in.Fair.NameVI, in.Fair.ID))
		return
	}
	rows := []exhibitorRow{}
	for _, ex := range Exhibitors(in) {
		a := ex.Application
		r := exhibitorRow{ApplicationID: a.ID, ProducerID: a.ProducerID, ProducerName: a.ProducerName, Province: a.Province,
			Zone: ex.Booths[0].Zone, Booths: []string{}, Products: []string{}, CriteriaSets: a.CriteriaSets()}
		for _, b := range ex.Booths {
			r.Booths = append(r.Booths, b.Code)
		}
		for _, p := range a.Products {
			r.Products = append(r.Products, p.Name)
		}
		best := a.Best()
		r.Stars, r.PotentialFive = best.Stars, best.PotentialFive
		rows = append(rows, r)
	}
	c.JSON(http.StatusOK, rows)
}

// managedInput reads what the reports on the fair of c's :id are computed from, once Access has
// found the caller organises it. It has answered the request when it returns false.
func (rt *Routes) managedInput(c *gin.Context) (Input, bool) {
	f, ok := rt.Access.Managed(c)
	if !ok {
		return Input{}, false
	}
	in, err := rt.input(c.Request.Context(), f)
	if err != nil {
		httpx.RespondError(c, err)
		return Input{}, false
	}
	return in, true
}

// input reads what f's reports are computed from.
func (rt *Routes) input(ctx context.Context, f fair.Fair) (Input, error) {
	in := Input{Fair: f, Now: rt.Now()}
	var err error
	if in.Booths, err = rt.Booths.Booths(ctx, f.ID); err != nil {
		return in, err
	}
	if in.Assignments, err = rt.Booths.ActiveForFair(ctx, f.ID); err != nil {
		return in, err
	}
	if in.Applications, err = rt.Applicants.ForFair(ctx, f.ID); err != nil {
		return in, err
	}
	if in.Outcomes, err = rt.Applicants.Outcomes(ctx, f.ID); err != nil {
		return in, err
	}
	if rt.Attendance != nil {
		if in.Attended, err = rt.Attendance.Count(ctx, f.ID); err != nil {
			return in, err
		}
	}
	if rt.Scans == nil {
		return in, nil
	}
	in.Scans, err = rt.Scans.ForFair(ctx, f.ID)
	return in, err
}
