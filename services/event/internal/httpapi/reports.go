package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/services/event/internal/report"
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

func (s *Server) mountReports(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:id/report", Tag: "reports", Roles: organisers,
		Summary:  "Booths by status and zone, exhibitors by province, star and sector, the subsidy total and B2B meeting outcomes.",
		Response: report.Report{}}, s.getReport)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:id/exhibitors", Tag: "reports", Roles: organisers,
		Summary: "The exhibitor list with booths and products, as JSON, CSV or XLSX (Vietnamese headers).", Response: []exhibitorRow{},
		Query: []openapi.Param{{Name: "format", Description: "json (default), csv or xlsx"}}}, s.getExhibitors)
}

func (s *Server) getReport(c *gin.Context) {
	f, ok := s.manageFair(c)
	if !ok {
		return
	}
	in, err := s.reportInput(c, f)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, report.Build(in))
}

func (s *Server) getExhibitors(c *gin.Context) {
	f, ok := s.manageFair(c)
	if !ok {
		return
	}
	in, err := s.reportInput(c, f)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if format := c.DefaultQuery("format", "json"); format != "json" {
		download(c, report.ExhibitorTable(in), format, "danh-sach-don-vi-"+f.ID)
		return
	}
	rows := []exhibitorRow{}
	for _, ex := range report.Exhibitors(in) {
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
