package meeting

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/printout"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// The words of the agenda on paper.
var (
	msgPDFTitle      = apperr.M("agenda_pdf.title", "Lịch gặp B2B", "B2B agenda")
	msgPDFOf         = apperr.M("agenda_pdf.of", "Lịch gặp của %s", "Agenda of %s")
	msgPDFDay        = apperr.M("agenda_pdf.day", "Ngày %s", "%s")
	msgPDFTime       = apperr.M("agenda_pdf.time", "Giờ", "Time")
	msgPDFTable      = apperr.M("agenda_pdf.table", "Bàn", "Table")
	msgPDFWith       = apperr.M("agenda_pdf.with", "Gặp với", "With")
	msgPDFState      = apperr.M("agenda_pdf.state", "Tình trạng", "State")
	msgPDFBooths     = apperr.M("agenda_pdf.booths", "Gian hàng %s", "Booth %s")
	msgPDFLunch      = apperr.M("agenda_pdf.lunch", "Nghỉ trưa", "Lunch break")
	msgPDFFree       = apperr.M("agenda_pdf.free", "Trống", "Free")
	msgPDFAttended   = apperr.M("agenda_pdf.attended", "Đã tham dự", "Attended")
	msgPDFNone       = apperr.M("agenda_pdf.none", "Chưa có cuộc gặp nào được xếp lịch.", "No meeting is scheduled yet.")
	msgPDFPrintedAt  = apperr.M("agenda_pdf.printed_at", "In lúc %s, theo lịch phiên bản %d. Lịch có thể thay đổi: xem bản mới nhất trên trang Lịch gặp.", "Printed at %s, schedule version %d. The schedule may change: see the latest on the Agenda page.")
	msgPDFBuyerSide  = apperr.M("agenda_pdf.buyer", "Bên mua", "Buyer")
	msgPDFSellerSide = apperr.M("agenda_pdf.producer", "Chủ thể OCOP", "Producer")
)

// outcomeNames are the outcomes as the agenda prints them.
var outcomeNames = map[string]apperr.Msg{
	"no_interest":      apperr.M("agenda_pdf.outcome.no_interest", "Không quan tâm", "No interest"),
	"negotiating":      apperr.M("agenda_pdf.outcome.negotiating", "Đang đàm phán", "Negotiating"),
	"sample_requested": apperr.M("agenda_pdf.outcome.sample_requested", "Yêu cầu mẫu", "Sample requested"),
	"mou_signed":       apperr.M("agenda_pdf.outcome.mou_signed", "Ký biên bản ghi nhớ", "MoU signed"),
	"contract_signed":  apperr.M("agenda_pdf.outcome.contract_signed", "Ký hợp đồng", "Contract signed"),
}

// registerAgendaPDF registers the participant's agenda as a PDF.
func (rt *Routes) registerAgendaPDF(api httpx.API, sides []string) {
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/agenda.pdf", Tag: "scheduling", Roles: sides,
		Summary: "The signed-in buyer's or producer's agenda at the fair as an A4 PDF to print, one section per B2B day: each meeting's time, table, the other party (a producer with its booths) and its state, the free gaps between meetings and the lunch break, in the language of Accept-Language. A buyer without a profile gets 409.",
		Query:   []openapi.Param{{Name: "participant", Description: "the caller's own buyer or producer ID (anyone else's is refused with 403)"}},
		Files:   []string{"application/pdf"}, Errors: []int{http.StatusConflict}}, rt.agendaPDF)
}

func (rt *Routes) agendaPDF(c *gin.Context) {
	ctx := c.Request.Context()
	fairID := c.Param("fairId")
	p, _ := httpx.PrincipalFrom(c)
	f, ok := rt.seenFair(c, p)
	if !ok {
		return
	}
	who, err := rt.participant(ctx, p)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if q := c.Query("participant"); q != "" && q != who {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgAgendaOwnOnly))
		return
	}
	var a agendaResponse
	if rt.Agendas != nil {
		a = rt.agendaFromModel(fairID, who, false, agendaLang)
	} else if a, err = rt.agendaFromDatabase(ctx, fairID, who, false, agendaLang); err != nil {
		httpx.RespondError(c, err)
		return
	}
	name, err := rt.participantName(ctx, who)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	lang := httpx.Lang(c)
	var buf bytes.Buffer
	if err := renderAgenda(&buf, printedAgenda{Fair: f.Name, Who: who, Name: name, Agenda: a, Lang: lang, Now: rt.now()}); err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="lich-gap-b2b.pdf"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

// participantName is a buyer's or producer's name, "" when it is not known.
func (rt *Routes) participantName(ctx context.Context, who string) (string, error) {
	if p, ok := rt.Index.ProducerByID(who); ok {
		return p.Name, nil
	}
	if rt.Agendas != nil {
		return rt.Agendas.BuyerName(who), nil
	}
	b, err := rt.Buyers.Buyer(ctx, who)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return "", err
	}
	return b.Name, nil
}

// printedAgenda is what the PDF shows: participant Who (named Name) at fair Fair.
type printedAgenda struct {
	Fair, Who, Name string
	Agenda          agendaResponse
	Lang            apperr.Lang
	Now             time.Time
}

// agendaRow is one line of a day: a meeting, the lunch break or a free gap.
type agendaRow struct {
	Kind       string // "meeting", "lunch" or "free"
	Start, End time.Time
	Meeting    response
}

// dayRows puts a day's meetings and lunch break in time order, with a free row wherever time
// passes between the end of one and the start of the next.
func dayRows(day string, a agendaResponse) []agendaRow {
	var rows []agendaRow
	for _, m := range a.Meetings {
		if m.Day != day {
			continue
		}
		s, err1 := time.Parse(time.RFC3339, m.Starts)
		e, err2 := time.Parse(time.RFC3339, m.Ends)
		if err1 == nil && err2 == nil {
			rows = append(rows, agendaRow{Kind: "meeting", Start: s, End: e, Meeting: m})
		}
	}
	for _, l := range a.LunchBreaks {
		s, err1 := time.Parse(time.RFC3339, l.Starts)
		e, err2 := time.Parse(time.RFC3339, l.Ends)
		if l.Day == day && err1 == nil && err2 == nil {
			rows = append(rows, agendaRow{Kind: "lunch", Start: s, End: e})
		}
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && rows[j].Start.Before(rows[j-1].Start); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
	var out []agendaRow
	for i, r := range rows {
		if i > 0 && rows[i-1].End.Before(r.Start) {
			out = append(out, agendaRow{Kind: "free", Start: rows[i-1].End, End: r.Start})
		}
		out = append(out, r)
	}
	return out
}

// A4 portrait, in millimetres: the margin and the columns of a day's table.
const (
	pageW, pageH = 210.0, 297.0
	pageMargin   = 15.0
	colTime      = 30.0
	colTable     = 16.0
	colState     = 42.0
	rowLine      = 5.0
)

// renderAgenda writes the agenda as an A4 PDF, each B2B day with a meeting on a page of its own.
func renderAgenda(w io.Writer, pa printedAgenda) error {
	pdf := printout.New("P", "A4")
	pdf.SetTitle(msgPDFTitle.In(pa.Lang)+" – "+pa.Fair, true)
	pdf.SetMargins(pageMargin, pageMargin, pageMargin)
	var days []string
	for _, m := range pa.Agenda.Meetings {
		if len(days) == 0 || days[len(days)-1] != m.Day {
			days = append(days, m.Day)
		}
	}
	if len(days) == 0 {
		header(pdf, pa)
		pdf.SetFont(printout.Font, "", 11)
		pdf.CellFormat(0, 8, msgPDFNone.In(pa.Lang), "", 1, "L", false, 0, "")
	}
	for _, day := range days {
		header(pdf, pa)
		pdf.SetFont(printout.Font, "B", 13)
		pdf.CellFormat(0, 8, msgPDFDay.With(dayName(day)).In(pa.Lang), "", 1, "L", false, 0, "")
		tableHead(pdf, pa.Lang)
		for _, r := range dayRows(day, pa.Agenda) {
			row(pdf, pa, r)
		}
	}
	pdf.SetFont(printout.Font, "", 8)
	pdf.SetTextColor(90, 90, 90)
	pdf.Ln(4)
	pdf.MultiCell(0, 4, msgPDFPrintedAt.With(pa.Now.In(vntext.Zone).Format("15:04 02/01/2006"), pa.Agenda.Version).In(pa.Lang), "", "L", false)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("print the agenda: %w", err)
	}
	return pdf.Output(w)
}

// dayName is a date as Vietnamese write it (31/12/2026).
func dayName(day string) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return d.Format("02/01/2006")
}

// header starts a page with the fair and whose agenda it is.
func header(pdf *printout.Doc, pa printedAgenda) {
	pdf.AddPage()
	pdf.SetFillColor(0, 122, 61) // OCOP green
	pdf.Rect(0, 0, pageW, 8, "F")
	pdf.SetXY(pageMargin, pageMargin)
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont(printout.Font, "B", 16)
	pdf.MultiCell(0, 7, msgPDFTitle.In(pa.Lang)+" – "+pa.Fair, "", "L", false)
	pdf.SetFont(printout.Font, "", 11)
	if pa.Name != "" {
		pdf.CellFormat(0, 6, msgPDFOf.With(pa.Name).In(pa.Lang), "", 1, "L", false, 0, "")
	}
	pdf.Ln(3)
}

// tableHead draws the names of the columns.
func tableHead(pdf *printout.Doc, lang apperr.Lang) {
	pdf.SetFont(printout.Font, "B", 10)
	pdf.SetFillColor(232, 242, 236)
	with := pageW - 2*pageMargin - colTime - colTable - colState
	pdf.CellFormat(colTime, 7, msgPDFTime.In(lang), "B", 0, "L", true, 0, "")
	pdf.CellFormat(colTable, 7, msgPDFTable.In(lang), "B", 0, "L", true, 0, "")
	pdf.CellFormat(with, 7, msgPDFWith.In(lang), "B", 0, "L", true, 0, "")
	pdf.CellFormat(colState, 7, msgPDFState.In(lang), "B", 1, "L", true, 0, "")
}

// row draws one line of a day, on a new page (with the columns' names again) when it would not
// fit on this one.
func row(pdf *printout.Doc, pa printedAgenda, r agendaRow) {
	lang := pa.Lang
	when := r.Start.In(vntext.Zone).Format("15:04") + " – " + r.End.In(vntext.Zone).Format("15:04")
	with := pageW - 2*pageMargin - colTime - colTable - colState
	var table, state string
	var lines []string
	pdf.SetFont(printout.Font, "", 10)
	switch r.Kind {
	case "meeting":
		m := r.Meeting
		table = fmt.Sprint(m.Table)
		other, side := m.ProducerName, msgPDFSellerSide.In(lang)
		if pa.Who == m.ProducerID {
			other, side = m.BuyerName, msgPDFBuyerSide.In(lang)
		}
		lines = pdf.SplitText(other, with-2)
		detail := side
		if pa.Who != m.ProducerID && len(m.Booths) > 0 {
			detail += " · " + msgPDFBooths.With(strings.Join(m.Booths, ", ")).In(lang)
		}
		lines = append(lines, detail)
		var states []string
		if m.Attended {
			states = append(states, msgPDFAttended.In(lang))
		}
		if o, ok := outcomeNames[m.Outcome]; ok {
			states = append(states, o.In(lang))
		}
		state = strings.Join(states, "\n")
	case "lunch":
		lines = []string{msgPDFLunch.In(lang)}
	default:
		lines = []string{msgPDFFree.In(lang)}
	}
	stateLines := pdf.SplitText(state, colState-2)
	h := float64(max(len(lines), len(stateLines), 1))*rowLine + 2
	if pdf.GetY()+h > pageH-pageMargin {
		header(pdf, pa)
		tableHead(pdf, lang)
		pdf.SetFont(printout.Font, "", 10)
	}
	x, y := pdf.GetX(), pdf.GetY()
	if r.Kind != "meeting" {
		pdf.SetFillColor(245, 245, 245)
		pdf.Rect(x, y, pageW-2*pageMargin, h, "F")
		pdf.SetTextColor(90, 90, 90)
	}
	pdf.SetXY(x, y+1)
	pdf.CellFormat(colTime, rowLine, when, "", 0, "L", false, 0, "")
	pdf.CellFormat(colTable, rowLine, table, "", 0, "L", false, 0, "")
	for i, l := range lines {
		pdf.SetXY(x+colTime+colTable, y+1+float64(i)*rowLine)
		if r.Kind == "meeting" && i == len(lines)-1 {
			pdf.SetFont(printout.Font, "", 8.5)
			pdf.SetTextColor(90, 90, 90)
		} else if r.Kind == "meeting" {
			pdf.SetFont(printout.Font, "B", 10)
		}
		pdf.CellFormat(with, rowLine, l, "", 0, "L", false, 0, "")
		pdf.SetFont(printout.Font, "", 10)
		if r.Kind == "meeting" {
			pdf.SetTextColor(0, 0, 0)
		}
	}
	for i, l := range stateLines {
		pdf.SetXY(x+colTime+colTable+with, y+1+float64(i)*rowLine)
		pdf.CellFormat(colState, rowLine, l, "", 0, "L", false, 0, "")
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.SetDrawColor(210, 210, 210)
	pdf.Line(x, y+h, pageW-pageMargin, y+h)
	pdf.SetXY(x, y+h)
}
